"""A Kubernetes API-server double for tests: serves a snapshot directory over real HTTPS.

What it implements (what the live source uses, as a real kube-apiserver answers it):
  * `/version`, `/api`, `/api/v1`, `/apis`, `/apis/<group>/<version>` discovery (with or without a
    trailing slash), for the kinds the snapshot collected. Built-in kinds the snapshot did not collect are
    served but answer 403, as under RBAC; CRD kinds it did not collect are not served at all.
  * Lists, cluster-wide and per namespace, with `limit` and `continue` (`metadata.continue`,
    `remainingItemCount`), items without kind/apiVersion as the API server sends them.
  * `Accept: ...;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1` (Secrets: metadata only). Without it,
    Secrets come with their data, so a test can prove the client never asked for it.
  * `GET` of one pod; `pods/<name>/log` with `container`, `previous`, `tailLines`, `limitBytes` from the
    snapshot's `logs/` directory (400 for a previous log that does not exist, as the kubelet answers).
  * Bearer-token authentication (tokens accepted are `Double.tokens`; a token can expire after N requests)
    and optional client-certificate authentication. `Date` is the snapshot's capturedAt.
  * Faults, per resource plural: `forbid` (403), `gone` (410 on a continue), `throttle` (429 +
    Retry-After), `fail` (500), `slow` (seconds), `reset` (close without an answer), `truncate` (cut the
    body short), `hang` (accept and never answer), `endless` (a body that never ends).

It never imports firstdomino: its kind -> resource table and its parsing are its own.
"""

from __future__ import annotations

import base64
import contextlib
import email.utils
import json
import socket
import ssl
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import msgspec
import yaml

# kind -> (group, version, plural, namespaced): written out here, independently of the package
KINDS: dict[str, tuple[str, str, str, bool]] = {
    "Pod": ("", "v1", "pods", True),
    "Event": ("", "v1", "events", True),
    "Service": ("", "v1", "services", True),
    "ConfigMap": ("", "v1", "configmaps", True),
    "Secret": ("", "v1", "secrets", True),
    "Node": ("", "v1", "nodes", False),
    "Namespace": ("", "v1", "namespaces", False),
    "Endpoints": ("", "v1", "endpoints", True),
    "EndpointSlice": ("discovery.k8s.io", "v1", "endpointslices", True),
    "Deployment": ("apps", "v1", "deployments", True),
    "ReplicaSet": ("apps", "v1", "replicasets", True),
    "DaemonSet": ("apps", "v1", "daemonsets", True),
    "StatefulSet": ("apps", "v1", "statefulsets", True),
    "Lease": ("coordination.k8s.io", "v1", "leases", True),
    "NetworkPolicy": ("networking.k8s.io", "v1", "networkpolicies", True),
    "ValidatingWebhookConfiguration": ("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", False),
    "MutatingWebhookConfiguration": ("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", False),
    "APIService": ("apiregistration.k8s.io", "v1", "apiservices", False),
    "CiliumNetworkPolicy": ("cilium.io", "v2", "ciliumnetworkpolicies", True),
    "CiliumClusterwideNetworkPolicy": ("cilium.io", "v2", "ciliumclusterwidenetworkpolicies", False),
    "Certificate": ("cert-manager.io", "v1", "certificates", True),
    "CertificateRequest": ("cert-manager.io", "v1", "certificaterequests", True),
    "Issuer": ("cert-manager.io", "v1", "issuers", True),
    "ClusterIssuer": ("cert-manager.io", "v1", "clusterissuers", False),
    "Kustomization": ("kustomize.toolkit.fluxcd.io", "v1", "kustomizations", True),
    "HelmRelease": ("helm.toolkit.fluxcd.io", "v2", "helmreleases", True),
    "GitRepository": ("source.toolkit.fluxcd.io", "v1", "gitrepositories", True),
    "OCIRepository": ("source.toolkit.fluxcd.io", "v1beta2", "ocirepositories", True),
    "HelmRepository": ("source.toolkit.fluxcd.io", "v1", "helmrepositories", True),
    "HelmChart": ("source.toolkit.fluxcd.io", "v1", "helmcharts", True),
    "Bucket": ("source.toolkit.fluxcd.io", "v1", "buckets", True),
    "Application": ("argoproj.io", "v1alpha1", "applications", True),
    "ApplicationSet": ("argoproj.io", "v1alpha1", "applicationsets", True),
}
BUILTIN = {"", "apps", "discovery.k8s.io", "coordination.k8s.io", "networking.k8s.io"} | {
    "admissionregistration.k8s.io",
    "apiregistration.k8s.io",
}


