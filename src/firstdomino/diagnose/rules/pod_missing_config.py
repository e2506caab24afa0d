"""pod/missing-config — a pod needs a ConfigMap or Secret that does not exist and nothing will make.

What it detects:
    Containers in CreateContainerConfigError (`configmap "x" not found`, `secret "x" not found`) and
    pods stuck in ContainerCreating with FailedMount events for a missing Secret or ConfigMap, when no
    producer for it is known (no cert-manager Certificate, no ExternalSecret, no GitOps application that
    is still to create it). When a producer exists, `bootstrap/secret-chain-blocked` reports it instead.

Why it matters:
    kubelet retries forever; the pod never starts until someone creates the object.

Example:
    `Error: configmap "invoicer-settings" not found` for 30 minutes, referenced by envFrom.

Fix:
    Create the ConfigMap/Secret (usually: add it to the same GitOps path as the workload), or mark the
    reference `optional: true` if it really is.

References:
    https://kubernetes.io/docs/concepts/configuration/configmap/#configmaps-and-pods
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose.budgets import MISSING_CONFIG_BUDGET
from firstdomino.diagnose.common import earliest, not_ready_since
from firstdomino.diagnose.context import Context, group_by_workload, missing_refs, producers_of
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_LEAF, Rule
from firstdomino.model.snapshot import ref_of


def check(ctx: Context) -> Iterator[Finding]:
    hits = {}
    for pod in ctx.unhealthy_pods:
        missing = [(ref, ev) for ref, ev in missing_refs(ctx, pod) if not producers_of(ctx, ref, pod)]
        if missing:
            hits[id(pod)] = missing
    pods = [p for p in ctx.unhealthy_pods if id(p) in hits]
    for owner, members in group_by_workload(ctx, pods).items():
        missing = hits[id(members[0])]
        names = ", ".join(sorted({str(r) for r, _ in missing}))
        yield ctx.finding(
            RULE,
            owner,
            f"{len(members)} pod(s) of {owner} need {names}, which does not exist",
            evidence=[ev for _, ev in missing][:6] or [Evidence(str(owner), "", names)],
            affected=[ref_of(p, "Pod") for p in members],
            explains_refs=[],
            since=earliest(*(not_ready_since(p) for p in members)),
            budget=MISSING_CONFIG_BUDGET,
            self_healing=False,
        )


RULE = Rule(
    id="pod/missing-config",
    title="Referenced ConfigMap or Secret does not exist",
    severity=Severity.HIGH,
    layer=LAYER_LEAF,
    kinds=("Pod", "ConfigMap", "Secret"),
    check=check,
    module=__name__,
    fix="Create the missing ConfigMap/Secret (add it to the workload's GitOps path) or mark the reference "
    "optional; then `kubectl get pod -w` shows the container start.",
    docs=("https://kubernetes.io/docs/concepts/configuration/configmap/#configmaps-and-pods",),
)
