"""flux/dependency-cycle — Flux `dependsOn` forms a cycle.

What it detects:
    Kustomizations (or HelmReleases) whose `dependsOn` chains lead back to themselves.

Why it matters:
    No member of the cycle is ever reconciled: each waits for the other (`dependency '…' is not ready`
    forever). The whole subtree below the cycle never starts.

Example:
    `cilium` dependsOn `cert-manager`, `cert-manager` dependsOn `cilium` (a webhook needing the CNI, the CNI's
    monitoring needing cert-manager).

Fix:
    Break the cycle: split the Kustomization so that the part the other needs has no dependency on it
    (e.g. CNI core first, its ServiceMonitors in a later Kustomization).

References:
    https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from firstdomino.lint.finding import LintFinding
from firstdomino.lint.rule import LintRule
from firstdomino.model.repo import Document, Repository, as_list
from firstdomino.model.severity import Severity


def _cycles(
    nodes: dict[tuple[str, str], Document], edges: dict[tuple[str, str], list[tuple[str, str]]]
) -> list[list[tuple[str, str]]]:
    """Elementary cycles found by DFS, each reported once (rotated to start at its smallest member)."""
    found: set[tuple[tuple[str, str], ...]] = set()
    state: dict[tuple[str, str], int] = {}
    stack: list[tuple[str, str]] = []

    def visit(node: tuple[str, str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in nodes:
                continue
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :]
                start = cycle.index(min(cycle))
                found.add(tuple(cycle[start:] + cycle[:start]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(nodes):
        if node not in state:
            visit(node)
    return [list(c) for c in sorted(found)]


def check(repo: Repository) -> Iterator[LintFinding]:
    for kind in ("Kustomization", "HelmRelease"):
        nodes = {(d.namespace or "default", d.name): d for d in repo.flux(kind)}
        edges: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for key, doc in nodes.items():
            for dep in as_list(doc.get("spec", "dependsOn")):
                if isinstance(dep, Mapping) and isinstance(dep.get("name"), str):
                    edges.setdefault(key, []).append((str(dep.get("namespace") or key[0]), dep["name"]))
        for cycle in _cycles(nodes, edges):
            first = nodes[cycle[0]]
            chain = " -> ".join(f"{ns}/{name}" for ns, name in [*cycle, cycle[0]])
            yield RULE.finding(
                first,
                f"{kind} dependsOn cycle: {chain}",
                line=first.line_of("spec", "dependsOn"),
                related=[nodes[c] for c in cycle[1:]],
            )


RULE = LintRule(
    id="flux/dependency-cycle",
    title="Flux dependsOn cycle",
    severity=Severity.CRITICAL,
    check=check,
    module=__name__,
    fix="Break the cycle: split a Kustomization so the part the other needs does not depend on it.",
    docs=("https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies",),
)
