"""troubleshoot.sh support bundles and cilium sysdumps: recognised layouts, safe archives, absence is not
evidence, Hubble's policy drops. Bundles are built here, small and synthetic; one test reads the real
troubleshoot sample from the shared folder."""

from __future__ import annotations

import json
import os
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from firstdomino.errors import InputError
from firstdomino.model.kinds import Secret
from firstdomino.sources import load_snapshot
from firstdomino.sources.archive import extracted

from .conftest import diagnose_json

TS = "20240101-120000"
SECRET_VALUE = "hunter2-registry-password"


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    elif isinstance(data, str):
        path.write_text(data)
    else:
        path.write_text(json.dumps(data, indent=2))


def _list(kind: str, items: list[dict[str, Any]], api_version: str = "v1") -> dict[str, Any]:
    return {"kind": kind, "apiVersion": api_version, "metadata": {"resourceVersion": "1"}, "items": items}


def _pod(namespace: str, name: str, containers: list[tuple[str, int]], kind: bool = True) -> dict[str, Any]:
    pod: dict[str, Any] = {
        "metadata": {"name": name, "namespace": namespace, "creationTimestamp": "2024-01-01T10:00:00Z"},
        "spec": {"nodeName": "n1", "containers": [{"name": c, "image": "x"} for c, _ in containers]},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "False", "lastTransitionTime": "2024-01-01T11:00:00Z"}],
            "containerStatuses": [
                {"name": c, "ready": False, "restartCount": restarts, "state": {"running": {}}}
                for c, restarts in containers
            ],
        },
    }
    if kind:
        pod = {"kind": "Pod", "apiVersion": "v1", **pod}
    return pod


# --------------------------------------------------------------------------- troubleshoot.sh
def _troubleshoot(root: Path) -> Path:
    """A small bundle in troubleshoot's layout, with the quirks of real ones."""
    cr = root / "cluster-resources"
    namespaces = [{"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": n}} for n in ("default", "flux")]
    _write(cr / "namespaces.json", _list("NamespaceList", namespaces))
    _write(cr / "nodes.json", _list("NodeList", [{"kind": "Node", "apiVersion": "v1", "metadata": {"name": "n1"}}]))
    # bare arrays whose items carry no kind (the kind comes from the folder)
    _write(cr / "pods" / "default.json", [_pod("default", "web-1", [("app", 3), ("sidecar-previous", 0)], kind=False)])
    _write(cr / "pods" / "flux.json", [])
    _write(cr / "services" / "default.json", _list("ServiceList", []))
    _write(cr / "services" / "flux.json", b'{"kind": "ServiceList",\n  "items": [\n    {"metadata": ')
    # collected, none exist: every file an empty list
    _write(cr / "events" / "default.json", _list("EventList", []))
    _write(cr / "events" / "flux.json", _list("EventList", []))
    # written by troubleshoot, not Kubernetes object lists we read
    _write(cr / "auth-cani-list" / "default.json", [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}])
    _write(cr / "resources.json", [{"kind": "APIResourceList", "groupVersion": "v1", "resources": []}])
    _write(cr / "groups.json", [{"name": "", "versions": [{"groupVersion": "v1", "version": "v1"}]}])
    _write(cr / "clusterroles.json", _list("ClusterRoleList", [], "rbac.authorization.k8s.io/v1"))
    _write(cr / "image-pull-secrets" / "default.json", {"auths": {"reg.example": {"password": SECRET_VALUE}}})
    crds = {
        "metadata": {},
        "items": [
            {
                "metadata": {"name": n},
                "spec": {"group": n.split(".", 1)[1], "names": {"kind": k, "plural": n.split(".")[0]}},
            }
            for n, k in (
                ("kustomizations.kustomize.toolkit.fluxcd.io", "Kustomization"),
                ("ciliumnetworkpolicies.cilium.io", "CiliumNetworkPolicy"),
                ("certificates.cert-manager.io", "Certificate"),
                ("helmcharts.helm.cattle.io", "HelmChart"),
            )
        ],
    }
    _write(cr / "custom-resource-definitions.json", crds)
    kustomization = {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": "apps", "namespace": "flux"},
        "status": {"conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2024-01-01T11:30:00Z"}]},
    }
    _write(cr / "custom-resources" / "kustomizations.kustomize.toolkit.fluxcd.io" / "flux.json", [kustomization])
    cnp = {
        "apiVersion": "cilium.io/v2",
        "kind": "CiliumNetworkPolicy",
        "metadata": {"name": "deny", "namespace": "default"},
    }
    _write(cr / "custom-resources" / "ciliumnetworkpolicies.cilium.io" / "default.yaml", yaml.safe_dump([cnp]))
    chart = {
        "apiVersion": "helm.cattle.io/v1",
        "kind": "HelmChart",
        "metadata": {"name": "traefik", "namespace": "default"},
    }
    _write(cr / "custom-resources" / "helmcharts.helm.cattle.io" / "default.yaml", yaml.safe_dump([chart]))
    logs = cr / "pods" / "logs" / "default" / "web-1"
    _write(logs / "app.log", "dial tcp 10.96.0.1:443: i/o timeout\n")
    _write(logs / "app-previous.log", "panic: boom\n")
    _write(logs / "sidecar-previous.log", "I am the sidecar named sidecar-previous\n")
    _write(logs / "sidecar-previous-previous.log", "the sidecar's previous run\n")
    _write(logs / "init-logs-errors.log", "container init is waiting to start\n")
    _write(root / "all-logs" / "web-1" / "app.log", "a duplicate troubleshoot links here\n")
    _write(root / "secrets" / "default" / "db" / "password.json", {"name": "db", "value": SECRET_VALUE})
    _write(
        root / "version.yaml",
        "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: v0.99.0\n",
    )
    _write(root / "cluster-info" / "cluster_version.json", {"info": {"gitVersion": "v1.30.1"}, "string": "v1.30.1"})
    return root


