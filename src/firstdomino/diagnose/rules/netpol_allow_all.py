"""netpol/allow-all — a policy that allows all traffic for a whole namespace.

What it detects:
    NetworkPolicies with an empty `podSelector` that allow everything in every direction they govern
    (`policyTypes: [Egress]` with `egress: [{}]`, say), and Cilium policies with an empty endpoint selector
    allowing `fromEntities`/`toEntities: [all]`. These are typical "fixes" applied during an incident. A
    policy that opens one direction while restricting the other (Flux's stock `allow-egress`: any egress,
    ingress only from its own namespace) is a deliberate posture and is not reported.

Why it matters:
    It removes the isolation the namespace had and, in Cilium's default mode, an egress allow-all
    *switches the selected pods to policy enforcement*: any later policy now adds to an allow-all. It
    never fixes a Service without backends (`operation not permitted`), which is what it is usually
    applied for.

Example:
    `allow-all-egress` in kube-system: `podSelector: {}`, `policyTypes: [Egress]`, `egress: [{}]`.

Fix:
    Delete it and fix the real cause (see the root causes); if a namespace needs egress, allow the
    specific destinations (DNS to kube-dns, the API server entity, named services).

References:
    https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic
    https://docs.cilium.io/en/stable/security/policy/intro/
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from firstdomino.diagnose.common import created
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_CONFIG, Rule
from firstdomino.model.kinds import CiliumNetworkPolicy, NetworkPolicy
from firstdomino.model.snapshot import ref_of


def _is_open(rules: list[dict[str, Any]] | None) -> bool:
    return bool(rules) and any(isinstance(r, dict) and not r for r in rules or [])


def check(ctx: Context) -> Iterator[Finding]:
    for obj in ctx.snapshot.of("NetworkPolicy"):
        if not isinstance(obj, NetworkPolicy):
            continue
        sel = obj.spec.pod_selector
        if sel.match_labels or sel.match_expressions:
            continue
        governed = [t.lower() for t in obj.spec.policy_types] or (
            ["ingress", "egress"] if obj.spec.egress is not None else ["ingress"]
        )
        rules_by_direction = {"ingress": obj.spec.ingress, "egress": obj.spec.egress}
        directions = [d for d in governed if _is_open(rules_by_direction.get(d))]
        if directions and len(directions) == len(governed):
            ref = ref_of(obj, "NetworkPolicy")
            yield ctx.finding(
                RULE,
                ref,
                f"NetworkPolicy {ref.namespace}/{ref.name} allows all {' and '.join(directions)} traffic "
                f"for every pod in {ref.namespace}",
                evidence=[Evidence(str(ref), f"spec.{d}", "[{}] with podSelector {}") for d in directions],
                since=created(obj),
            )
    for kind in ("CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"):
        for cnp in ctx.snapshot.of(kind):
            if not isinstance(cnp, CiliumNetworkPolicy):
                continue
            for spec in ([cnp.spec] if cnp.spec else []) + list(cnp.specs or []):
                esel = spec.endpoint_selector
                if esel is None or esel.match_labels or esel.match_expressions:
                    continue
                open_dirs = [
                    d
                    for d, rules, key in (
                        ("ingress", spec.ingress, "fromEntities"),
                        ("egress", spec.egress, "toEntities"),
                    )
                    if any(isinstance(r, dict) and "all" in (r.get(key) or []) for r in rules or [])
                ]
                if open_dirs:
                    ref = ref_of(cnp, kind)
                    yield ctx.finding(
                        RULE,
                        ref,
                        f"{kind} {ref.namespace + '/' if ref.namespace else ''}{ref.name} allows all "
                        f"{' and '.join(open_dirs)} traffic",
                        evidence=[
                            Evidence(str(ref), f"spec.{d}", "entities: all with an empty endpointSelector")
                            for d in open_dirs
                        ],
                        since=created(cnp),
                    )
                    break


RULE = Rule(
    id="netpol/allow-all",
    title="Allow-all network policy",
    severity=Severity.MEDIUM,
    layer=LAYER_CONFIG,
    kinds=("NetworkPolicy", "CiliumNetworkPolicy"),
    check=check,
    module=__name__,
    hazard=True,
    fix="Delete the allow-all policy and fix the real cause; allow specific destinations instead (DNS to kube-dns, "
    "the kube-apiserver entity, named services).",
    docs=(
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic",
        "https://docs.cilium.io/en/stable/security/policy/intro/",
    ),
)
