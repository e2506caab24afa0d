"""One module per lint rule; each module's docstring is that rule's documentation."""