def test_troubleshoot_bundle_directory(tmp_path: Path) -> None:
    snapshot = load_snapshot(_troubleshoot(tmp_path / "support-bundle"))
    assert [p.metadata.name for p in snapshot.pods()] == ["web-1"]
    assert [o.metadata.name for o in snapshot.of("Node")] == ["n1"]
    assert [o.metadata.name for o in snapshot.of("Kustomization")] == ["apps"]
    assert [o.metadata.name for o in snapshot.of("CiliumNetworkPolicy")] == ["deny"]
    assert not snapshot.of("HelmChart"), "helm.cattle.io HelmCharts are not Flux's: no view, not read"
    notes = "\n".join(snapshot.notes)
    assert "items without kind read as Pod (from its place in the bundle)" in notes
    assert "troubleshoot v0.99.0" in notes and "Kubernetes server v1.30.1" in notes
    assert "auth-cani-list" in notes and "groups.json" in notes and "resources.json" in notes
    # logs: `-previous`, a container whose own name ends in -previous, no all-logs duplicate, no error stub
    assert snapshot.log("default", "web-1", "app") == "dial tcp 10.96.0.1:443: i/o timeout\n"
    assert snapshot.log("default", "web-1", "app", previous=True) == "panic: boom\n"
    assert "named sidecar-previous" in (snapshot.log("default", "web-1", "sidecar-previous") or "")
    assert "previous run" in (snapshot.log("default", "web-1", "sidecar-previous", previous=True) or "")
    assert len(snapshot.logs) == 4
    # only the malformed file is a problem, with its line; RBAC lists and the like raise none
    assert [(p.path, p.line) for p in snapshot.problems] == [("cluster-resources/services/flux.json", 3)]
    # collected (even when every file is an empty list) vs not collected
    for kind in ("Pod", "Node", "Service", "Event", "Namespace", "Kustomization", "CiliumNetworkPolicy"):
        assert snapshot.has_kind(kind), kind
    assert snapshot.has_kind("Certificate"), "CRD installed, no objects: troubleshoot writes no file"
    assert not snapshot.of("Event")
    not_checked = {n.what: n.why for n in snapshot.not_checked}
    for kind in ("DaemonSet", "EndpointSlice", "ConfigMap", "Secret", "Lease"):
        assert not snapshot.has_kind(kind) and "not in this troubleshoot.sh support bundle" in not_checked[kind]
    assert "not installed" in not_checked["HelmRelease"]
    assert snapshot.captured_at.isoformat() == "2024-01-01T11:30:00+00:00", "from the objects, not version.yaml"
    assert SECRET_VALUE not in repr(snapshot)


