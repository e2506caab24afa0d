"""Read a snapshot from disk: the snapshot directory format of DESIGN.md, a `kubectl cluster-info dump
--output-directory` tree, Sonobuoy-style bare arrays, a troubleshoot.sh support bundle, a cilium sysdump
(the last two in `bundle.py`), or any of these as a `.tar.gz` (a sysdump as its `.zip`).

Every unreadable file becomes an `input/unparseable` problem with `path:line`; the run goes on with the
rest. `InputError` (exit 2) is raised only when nothing usable remains.
"""

from __future__ import annotations

import contextlib
import gc
import json
import mmap
import os
import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

from firstdomino.errors import InputError
from firstdomino.model.decode import Decoded, decode_json, decode_yaml, looks_binary
from firstdomino.model.kinds import VIEWS
from firstdomino.model.snapshot import Snapshot, SnapshotBuilder
from firstdomino.model.timeutil import parse_time
from firstdomino.sources.archive import extracted, is_archive
from firstdomino.sources.bundle import is_sysdump, is_troubleshoot_bundle, load_sysdump, load_troubleshoot

#: A single input file larger than this is not read (bounded memory on hostile input).
MAX_FILE_BYTES = 2 * 1024**3
#: Only the tail of a log is kept: rules read the last lines, and logs can be huge.
MAX_LOG_BYTES = 512 * 1024

_OBJECT_SUFFIXES = (".yaml", ".yml", ".json")
_CLUSTER_INFO_FILES = {
    "events.json": "Event",
    "replication-controllers.json": "ReplicationController",
    "services.json": "Service",
    "daemonsets.json": "DaemonSet",
    "deployments.json": "Deployment",
    "replicasets.json": "ReplicaSet",
    "pods.json": "Pod",
    "nodes.json": "Node",
}
_LOG_MARK = re.compile(r"^==== (START|END) logs for container (\S+) of pod (\S+)/(\S+) ====$", re.M)

# plural and file-name spellings -> kind, for files whose items carry no kind
_KIND_BY_NAME: dict[str, str] = {}
for _group, _kind in VIEWS:
    low = _kind.lower()
    plural = low + ("es" if low.endswith(("s", "ch")) else "s")
    if low.endswith("y") and not low.endswith(("ey", "ay")):
        plural = low[:-1] + "ies"
    for spelling in (low, plural):
        _KIND_BY_NAME.setdefault(spelling, _kind)
_KIND_BY_NAME.update({"endpoints": "Endpoints", "replication-controllers": "ReplicationController"})


def kind_from_filename(path: Path) -> str:
    """`Pods.json`, `pods.yaml`, `endpointslices.json` -> the kind, or "" when unknown."""
    stem = path.name.split(".")[0].lower().replace("_", "").replace(" ", "")
    return _KIND_BY_NAME.get(stem, "")


def load_snapshot(path: str | os.PathLike[str]) -> Snapshot:
    """Load a snapshot from a directory or an archive. Raises InputError when nothing is usable."""
    root = Path(path)
    if not root.exists():
        raise InputError(f"{root}: no such file or directory (give a snapshot directory or .tar.gz)")
    if is_archive(root):
        archive_problems: list[tuple[str, str]] = []
        try:
            with extracted(root, archive_problems) as tree:
                builder = SnapshotBuilder(str(root))
                for member, why in archive_problems:
                    builder.problem(f"{root.name}:{member}", None, why)
                _load_tree(_single_top_dir(tree), builder, display_root=root.name)
                return _finish(builder, root)
        except ValueError as error:
            raise InputError(f"{root}: {error}") from error
    if root.is_file():
        builder = SnapshotBuilder(str(root))
        _load_file(root, root.name, "", builder)
        return _finish(builder, root)
    builder = SnapshotBuilder(str(root))
    _load_tree(root, builder, display_root="")
    return _finish(builder, root)


def _single_top_dir(tree: Path) -> Path:
    entries = [p for p in tree.iterdir() if not p.name.startswith(".") and p.name != "__MACOSX"]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return tree


def _finish(builder: SnapshotBuilder, root: Path) -> Snapshot:
    if builder.object_count == 0:
        where = "; ".join(f"{p.path}{':' + str(p.line) if p.line else ''}: {p.message}" for p in builder.problems[:5])
        raise InputError(
            f"{root}: no Kubernetes objects could be read"
            + (f" ({where})" if where else "")
            + ". Give a snapshot directory (see `firstdomino diagnose --help`), a cluster-info dump or a .tar.gz."
        )
    return builder.build()


def _rel(path: Path, base: Path, display_root: str) -> str:
    rel = path.relative_to(base).as_posix()
    return f"{display_root}:{rel}" if display_root else rel


