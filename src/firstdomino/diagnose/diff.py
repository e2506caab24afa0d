"""What differs between two snapshots, for bootstrap: not a YAML diff, a comparison of the settings and
states that decide whether a cluster comes up ("test works, dev does not").

Facets, each a flat map of `key -> value` compared key by key:
  cilium      the `kube-system/cilium-config` ConfigMap, the Cilium HelmRelease values (flattened), the agent image
  kube-proxy  whether a kube-proxy DaemonSet exists, and its image
  policy      each NetworkPolicy / CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy: what it selects and its rules
  webhook     each admission webhook: failure policy, service, selectors, rules, timeout
  coredns     the `kube-system/coredns` ConfigMap
  versions    node kubelet/OS/runtime versions, DaemonSet images, HelmRelease chart versions
  gitops      each Flux Kustomization / HelmRelease Ready state and each Argo CD Application's sync/health
Names that vary between clusters by design (pods, ReplicaSet hashes, timestamps) are never compared.
Values under secret-looking keys are compared but not shown.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

import msgspec

from firstdomino.diagnose.common import condition
from firstdomino.model.kinds import (
    Application,
    CiliumNetworkPolicy,
    ConfigMap,
    DaemonSet,
    HelmRelease,
    Kustomization,
    NetworkPolicy,
    Node,
    WebhookConfiguration,
)
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import Snapshot

_SECRET_KEY = re.compile(r"(token|passw|secret|private|credential|apikey|api_key|accesskey|access_key|cookie)", re.I)
HIDDEN = "(hidden: secret-like key)"
#: Hidden values are compared through an HMAC keyed per process: changes are seen, values never shown.
_KEY = secrets.token_bytes(32)


def _hidden(text: str) -> str:
    return HIDDEN + "#" + hmac.new(_KEY, text.encode(), hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True, order=True)
class Change:
    facet: str
    key: str
    before: str | None  #: None: absent in A
    after: str | None  #: None: absent in B

    def as_dict(self) -> dict[str, str | None]:
        return {"facet": self.facet, "key": self.key, "a": self.before, "b": self.after}


def _flatten(prefix: str, value: Any, out: dict[str, str]) -> None:
    if isinstance(value, dict) and value:
        for key in sorted(value, key=str):
            _flatten(f"{prefix}.{key}" if prefix else str(key), value[key], out)
    else:
        text = json.dumps(value, sort_keys=True, default=str) if not isinstance(value, str) else value
        out[prefix] = _hidden(text) if _SECRET_KEY.search(prefix.rsplit(".", 1)[-1]) else text


def _plain(value: Any) -> str:
    return json.dumps(msgspec.to_builtins(value), sort_keys=True, separators=(",", ":"))


def _configmap(snapshot: Snapshot, namespace: str, name: str) -> ConfigMap | None:
    found = snapshot.get(ObjectRef("ConfigMap", namespace, name))
    return found if isinstance(found, ConfigMap) else None


def _daemonset(snapshot: Snapshot, name: str) -> DaemonSet | None:
    for obj in snapshot.of("DaemonSet"):
        if isinstance(obj, DaemonSet) and obj.metadata.name == name:
            return obj
    return None


def _images(ds: DaemonSet) -> str:
    return ",".join(c.image for c in ds.spec.template.spec.containers)


def facets(snapshot: Snapshot) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {k: {} for k in ("cilium", "kube-proxy", "policy", "webhook", "coredns")}
    out["versions"], out["gitops"] = {}, {}
    cilium = out["cilium"]
    config = _configmap(snapshot, "kube-system", "cilium-config")
    if config is not None:
        _flatten("cilium-config", dict(config.data), cilium)
    for obj in snapshot.of("HelmRelease"):
        if isinstance(obj, HelmRelease) and obj.spec.chart is not None and obj.spec.chart.spec.chart == "cilium":
            _flatten(f"helmrelease {obj.metadata.namespace}/{obj.metadata.name} values", obj.spec.values or {}, cilium)
    agent = _daemonset(snapshot, "cilium")
    if agent is not None:
        cilium["agent image"] = _images(agent)
    proxy = _daemonset(snapshot, "kube-proxy")
    if snapshot.has_kind("DaemonSet"):
        out["kube-proxy"]["kube-proxy DaemonSet"] = "present" if proxy is not None else "absent"
        if proxy is not None:
            out["kube-proxy"]["kube-proxy image"] = _images(proxy)
    for kind in ("NetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"):
        for obj in snapshot.of(kind):
            where = f"{kind} {obj.metadata.namespace + '/' if obj.metadata.namespace else ''}{obj.metadata.name}"
            if isinstance(obj, NetworkPolicy | CiliumNetworkPolicy):
                out["policy"][where] = _plain(obj.spec if isinstance(obj, NetworkPolicy) else (obj.spec, obj.specs))
    for kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
        for obj in snapshot.of(kind):
            if isinstance(obj, WebhookConfiguration):
                for hook in obj.webhooks:
                    out["webhook"][f"{kind} {obj.metadata.name} {hook.name}"] = _plain(hook)
    coredns = _configmap(snapshot, "kube-system", "coredns")
    if coredns is not None:
        _flatten("coredns", dict(coredns.data), out["coredns"])
    versions = out["versions"]
    for obj in snapshot.of("Node"):
        if isinstance(obj, Node):
            info = obj.status.node_info
            versions[f"node {obj.metadata.name}"] = (
                f"kubelet {info.kubelet_version}, {info.os_image}, {info.container_runtime_version}"
            )
    for obj in snapshot.of("DaemonSet"):
        if isinstance(obj, DaemonSet):
            versions[f"DaemonSet {obj.metadata.namespace}/{obj.metadata.name}"] = _images(obj)
    gitops = out["gitops"]
    for obj in snapshot.of("HelmRelease"):
        if isinstance(obj, HelmRelease) and obj.spec.chart is not None:
            chart = obj.spec.chart.spec
            versions[f"HelmRelease {obj.metadata.namespace}/{obj.metadata.name} chart"] = (
                f"{chart.chart} {chart.version}"
            )
    for kind in ("Kustomization", "HelmRelease"):
        for obj in snapshot.of(kind):
            if isinstance(obj, Kustomization | HelmRelease):
                ready = condition(obj.status.conditions, "Ready")
                state = f"Ready={ready.status} {ready.reason}".strip() if ready is not None else "no Ready condition"
                gitops[f"{kind} {obj.metadata.namespace}/{obj.metadata.name}"] = state
    for obj in snapshot.of("Application"):
        if isinstance(obj, Application):
            gitops[f"Application {obj.metadata.namespace}/{obj.metadata.name}"] = (
                f"{obj.status.sync.status or '?'}/{obj.status.health.status or '?'}"
            )
    return out


def diff(a: Snapshot, b: Snapshot) -> list[Change]:
    """Every key whose value differs, or that exists on one side only, per facet."""
    fa, fb = facets(a), facets(b)
    changes: list[Change] = []
    for facet in fa:
        left, right = fa[facet], fb[facet]
        for key in sorted(set(left) | set(right)):
            before, after = left.get(key), right.get(key)
            if before != after:
                if before is not None and before.startswith(HIDDEN):
                    before = HIDDEN
                if after is not None and after.startswith(HIDDEN):
                    after = HIDDEN
                changes.append(Change(facet, key, before, after))
    return changes