def test_troubleshoot_errors_and_missing_namespaces_make_a_kind_partial(tmp_path: Path) -> None:
    root = _troubleshoot(tmp_path / "b")
    cr = root / "cluster-resources"
    _write(cr / "services-errors.json", {"flux": 'services is forbidden: User "x" cannot list services'})
    (cr / "pods" / "flux.json").unlink()  # troubleshoot skips namespaces it may not read
    snapshot = load_snapshot(root)
    not_checked = {n.what: n.why for n in snapshot.not_checked}
    assert not snapshot.has_kind("Service") and "forbidden" in not_checked["Service"]
    assert not snapshot.has_kind("Pod") and "1 of 2 namespaces (missing: flux)" in not_checked["Pod"]
    assert [p.metadata.name for p in snapshot.pods()] == ["web-1"], "what was read is kept"
    assert snapshot.has_kind("Event")


def test_troubleshoot_bundle_of_selected_namespaces_counts_no_namespaced_kind(tmp_path: Path) -> None:
    root = _troubleshoot(tmp_path / "b")
    _write(root / "cluster-resources" / "namespaces.json", [{"metadata": {"name": "default"}}])
    snapshot = load_snapshot(root)
    assert snapshot.has_kind("Node")
    assert not snapshot.has_kind("Pod") and not snapshot.has_kind("Event") and not snapshot.has_kind("Kustomization")


def _tar_dir(source: Path, target: Path, extra: list[tarfile.TarInfo]) -> None:
    with tarfile.open(target, "w:gz") as archive:
        archive.add(source, arcname=source.name)
        for info in extra:
            archive.addfile(info)


def _link(name: str, target: str, hard: bool = False) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.LNKTYPE if hard else tarfile.SYMTYPE
    info.linkname = target
    return info


def test_troubleshoot_bundle_tarball_materialises_inside_links_only(tmp_path: Path) -> None:
    root = _troubleshoot(tmp_path / "support-bundle")
    (root / "all-logs" / "web-1" / "app.log").unlink()
    log = "cluster-resources/pods/logs/default/web-1/app.log"
    archive = tmp_path / "bundle.tar.gz"
    _tar_dir(
        root,
        archive,
        [
            _link("support-bundle/all-logs/web-1/app.log", f"../../{log}"),
            _link("support-bundle/static.log", "all-logs/web-1/app.log"),  # a chain of two links
            _link("support-bundle/hard.log", f"support-bundle/{log}", hard=True),
            _link("support-bundle/escape.log", "../../../../etc/passwd"),
            _link("support-bundle/absolute.log", "/etc/passwd"),
            _link("support-bundle/loop-a", "loop-b"),
            _link("support-bundle/loop-b", "loop-a"),
            _link("support-bundle/dangling.log", "nothing-here.log"),
            _link("support-bundle/folder", "cluster-resources"),
        ],
    )
    problems: list[tuple[str, str]] = []
    with extracted(archive, problems) as tree:
        base = tree / "support-bundle"
        for name in ("all-logs/web-1/app.log", "static.log", "hard.log"):
            copy = base / name
            assert not copy.is_symlink() and copy.read_text() == "dial tcp 10.96.0.1:443: i/o timeout\n", name
        links = [p for p in tree.rglob("*") if p.is_symlink()]
        assert links == [], "no link is ever created on disk"
        assert not (base / "escape.log").exists() and not (base / "absolute.log").exists()
    why = dict(problems)
    assert "outside the archive" in why["support-bundle/escape.log"]
    assert "outside the archive" in why["support-bundle/absolute.log"]
    assert "loop" in why["support-bundle/loop-a"] and "loop" in why["support-bundle/loop-b"]
    assert "not in the archive" in why["support-bundle/dangling.log"]
    assert "not a regular file" in why["support-bundle/folder"]
    assert len(problems) == 6
    before = set(Path(tempfile.gettempdir()).glob("firstdomino-*"))
    snapshot = load_snapshot(archive)
    assert set(Path(tempfile.gettempdir()).glob("firstdomino-*")) == before, "temp dir left behind"
    assert [p.metadata.name for p in snapshot.pods()] == ["web-1"]
    assert len(snapshot.logs) == 4, "all-logs copies are not read twice"
    assert {p.path for p in snapshot.problems} >= {"bundle.tar.gz:support-bundle/escape.log"}


