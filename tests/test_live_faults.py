"""Live-source behaviour under faults, authentication variants and scale (API-server double, real HTTPS)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import trustme

from firstdomino.sources.kubeconfig import connect
from firstdomino.sources.live import Collector, Options
from tests.apiserver import Double, Store, load_store, write_kubeconfig
from tests.conftest import ROOT, SCENARIOS, run_cli

BASE = SCENARIOS / "incident-000-argocd-dns-eperm" / "snapshot"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def cert(ca: trustme.CA) -> Any:
    return ca.issue_cert("127.0.0.1", "localhost")


def _collect(kubeconfig: Path, **options: Any) -> Any:
    conn = connect(str(kubeconfig))
    try:
        opts = Options(kinds=frozenset({"Pod", "Service", "Secret", "Node", "Event", "ConfigMap"}), **options)
        return Collector(conn, opts).collect()
    finally:
        conn.close()


def _pods(n: int, namespace: str = "load") -> Store:
    """A cluster of n healthy pods plus one crash-looping pod, in the wire format of the API server."""
    store = Store()
    store.captured_at = None
    for i in range(n):
        pod = {
            "kind": "Pod",
            "apiVersion": "v1",
            "metadata": {"name": f"web-{i}", "namespace": namespace, "labels": {"app": "web"}},
            "spec": {"nodeName": "n1", "containers": [{"name": "web", "image": "nginx"}]},
            "status": {
                "phase": "Running",
                "podIP": f"10.0.{i // 250}.{i % 250}",
                "conditions": [
                    {
                        "type": "Ready",
                        "status": "True",
                        "lastProbeTime": None,
                        "lastTransitionTime": "2025-01-01T00:00:00Z",
                    }
                ],
            },
        }
        store.add("Pod", json.dumps(pod, separators=(",", ":")).encode(), namespace)
    crash = {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {"name": "broken", "namespace": namespace},
        "spec": {"containers": [{"name": "app", "image": "x"}]},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {
                    "name": "app",
                    "ready": False,
                    "restartCount": 4,
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                    "lastState": {"terminated": {"exitCode": 1}},
                }
            ],
        },
    }
    store.add("Pod", json.dumps(crash).encode(), namespace)
    store.logs[(namespace, "broken", "app", False)] = b"starting\n"
    store.logs[(namespace, "broken", "app", True)] = b"panic: boom\n"
    secret = {
        "kind": "Secret",
        "apiVersion": "v1",
        "metadata": {"name": "db", "namespace": namespace},
        "data": {"password": "c3VwZXItc2VjcmV0LXZhbHVl"},
    }
    store.add("Secret", json.dumps(secret).encode(), namespace)
    store.collected.update({"Service", "Node", "Event", "ConfigMap", "Namespace", "ReplicaSet"})
    return store


def test_requests_do_not_grow_with_objects(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    counts = {}
    for n in (10, 2600):
        with Double(_pods(n), tls=cert) as double:
            kc = write_kubeconfig(tmp_path / f"kc{n}", double.url, ca.cert_pem.bytes())
            result = _collect(kc)
            pages = -(-(n + 1) // 500)
            assert len(result.snapshot.of("Pod")) == n + 1
            assert result.logs == 2  # the crash-looping pod: current and previous
            counts[n] = double.count() - (pages - 1)  # pagination is the only growth allowed
    assert counts[10] == counts[2600]


def test_secrets_are_metadata_only(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    with Double(_pods(3), tls=cert) as double:
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes())
        seen: list[bytes] = []
        conn = connect(str(kc))
        try:
            opts = Options(kinds=frozenset({"Secret"}), on_page=lambda page: seen.append(page.body))
            result = Collector(conn, opts).collect()
        finally:
            conn.close()
    assert [s.metadata.name for s in result.snapshot.of("Secret")] == ["db"]
    assert all(b"c3VwZXItc2VjcmV0LXZhbHVl" not in body for body in seen)
    assert any(b"PartialObjectMetadataList" in body for body in seen)


@pytest.mark.parametrize(
    ("fault", "setup"),
    [
        ("throttle", lambda f: f.throttle.update({"pods": 2})),
        ("fail", lambda f: f.fail.update({"pods": 2})),
        ("reset", lambda f: f.reset.update({"pods": 1})),
        ("truncate", lambda f: f.truncate.update({"pods": 1})),
        ("gone", lambda f: f.gone.update({"pods": 1})),
    ],
)
def test_transient_faults_are_retried(fault: str, setup: Any, tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    with Double(_pods(1200), tls=cert) as double:
        setup(double.faults)
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes())
        result = _collect(kc)
    assert len(result.snapshot.of("Pod")) == 1201, fault
    assert not [n for n in result.snapshot.not_checked if n.what == "Pod"]
    if fault == "gone":
        starts = [r for r in double.requests if r[1] == "/api/v1/pods" and "continue" not in r[2]]
        assert len(starts) == 2  # the expired list was started again from the beginning
    else:
        assert result.retries >= 1


def test_forbidden_kind_is_not_checked_with_the_rbac_rule(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    with Double(_pods(5), tls=cert) as double:
        double.faults.forbid.add("nodes")
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes())
        result = _collect(kc)
    entry = next(n for n in result.snapshot.not_checked if n.what == "Node")
    assert "forbidden (403)" in entry.why and '"nodes"' in entry.why and "list" in entry.why
    assert not result.snapshot.has_kind("Node")
    assert len(result.snapshot.of("Pod")) == 6


def test_timeout_is_honoured_and_partial_result_reported(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    with Double(_pods(5), tls=cert) as double:
        double.faults.hang.add("events")
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes())
        started = time.monotonic()
        result = _collect(kc, timeout=2.0)
        elapsed = time.monotonic() - started
    assert elapsed < 6
    assert result.partial
    assert any(n.what == "Event" and "--timeout" in n.why for n in result.snapshot.not_checked)
    assert len(result.snapshot.of("Pod")) == 6


def test_endless_body_is_cut_off(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    with Double(_pods(5), tls=cert) as double:
        double.faults.endless.add("configmaps")
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes())
        result = _collect(kc, timeout=4.0)
    assert any(n.what == "ConfigMap" for n in result.snapshot.not_checked)
    assert len(result.snapshot.of("Pod")) == 6


def test_slow_server_within_timeout(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    with Double(_pods(5), tls=cert) as double:
        double.faults.slow["nodes"] = 0.5
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes())
        result = _collect(kc, timeout=20.0)
    assert result.snapshot.has_kind("Node") and not result.partial


def test_wrong_ca_is_stale_kubeconfig_root_cause(tmp_path: Path, cert: Any) -> None:
    other = trustme.CA()  # the kubeconfig trusts the CA of a cluster that was rebuilt
    with Double(_pods(2), tls=cert) as double:
        kc = write_kubeconfig(tmp_path / "kc", double.url, other.cert_pem.bytes(), context="admin@home")
        proc = run_cli("diagnose", "--kubeconfig", str(kc), "-o", "json")
    assert proc.returncode == 3, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["rootCauses"][0]["id"] == "client/stale-kubeconfig"
    assert "talosctl kubeconfig --force" in doc["rootCauses"][0]["fix"]


def test_unreachable_and_unauthorised_exit_3(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    kc = write_kubeconfig(tmp_path / "kc", "https://127.0.0.1:1", ca.cert_pem.bytes())
    proc = run_cli("diagnose", "--kubeconfig", str(kc), "--timeout", "5")
    assert proc.returncode == 3 and "connection refused" in proc.stderr, proc.stderr
    with Double(_pods(2), tls=cert) as double:
        bad = write_kubeconfig(tmp_path / "bad", double.url, ca.cert_pem.bytes(), token="wrong")
        proc = run_cli("diagnose", "--kubeconfig", str(bad))
    assert proc.returncode == 3 and "401 Unauthorized" in proc.stderr, proc.stderr


def _exec_plugin(tmp_path: Path, api: str, tokens: list[str]) -> Path:
    """An exec credential plugin that hands out the next token of `tokens` on each call."""
    state = tmp_path / "calls"
    script = tmp_path / "plugin.py"
    script.write_text(
        "import json, os, pathlib, sys\n"
        f"state = pathlib.Path({str(state)!r})\n"
        "n = int(state.read_text()) if state.exists() else 0\n"
        "state.write_text(str(n + 1))\n"
        f"tokens = {tokens!r}\n"
        "info = json.loads(os.environ.get('KUBERNETES_EXEC_INFO', '{}'))\n"
        f"assert info.get('apiVersion') == {api!r}, info\n"
        f"print(json.dumps({{'apiVersion': {api!r}, 'kind': 'ExecCredential',"
        " 'status': {'token': tokens[min(n, len(tokens) - 1)]}}))\n"
    )
    return script


@pytest.mark.parametrize("api", ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"])
def test_exec_plugin_kubeconfig(api: str, tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    with Double(_pods(3), tls=cert, tokens={"from-plugin"}) as double:
        script = _exec_plugin(tmp_path, api, ["from-plugin"])
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes(), exec_script=script, exec_api=api)
        proc = run_cli("diagnose", "--kubeconfig", str(kc), "-o", "json")
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["verdict"]


def test_credentials_expiring_mid_run_are_renewed(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    with Double(_pods(1200), tls=cert, tokens={"first", "second"}) as double:
        double.token_budget["first"] = 6  # the first token stops working after 6 requests
        script = _exec_plugin(tmp_path, "client.authentication.k8s.io/v1", ["first", "second"])
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes(), exec_script=script)
        result = _collect(kc)
    assert len(result.snapshot.of("Pod")) == 1201
    assert not [n for n in result.snapshot.not_checked if n.what in ("Pod", "Secret", "Event")]
    assert int((tmp_path / "calls").read_text()) == 2


def test_client_certificate_kubeconfig(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    client = ca.issue_cert("tester@example")
    cert_file, key_file = tmp_path / "client.crt", tmp_path / "client.key"
    cert_file.write_bytes(b"".join(c.bytes() for c in client.cert_chain_pems))
    key_file.write_bytes(client.private_key_pem.bytes())
    with Double(_pods(3), tls=cert, tokens=set(), client_ca=ca) as double:
        kc = write_kubeconfig(
            tmp_path / "kc", double.url, ca.cert_pem.bytes(), token=None, client_cert=(cert_file, key_file)
        )
        result = _collect(kc)
    assert len(result.snapshot.of("Pod")) == 4


def test_kubeconfig_env_with_several_files_and_namespace_flag(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    with Double(_pods(3, namespace="team-a"), tls=cert) as double:
        empty = tmp_path / "empty.yaml"
        empty.write_text("apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n")
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes(), context="ctx-b")
        env = dict(os.environ, KUBECONFIG=f"{empty}{os.pathsep}{kc}", PYTHONPATH=str(ROOT / "src"))
        proc = subprocess.run(
            [sys.executable, "-m", "firstdomino", "diagnose", "--context", "ctx-b", "-n", "team-a", "-o", "json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
    assert proc.returncode in (0, 1), proc.stderr
    paths = [r[1] for r in double.requests]
    assert "/api/v1/namespaces/team-a/pods" in paths and "/api/v1/pods" not in paths
    assert json.loads(proc.stdout)["context"] == "ctx-b"


def test_snapshot_then_from_gives_the_same_diagnosis(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    store = load_store(BASE)
    with Double(store, tls=cert) as double:
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes(), context=store.context)
        live = run_cli("diagnose", "--kubeconfig", str(kc), "-o", "json")
        for target in ("snap", "snap.tar.gz"):
            proc = run_cli("snapshot", "--kubeconfig", str(kc), "-o", str(tmp_path / target))
            assert proc.returncode == 0, proc.stderr
    meta = json.loads((tmp_path / "snap" / "meta.json").read_text())
    assert meta["context"] == store.context and meta["serverVersion"] and "v1/Pod" in meta["kinds"]
    for target in ("snap", "snap.tar.gz"):
        again = run_cli("diagnose", "--from", str(tmp_path / target), "-o", "json")
        assert json.loads(again.stdout) == json.loads(live.stdout), target
    assert not list(tmp_path.glob(".*partial*"))


def test_snapshot_redact(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    store = _pods(3)
    env_pod = {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {"name": "api", "namespace": "load", "annotations": {"vault.io/token": "s.hvs-annotation"}},
        "spec": {"containers": [{"name": "api", "env": [{"name": "DB_PASSWORD", "value": "hunter2-env"}]}]},
        "status": {"phase": "Pending"},
    }
    store.add("Pod", json.dumps(env_pod).encode(), "load")
    cm = {
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {"name": "app", "namespace": "load"},
        "data": {"api_key": "AKIA-configmap-value"},
    }
    store.add("ConfigMap", json.dumps(cm).encode(), "load")
    with Double(store, tls=cert) as double:
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes())
        assert run_cli("snapshot", "--kubeconfig", str(kc), "-o", str(tmp_path / "plain")).returncode == 0
        assert run_cli("snapshot", "--kubeconfig", str(kc), "--redact", "-o", str(tmp_path / "red")).returncode == 0
    plain = "".join(p.read_text() for p in (tmp_path / "plain").rglob("*") if p.is_file())
    redacted = "".join(p.read_text() for p in (tmp_path / "red").rglob("*") if p.is_file())
    for value in ("hunter2-env", "AKIA-configmap-value", "s.hvs-annotation"):
        assert value in plain and value not in redacted
    assert "c3VwZXItc2VjcmV0LXZhbHVl" not in plain + redacted  # Secret data: never, redact or not
    assert "redacted:" in redacted


def test_interrupted_snapshot_leaves_nothing(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    with Double(_pods(5), tls=cert) as double:
        double.faults.hang.add("events")
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes())
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        for sig in (signal.SIGINT, signal.SIGTERM):
            proc = subprocess.Popen(
                [sys.executable, "-m", "firstdomino", "snapshot", "--kubeconfig", str(kc), "-o", str(tmp_path / "s")],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            assert _wait(lambda: any(r[1] == "/api/v1/events" for r in double.requests))
            time.sleep(0.3)
            proc.send_signal(sig)
            proc.communicate(timeout=20)
            assert proc.returncode != 0
            assert sorted(p.name for p in tmp_path.iterdir()) == ["kc"], sig


def _wait(predicate: Any, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_in_cluster_service_account(tmp_path: Path, ca: trustme.CA, cert: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from firstdomino.sources import kubeconfig

    account = tmp_path / "serviceaccount"
    account.mkdir()
    (account / "token").write_text("test-token")
    (account / "ca.crt").write_bytes(ca.cert_pem.bytes())
    (account / "namespace").write_text("firstdomino\n")
    with Double(_pods(3), tls=cert) as double:
        host, port = double.url.removeprefix("https://").split(":")
        monkeypatch.setattr(kubeconfig, "SERVICE_ACCOUNT_DIR", str(account))
        monkeypatch.setenv("KUBERNETES_SERVICE_HOST", host)
        monkeypatch.setenv("KUBERNETES_SERVICE_PORT", port)
        monkeypatch.setenv("KUBECONFIG", str(tmp_path / "absent"))
        conn = kubeconfig.connect()
        try:
            assert conn.in_cluster and conn.namespace == "firstdomino"
            result = Collector(conn, Options(kinds=frozenset({"Pod"}))).collect()
        finally:
            conn.close()
    assert len(result.snapshot.of("Pod")) == 4


def test_no_temporary_files_are_left(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch), PYTHONPATH=str(ROOT / "src"))

    def run(*args: str) -> int:
        cmd = [sys.executable, "-m", "firstdomino", *args]
        return subprocess.run(cmd, capture_output=True, env=env, timeout=120, check=False).returncode

    with Double(_pods(3), tls=cert) as double:
        good = write_kubeconfig(tmp_path / "good", double.url, ca.cert_pem.bytes())
        stale = write_kubeconfig(tmp_path / "stale", double.url, trustme.CA().cert_pem.bytes())
        assert run("diagnose", "--kubeconfig", str(good)) in (0, 1)
        assert run("diagnose", "--kubeconfig", str(stale)) == 3
        assert run("snapshot", "--kubeconfig", str(good), "-o", str(tmp_path / "s.tar.gz")) == 0
    unreachable = write_kubeconfig(tmp_path / "down", "https://127.0.0.1:1", ca.cert_pem.bytes())
    assert run("diagnose", "--kubeconfig", str(unreachable), "--timeout", "2") == 3
    assert list(scratch.iterdir()) == []


def test_kubectl_plugin(tmp_path: Path, ca: trustme.CA, cert: Any) -> None:
    bin_dir = Path(sys.executable).parent
    kubectl = shutil.which("kubectl")
    if kubectl is None or not (bin_dir / "kubectl-domino").exists():
        pytest.skip("kubectl or the installed kubectl-domino script is not available")
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    listed = subprocess.run([kubectl, "plugin", "list"], capture_output=True, text=True, env=env, check=False)
    assert "kubectl-domino" in listed.stdout + listed.stderr
    with Double(_pods(3), tls=cert) as double:
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes(), context="plugin-ctx")
        proc = subprocess.run(
            [kubectl, "domino", "diagnose", "--kubeconfig", str(kc), "--context", "plugin-ctx", "-o", "json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["context"] == "plugin-ctx"
    assert any(r[1] == "/api/v1/pods" for r in double.requests)