class _Meta(msgspec.Struct):
    name: str = ""
    namespace: str = ""


class _Head(msgspec.Struct):
    kind: str = ""
    metadata: _Meta = msgspec.field(default_factory=_Meta)


_HEAD = msgspec.json.Decoder(_Head)
_ITEMS = msgspec.json.Decoder(msgspec.defstruct("Items", [("kind", str, ""), ("items", list[msgspec.Raw], [])]))


@dataclass
class Faults:
    forbid: set[str] = field(default_factory=set)
    gone: Counter[str] = field(default_factory=Counter)  # 410 on the next N continues
    throttle: Counter[str] = field(default_factory=Counter)  # 429 the next N requests
    retry_after: float = 0.2
    fail: Counter[str] = field(default_factory=Counter)  # 500 the next N requests
    slow: dict[str, float] = field(default_factory=dict)
    reset: Counter[str] = field(default_factory=Counter)
    truncate: Counter[str] = field(default_factory=Counter)
    hang: set[str] = field(default_factory=set)
    endless: set[str] = field(default_factory=set)


@dataclass
class Store:
    """Objects of one snapshot, as encoded JSON items, by plural."""

    items: dict[str, list[bytes]] = field(default_factory=lambda: defaultdict(list))
    namespaces: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    collected: set[str] = field(default_factory=set)
    logs: dict[tuple[str, str, str, bool], bytes] = field(default_factory=dict)
    captured_at: datetime | None = None
    context: str = ""

    def add(self, kind: str, raw: bytes, namespace: str) -> None:
        if kind not in KINDS:
            return
        plural = KINDS[kind][2]
        self.items[plural].append(raw)
        self.namespaces[plural].append(namespace)
        self.collected.add(kind)