def test_directory_bundle_links_are_never_followed(tmp_path: Path) -> None:
    root = _troubleshoot(tmp_path / "b")
    (root / "all-logs" / "web-1" / "app.log").unlink()
    os.symlink(root / "cluster-resources/pods/logs/default/web-1/app.log", root / "all-logs" / "web-1" / "app.log")
    outside = tmp_path / "outside.json"
    _write(outside, [_pod("default", "intruder", [("x", 0)])])
    os.symlink(outside, root / "cluster-resources" / "pods" / "extra.json")
    snapshot = load_snapshot(root)
    assert [p.metadata.name for p in snapshot.pods()] == ["web-1"]
    assert [(p.path, p.message) for p in snapshot.problems if "link" in p.message] == [
        ("cluster-resources/pods/extra.json", "symbolic link not followed")
    ]


# --------------------------------------------------------------------------- cilium sysdump
def _flow(verdict: str, reason: str | None, dport: int, source: str = "client-5d8f7c9b4-q2w3e") -> str:
    flow: dict[str, Any] = {
        "time": "2024-01-01T11:59:00.5Z",
        "verdict": verdict,
        "IP": {"source": "10.0.1.5", "destination": "10.0.2.7", "ipVersion": "IPv4"},
        "l4": {"TCP": {"source_port": 40000, "destination_port": dport, "flags": {"SYN": True}}},
        "source": {"namespace": "default", "pod_name": source},
        "destination": {"namespace": "default", "pod_name": "server"},
        "traffic_direction": "EGRESS",
    }
    if reason is not None:
        flow["drop_reason_desc"] = reason
    return json.dumps({"flow": flow, "node_name": "n1", "time": flow["time"]})


