"""The exception tree of firstdomino (shared by every layer; it imports nothing).

Library code raises these; only the CLI maps them to exit codes (see DESIGN.md "Exit codes").
"""

from __future__ import annotations


class FirstDominoError(Exception):
    """Base of every error firstdomino raises on purpose. The message says how to fix it."""


class InputError(FirstDominoError):
    """The input cannot be used at all (exit code 2)."""


class UsageError(FirstDominoError):
    """The command line is wrong (exit code 2)."""


class ClusterUnreachable(FirstDominoError):
    """The cluster could not be reached or refused our credentials (exit code 3)."""
