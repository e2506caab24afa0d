"""The shell's input side: every read of files, archives, the API server, git or subprocesses.

`sources` turns what it reads into `model` objects (a `Snapshot`) and imports nothing but `model`.
"""

from firstdomino.sources.load import load_snapshot
from firstdomino.sources.repo import load_config, load_repository

__all__ = ["load_config", "load_repository", "load_snapshot"]
