"""Secrets never leave: a live read, `snapshot` (with and without --redact) and `lint` on inputs full of
secrets (Secret data, a last-applied annotation holding it, tokens in env values and ConfigMaps, the
kubeconfig's bearer token, cloud keys in Helm values)."""

from __future__ import annotations

import json
from pathlib import Path

import trustme

from tests.apiserver import Double, load_store, write_kubeconfig
from tests.conftest import run_cli

SECRET_DATA = "c3VwZXItc2VjcmV0LWRhdGEtdmFsdWU="  # Secret .data: never anywhere, redact or not
LAST_APPLIED = "bGFzdC1hcHBsaWVkLXNlY3JldA=="  # inside kubectl's last-applied annotation of the Secret
BEARER = "kubeconfig-bearer-token-0123456789"  # the kubeconfig's token: never anywhere
ENV_VALUE = "AKIAENVVALUESECRET42"  # container env value: only without --redact (documented)
CM_VALUE = "hunter2-configmap-password"  # ConfigMap data: only without --redact (documented)
HELM_VALUE = "wJalrXUtnFEMI-helm-values-secret"  # a cloud key in Helm values (lint input)


def _snapshot(root: Path) -> Path:
    snap = root / "snap"
    snap.mkdir()
    annotation = json.dumps({"apiVersion": "v1", "kind": "Secret", "data": {"password": LAST_APPLIED}})
    (snap / "objects.yaml").write_text(f"""
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: apps
  annotations: {{kubectl.kubernetes.io/last-applied-configuration: '{annotation}'}}
type: Opaque
data: {{password: {SECRET_DATA}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: app-config, namespace: apps}}
data: {{DB_PASSWORD: {CM_VALUE}}}
---
apiVersion: v1
kind: Pod
metadata: {{name: api-1, namespace: apps, creationTimestamp: "2025-01-01T10:00:00Z"}}
spec:
  containers:
    - name: api
      image: ghcr.io/acme/api:1
      env:
        - {{name: AWS_SECRET_ACCESS_KEY, value: {ENV_VALUE}}}
        - name: DB_PASSWORD
          valueFrom: {{secretKeyRef: {{name: missing-secret, key: password}}}}
status:
  phase: Pending
  conditions: [{{type: Ready, status: "False", lastTransitionTime: "2025-01-01T10:00:00Z"}}]
  containerStatuses:
    - name: api
      ready: false
      restartCount: 2
      state: {{waiting: {{reason: CreateContainerConfigError, message: 'secret "missing-secret" not found'}}}}
""")
    (snap / "meta.json").write_text(json.dumps({"capturedAt": "2025-01-01T11:00:00Z", "context": "prod"}))
    return snap


def _files(root: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in root.rglob("*") if p.is_file())


def test_live_outputs_and_snapshots_hold_no_secret(tmp_path: Path) -> None:
    ca = trustme.CA()
    store = load_store(_snapshot(tmp_path))
    assert any(SECRET_DATA.encode() in raw for raw in store.items["secrets"])  # the double would hand it out
    with Double(store, tls=ca.issue_cert("127.0.0.1"), tokens={BEARER}) as double:
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes(), token=BEARER, context="prod")
        formats = ("json", "yaml", "text", "md", "html")
        outputs = [run_cli("diagnose", "--kubeconfig", str(kc), "-o", fmt) for fmt in formats]
        outputs.append(run_cli("diagnose", "--kubeconfig", str(kc), "--debug", "-o", "json"))
        plain = run_cli("snapshot", "--kubeconfig", str(kc), "-o", str(tmp_path / "plain"))
        redacted = run_cli("snapshot", "--kubeconfig", str(kc), "--redact", "-o", str(tmp_path / "red.tar.gz"))
    assert "pod/missing-config" in outputs[0].stdout
    assert plain.returncode == 0 and redacted.returncode == 0
    secret_lists = [r for r in double.requests if r[1].endswith("/secrets")]
    assert secret_lists, "Secrets were listed (as metadata)"
    everything = "".join(p.stdout + p.stderr for p in [*outputs, plain, redacted])
    for value in (SECRET_DATA, LAST_APPLIED, BEARER):
        assert value not in everything
        assert value not in _files(tmp_path / "plain")
    import tarfile

    with tarfile.open(tmp_path / "red.tar.gz") as tar:
        archived = "".join(
            tar.extractfile(m).read().decode(errors="replace")  # type: ignore[union-attr]
            for m in tar.getmembers()
            if m.isfile()
        )
    for value in (SECRET_DATA, LAST_APPLIED, BEARER, ENV_VALUE, CM_VALUE):
        assert value not in archived
    # without --redact, env values and ConfigMap data are kept, as documented (docs/live.md)
    assert ENV_VALUE in _files(tmp_path / "plain") and CM_VALUE in _files(tmp_path / "plain")


def test_lint_never_prints_helm_values(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "infra").mkdir(parents=True)
    (repo / "infra" / "release.yaml").write_text(f"""
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: cilium, namespace: kube-system}}
spec:
  chart: {{spec: {{chart: cilium, version: "1.16.0", sourceRef: {{kind: HelmRepository, name: cilium}}}}}}
  values:
    kubeProxyReplacement: true
    aws: {{secretAccessKey: {HELM_VALUE}}}
    policyEnforcementMode: never
""")
    for fmt in ("text", "json", "sarif"):
        proc = run_cli("lint", str(repo), "-o", fmt)
        assert proc.returncode in (0, 1), proc.stderr
        assert HELM_VALUE not in proc.stdout + proc.stderr
