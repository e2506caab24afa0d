"""`diff A B`: names exactly the differences that matter for bootstrap, hides secret-looking values."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import SCENARIOS, run_cli

BASE = SCENARIOS / "healthy-talos-cilium" / "snapshot"


def _variant(tmp_path: Path) -> Path:
    """The same cluster with tunnelling switched to native routing and the flux-system egress policy
    narrowed to DNS only — plus noise that must not show: new resourceVersions and a changed timestamp."""
    b = tmp_path / "b"
    shutil.copytree(BASE, b)
    cms = b / "configmaps.yaml"
    cms.write_text(cms.read_text().replace("  routing-mode: tunnel\n", "  routing-mode: native\n", 1))
    pols = b / "networkpolicies.yaml"
    text = pols.read_text()
    narrowed = "  egress:\n  - ports:\n    - {port: 53, protocol: UDP}\n  ingress:\n"
    assert text.count("  egress:\n  - {}\n  ingress:\n") >= 1
    pols.write_text(text.replace("  egress:\n  - {}\n  ingress:\n", narrowed, 1))
    for path in b.glob("*.yaml"):
        path.write_text(path.read_text().replace("resourceVersion: '", "resourceVersion: '9"))
    meta = json.loads((b / "meta.json").read_text())
    meta["capturedAt"] = "2025-11-21T09:00:00Z"
    (b / "meta.json").write_text(json.dumps(meta))
    return b


def test_names_exactly_the_cilium_value_and_the_policy(tmp_path: Path) -> None:
    b = _variant(tmp_path)
    proc = run_cli("diff", str(BASE), str(b), "-o", "json")
    assert proc.returncode == 1, proc.stderr
    changes = json.loads(proc.stdout)["changes"]
    assert [(c["facet"], c["key"]) for c in changes] == [
        ("cilium", "cilium-config.routing-mode"),
        ("policy", "NetworkPolicy flux-system/allow-egress"),
    ]
    assert (changes[0]["a"], changes[0]["b"]) == ("tunnel", "native")
    text = run_cli("diff", str(BASE), str(b))
    assert "~ cilium-config.routing-mode: tunnel -> native" in text.stdout
    assert "NetworkPolicy flux-system/allow-egress" in text.stdout and "2 difference(s)" in text.stdout


def test_same_cluster_has_no_difference_and_exit_0() -> None:
    proc = run_cli("diff", str(BASE), str(BASE))
    assert proc.returncode == 0 and "no difference" in proc.stdout


def test_secret_looking_helm_values_are_compared_but_never_shown(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for side, key in ((a, "AKIA-old-secret-value"), (b, "AKIA-new-secret-value")):
        side.mkdir()
        (side / "hr.yaml").write_text(f"""
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: cilium, namespace: kube-system}}
spec:
  chart: {{spec: {{chart: cilium, version: 1.18.3}}}}
  values:
    routingMode: native
    clustermesh: {{apiserver: {{tls: {{auto: {{method: helm}}}}}}}}
    aws: {{secretAccessKey: {key}}}
""")
    proc = run_cli("diff", str(a), str(b), "-o", "json")
    assert proc.returncode == 1
    changes = json.loads(proc.stdout)["changes"]
    assert [c["key"] for c in changes] == ["helmrelease kube-system/cilium values.aws.secretAccessKey"]
    assert "AKIA" not in proc.stdout and "hidden" in changes[0]["a"]
