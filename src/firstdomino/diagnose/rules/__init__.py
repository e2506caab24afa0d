"""One module per rule; each module's docstring is that rule's documentation (`firstdomino explain ID`)."""
