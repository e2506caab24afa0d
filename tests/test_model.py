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


def _as_api_server_lists(source: Path, target: Path) -> None:
    """Rewrite a scenario's pods as the API server writes lists (compact JSON, kind first, items without
    kind), which takes the fast pod decoder; everything else is copied as is."""
    import shutil

    import yaml

    shutil.copytree(source, target)
    pods: list[dict[str, object]] = []
    for file in sorted(target.glob("*.yaml")):
        docs = list(yaml.safe_load_all(file.read_text()))
        items = [i for d in docs if isinstance(d, dict) for i in (d.get("items") or [d])]
        if items and all(isinstance(i, dict) and i.get("kind") == "Pod" for i in items):
            pods.extend(items)
            file.unlink()
    order = ("type", "observedGeneration", "status", "lastProbeTime", "lastTransitionTime", "reason", "message")
    for pod in pods:
        pod.pop("kind", None)
        pod.pop("apiVersion", None)
        status = pod.get("status")
        if isinstance(status, dict):  # the API server writes condition fields in Go field order
            conditions = [{"lastProbeTime": None} | c for c in status.get("conditions") or [] if isinstance(c, dict)]
            status["conditions"] = [
                {k: c[k] for k in sorted(c, key=lambda k: order.index(k) if k in order else len(order))}
                for c in conditions
            ]
    body = {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": pods}
    (target / "pods.json").write_text(json.dumps(body, separators=(",", ":")))


@pytest.mark.parametrize(
    "scenario",
    [
        "incident-002-pods-cannot-reach-api",
        "incident-001-webhook-eperm-kcm-down",
        "healthy-talos-cilium",
        "stuck-image-pull",
    ],
)
def test_fast_pod_decoding_gives_the_same_diagnosis(tmp_path: Path, scenario: str) -> None:
    from firstdomino.diagnose import diagnose
    from firstdomino.report.json import diagnosis_to_dict

    source = Path(__file__).parent / "scenarios" / scenario / "snapshot"
    _as_api_server_lists(source, tmp_path / "snap")
    slow, fast = load_snapshot(source), load_snapshot(tmp_path / "snap")
    assert len(list(slow.pods())) == len(list(fast.pods())) > 0
    # the fast path keeps only phase, IP and the Ready condition of a healthy pod: no container statuses
    healthy = [p for p in fast.pods() if p.detail is None and not p.status.container_statuses]
    assert healthy, "the fast path was taken"
    for pod in healthy:
        ready = [c for c in pod.status.conditions if c.type == "Ready"]
        assert ready and ready[0].status == "True" and ready[0].last_transition_time
    a, b = diagnosis_to_dict(diagnose(slow)), diagnosis_to_dict(diagnose(fast))
    for doc in (a, b):
        doc.pop("notes", None)
    assert a == b


def test_decoding_from_many_threads_at_first_use_does_not_crash() -> None:
    """Regression: msgspec builds a type's decoding information on first use; the live reader's
    concurrent lists did that for the same types at once and the interpreter segfaulted. Fresh
    processes, first use from 12 threads with a tiny switch interval, every kind of list."""
    import subprocess
    import sys

    from .conftest import ROOT

    code = """
import sys, threading
sys.setswitchinterval(1e-6)
from firstdomino.model.decode import decode_json
from firstdomino.model.kinds import VIEWS
def doc(group, kind):
    version = (group + "/" if group else "") + "v1"
    return ('{"kind":"%sList","apiVersion":"%s","items":[{"metadata":{"name":"x"}}]}' % (kind, version)).encode()
docs = [doc(group, kind) for group, kind in VIEWS]
def work():
    for doc in docs:
        decode_json(doc)
threads = [threading.Thread(target=work) for _ in range(12)]
for t in threads: t.start()
for t in threads: t.join()
"""
    env = {"PYTHONPATH": str(ROOT / "src")}
    for _ in range(5):
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr[-2000:]