def _sysdump(root: Path) -> Path:
    pods = [
        _pod("kube-system", "cilium-x7k2p", [("cilium-agent", 4)]),
        _pod("default", "client-5d8f7c9b4-q2w3e", [("client", 0)]),
        _pod("default", "server", [("server", 0)]),
    ]
    _write(root / f"k8s-pods-{TS}.yaml", yaml.safe_dump(_list("PodList", pods)))
    _write(root / f"k8s-nodes-{TS}.yaml", yaml.safe_dump(_list("NodeList", [{"metadata": {"name": "n1"}}])))
    service = {"metadata": {"name": "server", "namespace": "default"}, "spec": {"selector": {"app": "server"}}}
    _write(root / f"k8s-services-{TS}.yaml", yaml.safe_dump(_list("ServiceList", [service])))
    _write(root / f"k8s-networkpolicies-{TS}.yaml", yaml.safe_dump(_list("NetworkPolicyList", [])))
    # items without a kind: from the list's kind, or (a bare list) from the file name
    cnp = {"metadata": {"name": "default-deny", "namespace": "default"}, "spec": {}}
    _write(
        root / f"ciliumnetworkpolicies-{TS}.yaml",
        yaml.safe_dump(_list("CiliumNetworkPolicyList", [cnp], "cilium.io/v2")),
    )
    ccnp = {"apiVersion": "cilium.io/v2", "metadata": {"name": "cluster-deny"}, "spec": {}}
    _write(root / f"ciliumclusterwidenetworkpolicies-{TS}.yaml", yaml.safe_dump([ccnp]))
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cilium-config", "namespace": "cilium"}}
    _write(root / f"cilium-configmap-{TS}.yaml", yaml.safe_dump({**config, "data": {"kube-proxy-replacement": "true"}}))
    ds = {"metadata": {"name": "cilium", "namespace": "cilium"}}
    _write(root / f"cilium-daemonset-{TS}.yaml", yaml.safe_dump(_list("DaemonSetList", [ds], "apps/v1")))
    etcd = {"kind": "Secret", "apiVersion": "v1", "metadata": {"name": "cilium-etcd-secrets", "namespace": "cilium"}}
    _write(root / f"cilium-etcd-secrets-secret-{TS}.yaml", yaml.safe_dump({**etcd, "data": {"key": SECRET_VALUE}}))
    _write(root / f"logs-cilium-x7k2p-cilium-agent-{TS}.log", "level=info msg=started\n")
    _write(root / f"logs-cilium-x7k2p-cilium-agent-{TS}-prev.log", "level=fatal msg=crashed\n")
    _write(root / f"logs-cilium-operator-6f4d8b9c7-b5x2z-cilium-operator-{TS}.log", "operator log\n")
    lines = [
        _flow("FORWARDED", None, 53),
        _flow("DROPPED", "POLICY_DENIED", 8080),
        _flow("DROPPED", "POLICY_DENIED", 8080),
        '{"flow": {"verdict": "DROPPED", "drop_reason_desc": ',  # line 4: cut short
        _flow("DROPPED", "Policy denied", 443),
        _flow("DROPPED", "CT_MAP_INSERTION_FAILED", 8080),
        '{"lost_events": {"source": "HUBBLE_RING_BUFFER", "num_events_lost": "3"}}',
        "",
    ]
    _write(root / f"hubble-flows-cilium-x7k2p-{TS}.json", "\n".join(lines))
    _write(root / f"hubble-observe-cilium-x7k2p-{TS}.log", "stderr of hubble observe\n")
    _write(root / f"k8s-version-{TS}.txt", "v1.31.0\n")
    _write(root / "cilium-sysdump.log", "🔍 Collecting sysdump\n")
    _write(root / f"gops-cilium-x7k2p-cilium-agent-{TS}-stack.txt", "goroutine 1\n")
    _write(root / f"cilium-bugtool-cilium-x7k2p-{TS}" / "cmd" / "cilium-status.md", "ok\n")
    return root


def _check_sysdump(snapshot: Any, prefix: str) -> None:
    assert sorted(p.metadata.name for p in snapshot.pods()) == ["cilium-x7k2p", "client-5d8f7c9b4-q2w3e", "server"]
    assert [o.metadata.name for o in snapshot.of("CiliumNetworkPolicy")] == ["default-deny"]
    assert [o.metadata.name for o in snapshot.of("CiliumClusterwideNetworkPolicy")] == ["cluster-deny"]
    note = "items without kind read as CiliumClusterwideNetworkPolicy (from its sysdump file name)"
    assert note in "\n".join(snapshot.notes)
    # logs: by pod name; the pod's namespace from the pods list, else Cilium's (from its ConfigMap)
    assert snapshot.log("kube-system", "cilium-x7k2p", "cilium-agent") == "level=info msg=started\n"
    assert snapshot.log("kube-system", "cilium-x7k2p", "cilium-agent", previous=True) == "level=fatal msg=crashed\n"
    assert snapshot.log("cilium", "cilium-operator-6f4d8b9c7-b5x2z", "cilium-operator") == "operator log\n"
    assert len(snapshot.logs) == 3
    # Hubble: two records, counted; the malformed line is reported with its line number
    drops = [
        (d.source, d.destination, d.port, d.protocol, d.direction, d.reason, d.count) for d in snapshot.policy_drops
    ]
    assert drops == [
        ("default/client-5d8f7c9b4-q2w3e", "default/server", 443, "TCP", "EGRESS", "POLICY_DENIED", 1),
        ("default/client-5d8f7c9b4-q2w3e", "default/server", 8080, "TCP", "EGRESS", "POLICY_DENIED", 2),
    ]
    assert snapshot.policy_drops[1].evidence == f"{prefix}hubble-flows-cilium-x7k2p-{TS}.json:2"
    flows_file = f"{prefix}hubble-flows-cilium-x7k2p-{TS}.json"
    assert [(p.path, p.line) for p in snapshot.problems] == [(flows_file, 4)]
    notes = "\n".join(snapshot.notes)
    assert "5 flow(s) read from 1 file(s), 3 dropped by network policy" in notes
    assert "taken 2024-01-01 12:00:00" in notes and "Kubernetes server v1.31.0" in notes
    assert "cilium-bugtool-cilium-x7k2p-<ts>/" in notes and "gops-cilium-x7k2p-cilium-agent-<ts>-stack.txt" in notes
    # whole lists are collected; Cilium's own DaemonSet and ConfigMap are kept but never count as collected
    for kind in ("Pod", "Node", "Service", "NetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"):
        assert snapshot.has_kind(kind), kind
    assert [o.metadata.name for o in snapshot.of("DaemonSet")] == ["cilium"]
    not_checked = {n.what: n.why for n in snapshot.not_checked}
    for kind in ("DaemonSet", "ConfigMap", "Secret"):
        assert not snapshot.has_kind(kind) and "only Cilium's own" in not_checked[kind], kind
    for kind in ("EndpointSlice", "Deployment", "Event", "Kustomization"):
        assert not snapshot.has_kind(kind) and not_checked[kind] == "not in a cilium sysdump", kind
    secret = snapshot.of("Secret")[0]
    assert isinstance(secret, Secret) and not hasattr(secret, "data")
    assert SECRET_VALUE not in repr(snapshot)
    assert snapshot.captured_at.isoformat() == "2024-01-01T11:00:00+00:00", "not from the file names' local time"


