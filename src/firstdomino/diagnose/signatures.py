"""Log and message signatures: the exact error strings of failure-modes.md, classified.

`classify(text)` returns the signals found in a message or log, each with what it points at (an IP and
port, a DNS host and server, a webhook, a Secret). What a signal *means* is decided by the rules, with
the graph: `connect: operation not permitted` to a ClusterIP is the Cilium socket-LB refusing a Service
with no active backend, never a policy verdict by itself; an `i/o timeout` is a drop (policy or no route).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime

EPERM = "eperm"  # connect/sendto: operation not permitted (socket LB, no backend)
EHOSTUNREACH = "ehostunreach"  # no route to host (socket LB, no backend; fixed Cilium)
TIMEOUT = "timeout"  # i/o timeout (drop)
REFUSED = "refused"  # connection refused (kube-proxy reject, or nothing listening)
NXDOMAIN = "nxdomain"
X509 = "x509"
DEADLINE = "deadline"  # context deadline exceeded / Client.Timeout exceeded
WEBHOOK = "webhook"  # failed calling webhook "name"
NO_ENDPOINTS = "no-endpoints"  # no endpoints available for service "x"
SECRET_MISSING = "secret-missing"
CONFIGMAP_MISSING = "configmap-missing"
CAPS = "caps"  # unable to apply caps (SYS_MODULE on Talos)
MANIFEST_CACHED = "manifest-cached"
DEPENDENCY = "dependency-not-ready"
DNS = "dns"  # a lookup failed; host/server tell which
LEASE = "lease"  # leader-election lease errors
ETCD_SLOW = "etcd-slow"
NETWORK_PLUGIN = "network-plugin-not-ready"


@dataclass(frozen=True)
class Signal:
    kind: str
    text: str
    ip: str = ""
    port: int = 0
    host: str = ""
    server: str = ""
    name: str = ""


_DIAL = re.compile(
    r"dial (?P<proto>tcp|udp)(?:\d)? (?P<ip>\d+\.\d+\.\d+\.\d+|\[[0-9a-fA-F:]+\]):(?P<port>\d+):"
    r" (?:connect|write|read|sendto)?:? ?(?P<err>operation not permitted|no route to host|i/o timeout|"
    r"connection refused|connection timed out)",
    re.I,
)
_READ_UDP = re.compile(
    r"(?:read|write) udp [\d.:]+->(?P<ip>\d+\.\d+\.\d+\.\d+):(?P<port>\d+): (?P<err>i/o timeout|connection refused)"
)
_LOOKUP = re.compile(
    r"lookup (?P<host>[A-Za-z0-9._-]+)(?: on (?P<server>\d+\.\d+\.\d+\.\d+):53)?:\s*(?P<rest>[^\n\"]*)"
)
_WEBHOOK = re.compile(r'failed calling webhook "(?P<name>[^"]+)"')
_NO_ENDPOINTS = re.compile(r'no endpoints available for service "(?P<name>[^"]+)"')
_SECRET = re.compile(r'secrets? "(?P<name>[a-z0-9.-]+)" not found')
_CONFIGMAP = re.compile(r'configmaps? "(?P<name>[a-z0-9.-]+)" not found')
_DEPENDENCY = re.compile(r"dependency '(?P<name>[^']+)' is not ready")
_URL_IP = re.compile(r"https?://(?P<ip>\d+\.\d+\.\d+\.\d+):(?P<port>\d+)")
_PLAIN = (
    (X509, re.compile(r"x509: certificate", re.I)),
    (DEADLINE, re.compile(r"context deadline exceeded|Client\.Timeout exceeded|request canceled", re.I)),
    (CAPS, re.compile(r"unable to apply caps", re.I)),
    (MANIFEST_CACHED, re.compile(r"Manifest generation error \(cached\)")),
    (LEASE, re.compile(r"error retrieving resource lock|failed to (?:acquire|renew) lease|leaderelection lost", re.I)),
    (
        ETCD_SLOW,
        re.compile(
            r"slow fdatasync|apply request took too long|failed to send out heartbeat on time|"
            r"etcdserver: request timed out",
            re.I,
        ),
    ),
    (NETWORK_PLUGIN, re.compile(r"NetworkPluginNotReady|cni plugin not initialized|network is not ready", re.I)),
)
_ERRNO = {
    "operation not permitted": EPERM,
    "no route to host": EHOSTUNREACH,
    "i/o timeout": TIMEOUT,
    "connection timed out": TIMEOUT,
    "connection refused": REFUSED,
}


def classify(text: str) -> list[Signal]:
    """Every signal in `text`, in order of appearance per kind; duplicates removed."""
    if not text:
        return []
    return list(_classify(text))


@functools.lru_cache(maxsize=8192)
def _classify(text: str) -> tuple[Signal, ...]:
    """`classify`, memoised: the same messages (kubelet back-offs, events, a controller's error) repeat
    across the many pods of a broken cluster, and each costs a dozen regular-expression scans."""
    found: dict[tuple[str, str, int, str, str, str], Signal] = {}

    def add(signal: Signal) -> None:
        found.setdefault((signal.kind, signal.ip, signal.port, signal.host, signal.server, signal.name), signal)

    for m in _DIAL.finditer(text):
        ip = m.group("ip").strip("[]")
        add(Signal(_ERRNO[m.group("err").lower()], _line(text, m.start()), ip=ip, port=int(m.group("port"))))
    for m in _READ_UDP.finditer(text):
        add(Signal(_ERRNO[m.group("err")], _line(text, m.start()), ip=m.group("ip"), port=int(m.group("port"))))
    for m in _LOOKUP.finditer(text):
        rest = m.group("rest").lower()
        kind = NXDOMAIN if "no such host" in rest else DNS
        add(Signal(kind, _line(text, m.start()), host=m.group("host"), server=m.group("server") or ""))
    for m in _WEBHOOK.finditer(text):
        add(Signal(WEBHOOK, _line(text, m.start()), name=m.group("name")))
    for m in _NO_ENDPOINTS.finditer(text):
        add(Signal(NO_ENDPOINTS, _line(text, m.start()), name=m.group("name")))
    for m in _SECRET.finditer(text):
        add(Signal(SECRET_MISSING, _line(text, m.start()), name=m.group("name")))
    for m in _CONFIGMAP.finditer(text):
        add(Signal(CONFIGMAP_MISSING, _line(text, m.start()), name=m.group("name")))
    for m in _DEPENDENCY.finditer(text):
        add(Signal(DEPENDENCY, _line(text, m.start()), name=m.group("name")))
    for m in _URL_IP.finditer(text):
        if "timeout" in text[m.end() : m.end() + 200].lower():
            add(Signal(TIMEOUT, _line(text, m.start()), ip=m.group("ip"), port=int(m.group("port"))))
    for kind, pattern in _PLAIN:
        plain = pattern.search(text)
        if plain:
            add(Signal(kind, _line(text, plain.start())))
    return tuple(found.values())


def _line(text: str, pos: int) -> str:
    """The line containing `pos`, trimmed to a readable length."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start : end if end != -1 else len(text)].strip()
    return line if len(line) <= 400 else line[:397] + "..."


def errno_meaning(kind: str) -> str:
    """One sentence on what an errno means on a Cilium/kube-proxy cluster (failure-modes.md §1, §6)."""
    return {
        EPERM: "an immediate `operation not permitted` is Cilium's socket load balancer refusing a Service "
        "with no active backend (not a policy drop, which would time out)",
        EHOSTUNREACH: "`no route to host` is the socket load balancer refusing a Service with no active backend",
        TIMEOUT: "an i/o timeout is a silent drop: a policy denial or no route/translation",
        REFUSED: "connection refused: nothing listening, or kube-proxy rejecting a Service without endpoints",
    }.get(kind, "")


_TS_RFC3339 = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))")
_TS_KLOG = re.compile(r"^[IWEF](\d\d)(\d\d) (\d\d):(\d\d):(\d\d)")


def line_time(line: str, year: int) -> datetime | None:
    """When a log line was written: logfmt `time="…"`, JSON `"ts"`/`"time"`, a leading RFC 3339 stamp,
    or a klog header (`E1115 00:35:08.143012`, whose year is taken from `year`)."""
    match = _TS_RFC3339.search(line[:120])
    if match:
        try:
            value = datetime.fromisoformat(match.group(1))
        except ValueError:
            value = None
        if value is not None:
            return value if value.tzinfo else value.replace(tzinfo=UTC)
    klog = _TS_KLOG.match(line.lstrip())
    if klog:
        month, day, hour, minute, second = (int(g) for g in klog.groups())
        try:
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except ValueError:
            return None
    return None
