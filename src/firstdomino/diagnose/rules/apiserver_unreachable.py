"""apiserver/unreachable-from-pods — pods cannot reach the `kubernetes` Service (10.96.0.1:443).

What it detects:
    Pods whose logs or termination messages show `dial tcp 10.96.0.1:443: i/o timeout` (or another
    timeout to the `default/kubernetes` ClusterIP), when the API server itself is up. This is the
    catch-all for the API path: a more specific cause (no service proxy, Cilium without
    k8sServiceHost, the CNI agent down) explains it when one is found.

Why it matters:
    Everything that watches the API from a pod — CoreDNS (`Still waiting on: "kubernetes"`), cert-manager,
    ingress controllers, Flux and Argo CD controllers — times out and crash-loops, and CoreDNS never gets
    Ready, so DNS fails cluster-wide as well.

Example:
    CoreDNS `failed to list *v1.Namespace: Get "https://10.96.0.1:443/api/v1/namespaces...": dial tcp
    10.96.0.1:443: i/o timeout`; cert-manager-webhook `error building admission chain ... i/o timeout`.

Fix:
    Check what translates the `kubernetes` Service VIP: kube-proxy, or Cilium kube-proxy replacement with
    `k8sServiceHost`/`k8sServicePort` set (Talos: localhost:7445). Verify from a pod:
    `kubectl run -it --rm t --image=curlimages/curl --restart=Never -- curl -sk https://10.96.0.1/version`.

References:
    https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/
    https://github.com/siderolabs/talos/discussions/12732
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose import signatures as sig
from firstdomino.diagnose.budgets import CNI_AGENT_BUDGET
from firstdomino.diagnose.common import earliest, find_cilium, not_ready_since, pod_ready, ready_since
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_PLATFORM, Rule
from firstdomino.model.kinds import Pod
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of


def check(ctx: Context) -> Iterator[Finding]:
    api = ctx.index.service("default", "kubernetes")
    ips = {api.spec.cluster_ip} if api is not None and api.spec.cluster_ip else {"10.96.0.1"}
    victims: list[Pod] = []
    evidence: list[Evidence] = []
    candidates = {id(p): p for p in ctx.unhealthy_pods}
    for namespace, name in ctx.snapshot.logs_by_pod:
        logged = ctx.snapshot.get(ObjectRef("Pod", namespace, name))
        if isinstance(logged, Pod):
            candidates.setdefault(id(logged), logged)
    for pod in candidates.values():
        texts = ctx.pod_texts(pod)
        recovered = ready_since(pod) if pod_ready(pod) else None
        if pod_ready(pod):
            # a Ready pod counts only for what its current log says now, not a bootstrap line
            texts = [(r, p, t) for r, p, t in texts if p.startswith("logs/") and not p.endswith(".previous.log")]
        for signal, ev in ctx.signals(texts):
            if signal.kind not in (sig.TIMEOUT, sig.DEADLINE) or signal.ip not in ips:
                continue
            if recovered is not None:
                written = sig.line_time(signal.text, ctx.now.year)
                if written is None or written <= recovered:
                    continue  # older than the pod's recovery (or undated): history
            victims.append(pod)
            if len(evidence) < 6:
                evidence.append(ev)
            break
    if not victims:
        return
    requires: list[ObjectRef] = []
    ds, cm = find_cilium(ctx.snapshot)
    if ds is not None:
        requires.append(ref_of(ds, "DaemonSet"))
    if cm is not None:
        requires.append(ref_of(cm, "ConfigMap"))
    requires.append(ObjectRef("DaemonSet", "kube-system", "kube-proxy"))
    since = earliest(*(not_ready_since(p) for p in victims))
    yield ctx.finding(
        RULE,
        ctx.kubernetes_api,
        f"{len(victims)} pod(s) time out connecting to the `kubernetes` Service ({', '.join(sorted(ips))}:443)",
        evidence=evidence,
        requires=requires,
        affected=[ref_of(p, "Pod") for p in victims],
        since=since,
        budget=CNI_AGENT_BUDGET,
        self_healing=None,
    )


RULE = Rule(
    id="apiserver/unreachable-from-pods",
    title="Pods cannot reach the API server Service",
    severity=Severity.CRITICAL,
    layer=LAYER_PLATFORM,
    kinds=("Pod", "Service"),
    check=check,
    module=__name__,
    fix="Check what translates the `kubernetes` Service VIP (kube-proxy, or Cilium kube-proxy replacement with "
    "k8sServiceHost/k8sServicePort; Talos: localhost:7445). Verify from a pod: `kubectl run -it --rm t "
    "--image=curlimages/curl --restart=Never -- curl -sk https://10.96.0.1/version`.",
    docs=(
        "https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/",
        "https://github.com/siderolabs/talos/discussions/12732",
    ),
)
