"""Safe extraction of `.tar.gz`, `.tar` and `.zip` inputs into a private temporary directory.

Members with absolute paths, `..` components, devices or FIFOs are refused (and reported); sizes and
member counts are bounded. Nothing is ever written outside the private directory, which is removed when
the context manager exits, and no link is ever created on disk.

A tar link (symbolic or hard) whose target resolves to a regular file *inside* the archive is
materialised as a copy of that file's bytes (troubleshoot.sh bundles link `all-logs/` and
`static-*.log` to the logs under `cluster-resources/`). Links that point outside the archive, at a
directory, at nothing, or round in a loop are refused and reported. Zip members that are symbolic links
are always refused: a zip link's target is member *data*, and cilium sysdumps have none.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import stat
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO

#: Upper bounds for one archive: enough for a 150k-pod snapshot, small enough to stop a tar bomb.
MAX_MEMBERS = 200_000
MAX_TOTAL_BYTES = 16 * 1024**3
#: How many links a link may go through before its target is reached (the kernel's own limit is 40).
MAX_LINK_HOPS = 40

_CHUNK = 1024 * 1024


def is_archive(path: Path) -> bool:
    name = path.name.lower()
    return path.is_file() and (name.endswith((".tar.gz", ".tgz", ".tar", ".zip")))


@contextlib.contextmanager
def extracted(path: Path, problems: list[tuple[str, str]]) -> Iterator[Path]:
    """Extract `path` into a fresh private directory; yields its root. Problems are (member, why)."""
    root = Path(tempfile.mkdtemp(prefix="firstdomino-"))
    os.chmod(root, 0o700)
    try:
        if path.name.lower().endswith(".zip"):
            _extract_zip(path, root, problems)
        else:
            _extract(path, root, problems)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


class _Budget:
    """Bytes written so far against MAX_TOTAL_BYTES."""

    def __init__(self) -> None:
        self.total = 0

    def take(self, size: int) -> bool:
        self.total += size
        return self.total <= MAX_TOTAL_BYTES


def _extract(path: Path, root: Path, problems: list[tuple[str, str]]) -> None:
    budget = _Budget()
    count = 0
    links: dict[str, tarfile.TarInfo] = {}  # normalised member name -> link member, materialised last
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
                why = _refuse(member.name) or _refuse_type(member)
                if why:
                    problems.append((member.name, why))
                    continue
                if member.issym() or member.islnk():
                    links[_normal(member.name)] = member
                    continue
                if member.isdir():
                    continue
                if not budget.take(member.size):
                    problems.append((member.name, "archive expands past the size limit: rest ignored"))
                    break
                source = archive.extractfile(member)
                if source is None:
                    continue
                target = _target(root, member.name)
                with source, open(target, "wb") as sink:
                    shutil.copyfileobj(source, sink, _CHUNK)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
            problems.append((path.name, f"archive is truncated or corrupt: {error}"))
    _materialise_links(root, links, budget, problems)


def _normal(name: str) -> str:
    """A member name as a clean relative POSIX path (`./a//b/` -> `a/b`), as `_target` places it."""
    return PurePosixPath(name).as_posix()


def _target(root: Path, name: str) -> Path:
    target = root.joinpath(*PurePosixPath(name).parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _link_target(member: tarfile.TarInfo) -> str | None:
    """The archive path a link points at, or None when it leaves the archive. Symbolic links are
    relative to their own directory; hard links name a member from the archive's root."""
    linkname = member.linkname
    if not linkname or linkname.startswith(("/", "\\")) or (len(linkname) > 1 and linkname[1] == ":"):
        return None
    base = posixpath.dirname(_normal(member.name)) if member.issym() else ""
    resolved = posixpath.normpath(posixpath.join(base, linkname))
    if resolved == ".." or resolved.startswith("../") or resolved.startswith("/"):
        return None
    return resolved


