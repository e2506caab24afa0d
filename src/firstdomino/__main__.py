"""`python -m firstdomino`."""

from firstdomino.cli import main

main()
