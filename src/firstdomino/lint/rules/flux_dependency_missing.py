"""flux/dependency-missing — a Flux `dependsOn` points at nothing in the repository.

What it detects:
    Kustomizations and HelmReleases whose `spec.dependsOn` names an object of the same kind (namespace
    defaulting to the depender's) that no file of the repository defines.

Why it matters:
    Flux waits for the dependency forever: `dependency 'ns/name' is not found`, and everything that depends
    on the waiting object waits too. A renamed or moved Kustomization is the usual cause.

Example:
    `infrastructure.yaml` has `dependsOn: [{name: cert-manager-crds}]` but the Kustomization was renamed
    `cert-manager`.

Fix:
    Point `dependsOn` at the object's current name and namespace, or add the missing object.

References:
    https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from firstdomino.lint.finding import LintFinding
from firstdomino.lint.rule import LintRule
from firstdomino.model.repo import Repository, as_list
from firstdomino.model.severity import Severity


def check(repo: Repository) -> Iterator[LintFinding]:
    for kind in ("Kustomization", "HelmRelease"):
        known = {(d.namespace or "default", d.name) for d in repo.flux(kind)}
        known_names = {d.name for d in repo.flux(kind)}
        for doc in repo.flux(kind):
            for dep in as_list(doc.get("spec", "dependsOn")):
                if not isinstance(dep, Mapping) or not isinstance(dep.get("name"), str):
                    continue
                if "<template>" in dep["name"] or "${" in dep["name"]:
                    continue  # substituted at apply time: unknown
                namespace = dep.get("namespace") or doc.namespace or "default"
                explicit = bool(dep.get("namespace"))
                if (namespace, dep["name"]) in known or (
                    not explicit and not doc.namespace and dep["name"] in known_names
                ):
                    continue
                yield RULE.finding(
                    doc,
                    f"{kind} {doc.namespace or 'default'}/{doc.name} depends on {kind} "
                    f"{namespace}/{dep['name']}, which no file of the repository defines",
                    line=getattr(dep, "line", None) or doc.line_of("spec", "dependsOn"),
                )


RULE = LintRule(
    id="flux/dependency-missing",
    title="Flux dependsOn points at nothing",
    severity=Severity.HIGH,
    check=check,
    module=__name__,
    fix="Point dependsOn at the object's current name and namespace, or add the missing object.",
    docs=("https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies",),
)
