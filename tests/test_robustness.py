"""Property tests: mutated snapshots never crash the diagnosis, and secrets never reach any output."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firstdomino.diagnose import diagnose
from firstdomino.model.decode import convert_lenient
from firstdomino.model.kinds import view_for
from firstdomino.model.snapshot import SnapshotBuilder
from firstdomino.report import render_json, render_text, render_yaml

from .conftest import ROOT, run_cli

SCENARIO = ROOT / "tests" / "scenarios" / "incident-002-pods-cannot-reach-api" / "snapshot"


def _objects() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for file in sorted(SCENARIO.glob("*.yaml")):
        for doc in yaml.safe_load_all(file.read_text()):
            if isinstance(doc, dict) and isinstance(doc.get("items"), list):
                out.extend(i for i in doc["items"] if isinstance(i, dict))
            elif isinstance(doc, dict):
                out.append(doc)
    return out


OBJECTS = _objects()
JUNK = st.one_of(
    st.none(),
    st.integers(),
    st.booleans(),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.sampled_from(["", "2099-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "not-a-time", "𝕏" * 50]),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            found += _paths(item, (*prefix, index))
    return found


def _set(value: Any, path: tuple[Any, ...], new: Any, delete: bool) -> None:
    for step in path[:-1]:
        value = value[step]
    if delete and isinstance(value, dict):
        value.pop(path[-1], None)
    else:
        value[path[-1]] = new


#: CI runs 60 examples; a longer local run: FIRSTDOMINO_FUZZ_EXAMPLES=2000 pytest tests/test_robustness.py
FUZZ_EXAMPLES = int(os.environ.get("FIRSTDOMINO_FUZZ_EXAMPLES", "60"))


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_snapshots_never_crash_and_render(data: st.DataObject) -> None:
    objects = copy.deepcopy(OBJECTS)
    for _ in range(data.draw(st.integers(1, 8))):
        target = data.draw(st.sampled_from(objects))
        paths = _paths(target)
        if not paths:
            continue
        path = data.draw(st.sampled_from(paths))
        _set(target, path, data.draw(JUNK), data.draw(st.booleans()))
    if data.draw(st.booleans()):
        objects.append(copy.deepcopy(data.draw(st.sampled_from(objects))))  # a duplicate object
    builder = SnapshotBuilder("hypothesis")
    builder.declared_kinds.update({"Pod", "Service", "EndpointSlice", "DaemonSet", "ConfigMap", "Deployment"})
    for raw in objects:
        kind = raw.get("kind") if isinstance(raw.get("kind"), str) else ""
        if not kind:
            continue
        api = raw.get("apiVersion") if isinstance(raw.get("apiVersion"), str) else ""
        obj, _ = convert_lenient(copy.deepcopy(raw), view_for(api, kind))
        if obj is not None:
            from firstdomino.model.decode import _finish

            builder.add(_finish(obj), kind)
    if builder.object_count == 0:
        return
    result = diagnose(builder.build())
    assert not [n for n in result.not_checked if "failed on this input" in n.why], result.not_checked
    json.loads(render_json(result))
    yaml.safe_load(render_yaml(result))
    render_text(result)


SECRETS = (
    "c3VwZXItc2VjcmV0LXBhc3N3b3Jk",
    "ghp_0123456789abcdefSECRETTOKEN",
    "AKIAEXAMPLESECRETKEY9",
    "hunter2-configmap-password",
)


def test_secrets_never_reach_any_output(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    snap.mkdir()
    (snap / "objects.yaml").write_text(f"""
apiVersion: v1
kind: Secret
metadata: {{name: db, namespace: apps, annotations: {{note: plain}}}}
type: Opaque
data: {{password: {SECRETS[0]}}}
stringData: {{token: {SECRETS[1]}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: app-config, namespace: apps}}
data: {{DB_PASSWORD: {SECRETS[3]}}}
---
apiVersion: v1
kind: Pod
metadata: {{name: api-1, namespace: apps, creationTimestamp: "2025-01-01T10:00:00Z"}}
spec:
  containers:
    - name: api
      image: ghcr.io/acme/api:1
      env:
        - {{name: AWS_SECRET_ACCESS_KEY, value: {SECRETS[2]}}}
        - name: DB_PASSWORD
          valueFrom: {{secretKeyRef: {{name: missing-secret, key: password}}}}
status:
  phase: Pending
  conditions: [{{type: Ready, status: "False", lastTransitionTime: "2025-01-01T10:00:00Z"}}]
  containerStatuses:
    - name: api
      ready: false
      restartCount: 0
      state: {{waiting: {{reason: CreateContainerConfigError, message: 'secret "missing-secret" not found'}}}}
""")
    (snap / "meta.json").write_text(
        json.dumps({"capturedAt": "2025-01-01T11:00:00Z", "kinds": ["v1/Pod", "v1/Secret", "v1/ConfigMap"]})
    )
    outputs = [run_cli("diagnose", "--from", str(snap), "-o", fmt) for fmt in ("json", "yaml", "text", "md", "html")]
    outputs.append(run_cli("lint", str(snap), "-o", "json"))
    outputs.append(run_cli("lint", str(snap), "-o", "sarif"))
    assert "pod/missing-config" in outputs[0].stdout
    for proc in outputs:
        for secret in SECRETS:
            assert secret not in proc.stdout and secret not in proc.stderr
