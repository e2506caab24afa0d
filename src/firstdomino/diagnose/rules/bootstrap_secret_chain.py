"""bootstrap/secret-chain-blocked — a pod waits for a Secret whose producer is not ready.

What it detects:
    A pod stuck before start (ContainerCreating with `MountVolume.SetUp failed ... secret "x" not found`,
    or CreateContainerConfigError) for a Secret that something is supposed to create: a cert-manager
    Certificate with that `secretName`, or the Argo CD Application / Flux Kustomization that manages the
    workload and has not finished syncing (so the Certificate itself is still missing). The chain is
    followed to the producer, whose own cause becomes the root.

Why it matters:
    Bootstrap chains (webhook serving certificates, CA → issuer → certificate) deadlock when the producer
    depends on something that depends on the pod. Restarting the pod changes nothing.

Example:
    cert-manager-webhook-gandi in ContainerCreating: `secret "cert-manager-webhook-gandi-webhook-tls" not
    found`; its Certificate was never created because the Argo CD sync of its chart failed.

Fix:
    Fix the producer (the Certificate's issuer, the failed GitOps sync); the kubelet's mount retry then
    starts the pod without intervention.

References:
    https://cert-manager.io/docs/concepts/webhook/
    https://cert-manager.io/docs/usage/certificate/
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose.budgets import MISSING_CONFIG_BUDGET
from firstdomino.diagnose.common import earliest, not_ready_since
from firstdomino.diagnose.context import Context, group_by_workload, missing_refs, producers_of
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_GITOPS, Rule
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of


def check(ctx: Context) -> Iterator[Finding]:
    hits: dict[int, list[tuple[ObjectRef, Evidence, list[ObjectRef]]]] = {}
    for pod in ctx.unhealthy_pods:
        chained = []
        for ref, why in missing_refs(ctx, pod):
            if ref.kind != "Secret":
                continue
            producers = producers_of(ctx, ref, pod)
            if producers:
                chained.append((ref, why, producers))
        if chained:
            hits[id(pod)] = chained
    pods = [p for p in ctx.unhealthy_pods if id(p) in hits]
    for owner, members in group_by_workload(ctx, pods).items():
        chain = hits[id(members[0])]
        secrets = sorted({str(r) for r, _, _ in chain})
        producers = sorted({p for _, _, ps in chain for p in ps})
        evidence: list[Evidence] = [e for _, e, _ in chain][:4]
        evidence += [Evidence(str(p), "", f"expected to create {', '.join(secrets)}") for p in producers]
        yield ctx.finding(
            RULE,
            owner,
            f"{len(members)} pod(s) of {owner} wait for {', '.join(secrets)}, which "
            f"{', '.join(map(str, producers))} has not produced",
            evidence=evidence,
            requires=producers,
            affected=[ref_of(p, "Pod") for p in members],
            since=earliest(*(not_ready_since(p) for p in members)),
            budget=MISSING_CONFIG_BUDGET,
            self_healing=None,
        )


RULE = Rule(
    id="bootstrap/secret-chain-blocked",
    title="Pod waits for a Secret its producer has not made",
    severity=Severity.HIGH,
    layer=LAYER_GITOPS,
    kinds=("Pod", "Secret", "Certificate", "Application", "Kustomization"),
    check=check,
    module=__name__,
    fix="Fix the producer named in the evidence (its Issuer, its failed sync); the pod starts by itself once "
    "the Secret exists. Verify: `kubectl get certificate -A` then `kubectl get pod -w`.",
    docs=("https://cert-manager.io/docs/concepts/webhook/", "https://cert-manager.io/docs/usage/certificate/"),
)
