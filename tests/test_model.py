"""The model is a value: ObjectRef ordering/printing, frozen views and a read-only Snapshot."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from firstdomino.model import ObjectRef
from firstdomino.model.timeutil import parse_duration
from firstdomino.sources import load_snapshot


def test_object_ref_prints_and_parses() -> None:
    ref = ObjectRef("Service", "kube-system", "kube-dns")
    assert str(ref) == "Service/kube-system/kube-dns"
    assert ObjectRef.parse(str(ref)) == ref
    assert ObjectRef.parse("Node//n1") == ObjectRef("Node", "", "n1")
    assert sorted([ObjectRef("Pod", "b", "x"), ObjectRef("Pod", "a", "y")])[0].namespace == "a"


def test_snapshot_is_read_only(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "a"}}))
    snapshot = load_snapshot(tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot.context = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        snapshot.by_ref[ObjectRef("Pod", "", "b")] = snapshot.of("Pod")[0]  # type: ignore[index]
    pod = snapshot.of("Pod")[0]
    with pytest.raises(AttributeError):
        pod.metadata.name = "b"  # type: ignore[misc]


@pytest.mark.parametrize(("text", "seconds"), [("1h", 3600), ("5m30s", 330), ("10m0s", 600), ("500ms", 0.5)])
def test_durations(text: str, seconds: float) -> None:
    value = parse_duration(text)
    assert value is not None and value.total_seconds() == seconds


def test_secret_data_is_never_kept(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: a}\n"
        "type: Opaque\ndata: {password: c3VwZXJzZWNyZXQ=}\n"
    )
    snapshot = load_snapshot(tmp_path)
    secret = snapshot.of("Secret")[0]
    assert not hasattr(secret, "data")
    assert "c3VwZXJzZWNyZXQ" not in repr(secret)
