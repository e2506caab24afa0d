"""Bad input never crashes, never loses the good data, never writes outside a private temp dir."""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
from pathlib import Path

import pytest

from firstdomino.errors import InputError
from firstdomino.sources import load_snapshot

from .conftest import diagnose_json, run_cli

GOOD_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web-1", "namespace": "apps", "creationTimestamp": "2025-01-01T10:00:00Z"},
    "status": {
        "phase": "Running",
        "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2025-01-01T10:01:00Z"}],
    },
}


def _snapshot(tmp_path: Path, bad_name: str, bad: bytes) -> Path:
    snap = tmp_path / "snap"
    snap.mkdir()
    (snap / "pods.json").write_text(json.dumps(GOOD_POD))
    (snap / bad_name).write_bytes(bad)
    return snap


BOMB = b"""a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize(
    ("name", "data", "line"),
    [
        pytest.param("binary.yaml", b"\x00\x01\x02garbage\xff" * 100, None, id="binary"),
        pytest.param(
            "truncated.json",
            b'{"kind": "PodList", "apiVersion": "v1",\n"items": [{"metadata": ',
            2,
            id="truncated-json",
        ),
        pytest.param("bomb.yaml", BOMB, None, id="yaml-bomb"),
        pytest.param("deep.json", b"[" * 100000 + b"]" * 100000, None, id="deep-json"),
        pytest.param("deep.yaml", b"a: " + b"[" * 20000 + b"]" * 20000, None, id="deep-yaml"),
        pytest.param(
            "broken.yaml", b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: [\n", 5, id="yaml-syntax"
        ),
        pytest.param("notutf8.yaml", b"kind: Pod\nmetadata: {name: \xff\xfe}\n", 2, id="not-utf8"),
    ],
)
def test_one_bad_file_among_good_ones(tmp_path: Path, name: str, data: bytes, line: int | None) -> None:
    snap = _snapshot(tmp_path, name, data)
    code, out = diagnose_json(snap)
    assert code in (0, 1)
    problems = [p for p in out["inputProblems"] if p["path"] == name]
    assert problems, out["inputProblems"]
    assert problems[0]["id"] == "input/unparseable"
    if line is not None:
        assert problems[0]["line"] == line
    assert out["verdict"] in ("healthy", "converging", "stuck")


def test_wrong_types_keep_the_object_and_report_the_field(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    snap.mkdir()
    (snap / "pods.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: odd\n  namespace: apps\nstatus:\n  containerStatuses:\n"
        "  - name: c\n    restartCount: many\n    state: {waiting: {reason: CrashLoopBackOff}}\n"
    )
    snapshot = load_snapshot(snap)
    assert [p.metadata.name for p in snapshot.pods()] == ["odd"]
    assert any("restartCount" in p.message and p.line == 1 for p in snapshot.problems)


def test_huge_single_line_file_is_bounded(tmp_path: Path) -> None:
    snap = _snapshot(tmp_path, "huge.yaml", b"x" * (100 * 1024 * 1024))
    code, out = diagnose_json(snap)
    assert code in (0, 1)
    assert any(p["path"] == "huge.yaml" for p in out["inputProblems"])


def test_nothing_usable_exits_2_naming_the_file(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    snap.mkdir()
    (snap / "only.json").write_bytes(b'{"kind": "Pod", ')
    proc = run_cli("diagnose", "--from", str(snap))
    assert proc.returncode == 2
    assert "only.json" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_path_exits_2() -> None:
    proc = run_cli("diagnose", "--from", "/nonexistent/snapshot")
    assert proc.returncode == 2 and "no such file" in proc.stderr


def _tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if data is not None else None)


def test_archive_traversal_absolute_and_links_are_refused(tmp_path: Path) -> None:
    payload = json.dumps(GOOD_POD).encode()
    good = tarfile.TarInfo("snap/pods.json")
    good.size = len(payload)
    escape = tarfile.TarInfo("../../escaped.json")
    escape.size = len(payload)
    absolute = tarfile.TarInfo("/tmp/firstdomino-absolute.json")
    absolute.size = len(payload)
    link = tarfile.TarInfo("snap/link.json")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    archive = tmp_path / "evil.tar.gz"
    _tar(archive, [(good, payload), (escape, payload), (absolute, payload), (link, None)])
    before = set(Path(tempfile.gettempdir()).glob("firstdomino-*"))
    snapshot = load_snapshot(archive)
    assert [p.metadata.name for p in snapshot.pods()] == ["web-1"]
    messages = " ".join(p.message for p in snapshot.problems)
    assert "escapes" in messages and "absolute" in messages and "link" in messages
    assert not (tmp_path.parent / "escaped.json").exists()
    assert not Path("/tmp/firstdomino-absolute.json").exists()
    assert set(Path(tempfile.gettempdir()).glob("firstdomino-*")) == before, "temp dir left behind"


def test_corrupt_archive_is_an_input_error(tmp_path: Path) -> None:
    archive = tmp_path / "bad.tar.gz"
    archive.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(InputError):
        load_snapshot(archive)


def test_large_json_files_are_read_through_a_memory_map_with_the_same_checks(tmp_path: Path) -> None:
    pods = [dict(GOOD_POD, metadata={"name": f"p{i}", "namespace": "apps"}) for i in range(6000)]
    body = json.dumps({"kind": "PodList", "apiVersion": "v1", "items": pods}, indent=1).encode()
    assert len(body) > 1024 * 1024
    snap = tmp_path / "snap"
    snap.mkdir()
    (snap / "pods.json").write_bytes(body)
    (snap / "cut.json").write_bytes(body[: len(body) // 2])
    snapshot = load_snapshot(snap)
    assert len(list(snapshot.pods())) == 6000
    cut = [p for p in snapshot.problems if p.path == "cut.json"]
    assert cut and cut[0].line == body[: len(body) // 2].count(b"\n") + 1


def test_files_that_vanish_during_the_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file listed by the directory walk and deleted before it is opened (a snapshot being rotated, a
    support bundle being cleaned up) is a problem with its path; the rest is read."""
    import firstdomino.sources.load as load

    snap = tmp_path / "snap"
    snap.mkdir()
    (snap / "nodes.yaml").write_text("apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n")
    big = {
        "kind": "PodList",
        "apiVersion": "v1",
        "items": [{"metadata": {"name": f"p{i}", "namespace": "a"}} for i in range(1)],
    }
    (snap / "pods.json").write_text(json.dumps(big) + " " * (2 * 1024 * 1024))  # the memory-mapped path
    (snap / "gone.yaml").write_text("apiVersion: v1\nkind: Node\nmetadata: {name: n2}\n")
    real_walk = load.os.walk

    def walk_then_delete(top: object, **kwargs: object) -> object:
        for dirpath, dirnames, filenames in real_walk(top, **kwargs):  # type: ignore[call-overload]
            yield dirpath, dirnames, [*filenames, "vanished.json"]
            for name in ("gone.yaml", "pods.json"):
                (Path(dirpath) / name).unlink(missing_ok=True)

    monkeypatch.setattr(load.os, "walk", walk_then_delete)
    snapshot = load_snapshot(snap)
    assert [n.metadata.name for n in snapshot.of("Node")] == ["n1"]
    vanished = {p.path for p in snapshot.problems}
    assert {"gone.yaml", "pods.json", "vanished.json"} <= vanished, snapshot.problems
    assert all("cannot read" in p.message for p in snapshot.problems if p.path in vanished)
