"""netpol/dns-egress-blocked — a policy puts pods in default-deny egress without allowing DNS.

What it detects:
    NetworkPolicies (`policyTypes: [Egress]`) and Cilium(Clusterwide)NetworkPolicies (any `egress`
    section) select pods, which switches those pods to default-deny egress, and no policy selecting them
    allows UDP/TCP 53 to the cluster DNS pods. Policies are additive: one policy that allows DNS for a pod
    is enough. The pods' own DNS errors (`lookup … on 10.96.0.10:53: … i/o timeout`) confirm it: a policy
    drop is silent, so lookups *time out* (an immediate `operation not permitted` is something else).

Why it matters:
    Every name lookup of the selected pods fails, so they crash or hang, while DNS works everywhere else —
    which sends people to debug CoreDNS.

Example:
    CiliumNetworkPolicy shop/backend-egress allows only `toEndpoints: app=postgres` port 5432; checkout pods
    log `lookup postgres.shop.svc.cluster.local on 10.96.0.10:53: read udp …: i/o timeout`.

Fix:
    Add an egress rule that allows DNS to kube-dns and nothing more, e.g. for Cilium:
    `toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, k8s-app: kube-dns}}]`,
    `toPorts: [{ports: [{port: "53", protocol: ANY}], rules: {dns: [{matchPattern: "*"}]}}]`; for a
    NetworkPolicy: `to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}},
    podSelector: {matchLabels: {k8s-app: kube-dns}}}]` with ports 53/UDP and 53/TCP. Never an allow-all.

References:
    https://docs.cilium.io/en/stable/security/policy/intro/
    https://kubernetes.io/docs/concepts/services-networking/network-policies/
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose import signatures as sig
from firstdomino.diagnose.common import created, earliest, not_ready_since, pod_ready
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.netpol import dns_blocked_pods
from firstdomino.diagnose.rule import LAYER_CONFIG, Rule
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of


def check(ctx: Context) -> Iterator[Finding]:
    for policy_ref, pods in sorted(dns_blocked_pods(ctx.snapshot, ctx.index).items()):
        pods = [p for p in pods if p.spec.dns_policy in ("", "ClusterFirst", "ClusterFirstWithHostNet")]
        if not pods:
            continue
        policy = ctx.snapshot.get(policy_ref)
        evidence = [
            Evidence(
                str(policy_ref),
                "spec",
                f"selects {len(pods)} pod(s) and isolates their egress; no "
                "policy selecting them allows port 53 to kube-dns",
            )
        ]
        victims: list[ObjectRef] = []
        confirmed = False
        for pod in pods:
            if pod_ready(pod):
                continue
            for signal, ev in ctx.signals(ctx.pod_texts(pod)):
                if signal.kind in (sig.DNS, sig.TIMEOUT) and (signal.host or signal.ip in ctx.cluster_dns_ips):
                    confirmed = True
                    if len(evidence) < 5:
                        evidence.append(ev)
                    victims += [ref_of(pod, "Pod"), ctx.index.top_owner(pod, "Pod")]
                    break
        failing = [p for p in pods if not pod_ready(p)]
        yield ctx.finding(
            RULE,
            policy_ref,
            f"{policy_ref.kind} {policy_ref.namespace}/{policy_ref.name} puts {len(pods)} pod(s) in default-deny "
            "egress without allowing DNS" + ("; their lookups time out" if confirmed else ""),
            evidence=evidence,
            explains_refs=list(dict.fromkeys(victims)),
            affected=[ref_of(p, "Pod") for p in failing],
            since=earliest(created(policy) if policy else None, *(not_ready_since(p) for p in failing)),
            self_healing=False,
            hazard=not failing,
            severity=Severity.CRITICAL if confirmed else Severity.HIGH if failing else Severity.MEDIUM,
            confidence=0.9 if confirmed else 0.6,
        )


RULE = Rule(
    id="netpol/dns-egress-blocked",
    title="Policy blocks DNS egress",
    severity=Severity.HIGH,
    layer=LAYER_CONFIG,
    kinds=("NetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy", "Pod"),
    check=check,
    module=__name__,
    fix="Add an egress rule allowing port 53 (UDP and TCP) to the kube-dns pods only (Cilium: toEndpoints "
    "k8s:io.kubernetes.pod.namespace=kube-system, k8s-app=kube-dns with toPorts 53/ANY and a dns rule; "
    "NetworkPolicy: namespaceSelector kubernetes.io/metadata.name=kube-system + podSelector k8s-app=kube-dns). "
    "Never an allow-all policy. Verify: `kubectl exec POD -- nslookup kubernetes.default`.",
    docs=(
        "https://docs.cilium.io/en/stable/security/policy/intro/",
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
    ),
)
