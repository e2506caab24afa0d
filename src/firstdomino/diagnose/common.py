"""Shared, pure helpers for rules: pod and condition health, timestamps, producers of Secrets.
Rules may import this module (and `signatures`), never each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from firstdomino.model.kinds import Condition, ContainerStatus, Object, Pod
from firstdomino.model.timeutil import parse_time

CLUSTER_DNS_NAMES = (("kube-system", "kube-dns"), ("kube-system", "coredns"))


def condition(conditions: Iterable[Condition], type_: str) -> Condition | None:
    for cond in conditions:
        if cond.type == type_:
            return cond
    return None


def conditions_of(obj: Object) -> list[Condition]:
    status = getattr(obj, "status", None)
    found = getattr(status, "conditions", None)
    return list(found) if found else []


def is_true(conds: Iterable[Condition], type_: str) -> bool | None:
    cond = condition(conds, type_)
    if cond is None:
        return None
    return cond.status == "True"


def pod_ready(pod: Pod) -> bool:
    ready = is_true(pod.status.conditions, "Ready")
    if ready is not None:
        return ready
    statuses = pod.status.container_statuses
    return pod.status.phase == "Running" and bool(statuses) and all(s.ready for s in statuses)


def pod_finished(pod: Pod) -> bool:
    return pod.status.phase in ("Succeeded", "Failed") and pod.metadata.deletion_timestamp is None


def all_statuses(pod: Pod) -> list[ContainerStatus]:
    return [*pod.status.init_container_statuses, *pod.status.container_statuses]


def ready_since(pod: Pod) -> datetime | None:
    cond = condition(pod.status.conditions, "Ready")
    if cond is not None and cond.status == "True":
        return parse_time(cond.last_transition_time)
    return None


def not_ready_since(pod: Pod) -> datetime | None:
    cond = condition(pod.status.conditions, "Ready")
    if cond is not None and cond.status != "True":
        return parse_time(cond.last_transition_time) or parse_time(pod.metadata.creation_timestamp)
    return parse_time(pod.metadata.creation_timestamp)


def created(obj: Object) -> datetime | None:
    return parse_time(obj.metadata.creation_timestamp)


def earliest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def latest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def is_cluster_dns(namespace: str, name: str) -> bool:
    return (namespace, name) in CLUSTER_DNS_NAMES


def is_api_service(namespace: str, name: str) -> bool:
    return (namespace, name) == ("default", "kubernetes")


def short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- Cilium
def find_cilium(snapshot: Any) -> tuple[Any, Any]:
    """(DaemonSet cilium, ConfigMap cilium-config) or None for each; looks in kube-system first."""
    from firstdomino.model.kinds import ConfigMap, DaemonSet
    from firstdomino.model.ref import ObjectRef

    ds = None
    for ns in ("kube-system", "cilium"):
        obj = snapshot.get(ObjectRef("DaemonSet", ns, "cilium"))
        if isinstance(obj, DaemonSet):
            ds = obj
            break
    if ds is None:
        for obj in snapshot.of("DaemonSet"):
            if isinstance(obj, DaemonSet) and obj.spec.template.metadata.labels.get("k8s-app") == "cilium":
                ds = obj
                break
    cm = None
    namespace = ds.metadata.namespace if ds is not None else "kube-system"
    found = snapshot.get(ObjectRef("ConfigMap", namespace, "cilium-config"))
    if isinstance(found, ConfigMap):
        cm = found
    return ds, cm


def container_env(container: Any, name: str) -> str | None:
    for env in container.env:
        if env.name == name:
            return env.value if env.value is not None else "(from a reference)"
    return None


def agent_container(ds: Any) -> Any:
    for container in ds.spec.template.spec.containers:
        if container.name == "cilium-agent":
            return container
    containers = ds.spec.template.spec.containers
    return containers[0] if containers else None


def kpr_enabled(cm: Any) -> bool | None:
    """Cilium kube-proxy replacement from cilium-config (`true`/`strict` on; `false`/`disabled` off)."""
    if cm is None:
        return None
    value = cm.data.get("kube-proxy-replacement")
    if value is None:
        return None
    return value.strip().lower() in ("true", "strict", "partial")


def cilium_version(ds: Any) -> str:
    container = agent_container(ds) if ds is not None else None
    image = container.image if container is not None else ""
    tag = image.split("@")[0].rsplit(":", 1)
    return tag[1] if len(tag) == 2 and "/" not in tag[1] else ""