def _zip_dir(source: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                archive.write(path, f"{source.name}/{path.relative_to(source).as_posix()}")


def test_cilium_sysdump_directory(tmp_path: Path) -> None:
    _check_sysdump(load_snapshot(_sysdump(tmp_path / f"cilium-sysdump-{TS}")), "")


def test_cilium_sysdump_zip(tmp_path: Path) -> None:
    folder = _sysdump(tmp_path / f"cilium-sysdump-{TS}")
    archive = tmp_path / f"cilium-sysdump-{TS}.zip"
    _zip_dir(folder, archive)
    before = set(Path(tempfile.gettempdir()).glob("firstdomino-*"))
    _check_sysdump(load_snapshot(archive), f"{archive.name}:")
    assert set(Path(tempfile.gettempdir()).glob("firstdomino-*")) == before, "temp dir left behind"
    code, out = diagnose_json(archive)
    assert code in (0, 1) and out["schema"] == "firstdomino.dev/diagnosis/v1"
    assert any("dropped by policy" in note for note in out["notes"])


def test_sysdump_zip_refuses_traversal_absolute_paths_and_links(tmp_path: Path) -> None:
    folder = _sysdump(tmp_path / f"cilium-sysdump-{TS}")
    archive = tmp_path / "evil.zip"
    _zip_dir(folder, archive)
    escaped = tmp_path / "escaped.yaml"
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("../escaped.yaml", "kind: Pod\nmetadata: {name: evil}\n")
        zf.writestr(f"cilium-sysdump-{TS}/../../escaped.yaml", "kind: Pod\nmetadata: {name: evil}\n")
        zf.writestr("/tmp/firstdomino-absolute.yaml", "kind: Pod\nmetadata: {name: evil}\n")
        link = zipfile.ZipInfo(f"cilium-sysdump-{TS}/k8s-leases-{TS}.yaml")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
    snapshot = load_snapshot(archive)
    assert "evil" not in {p.metadata.name for p in snapshot.pods()}
    messages = {p.path.split(":", 1)[1]: p.message for p in snapshot.problems if p.line is None}
    assert "escapes" in messages["../escaped.yaml"]
    assert "escapes" in messages[f"cilium-sysdump-{TS}/../../escaped.yaml"]
    assert "absolute" in messages["/tmp/firstdomino-absolute.yaml"]
    assert "link" in messages[f"cilium-sysdump-{TS}/k8s-leases-{TS}.yaml"]
    assert not escaped.exists() and not Path("/tmp/firstdomino-absolute.yaml").exists()
    assert not snapshot.has_kind("Lease")


def test_corrupt_zip_is_an_input_error(tmp_path: Path) -> None:
    archive = tmp_path / "sysdump.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError):
        load_snapshot(archive)


def test_sysdump_zip_member_larger_than_its_declared_size_is_refused(tmp_path: Path) -> None:
    folder = _sysdump(tmp_path / f"cilium-sysdump-{TS}")
    archive = tmp_path / "lying.zip"
    _zip_dir(folder, archive)
    data = bytearray(archive.read_bytes())
    name = f"cilium-sysdump-{TS}/k8s-pods-{TS}.yaml".encode()
    header = data.find(b"PK\x01\x02")  # central directory entries: the size at +24, the name at +46
    while data[header + 46 : header + 46 + len(name)] != name:
        header = data.find(b"PK\x01\x02", header + 4)
        assert header >= 0
    size = int.from_bytes(data[header + 24 : header + 28], "little")
    data[header + 24 : header + 28] = (size // 2).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    snapshot = load_snapshot(archive)
    assert list(snapshot.pods()) == [], "a member that is not what the zip directory says is not read"
    assert [p.path for p in snapshot.problems if p.line is None] == [
        f"lying.zip:cilium-sysdump-{TS}/k8s-pods-{TS}.yaml"
    ]


# --------------------------------------------------------------------------- the real troubleshoot sample
def test_real_troubleshoot_bundle(shared_samples: Path) -> None:
    bundle = shared_samples / "troubleshoot-support-bundle.tar.gz"
    snapshot = load_snapshot(bundle)
    counts = {kind: len(snapshot.of(kind)) for kind in ("Pod", "Node", "Event", "Service", "Deployment", "Namespace")}
    assert counts == {"Pod": 8, "Node": 1, "Event": 5, "Service": 4, "Deployment": 5, "Namespace": 4}
    assert "k3d-mycluster-server-0" in {o.metadata.name for o in snapshot.of("Node")}
    pods = {f"{p.metadata.namespace}/{p.metadata.name}" for p in snapshot.pods()}
    assert {"kube-system/coredns-b96499967-tncf4", "default/nginx-deployment-7986654d4-ztx2g"} <= pods
    assert {"default/kubernetes", "kube-system/kube-dns"} <= {
        f"{o.metadata.namespace}/{o.metadata.name}" for o in snapshot.of("Service")
    }
    assert all(e.metadata.name.startswith("static-hi.") for e in snapshot.of("Event"))
    assert {"coredns", "metrics-server"} <= {d.metadata.name for d in snapshot.of("Deployment")}
    assert snapshot.has_kind("NetworkPolicy") and not snapshot.of("NetworkPolicy"), "collected, none exist"
    assert not snapshot.has_kind("DaemonSet") and not snapshot.has_kind("EndpointSlice")
    assert (
        "error watching kubernetes events"
        in (snapshot.log("kube-system", "traefik-7cd4fcff68-9blj6", "traefik") or "").lower()
    )
    assert snapshot.log("kube-system", "coredns-b96499967-tncf4", "coredns", previous=True)
    assert snapshot.log("default", "nginx-deployment-7986654d4-ztx2g", "hello", previous=True)
    assert snapshot.log("kube-system", "svclb-traefik-8ea5448e-d2m74", "lb-tcp-443", previous=True)
    assert snapshot.log("default", "static-hi", "static-hi") is not None
    assert len(snapshot.logs) == 19, "all-logs/ links are not read a second time"
    assert not snapshot.problems, "its links point inside the archive: materialised, not refused"
    assert "troubleshoot v0.50.0" in "\n".join(snapshot.notes)
    code, out = diagnose_json(bundle)
    assert code in (0, 1) and out["schema"] == "firstdomino.dev/diagnosis/v1"
    assert {n["what"] for n in out["notChecked"]} >= {"DaemonSet", "EndpointSlice", "ConfigMap"}