def _materialise_links(
    root: Path, links: dict[str, tarfile.TarInfo], budget: _Budget, problems: list[tuple[str, str]]
) -> None:
    """Write each inside-pointing link as a copy of its final target; report every other link."""
    real_root = os.path.realpath(root)
    for name, member in sorted(links.items()):
        target, why = _resolve(name, links)
        if target is None:
            problems.append((member.name, why))
            continue
        source = root.joinpath(*PurePosixPath(target).parts)
        try:
            info = os.lstat(source)
        except OSError:
            problems.append((member.name, f"link target {target} is not in the archive: not extracted"))
            continue
        if not stat.S_ISREG(info.st_mode) or not os.path.realpath(source).startswith(real_root + os.sep):
            problems.append((member.name, f"link target {target} is not a regular file: not extracted"))
            continue
        if not budget.take(info.st_size):
            problems.append((member.name, "archive expands past the size limit: rest ignored"))
            return
        try:
            destination = _target(root, name)
            if destination.is_symlink() or destination.is_dir():
                problems.append((member.name, "link would replace a directory: not extracted"))
                continue
            shutil.copyfile(source, destination, follow_symlinks=False)
        except OSError as error:
            problems.append((member.name, f"link could not be materialised: {error.strerror or error}"))


def _resolve(name: str, links: dict[str, tarfile.TarInfo]) -> tuple[str | None, str]:
    """Follow a chain of links to a name that is not itself a link. (None, why) when it cannot be."""
    seen = {name}
    current = links[name]
    for _ in range(MAX_LINK_HOPS):
        target = _link_target(current)
        if target is None:
            return None, f"link points outside the archive ({current.linkname}): not extracted"
        if target not in links:
            return target, ""
        if target in seen:
            return None, "link loop in archive: not extracted"
        seen.add(target)
        current = links[target]
    return None, f"link chain longer than {MAX_LINK_HOPS} hops: not extracted"


def _refuse(name: str) -> str | None:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "absolute path in archive: not extracted"
    if ".." in parts:
        return "path escapes the archive ('..'): not extracted"
    return None


def _refuse_type(member: tarfile.TarInfo) -> str | None:
    if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
        return "special file in archive: not extracted"
    return None


# --------------------------------------------------------------------------- zip (cilium sysdump)
def _extract_zip(path: Path, root: Path, problems: list[tuple[str, str]]) -> None:
    budget = _Budget()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise ValueError(f"cannot open archive: {error}") from error
    with archive:
        try:
            members = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise ValueError(f"cannot read the zip directory: {error}") from error
        for count, member in enumerate(members, start=1):
            if count > MAX_MEMBERS:
                problems.append((member.filename, f"archive has more than {MAX_MEMBERS} members: rest ignored"))
                break
            why = _refuse(member.filename) or _refuse_zip_type(member)
            if why:
                problems.append((member.filename, why))
                continue
            if member.is_dir():
                continue
            if not budget.take(member.file_size):
                problems.append((member.filename, "archive expands past the size limit: rest ignored"))
                break
            try:
                with archive.open(member) as source, open(_target(root, member.filename), "wb") as sink:
                    _copy_bounded(source, sink, member.file_size)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError) as error:
                problems.append((member.filename, f"zip member is corrupt or unsupported: {error}"))


def _refuse_zip_type(member: zipfile.ZipInfo) -> str | None:
    mode = member.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "link in archive: not extracted"
    if mode and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return "special file in archive: not extracted"
    if member.flag_bits & 0x1:
        return "encrypted zip member: not extracted"
    return None


def _copy_bounded(source: IO[bytes], sink: IO[bytes], limit: int) -> None:
    """Copy at most `limit` bytes (the size the zip directory declares); more is a lie, and refused."""
    written = 0
    while True:
        chunk = source.read(_CHUNK)
        if not chunk:
            return
        written += len(chunk)
        if written > limit:
            raise ValueError("member expands past its declared size")
        sink.write(chunk)
