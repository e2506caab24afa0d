"""A git revision of a repository as a directory: `git archive REV` unpacked (safely, see `archive`) into a
private temporary directory that is removed afterwards. Used by `lint --rev`."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from firstdomino.errors import InputError
from firstdomino.sources.archive import extracted

#: A revision export that takes longer than this is abandoned (a huge repository or a hung git).
GIT_TIMEOUT_S = 120


@contextlib.contextmanager
def revision(path: str | Path, rev: str) -> Iterator[Path]:
    """Yield a directory holding the tree of `rev` of the git repository at `path`."""
    if rev.startswith("-") or "\0" in rev:  # an option for git, or a NUL no argument can carry
        raise InputError(f"--rev {rev!r}: not a revision")
    with tempfile.TemporaryDirectory(prefix="firstdomino-rev-") as tmp:
        archive = Path(tmp) / "tree.tar"
        try:
            with open(archive, "wb") as sink:
                subprocess.run(
                    ["git", "-C", str(path), "archive", "--format=tar", rev],
                    stdout=sink,
                    stderr=subprocess.PIPE,
                    check=True,
                    timeout=GIT_TIMEOUT_S,
                )
        except FileNotFoundError as error:
            raise InputError("git is not installed: --rev needs it") from error
        except subprocess.CalledProcessError as error:
            message = error.stderr.decode(errors="replace").strip().splitlines()
            raise InputError(f"{path}: cannot read revision {rev!r}: {message[-1] if message else error}") from error
        except subprocess.TimeoutExpired as error:
            raise InputError(f"{path}: git archive {rev} took longer than {GIT_TIMEOUT_S} s") from error
        problems: list[tuple[str, str]] = []
        with extracted(archive, problems) as tree:
            yield tree