def load_store(root: Path) -> Store:
    """Read a snapshot directory (YAML or JSON files, Lists, multi-document YAML, logs/, meta.json)."""
    store = Store()
    meta_file = root / "meta.json"
    latest = ""
    if meta_file.is_file():
        meta = json.loads(meta_file.read_text())
        for entry in meta.get("kinds", []):
            store.collected.add(entry.rsplit("/", 1)[-1])
        if meta.get("capturedAt"):
            store.captured_at = datetime.fromisoformat(meta["capturedAt"].replace("Z", "+00:00"))
        store.context = meta.get("context", "")
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).parts
        if not path.is_file() or path.name == "meta.json":
            continue
        if rel[0] == "logs" and len(rel) == 4:
            name = rel[3][: -len(".log")]
            previous = name.endswith(".previous")
            container = name[: -len(".previous")] if previous else name
            store.logs[(rel[1], rel[2], container, previous)] = path.read_bytes()
            continue
        if path.suffix == ".json":
            top = _ITEMS.decode(path.read_bytes())
            list_kind = top.kind[:-4] if top.kind.endswith("List") and top.kind != "List" else ""
            for raw in top.items:
                head = _HEAD.decode(raw)
                store.add(head.kind or list_kind, bytes(raw), head.metadata.namespace)
        elif path.suffix in (".yaml", ".yml"):
            for doc in yaml.safe_load_all(path.read_text()):
                for obj in doc.get("items", []) if isinstance(doc, dict) and "items" in doc else [doc]:
                    if isinstance(obj, dict):
                        for key in ("creationTimestamp",):
                            stamp = (obj.get("metadata") or {}).get(key)
                            if isinstance(stamp, str) and stamp > latest:
                                latest = stamp
                        store.add(
                            str(obj.get("kind", "")),
                            json.dumps(obj, default=_json_default, separators=(",", ":")).encode(),
                            str((obj.get("metadata") or {}).get("namespace", "")),
                        )
    return store


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        stamp = value if value.tzinfo else value.replace(tzinfo=UTC)
        return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def _status(code: int, reason: str, message: str) -> bytes:
    return json.dumps(
        {"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message, "reason": reason, "code": code}
    ).encode()


class Double:
    """The server. Use as a context manager; `url`, `ca_pem`, `requests` (method, path, query)."""

    def __init__(self, store: Store, tokens: set[str] | None = None, client_ca: Any = None, tls: Any = None) -> None:
        self.store = store
        self.faults = Faults()
        self.tokens = tokens if tokens is not None else {"test-token"}
        self.token_budget: dict[str, int] = {}  # token -> requests left before it expires
        #: when set, only these (apiGroup, resource, verb) are allowed, as an RBAC role would; else 403
        self.allowed: set[tuple[str, str, str]] | None = None
        self.denied: list[tuple[str, str, str]] = []
        self._selections: dict[tuple[str, str], list[int]] = {}
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._tls = tls
        self._client_ca = client_ca
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None
        self.url = ""

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Double:
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                double.handle(self)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        if self._tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._tls.configure_cert(ctx)
            if self._client_ca is not None:
                self._client_ca.configure_trust(ctx)
                ctx.verify_mode = ssl.CERT_OPTIONAL
            server.socket = ctx.wrap_socket(server.socket, server_side=True)
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        scheme = "https" if self._tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{server.server_address[1]}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)

    # ------------------------------------------------------------------ helpers
    def count(self, predicate: Any = None) -> int:
        with self.lock:
            return sum(1 for r in self.requests if predicate is None or predicate(r))

    def _date(self) -> str:
        when = self.store.captured_at or datetime.now(UTC)
        return email.utils.format_datetime(when.astimezone(UTC), usegmt=True)

    def _send(self, h: BaseHTTPRequestHandler, code: int, body: bytes, ctype: str = "application/json") -> None:
        h.send_response(code)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.send_header("Date", self._date())
        h.end_headers()
        h.wfile.write(body)

    def _authorised(self, h: BaseHTTPRequestHandler) -> bool:
        header = h.headers.get("Authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else ""
        if token and token in self.tokens:
            with self.lock:
                left = self.token_budget.get(token)
                if left is not None:
                    if left <= 0:
                        return False
                    self.token_budget[token] = left - 1
            return True
        if self._client_ca is not None and isinstance(h.connection, ssl.SSLSocket):
            return h.connection.getpeercert() is not None and bool(h.connection.getpeercert())
        return False

    # ------------------------------------------------------------------ routing
    def handle(self, h: BaseHTTPRequestHandler) -> None:
        split = urlsplit(h.path)
        path = split.path.rstrip("/") or "/"
        query = parse_qs(split.query)
        with self.lock:
            self.requests.append(("GET", path, query))
        if not self._authorised(h):
            self._send(h, 401, _status(401, "Unauthorized", "Unauthorized"))
            return
        if path == "/version":
            body = {"major": "1", "minor": "31", "gitVersion": "v1.31.2-double", "platform": "linux/amd64"}
            self._send(h, 200, json.dumps(body).encode())
            return
        if path == "/api":
            self._send(h, 200, json.dumps({"kind": "APIVersions", "versions": ["v1"]}).encode())
            return
        if path == "/apis":
            self._send(h, 200, self._groups())
            return
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) >= 2:
            group, version, rest = "", parts[1], parts[2:]
        elif parts[0] == "apis" and len(parts) >= 3:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            self._send(h, 404, _status(404, "NotFound", "the server could not find the requested resource"))
            return
        if not rest:
            self._send(h, 200, self._resources(group, version))
            return
        namespace = ""
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        plural = rest[0]
        kind = next((k for k, v in KINDS.items() if v[0] == group and v[2] == plural), "")
        if not kind or not self._served(kind) or KINDS[kind][1] != version:
            self._send(h, 404, _status(404, "NotFound", "the server could not find the requested resource"))
            return
        if not self._fault(h, plural, query):
            return
        if kind not in self.store.collected or plural in self.faults.forbid:
            self._send(
                h,
                403,
                _status(403, "Forbidden", f'{plural} is forbidden: User "test" cannot list resource "{plural}"'),
            )
            return
        verb, resource = ("list", plural) if len(rest) == 1 else ("get", plural)
        if len(rest) == 3:
            resource = f"{plural}/{rest[2]}"
        if self.allowed is not None and (group, resource, verb) not in self.allowed:
            with self.lock:
                self.denied.append((group, resource, verb))
            self._send(h, 403, _status(403, "Forbidden", f'cannot {verb} resource "{resource}" in group "{group}"'))
            return
        if len(rest) == 1:
            self._list(h, kind, namespace, query)
        elif len(rest) == 2:
            self._get(h, kind, namespace, rest[1])
        elif len(rest) == 3 and plural == "pods" and rest[2] == "log":
            self._log(h, namespace, rest[1], query)
        else:
            self._send(h, 404, _status(404, "NotFound", "not found"))

    def _served(self, kind: str) -> bool:
        return KINDS[kind][0] in BUILTIN or kind in self.store.collected

    def _groups(self) -> bytes:
        groups: dict[str, str] = {}
        for kind, (group, version, _plural, _ns) in KINDS.items():
            if group and self._served(kind):
                groups[group] = version
        return json.dumps(
            {
                "kind": "APIGroupList",
                "apiVersion": "v1",
                "groups": [
                    {
                        "name": g,
                        "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
                        "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v},
                    }
                    for g, v in sorted(groups.items())
                ],
            }
        ).encode()

    def _resources(self, group: str, version: str) -> bytes:
        resources = [
            {
                "name": plural,
                "namespaced": namespaced,
                "kind": kind,
                "verbs": ["get", "list", "watch"],
            }
            for kind, (g, v, plural, namespaced) in KINDS.items()
            if g == group and v == version and self._served(kind)
        ]
        if group == "":
            resources.append({"name": "pods/log", "namespaced": True, "kind": "Pod", "verbs": ["get"]})
        gv = f"{group}/{version}" if group else version
        return json.dumps({"kind": "APIResourceList", "groupVersion": gv, "resources": resources}).encode()

    def _fault(self, h: BaseHTTPRequestHandler, plural: str, query: dict[str, list[str]]) -> bool:
        f = self.faults
        with self.lock:
            throttle = f.throttle[plural] > 0 and not f.throttle.subtract({plural: 1})
            fail = not throttle and f.fail[plural] > 0 and not f.fail.subtract({plural: 1})
            reset = f.reset[plural] > 0 and not f.reset.subtract({plural: 1})
            gone = "continue" in query and f.gone[plural] > 0 and not f.gone.subtract({plural: 1})
        if plural in f.slow:
            self.stopping.wait(f.slow[plural])
        if plural in f.hang:
            self.stopping.wait(60)
            return False
        if reset:
            h.close_connection = True
            with contextlib.suppress(OSError):
                h.connection.shutdown(socket.SHUT_RDWR)
            return False
        if throttle:
            h.send_response(429)
            h.send_header("Retry-After", f"{f.retry_after:g}")
            body = _status(429, "TooManyRequests", "too many requests, please try again later")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
            return False
        if fail:
            self._send(h, 500, _status(500, "InternalError", "etcdserver: request timed out"))
            return False
        if gone:
            self._send(h, 410, _status(410, "Expired", "The provided continue parameter is too old"))
            return False
        if plural in f.endless:
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            chunk = b" " * 65536
            try:
                while not self.stopping.is_set():
                    h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                pass
            h.close_connection = True
            return False
        return True

    def _list(self, h: BaseHTTPRequestHandler, kind: str, namespace: str, query: dict[str, list[str]]) -> None:
        group, version, plural, _namespaced = KINDS[kind]
        items = self.store.items.get(plural, [])
        selected = self._selection(plural, namespace)
        start = 0
        if query.get("continue"):
            start = int(base64.b64decode(query["continue"][0]).decode())
        limit = int(query.get("limit", ["0"])[0] or 0) or len(selected)
        page = selected[start : start + limit]
        metadata: dict[str, Any] = {"resourceVersion": "1000"}
        if start + limit < len(selected):
            metadata["continue"] = base64.b64encode(str(start + limit).encode()).decode()
            metadata["remainingItemCount"] = len(selected) - start - limit
        partial = "as=PartialObjectMetadataList" in h.headers.get("Accept", "")
        if partial:
            encoded = [
                json.dumps(
                    {
                        "kind": "PartialObjectMetadata",
                        "apiVersion": "meta.k8s.io/v1",
                        "metadata": json.loads(items[i])["metadata"],
                    }
                ).encode()
                for i in page
            ]
            head = {"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1"}
        else:
            encoded = [_strip_kind(items[i]) for i in page]
            head = {"kind": f"{kind}List", "apiVersion": f"{group}/{version}" if group else version}
        body = (
            json.dumps(head)[:-1].encode()
            + b',"metadata":'
            + json.dumps(metadata).encode()
            + b',"items":['
            + b",".join(encoded)
            + b"]}"
        )
        with self.lock:
            truncate = self.faults.truncate[plural] > 0 and not self.faults.truncate.subtract({plural: 1})
        if truncate:
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body[: len(body) // 2])
            h.close_connection = True
            with contextlib.suppress(OSError):
                h.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(h, 200, body)

    def _selection(self, plural: str, namespace: str) -> list[int]:
        """Indices of the items of a list (cached: a page must not cost a scan of every object)."""
        key = (plural, namespace)
        with self.lock:
            cached = self._selections.get(key)
        if cached is None:
            spaces = self.store.namespaces.get(plural, [])
            cached = [i for i, ns in enumerate(spaces) if not namespace or ns == namespace]
            with self.lock:
                self._selections[key] = cached
        return cached

    def _get(self, h: BaseHTTPRequestHandler, kind: str, namespace: str, name: str) -> None:
        plural = KINDS[kind][2]
        for raw, ns in zip(self.store.items.get(plural, []), self.store.namespaces.get(plural, []), strict=True):
            if ns == namespace and _HEAD.decode(raw).metadata.name == name:
                self._send(h, 200, raw)
                return
        self._send(h, 404, _status(404, "NotFound", f'{plural} "{name}" not found'))

    def _log(self, h: BaseHTTPRequestHandler, namespace: str, pod: str, query: dict[str, list[str]]) -> None:
        container = query.get("container", [""])[0]
        previous = query.get("previous", ["false"])[0] == "true"
        text = self.store.logs.get((namespace, pod, container, previous))
        if text is None:
            if previous:
                self._send(
                    h,
                    400,
                    _status(400, "BadRequest", f'previous terminated container "{container}" in pod "{pod}" not found'),
                )
            else:
                self._send(h, 200, b"", "text/plain")
            return
        tail = int(query.get("tailLines", ["0"])[0] or 0)
        if tail:
            text = b"\n".join(text.rstrip(b"\n").split(b"\n")[-tail:]) + b"\n"
        limit = int(query.get("limitBytes", ["0"])[0] or 0)
        if limit:
            text = text[:limit]
        self._send(h, 200, text, "text/plain")


def _strip_kind(raw: bytes) -> bytes:
    """Items of a list carry no kind/apiVersion on the wire."""
    if not raw.startswith(b'{"kind"') and not raw.startswith(b'{"apiVersion"'):
        return raw
    obj = json.loads(raw)
    obj.pop("kind", None)
    obj.pop("apiVersion", None)
    return json.dumps(obj, separators=(",", ":")).encode()


def write_kubeconfig(
    path: Path,
    server: str,
    ca_pem: bytes | None,
    *,
    context: str = "test",
    token: str | None = "test-token",
    exec_script: Path | None = None,
    exec_api: str = "client.authentication.k8s.io/v1",
    client_cert: tuple[Path, Path] | None = None,
    namespace: str | None = None,
) -> Path:
    """A real kubeconfig file for the double."""
    cluster: dict[str, Any] = {"server": server}
    if ca_pem is not None:
        cluster["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
    user: dict[str, Any] = {}
    if token:
        user["token"] = token
    if exec_script is not None:
        import sys

        user = {"exec": {"apiVersion": exec_api, "command": sys.executable, "args": [str(exec_script)]}}
        user["exec"]["interactiveMode"] = "Never"
    if client_cert is not None:
        user["client-certificate"] = str(client_cert[0])
        user["client-key"] = str(client_cert[1])
    ctx: dict[str, Any] = {"cluster": "double", "user": "tester"}
    if namespace:
        ctx["namespace"] = namespace
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "double", "cluster": cluster}],
        "users": [{"name": "tester", "user": user}],
        "contexts": [{"name": context, "context": ctx}],
        "current-context": context,
    }
    path.write_text(yaml.safe_dump(config))
    return path


def wait_until(predicate: Any, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def main() -> None:
    """Serve a snapshot until killed: `python tests/apiserver.py SNAP_DIR KUBECONFIG_OUT [--plain]` (for
    benchmarks and manual tries); prints the URL once it listens."""
    import sys

    import trustme

    snap, kubeconfig = Path(sys.argv[1]), Path(sys.argv[2])
    plain = "--plain" in sys.argv[3:]  # http://, as through `kubectl proxy`
    store = load_store(snap)
    ca = trustme.CA()
    with Double(store, tls=None if plain else ca.issue_cert("127.0.0.1")) as double:
        ca_pem = None if plain else ca.cert_pem.bytes()
        write_kubeconfig(kubeconfig, double.url, ca_pem, context=store.context or "double")
        print(double.url, flush=True)
        double.stopping.wait()


if __name__ == "__main__":
    main()
