"""flux/healthcheck-on-unmanaged-object — a Flux Kustomization health-checks an object it does not apply.

What it detects:
    Entries of a Kustomization's `spec.healthChecks` naming an object (kind, name, namespace) that no
    document under its `spec.path` defines. Paths that contain a HelmRelease (whose objects are rendered by
    helm-controller) are not judged, nor objects of unknown provenance (templated names).

Why it matters:
    The Kustomization's readiness then depends on something another tool manages — a DaemonSet installed by a
    bootstrap helmfile, say — so it fails or passes for reasons outside it, and every Kustomization that
    depends on it inherits that. In incident 004 the cilium Kustomization health-checked the cilium
    DaemonSet that a bootstrap helmfile installed.

Example:
    Kustomization `cilium` (path `./infrastructure/cilium/day2`) health-checks `DaemonSet/kube-system/cilium`;
    nothing under that path defines it.

Fix:
    Health-check what the Kustomization applies (or use `wait: true`); check the externally managed object
    from where it is managed.

References:
    https://fluxcd.io/flux/components/kustomize/kustomizations/#health-checks
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from firstdomino.lint.finding import LintFinding
from firstdomino.lint.rule import LintRule
from firstdomino.model.flux import FluxTree
from firstdomino.model.repo import Repository, as_list
from firstdomino.model.severity import Severity


def check(repo: Repository) -> Iterator[LintFinding]:
    tree = FluxTree.of(repo)
    applied: dict[tuple[str, str], set[tuple[str, str]]] = {}
    with_helm: set[tuple[str, str]] = set()
    for doc in repo.documents:
        owner = tree.owner(doc)
        if owner is None:
            continue
        applied.setdefault(owner, set()).add((doc.kind, doc.name))
        if doc.kind == "HelmRelease":
            with_helm.add(owner)
    for key, ks in tree.kustomizations.items():
        if key in with_helm:
            continue
        for check_ in as_list(ks.get("spec", "healthChecks")):
            if not isinstance(check_, Mapping):
                continue
            kind, name = str(check_.get("kind") or ""), str(check_.get("name") or "")
            if not kind or not name or "${" in name or "<template>" in name:
                continue
            if (kind, name) not in applied.get(key, set()):
                namespace = check_.get("namespace") or ks.get("spec", "targetNamespace") or ""
                yield RULE.finding(
                    ks,
                    f"Kustomization {key[1]} health-checks {kind} {namespace}/{name}, which nothing under its path "
                    f"({ks.get('spec', 'path')}) defines: its readiness depends on another manager",
                    line=ks.line_of("spec", "healthChecks"),
                )


RULE = LintRule(
    id="flux/healthcheck-on-unmanaged-object",
    title="Flux health check on an object the Kustomization does not apply",
    severity=Severity.MEDIUM,
    check=check,
    module=__name__,
    fix="Health-check what the Kustomization applies (or use wait: true); check externally managed objects where "
    "they are managed.",
    docs=("https://fluxcd.io/flux/components/kustomize/kustomizations/#health-checks",),
)
