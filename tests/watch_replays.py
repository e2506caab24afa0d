"""Build `watch --replay` directories from the scenario snapshots: a step is a copy of a scenario with its
capture time moved and, where a step is the cluster after it recovered, its objects made ready."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import SCENARIOS


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def copy_step(scenario: str, target: Path, captured: datetime | None = None) -> Path:
    source = SCENARIOS / scenario / "snapshot"
    shutil.copytree(source, target)
    if captured is not None:
        meta = json.loads((target / "meta.json").read_text())
        meta["capturedAt"] = _stamp(captured)
        (target / "meta.json").write_text(json.dumps(meta, indent=2))
    return target


def captured_at(step: Path) -> datetime:
    return datetime.fromisoformat(json.loads((step / "meta.json").read_text())["capturedAt"].replace("Z", "+00:00"))


def _edit(path: Path, change: Any) -> None:
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    for doc in docs:
        for obj in doc.get("items", []) if isinstance(doc, dict) and "items" in doc else [doc]:
            if isinstance(obj, dict):
                change(obj)
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))


def make_ready(step: Path, since: datetime) -> None:
    """Everything Running and Ready since `since`: pods, workloads, nodes, slices, GitOps objects, leader
    leases renewed at capture time; events and logs gone."""
    at = _stamp(since)
    renewed = captured_at(step) - timedelta(seconds=2)

    def pod(obj: dict[str, Any]) -> None:
        if obj.get("kind") != "Pod":
            return
        status = obj.setdefault("status", {})
        status["phase"] = "Running"
        status["conditions"] = [
            {"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": at}
            for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")
        ]
        for key in ("containerStatuses", "initContainerStatuses"):
            for cs in status.get(key, []) or []:
                cs["ready"] = key == "containerStatuses"
                cs["state"] = (
                    {"running": {"startedAt": at}}
                    if key == "containerStatuses"
                    else {"terminated": {"exitCode": 0, "reason": "Completed"}}
                )
                cs.pop("lastState", None)

    def workload(obj: dict[str, Any]) -> None:
        kind, status = obj.get("kind"), obj.setdefault("status", {})
        spec = obj.get("spec", {}) or {}
        if kind in ("Deployment", "StatefulSet", "ReplicaSet"):
            want = spec.get("replicas", 1)
            for key in ("replicas", "readyReplicas", "availableReplicas", "updatedReplicas", "currentReplicas"):
                status[key] = want
            status.pop("unavailableReplicas", None)
            status["observedGeneration"] = (obj.get("metadata") or {}).get("generation", 1)
            status["conditions"] = [{"type": "Available", "status": "True", "lastTransitionTime": at}]
        elif kind == "DaemonSet":
            want = status.get("desiredNumberScheduled", 0)
            for key in ("currentNumberScheduled", "numberReady", "numberAvailable", "updatedNumberScheduled"):
                status[key] = want
            status.pop("numberUnavailable", None)
            status["observedGeneration"] = (obj.get("metadata") or {}).get("generation", 1)
        elif kind == "Node":
            status["conditions"] = [
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "KubeletReady",
                    "lastTransitionTime": at,
                    "lastHeartbeatTime": at,
                }
            ]
            obj.setdefault("spec", {}).pop("taints", None)
        elif kind == "EndpointSlice":
            for ep in obj.get("endpoints", []) or []:
                ep["conditions"] = {"ready": True, "serving": True, "terminating": False}
        elif kind in ("Kustomization", "HelmRelease", "GitRepository", "HelmRepository", "OCIRepository"):
            status["conditions"] = [
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "Succeeded",
                    "message": "Applied",
                    "lastTransitionTime": at,
                }
            ]
        elif kind == "Lease":
            obj.setdefault("spec", {})["renewTime"] = renewed.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        elif kind == "Application":
            status["sync"] = {"status": "Synced", "revision": (status.get("sync") or {}).get("revision", "")}
            status["health"] = {"status": "Healthy"}
            status.pop("conditions", None)
            status.pop("operationState", None)

    for path in step.glob("*.yaml"):
        if path.name == "events.yaml":
            path.write_text("apiVersion: v1\nkind: List\nitems: []\n")
            continue
        _edit(path, pod)
        _edit(path, workload)
    shutil.rmtree(step / "logs", ignore_errors=True)


def shift(step: Path, delta: timedelta) -> datetime:
    when = captured_at(step) + delta
    meta = json.loads((step / "meta.json").read_text())
    meta["capturedAt"] = _stamp(when)
    (step / "meta.json").write_text(json.dumps(meta, indent=2))
    return when
