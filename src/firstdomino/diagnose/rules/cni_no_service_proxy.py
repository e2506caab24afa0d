"""cni/no-service-proxy — nothing implements ClusterIP Services.

What it detects:
    No kube-proxy DaemonSet (the DaemonSet kind was collected, so its absence is known) while Cilium's
    `kube-proxy-replacement` is off in `cilium-config`. This is the Talos mismatch `cluster.proxy.disabled:
    true` with Cilium `kubeProxyReplacement=false`: with KPR off Cilium "only enables per-packet in-cluster
    load-balancing of ClusterIP services", so the host network namespace and bootstrap paths get no
    translation, and pod → ClusterIP connections (10.96.0.1:443, 10.96.0.10:53) time out while pod → pod
    works.

Why it matters:
    Every component that talks to the API through the `kubernetes` Service (CoreDNS, cert-manager,
    ingress controllers, Flux) times out and crash-loops; CoreDNS never becomes Ready, so every DNS lookup
    fails too. It never heals by itself.

Example:
    kube-system has no kube-proxy, cilium-config says `kube-proxy-replacement: "false"`, and CoreDNS logs
    `dial tcp 10.96.0.1:443: i/o timeout`.

Fix:
    Make the two settings agree. Either enable kube-proxy replacement in the Cilium Helm values
    (`kubeProxyReplacement: true`, `k8sServiceHost: localhost`, `k8sServicePort: 7445` on Talos), or
    re-enable kube-proxy (Talos `cluster.proxy.disabled: false`). Verify with
    `kubectl -n kube-system exec ds/cilium -- cilium-dbg status | grep KubeProxyReplacement` and
    `kubectl run -it --rm t --image=busybox -- nslookup kubernetes.default`.

References:
    https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/
    https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose.common import created, find_cilium, kpr_enabled
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_CONFIG, Rule
from firstdomino.model.kinds import Workload
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of


def _has_kube_proxy(ctx: Context) -> bool:
    for ds in ctx.snapshot.of("DaemonSet"):
        if not isinstance(ds, Workload):
            continue
        labels = ds.spec.template.metadata.labels
        if ds.metadata.name == "kube-proxy" or labels.get("k8s-app") == "kube-proxy":
            return True
    return any(
        p.metadata.name.startswith("kube-proxy-") and p.metadata.namespace == "kube-system"
        for p in ctx.index.pods_by_namespace.get("kube-system", [])
    )


def check(ctx: Context) -> Iterator[Finding]:
    if not ctx.snapshot.has_kind("DaemonSet"):
        return
    ds, cm = find_cilium(ctx.snapshot)
    if ds is None or cm is None or kpr_enabled(cm) is not False or _has_kube_proxy(ctx):
        return
    cm_ref = ref_of(cm, "ConfigMap")
    evidence = [
        Evidence(str(cm_ref), "data.kube-proxy-replacement", cm.data.get("kube-proxy-replacement", "")),
        Evidence("DaemonSet/kube-system/kube-proxy", "", "absent (DaemonSets were collected)"),
    ]
    api = ctx.index.service("default", "kubernetes")
    victims = [ctx.kubernetes_api, ctx.cluster_dns]
    if api is not None:
        evidence.append(
            Evidence(
                str(ctx.kubernetes_api),
                "spec.clusterIP",
                f"{api.spec.cluster_ip}: no component translates this address",
            )
        )
    yield ctx.finding(
        RULE,
        cm_ref,
        "nothing implements ClusterIP Services: kube-proxy is absent and Cilium kube-proxy replacement is off, "
        "so pods time out on every Service VIP (10.96.0.1:443, cluster DNS)",
        evidence=evidence,
        explains_refs=victims + [ObjectRef("DaemonSet", ds.metadata.namespace, ds.metadata.name)],
        since=created(cm),
        self_healing=False,
        confidence=0.9,
    )


RULE = Rule(
    id="cni/no-service-proxy",
    title="Nothing implements ClusterIP Services",
    severity=Severity.CRITICAL,
    layer=LAYER_CONFIG,
    kinds=("DaemonSet", "ConfigMap"),
    check=check,
    module=__name__,
    fix="Make kube-proxy and Cilium agree: set Cilium Helm values `kubeProxyReplacement: true`, "
    "`k8sServiceHost: localhost`, `k8sServicePort: 7445` (Talos KubePrism) and roll the agents, or re-enable "
    "kube-proxy (Talos `cluster.proxy.disabled: false`). Verify: `kubectl -n kube-system exec ds/cilium -- "
    "cilium-dbg status | grep KubeProxyReplacement`; `kubectl run -it --rm dnstest --image=busybox:1.36 "
    "--restart=Never -- nslookup kubernetes.default`.",
    docs=(
        "https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/",
        "https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium",
    ),
)