class _TreeReader:
    """The snapshot reader's file handling, as `bundle.FileReader` wants it."""

    def __init__(self, base: Path, builder: SnapshotBuilder, display_root: str) -> None:
        self.base = base
        self.builder = builder
        self.display_root = display_root

    def rel(self, path: Path) -> str:
        if path == self.base:
            return self.display_root or self.base.name
        return _rel(path, self.base, self.display_root)

    def objects(self, path: Path, hint: str, hint_from: str) -> None:
        _load_file(path, self.rel(path), hint, self.builder, hint_from)

    def log_tail(self, path: Path) -> str | None:
        return _read_log_tail(path, self.rel(path), self.builder)


@contextlib.contextmanager
def _bulk_load() -> Iterator[None]:
    """No cyclic garbage is made while loading, and GC passes cost 2-7x (libraries.md): collection is off
    during the load, and what was loaded is frozen out of later collections."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
    gc.freeze()


def _load_tree(base: Path, builder: SnapshotBuilder, display_root: str) -> None:
    layout = _detect_layout(base)
    if layout in ("troubleshoot", "sysdump"):
        reader = _TreeReader(base, builder, display_root)
        with _bulk_load():
            if layout == "troubleshoot":
                load_troubleshoot(base, reader)
            else:
                load_sysdump(base, reader)
        return
    meta = base / "meta.json"
    if meta.is_file():
        _read_meta(meta, _rel(meta, base, display_root), builder)
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames.sort()
        here = Path(dirpath)
        for dirname in dirnames:
            if (here / dirname).is_symlink():
                builder.problem(_rel(here / dirname, base, display_root), None, "symbolic link not followed")
        for filename in sorted(filenames):
            files.append(here / filename)
    with _bulk_load():
        for file in files:
            rel = _rel(file, base, display_root)
            if file.is_symlink():
                builder.problem(rel, None, "symbolic link not followed")
                continue
            parts = file.relative_to(base).parts
            if file.name == "meta.json" and len(parts) == 1:
                continue
            if parts[0] == "logs" and layout == "snapshot":
                _read_snapshot_log(file, parts, rel, builder)
            elif layout == "cluster-info" and file.name == "logs.txt" and len(parts) == 3:
                _read_cluster_info_log(file, rel, builder)
            elif file.name.lower().endswith(_OBJECT_SUFFIXES):
                hint = _CLUSTER_INFO_FILES.get(file.name, "") if layout == "cluster-info" else ""
                hint = hint or kind_from_filename(file) or kind_from_filename(file.parent)
                _load_file(file, rel, hint, builder)
    if layout == "cluster-info":
        _declare_cluster_info(builder)


def _detect_layout(base: Path) -> str:
    """snapshot | cluster-info | troubleshoot | sysdump, from the files at the top of the tree."""
    if (base / "meta.json").is_file():
        return "snapshot"
    if is_troubleshoot_bundle(base):
        return "troubleshoot"
    if is_sysdump(base):
        return "sysdump"
    if (base / "logs").is_dir():
        return "snapshot"
    if (base / "nodes.json").is_file() and any((d / "pods.json").is_file() for d in base.iterdir() if d.is_dir()):
        return "cluster-info"
    return "snapshot"


def _declare_cluster_info(builder: SnapshotBuilder) -> None:
    builder.declared_kinds.update(set(_CLUSTER_INFO_FILES.values()))
    builder.note("input is a `kubectl cluster-info dump`: only nodes, events, services, workloads and pods")
    for kind in (
        "EndpointSlice",
        "ConfigMap",
        "NetworkPolicy",
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
        "Lease",
        "Kustomization",
        "HelmRelease",
        "Application",
        "Certificate",
        "StatefulSet",
    ):
        if kind not in builder.kinds_present():
            builder.not_checked(kind, "not part of a `kubectl cluster-info dump`")


def _read_meta(path: Path, rel: str, builder: SnapshotBuilder) -> None:
    try:
        meta = json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        builder.problem(rel, getattr(error, "lineno", None), f"meta.json unreadable: {error}")
        return
    if not isinstance(meta, dict):
        builder.problem(rel, 1, "meta.json is not a JSON object")
        return
    captured = parse_time(meta.get("capturedAt")) if isinstance(meta.get("capturedAt"), str) else None
    if meta.get("capturedAt") is not None and captured is None:
        builder.problem(rel, None, f"capturedAt is not an RFC 3339 time: {meta.get('capturedAt')!r}")
    builder.captured_at = captured
    if isinstance(meta.get("context"), str):
        builder.context = meta["context"]
    kinds = meta.get("kinds")
    if isinstance(kinds, list):
        for entry in kinds:
            if isinstance(entry, str) and entry:
                builder.declared_kinds.add(entry.rsplit("/", 1)[-1])
    not_checked = meta.get("notChecked")
    if isinstance(not_checked, list):
        for entry in not_checked:
            if isinstance(entry, dict) and isinstance(entry.get("what"), str):
                builder.not_checked(entry["what"], str(entry.get("why", "")))


def _read_bytes(path: Path, rel: str, builder: SnapshotBuilder, limit: int) -> bytes | None:
    try:
        size = path.stat().st_size
        if size > limit:
            builder.problem(rel, None, f"file is {size:,} bytes, over the {limit:,}-byte limit: not read")
            return None
        with open(path, "rb") as handle:
            return handle.read(limit + 1)
    except OSError as error:
        builder.problem(rel, None, f"cannot read: {error.strerror or error}")
        return None


#: JSON files larger than this are decoded from a read-only memory map of the page cache (no copy).
MMAP_BYTES = 1024 * 1024


def _load_file(path: Path, rel: str, hint: str, builder: SnapshotBuilder, hint_from: str = "the file name") -> None:
    if path.name.lower().endswith(".json") and _load_mapped(path, rel, hint, builder, hint_from):
        return
    data = _read_bytes(path, rel, builder, MAX_FILE_BYTES)
    if data is None:
        return
    if not data.strip():
        return
    if looks_binary(data):
        builder.problem(rel, None, "binary file, not YAML or JSON")
        return
    first = data.lstrip()[:1]
    decoded: Decoded
    if path.name.lower().endswith(".json") or first in (b"{", b"["):
        decoded = decode_json(data, hint)
        if decoded.empty and decoded.problems and not path.name.lower().endswith(".json"):
            decoded = decode_yaml(data, hint)  # `{`-led YAML flow mappings
    else:
        decoded = decode_yaml(data, hint)
    _record(decoded, rel, hint, builder, hint_from)


def _load_mapped(path: Path, rel: str, hint: str, builder: SnapshotBuilder, hint_from: str) -> bool:
    """Decode a large JSON file straight from a memory map. False when the file is small or odd
    (then the ordinary path reads it and reports whatever is wrong)."""
    try:
        size = path.stat().st_size
        if size < MMAP_BYTES or size > MAX_FILE_BYTES:
            return False
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            head = mapped[:8192]
            if looks_binary(head) or head.lstrip()[:1] not in (b"{", b"["):
                return False
            decoded = decode_json(mapped, hint)
    except (OSError, ValueError, BufferError):
        return False
    _record(decoded, rel, hint, builder, hint_from)
    return True


def _record(decoded: Decoded, rel: str, hint: str, builder: SnapshotBuilder, hint_from: str) -> None:
    kindless = [p for p in decoded.problems if "object without a kind" in p[1]]
    if kindless and decoded.empty:
        builder.note(f"{rel}: not Kubernetes objects ({len(kindless)} item(s) without a kind): skipped")
    for line, message in decoded.problems:
        if kindless and decoded.empty and "object without a kind" in message:
            continue
        builder.problem(rel, line, message)
    for kind, objects in decoded.by_kind().items():
        builder.add_many(objects, kind)
    if hint and not decoded.list_kind.endswith("List") and not decoded.empty:
        if any(not obj.kind for _, obj in decoded.objects):
            builder.note(f"{rel}: items without kind read as {hint} (from {hint_from})")


def _read_snapshot_log(path: Path, parts: tuple[str, ...], rel: str, builder: SnapshotBuilder) -> None:
    if len(parts) != 4 or not parts[3].endswith(".log"):
        builder.problem(rel, None, "not a log path (want logs/<namespace>/<pod>/<container>[.previous].log)")
        return
    name = parts[3][: -len(".log")]
    previous = name.endswith(".previous")
    container = name[: -len(".previous")] if previous else name
    text = _read_log_tail(path, rel, builder)
    if text is not None:
        builder.add_log(parts[1], parts[2], container, previous, text)


def _read_log_tail(path: Path, rel: str, builder: SnapshotBuilder) -> str | None:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - MAX_LOG_BYTES))
            data = handle.read(MAX_LOG_BYTES)
    except OSError as error:
        builder.problem(rel, None, f"cannot read log: {error.strerror or error}")
        return None
    if looks_binary(data):
        builder.problem(rel, None, "binary data in a log file: not read")
        return None
    return data.decode("utf-8", errors="replace")


def _read_cluster_info_log(path: Path, rel: str, builder: SnapshotBuilder) -> None:
    text = _read_log_tail(path, rel, builder)
    if text is None:
        return
    marks = list(_LOG_MARK.finditer(text))
    for start, end in pairwise(marks):
        if start.group(1) == "START" and end.group(1) == "END" and start.group(2) == end.group(2):
            body = text[start.end() : end.start()].strip("\n")
            builder.add_log(start.group(3), start.group(4), start.group(2), False, body)
