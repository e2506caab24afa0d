"""Other input layouts (cluster-info dump, Sonobuoy, troubleshoot.sh bundles) and output conventions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from firstdomino.sources import load_snapshot

from .conftest import ROOT, diagnose_json, run_cli

EXAMPLE = ROOT / "examples" / "incident-002"


def _list(kind: str, items: list[dict[str, object]]) -> str:
    return json.dumps({"kind": kind, "apiVersion": "v1", "metadata": {}, "items": items}, indent=4)


def test_cluster_info_dump_layout(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    (dump / "kube-system" / "coredns-abc").mkdir(parents=True)
    (dump / "nodes.json").write_text(_list("NodeList", [{"metadata": {"name": "n1"}}]))
    pod = {
        "metadata": {"name": "coredns-abc", "namespace": "kube-system", "creationTimestamp": "2025-01-01T10:00:00Z"},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {
                    "name": "coredns",
                    "ready": False,
                    "restartCount": 7,
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                }
            ],
        },
    }
    (dump / "kube-system" / "pods.json").write_text(_list("PodList", [pod]))
    backoff = {
        "metadata": {"name": "coredns-abc.1", "namespace": "kube-system"},
        "involvedObject": {"kind": "Pod", "namespace": "kube-system", "name": "coredns-abc"},
        "reason": "BackOff",
        "type": "Warning",
        "message": "Back-off restarting failed container",
        "firstTimestamp": "2025-01-01T10:02:00Z",
        "lastTimestamp": "2025-01-01T10:40:00Z",
        "count": 9,
    }
    (dump / "kube-system" / "events.json").write_text(_list("EventList", [backoff]))
    (dump / "kube-system" / "coredns-abc" / "logs.txt").write_text(
        "==== START logs for container coredns of pod kube-system/coredns-abc ====\n"
        "plugin/kubernetes: dial tcp 10.96.0.1:443: i/o timeout\n"
        "==== END logs for container coredns of pod kube-system/coredns-abc ====\n"
    )
    snapshot = load_snapshot(dump)
    assert [p.metadata.name for p in snapshot.pods()] == ["coredns-abc"]
    assert "10.96.0.1:443" in (snapshot.log("kube-system", "coredns-abc", "coredns") or "")
    assert snapshot.has_kind("Event") and snapshot.has_kind("Deployment")
    assert any(n.what == "EndpointSlice" for n in snapshot.not_checked), "absence is not evidence"
    _, out = diagnose_json(dump)
    assert "pod/crash-looping" in {r["id"] for r in out["rootCauses"]}


def test_sonobuoy_healthy_cluster_blames_nothing(shared_samples: Path) -> None:
    code, out = diagnose_json(shared_samples / "sonobuoy-results-aws-2018.tar.gz")
    assert code == 0
    assert out["rootCauses"] == []
    assert out["verdict"] == "healthy"


def test_troubleshoot_bundle_reads_pods_and_does_not_crash(shared_samples: Path) -> None:
    snapshot = load_snapshot(shared_samples / "troubleshoot-support-bundle.tar.gz")
    assert len(list(snapshot.pods())) >= 5
    code, out = diagnose_json(shared_samples / "troubleshoot-support-bundle.tar.gz")
    assert code in (0, 1) and out["schema"] == "firstdomino.dev/diagnosis/v1"


def test_json_document_shape() -> None:
    code, out = diagnose_json(EXAMPLE)
    assert code == 1
    assert set(out) >= {
        "schema",
        "capturedAt",
        "verdict",
        "rootCauses",
        "symptoms",
        "cascade",
        "notChecked",
        "inputProblems",
    }
    cause = out["rootCauses"][0]
    assert set(cause) >= {
        "id",
        "title",
        "severity",
        "confidence",
        "subject",
        "evidence",
        "explains",
        "selfHealing",
        "healsAt",
        "fix",
        "docs",
    }
    assert all(set(e) == {"ref", "path", "text"} for e in cause["evidence"])
    symptom_keys = {s["key"] for s in out["symptoms"]}
    assert set(cause["explains"]) <= symptom_keys


def test_output_is_deterministic() -> None:
    first = run_cli("diagnose", "--from", str(EXAMPLE), "-o", "json").stdout
    second = run_cli("diagnose", "--from", str(EXAMPLE), "-o", "json").stdout
    assert first == second


def test_text_output_fits_100_columns_and_has_no_colour_off_a_tty() -> None:
    proc = run_cli("diagnose", "--from", str(EXAMPLE))
    assert proc.returncode == 1
    assert "\x1b[" not in proc.stdout
    assert max(len(line) for line in proc.stdout.splitlines()) <= 100
    assert "cni/no-service-proxy" in proc.stdout.splitlines()[3]


def test_exit_zero_and_fail_on() -> None:
    assert run_cli("diagnose", "--from", str(EXAMPLE), "--exit-zero").returncode == 0
    healthy = ROOT / "tests" / "scenarios" / "healthy-talos-cilium" / "snapshot"
    assert run_cli("diagnose", "--from", str(healthy)).returncode == 0
    # Flux's stock allow-egress (egress open, ingress restricted) is a deliberate posture, not a hazard
    assert run_cli("diagnose", "--from", str(healthy), "--fail-on", "medium").returncode == 0
    # an allow-all policy is a medium hazard: it fails a run only at --fail-on medium or below
    hazard = ROOT / "tests" / "rules" / "netpol__allow-all" / "snapshot"
    assert run_cli("diagnose", "--from", str(hazard)).returncode == 0
    assert run_cli("diagnose", "--from", str(hazard), "--fail-on", "medium").returncode == 1


def test_yaml_output_parses() -> None:
    import yaml

    proc = run_cli("diagnose", "--from", str(EXAMPLE), "-o", "yaml")
    assert yaml.safe_load(proc.stdout)["verdict"] == "stuck"


def test_live_mode_without_a_kubeconfig_says_what_to_do(tmp_path: Path) -> None:
    proc = run_cli("diagnose", "--kubeconfig", str(tmp_path / "nope"))
    assert proc.returncode == 2 and "no such file" in proc.stderr
    env_free = subprocess.run(
        [sys.executable, "-m", "firstdomino", "diagnose"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "KUBECONFIG": str(tmp_path / "missing"),
            "PYTHONPATH": str(ROOT / "src"),
            "KUBERNETES_SERVICE_HOST": "",
        },
        timeout=60,
        check=False,
    )
    assert env_free.returncode == 3 and "no kubeconfig found" in env_free.stderr
