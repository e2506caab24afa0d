"""Safe extraction of `.tar.gz` inputs into a private temporary directory.

Members with absolute paths, `..` components, links, devices or FIFOs are refused (and reported);
sizes and member counts are bounded. Nothing is ever written outside the private directory, which is
removed when the context manager exits.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

#: Upper bounds for one archive: enough for a 150k-pod snapshot, small enough to stop a tar bomb.
MAX_MEMBERS = 200_000
MAX_TOTAL_BYTES = 16 * 1024**3


def is_archive(path: Path) -> bool:
    name = path.name.lower()
    return path.is_file() and (name.endswith((".tar.gz", ".tgz", ".tar")))


@contextlib.contextmanager
def extracted(path: Path, problems: list[tuple[str, str]]) -> Iterator[Path]:
    """Extract `path` into a fresh private directory; yields its root. Problems are (member, why)."""
    root = Path(tempfile.mkdtemp(prefix="firstdomino-"))
    os.chmod(root, 0o700)
    try:
        _extract(path, root, problems)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _extract(path: Path, root: Path, problems: list[tuple[str, str]]) -> None:
    total = 0
    count = 0
    try:
        archive = tarfile.open(path, mode="r:*")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ValueError(f"cannot open archive: {error}") from error
    with archive:
        try:
            for member in archive:
                count += 1
                if count > MAX_MEMBERS:
                    problems.append((member.name, f"archive has more than {MAX_MEMBERS} members: rest ignored"))
                    break
                why = _refuse(member)
                if why:
                    problems.append((member.name, why))
                    continue
                if member.isdir():
                    continue
                total += member.size
                if total > MAX_TOTAL_BYTES:
                    problems.append((member.name, "archive expands past the size limit: rest ignored"))
                    break
                target = root.joinpath(*PurePosixPath(member.name).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                if source is None:
                    continue
                with source, open(target, "wb") as sink:
                    shutil.copyfileobj(source, sink, 1024 * 1024)
        except (tarfile.TarError, OSError, EOFError, zlib_error()) as error:
            problems.append((path.name, f"archive is truncated or corrupt: {error}"))


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def _refuse(member: tarfile.TarInfo) -> str | None:
    name = member.name
    parts = PurePosixPath(name).parts
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "absolute path in archive: not extracted"
    if ".." in parts:
        return "path escapes the archive ('..'): not extracted"
    if member.issym() or member.islnk():
        return "link in archive: not extracted"
    if not (member.isfile() or member.isdir()):
        return "special file in archive: not extracted"
    return None
