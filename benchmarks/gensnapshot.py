"""Write a realistic synthetic cluster snapshot for the performance benchmarks.

    python benchmarks/gensnapshot.py OUT_DIR --pods 50000 [--nodes 2000] [--services 5000] [--seed 1]

The output is a snapshot directory (meta.json plus JSON files of Kubernetes objects) written the way
the API server writes lists: compact `{"kind":"PodList","apiVersion":"v1","metadata":{...},"items":[...]}`
with items that carry no kind/apiVersion. One file per namespace and kind (`pods/<ns>.json`, ...), plus
`nodes.json`, `daemonsets.json` and `events.json`.

What is in it:
  * Deployments -> one ReplicaSet each (plus an old, scaled-to-zero one for some) -> pods (~5-6 KB of
    compact JSON each: env with secretKeyRef/fieldRef, envFrom, probes, resources, projected token,
    tolerations, affinity, 5 conditions, container statuses; managedFields on ~30%).
  * Every Service selects the pods of one Deployment and has an EndpointSlice listing them (ready
    matching the pod's readiness).
  * ~1% of pods unhealthy (CrashLoopBackOff with lastState.terminated, or ImagePullBackOff), with events.
  * default/kubernetes, kube-system/kube-dns + a 2-pod coredns Deployment, and a kube-proxy DaemonSet
    with one pod per node when the pod budget allows (pods >= 4 x nodes).

Deterministic for a given seed. Items are serialised one at a time and streamed to disk, so memory
stays small (one namespace's pod summaries) whatever the size.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

try:
    import orjson

    def _dumps(value: Any) -> bytes:
        return orjson.dumps(value)
except ImportError:  # pragma: no cover - orjson is a dev dependency

    def _dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


Json = dict[str, Any]

#: Bumped whenever the output changes, so `bench_diagnose.py --keep` regenerates stale snapshots.
GENERATOR_VERSION = 1
CAPTURED_AT = 1_763_640_000  # 2025-11-20T12:00:00Z
KINDS = [
    "v1/Pod",
    "v1/Node",
    "v1/Service",
    "discovery.k8s.io/v1/EndpointSlice",
    "apps/v1/Deployment",
    "apps/v1/ReplicaSet",
    "apps/v1/DaemonSet",
    "v1/Event",
    "v1/ConfigMap",
]
UNHEALTHY_FRACTION = 0.01
MAX_EVENTS = 2000
ENDPOINTS_PER_SLICE = 100

_TEAMS = [
    "payments",
    "search",
    "checkout",
    "identity",
    "catalog",
    "billing",
    "media",
    "growth",
    "ml",
    "data",
    "edge",
    "ledger",
    "notify",
    "support",
    "infra",
    "mobile",
    "ads",
    "maps",
    "risk",
    "crm",
]
_APPS = [
    "api",
    "worker",
    "gateway",
    "frontend",
    "indexer",
    "scheduler",
    "consumer",
    "exporter",
    "sync",
    "reporter",
    "auth",
    "cache",
    "router",
    "ingest",
    "renderer",
    "planner",
    "notifier",
    "backend",
]
_SIDECARS = [
    ("metrics-exporter", "quay.io/prometheus/statsd-exporter:v0.27.1", 9102),
    ("log-shipper", "docker.io/fluent/fluent-bit:3.1.9", 2020),
]
_ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
_ALNUM = "bcdfghjklmnpqrstvwxz2456789"


def ts(epoch: int) -> str:
    """RFC 3339 UTC, second precision, as the API server writes it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def ip4(value: int) -> str:
    return f"{(value >> 24) & 255}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}"


