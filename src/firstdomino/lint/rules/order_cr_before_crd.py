"""order/cr-before-crd — a custom resource is applied before the CRD that defines it.

What it detects:
    A custom resource applied by one Flux Kustomization whose CustomResourceDefinition (same group and
    kind) is applied by another Kustomization it does not (transitively) depend on. Within one
    Kustomization Flux applies CRDs first, so that is fine. CRDs installed by a Helm chart are not visible
    here and are not judged.

Why it matters:
    The apply fails (`no matches for kind "X" in version "Y"`), the whole Kustomization fails, and
    everything depending on it waits; on a fresh cluster this happens on every rebuild.

Example:
    `infrastructure/cilium-config/ippool.yaml` (CiliumLoadBalancerIPPool) in Kustomization `cilium-config`;
    the CRD in `infrastructure/crds/` (Kustomization `crds`); no `dependsOn: crds`.

Fix:
    Add `dependsOn` on the Kustomization that applies the CRDs (or move the CRs next to their CRDs).

References:
    https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies
    https://fluxcd.io/flux/faq/#how-to-install-crds-and-custom-resources-at-the-same-time
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.lint.finding import LintFinding
from firstdomino.lint.rule import LintRule
from firstdomino.model.flux import FluxTree
from firstdomino.model.repo import Document, Repository
from firstdomino.model.severity import Severity


def check(repo: Repository) -> Iterator[LintFinding]:
    crds: dict[tuple[str, str], Document] = {}
    for doc in repo.of("CustomResourceDefinition"):
        group, kind = doc.get("spec", "group"), doc.get("spec", "names", "kind")
        if isinstance(group, str) and isinstance(kind, str):
            crds[(group, kind)] = doc
    if not crds:
        return
    tree = FluxTree.of(repo)
    for doc in repo.documents:
        crd = crds.get((doc.group, doc.kind))
        if crd is None:
            continue
        owner, crd_owner = tree.owner(doc), tree.owner(crd)
        if owner and crd_owner and not tree.ordered_before(crd_owner, owner):
            yield RULE.finding(
                doc,
                f"{doc.kind} {doc.name} (Kustomization {owner[1]}) needs the CRD {crd.name}, applied by "
                f"Kustomization {crd_owner[1]}, which {owner[1]} does not depend on",
                related=[crd],
            )


RULE = LintRule(
    id="order/cr-before-crd",
    title="Custom resource applied before its CRD",
    severity=Severity.HIGH,
    check=check,
    module=__name__,
    fix="Add dependsOn on the Kustomization that applies the CRDs, or move the resources next to their CRDs.",
    docs=("https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies",),
)
