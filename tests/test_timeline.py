"""The per-component timeline in `diagnose -o json` (`timeline`) and `--timeline`: times from the objects only."""

from __future__ import annotations

from tests.conftest import SCENARIOS, diagnose_json, run_cli


def _by_component(scenario: str) -> dict[str, dict[str, object]]:
    _, doc = diagnose_json(SCENARIOS / scenario / "snapshot")
    return {e["component"]: e for e in doc["timeline"]}


def test_fresh_cluster_timeline() -> None:
    t = _by_component("converging-fresh-cluster")
    node = t["Node//talos-cp-1"]
    assert node["ready"] and node["created"] == "2025-11-09T08:36:55Z" and node["readyAt"] == "2025-11-09T08:40:00Z"
    coredns = t["Deployment/kube-system/coredns"]
    assert not coredns["ready"] and coredns["readyAt"] is None and coredns["created"] == "2025-11-09T08:41:48Z"
    apps = t["Kustomization/flux-system/apps"]
    assert apps["firstFailed"] == "2025-11-09T08:42:02Z" and apps["failures"]
    created = [e["created"] for e in t.values() if e["created"]]
    assert created == sorted(created)


def test_pod_failures_count_for_their_deployment() -> None:
    t = _by_component("stuck-image-pull")
    payments = t["Deployment/apps/payments-api"]
    assert not payments["ready"] and payments["firstFailed"]
    assert any(key.startswith("pod/image-pull-failed:") for key in payments["failures"])


def test_text_timeline_flag() -> None:
    proc = run_cli("diagnose", "--from", str(SCENARIOS / "converging-fresh-cluster" / "snapshot"), "--timeline")
    assert "Timeline:" in proc.stdout and "NOT READY             Deployment/kube-system/coredns" in proc.stdout