class Gen:
    """Deterministic random helpers."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.resource_version = 1_000_000

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def suffix(self, n: int = 5) -> str:
        return "".join(self.rng.choices(_ALNUM, k=n))

    def hexid(self, bits: int = 256) -> str:
        return f"{self.rng.getrandbits(bits):0{bits // 4}x}"

    def rv(self) -> str:
        self.resource_version += self.rng.randint(1, 40)
        return str(self.resource_version)


class ListWriter:
    """Streams one `FooList` file: header, then each item as it is produced."""

    def __init__(self, path: Path, kind: str, api_version: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle: IO[bytes] = open(path, "wb", buffering=1 << 20)  # closed in close()
        self._handle.write(
            b'{"kind":"'
            + kind.encode()
            + b'","apiVersion":"'
            + api_version.encode()
            + b'","metadata":{"resourceVersion":"'
            + str(CAPTURED_AT).encode()
            + b'"},"items":['
        )
        self._first = True
        self.count = 0
        self.bytes = 0

    def add(self, item: Json) -> None:
        data = _dumps(item)
        if not self._first:
            self._handle.write(b",")
        self._first = False
        self._handle.write(data)
        self.count += 1
        self.bytes += len(data)

    def close(self) -> None:
        self._handle.write(b"]}")
        self._handle.close()


def write_list(path: Path, kind: str, api_version: str, items: Iterable[Json]) -> ListWriter:
    writer = ListWriter(path, kind, api_version)
    for item in items:
        writer.add(item)
    writer.close()
    return writer


# --------------------------------------------------------------------------- cluster model
@dataclass
class NodeInfo:
    name: str
    ip: str
    zone: str
    control_plane: bool


@dataclass
class PodSummary:
    """What the EndpointSlice and event writers need from a pod already written."""

    name: str
    uid: str
    ip: str
    node: str
    zone: str
    ready: bool
    problem: str  # "", "CrashLoopBackOff" or "ImagePullBackOff"
    image: str


@dataclass
class App:
    """A Deployment (or DaemonSet) and the pod template its pods share."""

    namespace: str
    name: str
    kind: str  # Deployment or DaemonSet
    uid: str
    created: int
    replicas: int
    labels: dict[str, str]  # selector labels
    pod_labels: dict[str, str]
    annotations: dict[str, str]
    containers: list[Json]
    volumes: list[Json]
    tolerations: list[Json]
    affinity: Json | None
    service_account: str
    host_network: bool = False
    priority_class: str = ""
    port: int = 8080
    rs_name: str = ""
    rs_uid: str = ""
    rs_hash: str = ""
    old_rs: tuple[str, str, str] | None = None  # name, uid, hash
    pods: list[PodSummary] = field(default_factory=list)
    has_service: bool = False


def _probe(gen: Gen, port: int, path: str) -> Json:
    return {
        "httpGet": {"path": path, "port": port, "scheme": "HTTP"},
        "initialDelaySeconds": gen.rng.choice([5, 10, 15, 30]),
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }


def _container(gen: Gen, name: str, image: str, port: int, app: str, main: bool) -> Json:
    env: list[Json] = [
        {"name": "APP_NAME", "value": app},
        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
    ]
    if main:
        env += [
            {"name": "LOG_LEVEL", "value": gen.rng.choice(["info", "warn", "debug"])},
            {
                "name": "POD_NAMESPACE",
                "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}},
            },
            {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}},
            {
                "name": "DATABASE_PASSWORD",
                "valueFrom": {"secretKeyRef": {"name": f"{app}-db", "key": "password"}},
            },
            {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": f"{app}-token", "key": "token"}}},
            {"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://otel-collector.observability:4317"},
        ]
    cpu = gen.rng.choice([50, 100, 250, 500])
    mem = gen.rng.choice([64, 128, 256, 512])
    container: Json = {
        "name": name,
        "image": image,
        "ports": [{"name": "http" if main else "metrics", "containerPort": port, "protocol": "TCP"}],
    }
    if main:
        container["envFrom"] = [{"configMapRef": {"name": f"{app}-config"}}]
    container["env"] = env
    container["resources"] = {
        "limits": {"cpu": f"{cpu * 2}m", "memory": f"{mem * 2}Mi"},
        "requests": {"cpu": f"{cpu}m", "memory": f"{mem}Mi"},
    }
    mounts: list[Json] = []
    if main:
        mounts.append({"name": "config", "readOnly": True, "mountPath": "/etc/app"})
        mounts.append({"name": "tls", "readOnly": True, "mountPath": "/etc/tls"})
    mounts.append({"name": "tmp", "mountPath": "/tmp"})
    container["volumeMounts"] = mounts
    container["livenessProbe"] = _probe(gen, port, "/healthz" if main else "/metrics")
    if main:
        container["readinessProbe"] = _probe(gen, port, "/readyz")
    container["terminationMessagePath"] = "/dev/termination-log"
    container["terminationMessagePolicy"] = "File"
    container["imagePullPolicy"] = "IfNotPresent"
    if main:
        container["securityContext"] = {
            "capabilities": {"drop": ["ALL"]},
            "runAsNonRoot": True,
            "readOnlyRootFilesystem": True,
            "allowPrivilegeEscalation": False,
        }
    return container


def make_app(gen: Gen, namespace: str, name: str, replicas: int, team: str) -> App:
    rng = gen.rng
    version = f"v{rng.randint(1, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 9)}"
    image = f"registry.example.com/{team}/{name.rsplit('-', 1)[0]}:{version}"
    containers = [_container(gen, "app", image, 8080, name, True)]
    for sidecar, sidecar_image, port in _SIDECARS[: rng.choices([0, 1, 2], weights=[16, 3, 1])[0]]:
        containers.append(_container(gen, sidecar, sidecar_image, port, name, False))
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/instance": f"{name}-{namespace}"}
    pod_labels = {
        **labels,
        "app.kubernetes.io/component": rng.choice(["server", "worker", "web"]),
        "app.kubernetes.io/part-of": team,
        "app.kubernetes.io/version": image.rsplit(":", 1)[1],
    }
    volumes: list[Json] = [
        {"name": "config", "configMap": {"name": f"{name}-config", "defaultMode": 420}},
        {"name": "tls", "secret": {"secretName": f"{name}-tls", "defaultMode": 420}},
        {"name": "tmp", "emptyDir": {}},
    ]
    affinity = {
        "podAntiAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 100,
                    "podAffinityTerm": {
                        "labelSelector": {"matchLabels": labels},
                        "topologyKey": "kubernetes.io/hostname",
                    },
                }
            ]
        }
    }
    return App(
        namespace=namespace,
        name=name,
        kind="Deployment",
        uid=gen.uid(),
        created=CAPTURED_AT - rng.randint(2 * 86400, 90 * 86400),
        replicas=replicas,
        labels=labels,
        pod_labels=pod_labels,
        annotations={
            "kubectl.kubernetes.io/default-container": "app",
            "prometheus.io/scrape": rng.choice(["true", "false"]),
        },
        containers=containers,
        volumes=volumes,
        tolerations=DEFAULT_TOLERATIONS,
        affinity=affinity,
        service_account=name,
    )


DEFAULT_TOLERATIONS: list[Json] = [
    {
        "key": "node.kubernetes.io/not-ready",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300,
    },
    {
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300,
    },
]


def make_coredns(gen: Gen) -> App:
    image = "registry.k8s.io/coredns/coredns:v1.11.3"
    container: Json = {
        "name": "coredns",
        "image": image,
        "args": ["-conf", "/etc/coredns/Corefile"],
        "ports": [
            {"name": "dns", "containerPort": 53, "protocol": "UDP"},
            {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
            {"name": "metrics", "containerPort": 9153, "protocol": "TCP"},
        ],
        "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
        "volumeMounts": [{"name": "config-volume", "readOnly": True, "mountPath": "/etc/coredns"}],
        "livenessProbe": {
            "httpGet": {"path": "/health", "port": 8080, "scheme": "HTTP"},
            "initialDelaySeconds": 60,
            "timeoutSeconds": 5,
            "periodSeconds": 10,
            "successThreshold": 1,
            "failureThreshold": 5,
        },
        "readinessProbe": {
            "httpGet": {"path": "/ready", "port": 8181, "scheme": "HTTP"},
            "timeoutSeconds": 1,
            "periodSeconds": 10,
            "successThreshold": 1,
            "failureThreshold": 3,
        },
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent",
    }
    labels = {"k8s-app": "kube-dns"}
    return App(
        namespace="kube-system",
        name="coredns",
        kind="Deployment",
        uid=gen.uid(),
        created=CAPTURED_AT - 120 * 86400,
        replicas=2,
        labels=labels,
        pod_labels=dict(labels),
        annotations={},
        containers=[container],
        volumes=[
            {
                "name": "config-volume",
                "configMap": {
                    "name": "coredns",
                    "items": [{"key": "Corefile", "path": "Corefile"}],
                    "defaultMode": 420,
                },
            }
        ],
        tolerations=[
            {"key": "CriticalAddonsOnly", "operator": "Exists"},
            {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"},
            *DEFAULT_TOLERATIONS,
        ],
        affinity=None,
        service_account="coredns",
        priority_class="system-cluster-critical",
        port=53,
    )


def make_kube_proxy(gen: Gen, replicas: int) -> App:
    image = "registry.k8s.io/kube-proxy:v1.31.2"
    container: Json = {
        "name": "kube-proxy",
        "image": image,
        "command": [
            "/usr/local/bin/kube-proxy",
            "--config=/var/lib/kube-proxy/config.conf",
            "--hostname-override=$(NODE_NAME)",
        ],
        "env": [
            {
                "name": "NODE_NAME",
                "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}},
            }
        ],
        "resources": {},
        "volumeMounts": [
            {"name": "kube-proxy", "mountPath": "/var/lib/kube-proxy"},
            {"name": "xtables-lock", "mountPath": "/run/xtables.lock"},
            {"name": "lib-modules", "readOnly": True, "mountPath": "/lib/modules"},
        ],
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent",
        "securityContext": {"privileged": True},
    }
    labels = {"k8s-app": "kube-proxy"}
    return App(
        namespace="kube-system",
        name="kube-proxy",
        kind="DaemonSet",
        uid=gen.uid(),
        created=CAPTURED_AT - 120 * 86400,
        replicas=replicas,
        labels=labels,
        pod_labels={**labels, "controller-revision-hash": "7f8d9c6b5d", "pod-template-generation": "1"},
        annotations={},
        containers=[container],
        volumes=[
            {"name": "kube-proxy", "configMap": {"name": "kube-proxy", "defaultMode": 420}},
            {"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}},
            {"name": "lib-modules", "hostPath": {"path": "/lib/modules", "type": ""}},
        ],
        tolerations=[{"operator": "Exists"}],
        affinity=None,
        service_account="kube-proxy",
        host_network=True,
        priority_class="system-node-critical",
    )


# --------------------------------------------------------------------------- objects
def _managed_fields(created: int, kubelet_at: int) -> list[Json]:
    return [
        {
            "manager": "kube-controller-manager",
            "operation": "Update",
            "apiVersion": "v1",
            "time": ts(created),
            "fieldsType": "FieldsV1",
            "fieldsV1": {
                "f:metadata": {
                    "f:generateName": {},
                    "f:labels": {
                        ".": {},
                        "f:app.kubernetes.io/instance": {},
                        "f:app.kubernetes.io/name": {},
                        "f:pod-template-hash": {},
                    },
                    "f:ownerReferences": {".": {}, 'k:{"uid":"..."}': {}},
                },
                "f:spec": {
                    "f:containers": {
                        'k:{"name":"app"}': {
                            ".": {},
                            "f:env": {},
                            "f:envFrom": {},
                            "f:image": {},
                            "f:imagePullPolicy": {},
                            "f:livenessProbe": {},
                            "f:name": {},
                            "f:ports": {},
                            "f:readinessProbe": {},
                            "f:resources": {},
                            "f:securityContext": {},
                            "f:terminationMessagePath": {},
                            "f:terminationMessagePolicy": {},
                            "f:volumeMounts": {},
                        }
                    },
                    "f:dnsPolicy": {},
                    "f:enableServiceLinks": {},
                    "f:restartPolicy": {},
                    "f:schedulerName": {},
                    "f:securityContext": {},
                    "f:serviceAccount": {},
                    "f:serviceAccountName": {},
                    "f:terminationGracePeriodSeconds": {},
                    "f:tolerations": {},
                    "f:volumes": {},
                },
            },
        },
        {
            "manager": "kubelet",
            "operation": "Update",
            "apiVersion": "v1",
            "time": ts(kubelet_at),
            "fieldsType": "FieldsV1",
            "fieldsV1": {
                "f:status": {
                    "f:conditions": {
                        'k:{"type":"ContainersReady"}': {
                            ".": {},
                            "f:lastProbeTime": {},
                            "f:lastTransitionTime": {},
                            "f:status": {},
                            "f:type": {},
                        },
                        'k:{"type":"Initialized"}': {".": {}, "f:lastTransitionTime": {}},
                        'k:{"type":"PodReadyToStartContainers"}': {".": {}, "f:lastTransitionTime": {}},
                        'k:{"type":"Ready"}': {".": {}, "f:lastTransitionTime": {}, "f:status": {}},
                    },
                    "f:containerStatuses": {},
                    "f:hostIP": {},
                    "f:hostIPs": {},
                    "f:phase": {},
                    "f:podIP": {},
                    "f:podIPs": {".": {}, 'k:{"ip":"..."}': {".": {}, "f:ip": {}}},
                    "f:startTime": {},
                }
            },
            "subresource": "status",
        },
    ]


def _condition(kind: str, ok: bool, at: int, reason: str = "", message: str = "") -> Json:
    cond: Json = {
        "type": kind,
        "status": "True" if ok else "False",
        "lastProbeTime": None,
        "lastTransitionTime": ts(at),
    }
    if reason:
        cond["reason"] = reason
    if message:
        cond["message"] = message
    return cond


def make_pod(gen: Gen, app: App, node: NodeInfo, pod_ip: str, problem: str) -> tuple[Json, PodSummary]:
    rng = gen.rng
    if app.kind == "DaemonSet":
        owner_kind, owner_name, owner_uid, prefix = "DaemonSet", app.name, app.uid, f"{app.name}-"
        labels = app.pod_labels
    else:
        owner_kind, owner_name, owner_uid, prefix = "ReplicaSet", app.rs_name, app.rs_uid, f"{app.rs_name}-"
        labels = {**app.pod_labels, "pod-template-hash": app.rs_hash}
    name = prefix + gen.suffix()
    uid = gen.uid()
    created = max(app.created, CAPTURED_AT - rng.randint(3600, 30 * 86400))
    scheduled = created + 1
    started = scheduled + rng.randint(2, 20)
    ready_at = started + rng.randint(5, 60)
    ready = problem == ""
    metadata: Json = {
        "name": name,
        "generateName": prefix,
        "namespace": app.namespace,
        "uid": uid,
        "resourceVersion": gen.rv(),
        "creationTimestamp": ts(created),
        "labels": labels,
        "annotations": {**app.annotations, "kubectl.kubernetes.io/restartedAt": ts(app.created)}
        if app.annotations
        else {"kubernetes.io/config.seen": ts(created), "kubernetes.io/config.source": "api"},
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "kind": owner_kind,
                "name": owner_name,
                "uid": owner_uid,
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
    }
    if rng.random() < 0.3:
        metadata["managedFields"] = _managed_fields(created, ready_at)

    containers = app.containers
    if problem == "ImagePullBackOff":
        bad = dict(containers[0])
        bad["image"] = bad["image"].rsplit(":", 1)[0] + ":v9.99.0-rc1"
        containers = [bad, *containers[1:]]
    token_volume = f"kube-api-access-{gen.suffix()}"
    volumes = [
        *app.volumes,
        {
            "name": token_volume,
            "projected": {
                "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {
                        "configMap": {
                            "name": "kube-root-ca.crt",
                            "items": [{"key": "ca.crt", "path": "ca.crt"}],
                        }
                    },
                    {
                        "downwardAPI": {
                            "items": [
                                {
                                    "path": "namespace",
                                    "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                }
                            ]
                        }
                    },
                ],
                "defaultMode": 420,
            },
        },
    ]
    spec: Json = {
        "volumes": volumes,
        "containers": containers,
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "serviceAccountName": app.service_account,
        "serviceAccount": app.service_account,
        "nodeName": node.name,
        "securityContext": {"runAsUser": 10001, "fsGroup": 10001} if not app.host_network else {},
    }
    if app.host_network:
        spec["hostNetwork"] = True
    if app.affinity is not None:
        spec["affinity"] = app.affinity
    spec["schedulerName"] = "default-scheduler"
    spec["tolerations"] = app.tolerations
    if app.priority_class:
        spec["priorityClassName"] = app.priority_class
        spec["priority"] = 2000001000 if app.priority_class == "system-node-critical" else 2000000000
    else:
        spec["priority"] = 0
    spec["enableServiceLinks"] = True
    spec["preemptionPolicy"] = "PreemptLowerPriority"

    statuses: list[Json] = []
    for position, container in enumerate(containers):
        image = container["image"]
        status: Json = {"name": container["name"]}
        if position == 0 and problem == "CrashLoopBackOff":
            finished = CAPTURED_AT - rng.randint(10, 200)
            status["state"] = {
                "waiting": {
                    "reason": "CrashLoopBackOff",
                    "message": f"back-off 5m0s restarting failed container={container['name']} pod={name}_"
                    f"{app.namespace}({uid})",
                }
            }
            status["lastState"] = {
                "terminated": {
                    "exitCode": 1,
                    "reason": "Error",
                    "startedAt": ts(finished - rng.randint(1, 30)),
                    "finishedAt": ts(finished),
                    "containerID": f"containerd://{gen.hexid()}",
                }
            }
            status.update(
                ready=False,
                restartCount=rng.randint(8, 60),
                image=image,
                imageID=f"{image.split(':')[0]}@sha256:{gen.hexid()}",
                containerID=f"containerd://{gen.hexid()}",
                started=False,
            )
        elif position == 0 and problem == "ImagePullBackOff":
            status["state"] = {
                "waiting": {"reason": "ImagePullBackOff", "message": f'Back-off pulling image "{image}"'}
            }
            status["lastState"] = {}
            status.update(ready=False, restartCount=0, image=image, imageID="", started=False)
        else:
            status["state"] = {"running": {"startedAt": ts(started)}}
            status["lastState"] = {}
            status.update(
                ready=ready,
                restartCount=0,
                image=image,
                imageID=f"{image.split(':')[0]}@sha256:{gen.hexid()}",
                containerID=f"containerd://{gen.hexid()}",
                started=True,
            )
        statuses.append(status)
    not_ready = [c["name"] for c in containers[:1]] if problem else []
    why = f"containers with unready status: [{' '.join(not_ready)}]"
    conditions = [
        _condition("PodReadyToStartContainers", True, started),
        _condition("Initialized", True, scheduled),
        _condition("Ready", ready, ready_at, *(() if ready else ("ContainersNotReady", why))),
        _condition("ContainersReady", ready, ready_at, *(() if ready else ("ContainersNotReady", why))),
        _condition("PodScheduled", True, scheduled),
    ]
    pod_status: Json = {
        "phase": "Pending" if problem == "ImagePullBackOff" else "Running",
        "conditions": conditions,
        "hostIP": node.ip,
        "hostIPs": [{"ip": node.ip}],
        "podIP": pod_ip,
        "podIPs": [{"ip": pod_ip}],
        "startTime": ts(scheduled),
        "containerStatuses": statuses,
        "qosClass": "Burstable",
    }
    pod = {"metadata": metadata, "spec": spec, "status": pod_status}
    summary = PodSummary(name, uid, pod_ip, node.name, node.zone, ready, problem, containers[0]["image"])
    return pod, summary


def _template(app: App, labels: dict[str, str]) -> Json:
    spec: Json = {
        "volumes": app.volumes,
        "containers": app.containers,
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "serviceAccountName": app.service_account,
        "serviceAccount": app.service_account,
    }
    if app.host_network:
        spec["hostNetwork"] = True
    if app.affinity is not None:
        spec["affinity"] = app.affinity
    spec["schedulerName"] = "default-scheduler"
    spec["tolerations"] = app.tolerations
    if app.priority_class:
        spec["priorityClassName"] = app.priority_class
    return {
        "metadata": {"creationTimestamp": None, "labels": labels, "annotations": app.annotations},
        "spec": spec,
    }


def _counts(app: App) -> tuple[int, int]:
    ready = sum(1 for p in app.pods if p.ready)
    return len(app.pods), ready


def make_deployment(gen: Gen, app: App) -> Json:
    total, ready = _counts(app)
    conditions = [
        {
            "type": "Available",
            "status": "True" if ready >= max(1, total - max(1, total // 4)) else "False",
            "lastUpdateTime": ts(app.created + 60),
            "lastTransitionTime": ts(app.created + 60),
            "reason": "MinimumReplicasAvailable",
            "message": "Deployment has minimum availability.",
        },
        {
            "type": "Progressing",
            "status": "True",
            "lastUpdateTime": ts(app.created + 120),
            "lastTransitionTime": ts(app.created),
            "reason": "NewReplicaSetAvailable",
            "message": f'ReplicaSet "{app.rs_name}" has successfully progressed.',
        },
    ]
    status: Json = {
        "observedGeneration": 3,
        "replicas": total,
        "updatedReplicas": total,
        "readyReplicas": ready,
        "availableReplicas": ready,
    }
    if total - ready:
        status["unavailableReplicas"] = total - ready
    status["conditions"] = conditions
    return {
        "metadata": {
            "name": app.name,
            "namespace": app.namespace,
            "uid": app.uid,
            "resourceVersion": gen.rv(),
            "generation": 3,
            "creationTimestamp": ts(app.created),
            "labels": app.labels,
            "annotations": {"deployment.kubernetes.io/revision": "3"},
        },
        "spec": {
            "replicas": app.replicas,
            "selector": {"matchLabels": app.labels},
            "template": _template(app, app.pod_labels),
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
            },
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
        "status": status,
    }


def make_replicasets(gen: Gen, app: App) -> Iterator[Json]:
    total, ready = _counts(app)
    sets = [(app.rs_name, app.rs_uid, app.rs_hash, total, ready, "3")]
    if app.old_rs is not None:
        sets.append((*app.old_rs, 0, 0, "2"))
    for name, uid, pod_hash, replicas, ready_count, revision in sets:
        selector = {**app.labels, "pod-template-hash": pod_hash}
        status: Json = {
            "replicas": replicas,
            "fullyLabeledReplicas": replicas,
            "readyReplicas": ready_count,
            "availableReplicas": ready_count,
            "observedGeneration": 1,
        }
        if not replicas:
            status = {"replicas": 0, "observedGeneration": 2}
        yield {
            "metadata": {
                "name": name,
                "namespace": app.namespace,
                "uid": uid,
                "resourceVersion": gen.rv(),
                "generation": 1 if replicas else 2,
                "creationTimestamp": ts(app.created),
                "labels": {**app.pod_labels, "pod-template-hash": pod_hash},
                "annotations": {
                    "deployment.kubernetes.io/desired-replicas": str(app.replicas),
                    "deployment.kubernetes.io/max-replicas": str(app.replicas + 1),
                    "deployment.kubernetes.io/revision": revision,
                },
                "ownerReferences": [
                    {
                        "apiVersion": "apps/v1",
                        "kind": "Deployment",
                        "name": app.name,
                        "uid": app.uid,
                        "controller": True,
                        "blockOwnerDeletion": True,
                    }
                ],
            },
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": selector},
                "template": _template(app, {**app.pod_labels, "pod-template-hash": pod_hash}),
            },
            "status": status,
        }


def make_daemonset(gen: Gen, app: App) -> Json:
    total, ready = _counts(app)
    return {
        "metadata": {
            "name": app.name,
            "namespace": app.namespace,
            "uid": app.uid,
            "resourceVersion": gen.rv(),
            "generation": 1,
            "creationTimestamp": ts(app.created),
            "labels": app.labels,
            "annotations": {"deprecated.daemonset.template.generation": "1"},
        },
        "spec": {
            "selector": {"matchLabels": app.labels},
            "template": _template(app, app.labels),
            "updateStrategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
            },
            "revisionHistoryLimit": 10,
        },
        "status": {
            "currentNumberScheduled": total,
            "numberMisscheduled": 0,
            "desiredNumberScheduled": total,
            "numberReady": ready,
            "observedGeneration": 1,
            "updatedNumberScheduled": total,
            "numberAvailable": ready,
        },
    }


def make_service(
    gen: Gen,
    namespace: str,
    name: str,
    selector: dict[str, str] | None,
    cluster_ip: str,
    ports: list[Json],
    created: int,
    labels: dict[str, str],
) -> Json:
    spec: Json = {"ports": ports}
    if selector is not None:
        spec["selector"] = selector
    spec.update(
        clusterIP=cluster_ip,
        clusterIPs=[cluster_ip],
        type="ClusterIP",
        sessionAffinity="None",
        ipFamilies=["IPv4"],
        ipFamilyPolicy="SingleStack",
        internalTrafficPolicy="Cluster",
    )
    return {
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": gen.uid(),
            "resourceVersion": gen.rv(),
            "creationTimestamp": ts(created),
            "labels": labels,
        },
        "spec": spec,
        "status": {"loadBalancer": {}},
    }


def make_slices(
    gen: Gen,
    namespace: str,
    service: str,
    service_uid: str,
    labels: dict[str, str],
    endpoints: list[Json],
    ports: list[Json],
    created: int,
    managed_by: str = "endpointslice-controller.k8s.io",
) -> Iterator[Json]:
    chunks = [endpoints[i : i + ENDPOINTS_PER_SLICE] for i in range(0, len(endpoints), ENDPOINTS_PER_SLICE)]
    for chunk in chunks or [[]]:
        item: Json = {
            "metadata": {
                "name": f"{service}-{gen.suffix()}" if service != "kubernetes" else "kubernetes",
                "generateName": f"{service}-",
                "namespace": namespace,
                "uid": gen.uid(),
                "resourceVersion": gen.rv(),
                "generation": gen.rng.randint(1, 30),
                "creationTimestamp": ts(created),
                "labels": {
                    **labels,
                    "endpointslice.kubernetes.io/managed-by": managed_by,
                    "kubernetes.io/service-name": service,
                },
                "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": ts(CAPTURED_AT - 600)},
                "ownerReferences": [
                    {
                        "apiVersion": "v1",
                        "kind": "Service",
                        "name": service,
                        "uid": service_uid,
                        "controller": True,
                        "blockOwnerDeletion": True,
                    }
                ],
            },
            "addressType": "IPv4",
            "endpoints": chunk,
            "ports": ports,
        }
        if service == "kubernetes":
            del item["metadata"]["generateName"], item["metadata"]["ownerReferences"]
        yield item


def pod_endpoint(pod: PodSummary, namespace: str) -> Json:
    return {
        "addresses": [pod.ip],
        "conditions": {"ready": pod.ready, "serving": pod.ready, "terminating": False},
        "targetRef": {"kind": "Pod", "namespace": namespace, "name": pod.name, "uid": pod.uid},
        "nodeName": pod.node,
        "zone": pod.zone,
    }


def make_node(gen: Gen, node: NodeInfo, index: int) -> Json:
    rng = gen.rng
    created = CAPTURED_AT - rng.randint(30 * 86400, 200 * 86400)
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": node.name,
        "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": rng.choice(["m6i.2xlarge", "m6i.4xlarge", "c6i.4xlarge"]),
        "topology.kubernetes.io/region": "eu-west-1",
        "topology.kubernetes.io/zone": node.zone,
    }
    if node.control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
    heartbeat = ts(CAPTURED_AT - rng.randint(1, 40))
    conditions = [
        {
            "type": kind,
            "status": "False",
            "lastHeartbeatTime": heartbeat,
            "lastTransitionTime": ts(created + 30),
            "reason": reason,
            "message": message,
        }
        for kind, reason, message in (
            ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        )
    ]
    conditions.append(
        {
            "type": "Ready",
            "status": "True",
            "lastHeartbeatTime": heartbeat,
            "lastTransitionTime": ts(created + 60),
            "reason": "KubeletReady",
            "message": "kubelet is posting ready status",
        }
    )
    spec: Json = {
        "podCIDR": f"10.{64 + index // 256}.{index % 256}.0/24",
        "podCIDRs": [f"10.{64 + index // 256}.{index % 256}.0/24"],
        "providerID": f"aws:///{node.zone}/i-{gen.hexid(68)}",
    }
    if node.control_plane:
        spec["taints"] = [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
    images = [
        {
            "names": [
                f"registry.example.com/{rng.choice(_TEAMS)}/{rng.choice(_APPS)}@sha256:{gen.hexid()}",
                f"registry.example.com/{rng.choice(_TEAMS)}/{rng.choice(_APPS)}:v1.{i}.0",
            ],
            "sizeBytes": rng.randint(10_000_000, 900_000_000),
        }
        for i in range(8)
    ]
    return {
        "metadata": {
            "name": node.name,
            "uid": gen.uid(),
            "resourceVersion": gen.rv(),
            "creationTimestamp": ts(created),
            "labels": labels,
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": spec,
        "status": {
            "capacity": {
                "cpu": "16",
                "ephemeral-storage": "104845292Ki",
                "hugepages-2Mi": "0",
                "memory": "65023596Ki",
                "pods": "110",
            },
            "allocatable": {
                "cpu": "15890m",
                "ephemeral-storage": "95551679124",
                "hugepages-2Mi": "0",
                "memory": "63872620Ki",
                "pods": "110",
            },
            "conditions": conditions,
            "addresses": [
                {"type": "InternalIP", "address": node.ip},
                {"type": "Hostname", "address": node.name},
                {"type": "InternalDNS", "address": f"{node.name}.eu-west-1.compute.internal"},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": gen.hexid(128),
                "systemUUID": gen.uid(),
                "bootID": gen.uid(),
                "kernelVersion": "6.1.112-124.190.amzn2023.x86_64",
                "osImage": "Amazon Linux 2023.6.20241031",
                "containerRuntimeVersion": "containerd://1.7.23",
                "kubeletVersion": "v1.31.2",
                "kubeProxyVersion": "",
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
            "images": images,
        },
    }


def make_event(gen: Gen, namespace: str, pod: PodSummary, reason: str, message: str, kind: str, count: int) -> Json:
    first = CAPTURED_AT - gen.rng.randint(600, 86400)
    last = CAPTURED_AT - gen.rng.randint(5, 300)
    return {
        "metadata": {
            "name": f"{pod.name}.{gen.hexid(64)[:16]}",
            "namespace": namespace,
            "uid": gen.uid(),
            "resourceVersion": gen.rv(),
            "creationTimestamp": ts(first),
        },
        "involvedObject": {
            "kind": "Pod",
            "namespace": namespace,
            "name": pod.name,
            "uid": pod.uid,
            "apiVersion": "v1",
            "resourceVersion": gen.rv(),
            "fieldPath": "spec.containers{app}",
        },
        "reason": reason,
        "message": message,
        "source": {"component": "kubelet", "host": pod.node},
        "firstTimestamp": ts(first),
        "lastTimestamp": ts(last),
        "count": count,
        "type": kind,
        "eventTime": None,
        "reportingComponent": "kubelet",
        "reportingInstance": pod.node,
    }


def make_configmap(gen: Gen, namespace: str, name: str, data: dict[str, str], created: int) -> Json:
    return {
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": gen.uid(),
            "resourceVersion": gen.rv(),
            "creationTimestamp": ts(created),
        },
        "data": data,
    }


# --------------------------------------------------------------------------- driver
@dataclass
class Plan:
    pods: int
    nodes: int
    services: int
    namespaces: int
    seed: int

    @classmethod
    def sized(
        cls,
        pods: int,
        nodes: int | None = None,
        services: int | None = None,
        namespaces: int | None = None,
        seed: int = 1,
    ) -> Plan:
        """A plan with the command-line defaults: nodes pods/25, services pods/10, namespaces pods/300
        clamped to 100-500."""
        return cls(
            pods=pods,
            nodes=nodes or max(1, pods // 25),
            services=services if services is not None else pods // 10,
            namespaces=namespaces or min(500, max(100, pods // 300)),
            seed=seed,
        )

    @property
    def ds_pods(self) -> int:
        return self.nodes if self.pods >= 4 * self.nodes else 0

    @property
    def app_pods(self) -> int:
        return max(0, self.pods - self.ds_pods - 2)

    @property
    def deployments(self) -> int:
        if self.app_pods == 0:
            return 0
        return min(self.app_pods, max(self.services, math.ceil(self.app_pods / 30)))


class Cluster:
    def __init__(self, plan: Plan, out: Path, log: Callable[[str], None]) -> None:
        self.plan = plan
        self.out = out
        self.log = log
        self.gen = Gen(plan.seed)
        self.nodes: list[NodeInfo] = []
        self.workers: list[NodeInfo] = []
        self.next_pod_ip = (10 << 24) + (1 << 22)
        self.next_service_ip = (10 << 24) + (96 << 16) + 100
        self.events: list[Json] = []
        self.pods_written = 0
        self.pod_bytes = 0
        self.unhealthy = 0

    def pod_ip(self) -> str:
        self.next_pod_ip += 1
        return ip4(self.next_pod_ip)

    def service_ip(self) -> str:
        self.next_service_ip += 1
        return ip4(self.next_service_ip)

    def pick_problem(self) -> str:
        if self.gen.rng.random() >= UNHEALTHY_FRACTION:
            return ""
        return self.gen.rng.choice(["CrashLoopBackOff", "ImagePullBackOff"])

    def build_nodes(self) -> None:
        count = max(1, self.plan.nodes)
        control = 3 if count >= 6 else (1 if count >= 2 else 0)
        for i in range(count):
            zone = _ZONES[i % len(_ZONES)]
            cp = i < control
            name = f"cp-{i}" if cp else f"ip-10-20-{(i >> 8) & 255}-{i & 255}.eu-west-1.compute.internal"
            self.nodes.append(NodeInfo(name, ip4((172 << 24) + (20 << 16) + i + 10), zone, cp))
        self.workers = [n for n in self.nodes if not n.control_plane] or self.nodes
        write_list(
            self.out / "nodes.json",
            "NodeList",
            "v1",
            (make_node(self.gen, node, i) for i, node in enumerate(self.nodes)),
        )

    def assign_rs(self, app: App) -> None:
        app.rs_hash = "".join(self.gen.rng.choices("0123456789abcdef", k=10))
        app.rs_name = f"{app.name}-{app.rs_hash}"
        app.rs_uid = self.gen.uid()
        if self.gen.rng.random() < 0.5:
            old_hash = "".join(self.gen.rng.choices("0123456789abcdef", k=10))
            app.old_rs = (f"{app.name}-{old_hash}", self.gen.uid(), old_hash)

    def random_worker(self) -> NodeInfo:
        return self.workers[self.gen.rng.randrange(len(self.workers))]

    def write_pods(self, writer: ListWriter, app: App, nodes: list[NodeInfo] | None = None) -> None:
        for i in range(app.replicas):
            node = nodes[i] if nodes is not None else self.random_worker()
            problem = "" if app.kind == "DaemonSet" or app.name == "coredns" else self.pick_problem()
            ip = node.ip if app.host_network else self.pod_ip()
            pod, summary = make_pod(self.gen, app, node, ip, problem)
            writer.add(pod)
            app.pods.append(summary)
            self.pods_written += 1
            if problem:
                self.unhealthy += 1
                self.add_problem_events(app, summary)

    def add_problem_events(self, app: App, pod: PodSummary) -> None:
        if len(self.events) >= MAX_EVENTS:
            return
        if pod.problem == "CrashLoopBackOff":
            self.events.append(
                make_event(
                    self.gen,
                    app.namespace,
                    pod,
                    "BackOff",
                    f"Back-off restarting failed container app in pod {pod.name}_{app.namespace}({pod.uid})",
                    "Warning",
                    40,
                )
            )
        else:
            self.events.append(
                make_event(
                    self.gen,
                    app.namespace,
                    pod,
                    "Failed",
                    f'Failed to pull image "{pod.image}": rpc error: code = NotFound desc = failed to pull '
                    f'and unpack image "{pod.image}": failed to resolve reference "{pod.image}": not found',
                    "Warning",
                    12,
                )
            )
            self.events.append(
                make_event(
                    self.gen,
                    app.namespace,
                    pod,
                    "BackOff",
                    f'Back-off pulling image "{pod.image}"',
                    "Normal",
                    300,
                )
            )

    def kube_system(self) -> None:
        gen = self.gen
        coredns = make_coredns(gen)
        self.assign_rs(coredns)
        proxy = make_kube_proxy(gen, self.plan.ds_pods)
        writer = ListWriter(self.out / "pods" / "kube-system.json", "PodList", "v1")
        self.write_pods(writer, coredns)
        if proxy.replicas:
            self.write_pods(writer, proxy, nodes=self.nodes)
        writer.close()
        self.pod_bytes += writer.bytes
        created = CAPTURED_AT - 120 * 86400
        dns_ports = [
            {"name": "dns", "protocol": "UDP", "port": 53, "targetPort": 53},
            {"name": "dns-tcp", "protocol": "TCP", "port": 53, "targetPort": 53},
            {"name": "metrics", "protocol": "TCP", "port": 9153, "targetPort": 9153},
        ]
        dns = make_service(
            gen,
            "kube-system",
            "kube-dns",
            {"k8s-app": "kube-dns"},
            "10.96.0.10",
            dns_ports,
            created,
            {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
        )
        write_list(self.out / "services" / "kube-system.json", "ServiceList", "v1", [dns])
        slice_ports = [{"name": p["name"], "protocol": p["protocol"], "port": p["port"]} for p in dns_ports]
        write_list(
            self.out / "endpointslices" / "kube-system.json",
            "EndpointSliceList",
            "discovery.k8s.io/v1",
            make_slices(
                gen,
                "kube-system",
                "kube-dns",
                dns["metadata"]["uid"],
                {"k8s-app": "kube-dns"},
                [pod_endpoint(p, "kube-system") for p in coredns.pods],
                slice_ports,
                created,
            ),
        )
        write_list(
            self.out / "deployments" / "kube-system.json",
            "DeploymentList",
            "apps/v1",
            [make_deployment(gen, coredns)],
        )
        write_list(
            self.out / "replicasets" / "kube-system.json",
            "ReplicaSetList",
            "apps/v1",
            make_replicasets(gen, coredns),
        )
        write_list(self.out / "daemonsets.json", "DaemonSetList", "apps/v1", [make_daemonset(gen, proxy)])
        corefile = (
            ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes "
            "cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough "
            "in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . "
            "/etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n"
            "    loadbalance\n}\n"
        )
        write_list(
            self.out / "configmaps" / "kube-system.json",
            "ConfigMapList",
            "v1",
            [
                make_configmap(gen, "kube-system", "coredns", {"Corefile": corefile}, created),
                make_configmap(gen, "kube-system", "kube-proxy", {"config.conf": "mode: iptables\n"}, created),
                make_configmap(gen, "kube-system", "kube-root-ca.crt", {"ca.crt": _CA}, created),
            ],
        )

    def default_namespace(self) -> None:
        gen = self.gen
        created = CAPTURED_AT - 120 * 86400
        api = make_service(
            gen,
            "default",
            "kubernetes",
            None,
            "10.96.0.1",
            [{"name": "https", "protocol": "TCP", "port": 443, "targetPort": 6443}],
            created,
            {"component": "apiserver", "provider": "kubernetes"},
        )
        write_list(self.out / "services" / "default.json", "ServiceList", "v1", [api])
        endpoints = [{"addresses": [n.ip], "conditions": {"ready": True}} for n in self.nodes if n.control_plane] or [
            {"addresses": [self.nodes[0].ip], "conditions": {"ready": True}}
        ]
        write_list(
            self.out / "endpointslices" / "default.json",
            "EndpointSliceList",
            "discovery.k8s.io/v1",
            make_slices(
                gen,
                "default",
                "kubernetes",
                api["metadata"]["uid"],
                {},
                endpoints,
                [{"name": "https", "protocol": "TCP", "port": 6443}],
                created,
                managed_by="endpointslicemirroring-controller.k8s.io",
            ),
        )
        write_list(
            self.out / "configmaps" / "default.json",
            "ConfigMapList",
            "v1",
            [make_configmap(gen, "default", "kube-root-ca.crt", {"ca.crt": _CA}, created)],
        )

    def app_namespaces(self) -> None:
        plan = self.plan
        gen = self.gen
        deployments = plan.deployments
        namespaces = max(1, min(plan.namespaces, deployments or 1))
        base, extra = divmod(plan.app_pods, deployments) if deployments else (0, 0)
        dep_index = 0
        for ns_index in range(namespaces):
            team = _TEAMS[ns_index % len(_TEAMS)]
            namespace = f"{team}-{ns_index:03d}"
            count = deployments // namespaces + (1 if ns_index < deployments % namespaces else 0)
            apps: list[App] = []
            pods = ListWriter(self.out / "pods" / f"{namespace}.json", "PodList", "v1")
            for _ in range(count):
                replicas = base + (1 if dep_index < extra else 0)
                name = f"{_APPS[dep_index % len(_APPS)]}-{dep_index:05d}"
                app = make_app(gen, namespace, name, replicas, team)
                app.has_service = dep_index < plan.services
                self.assign_rs(app)
                self.write_pods(pods, app)
                apps.append(app)
                dep_index += 1
            pods.close()
            self.pod_bytes += pods.bytes
            self.write_namespace_objects(namespace, apps)
            if ns_index % 50 == 0:
                self.log(f"  {ns_index + 1}/{namespaces} namespaces, {self.pods_written:,} pods")

    def write_namespace_objects(self, namespace: str, apps: list[App]) -> None:
        gen = self.gen
        services: list[Json] = []
        slices: list[Json] = []
        for app in apps:
            if not app.has_service:
                continue
            ports = [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": "http"}]
            svc = make_service(gen, namespace, app.name, app.labels, self.service_ip(), ports, app.created, app.labels)
            services.append(svc)
            slices.extend(
                make_slices(
                    gen,
                    namespace,
                    app.name,
                    svc["metadata"]["uid"],
                    app.labels,
                    [pod_endpoint(p, namespace) for p in app.pods],
                    [{"name": "http", "protocol": "TCP", "port": app.port}],
                    app.created,
                )
            )
        write_list(self.out / "services" / f"{namespace}.json", "ServiceList", "v1", services)
        write_list(
            self.out / "endpointslices" / f"{namespace}.json",
            "EndpointSliceList",
            "discovery.k8s.io/v1",
            slices,
        )
        write_list(
            self.out / "deployments" / f"{namespace}.json",
            "DeploymentList",
            "apps/v1",
            (make_deployment(gen, app) for app in apps),
        )
        write_list(
            self.out / "replicasets" / f"{namespace}.json",
            "ReplicaSetList",
            "apps/v1",
            (rs for app in apps for rs in make_replicasets(gen, app)),
        )
        created = min((app.created for app in apps), default=CAPTURED_AT - 86400)
        configmaps = [make_configmap(gen, namespace, "kube-root-ca.crt", {"ca.crt": _CA}, created)]
        configmaps += [
            make_configmap(
                gen,
                namespace,
                f"{app.name}-config",
                {
                    "LISTEN_ADDR": ":8080",
                    "FEATURE_FLAGS": "search,checkout-v2",
                    "app.yaml": f"name: {app.name}\nreplicas: {app.replicas}\n",
                },
                app.created,
            )
            for app in apps
        ]
        write_list(self.out / "configmaps" / f"{namespace}.json", "ConfigMapList", "v1", configmaps)

    def write_meta(self) -> None:
        meta = {
            "capturedAt": ts(CAPTURED_AT),
            "context": "bench",
            "kinds": KINDS,
            "generator": {
                "name": "benchmarks/gensnapshot.py",
                "version": GENERATOR_VERSION,
                "pods": self.plan.pods,
                "nodes": self.plan.nodes,
                "services": self.plan.services,
                "namespaces": self.plan.namespaces,
                "seed": self.plan.seed,
            },
        }
        (self.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")

    def write_events(self) -> None:
        write_list(self.out / "events.json", "EventList", "v1", self.events)


_CA = (
    "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIbench0000000wDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\n"
    "AxMKa3ViZXJuZXRlczAeFw0yNTA3MjMxMjAwMDBaFw0zNTA3MjExMjA1MDBaMBUx\n-----END CERTIFICATE-----\n"
)


def generate(out: Path, plan: Plan, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Write the snapshot under `out` (which must not hold another snapshot). Returns a summary."""
    if (out / "meta.json").exists():
        raise SystemExit(f"{out} already holds a snapshot; remove it first")
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    cluster = Cluster(plan, out, log)
    cluster.build_nodes()
    cluster.kube_system()
    cluster.default_namespace()
    cluster.app_namespaces()
    cluster.write_events()
    cluster.write_meta()  # last: its presence marks a complete snapshot
    total_bytes = sum(p.stat().st_size for p in out.rglob("*.json"))
    return {
        "pods": cluster.pods_written,
        "unhealthy_pods": cluster.unhealthy,
        "nodes": len(cluster.nodes),
        "services": plan.services + 2,
        "deployments": plan.deployments + 1,
        "avg_pod_bytes": round(cluster.pod_bytes / max(1, cluster.pods_written)),
        "total_mb": round(total_bytes / 1e6, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="snapshot directory to create")
    parser.add_argument("--pods", type=int, required=True)
    parser.add_argument("--nodes", type=int, help="default: pods / 25")
    parser.add_argument("--services", type=int, help="default: pods / 10")
    parser.add_argument("--namespaces", type=int, help="default: pods / 300, clamped to 100-500")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    plan = Plan.sized(args.pods, args.nodes, args.services, args.namespaces, args.seed)
    if plan.services > plan.deployments:
        parser.error(
            f"--services {plan.services} is more than the {plan.deployments} deployments "
            f"{plan.app_pods} pods allow (one Service per Deployment)"
        )
    summary = generate(args.out, plan, log=lambda line: print(line, file=sys.stderr))
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
