"""The bootstrap order a repository implies (pure): Terraform and Talos first, then helmfile releases
by `needs`, then Flux Kustomizations by `dependsOn` (a Kustomization also comes after the one that
applies it), then Argo CD Applications by sync wave. Each step lists its objects, the bootstrap
milestones they carry (CNI, DNS, cert-manager, admission webhooks, GitOps controllers) and the lint
findings about them, in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from firstdomino.lint.finding import LintFinding, LintResult
from firstdomino.lint.helm import releases
from firstdomino.model.flux import FluxTree
from firstdomino.model.repo import Document, Repository, as_list

MILESTONES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cni", ("cilium", "calico", "flannel", "tigera", "multus")),
    ("dns", ("coredns", "kube-dns")),
    ("cert-manager", ("cert-manager", "issuer")),
    ("webhook", ("webhook", "kyverno", "gatekeeper")),
    ("gitops", ("flux", "argocd", "argo-cd")),
)


@dataclass
class Item:
    kind: str
    name: str
    namespace: str
    path: str
    line: int
    milestones: list[str] = field(default_factory=list)
    hazards: list[str] = field(default_factory=list)
    contains: list[str] = field(default_factory=list)


@dataclass
class Step:
    label: str
    items: list[Item]


@dataclass
class Phase:
    name: str
    steps: list[Step]


@dataclass
class Plan:
    phases: list[Phase]
    cycles: list[list[str]]


def _milestones(*texts: str) -> list[str]:
    joined = " ".join(t.lower() for t in texts)
    return [name for name, words in MILESTONES if any(w in joined for w in words)]


def _item(doc: Document, findings: Mapping[str, list[LintFinding]], extra: Iterable[str] = ()) -> Item:
    chart = str(doc.get("spec", "chart", "spec", "chart") or doc.get("chart") or "")
    hazards = sorted({f.id for f in findings.get(doc.path, []) if f.subject[2] in ("", doc.name)})
    return Item(doc.kind, doc.name, doc.namespace, doc.path, doc.line, _milestones(doc.name, chart, *extra), hazards)


def _levels(nodes: list[str], deps: Mapping[str, set[str]]) -> tuple[list[list[str]], list[str]]:
    """Kahn's algorithm by levels; nodes left over are in cycles."""
    level: dict[str, int] = {}
    remaining = set(nodes)
    out: list[list[str]] = []
    while remaining:
        ready = sorted(
            n
            for n in remaining
            if all(d in level or d not in deps or d not in remaining for d in deps.get(n, set()) if d in nodes)
            and not (deps.get(n, set()) & remaining)
        )
        if not ready:
            return out, sorted(remaining)
        for n in ready:
            level[n] = len(out)
        out.append(ready)
        remaining -= set(ready)
    return out, []


def build_plan(repo: Repository, result: LintResult) -> Plan:
    findings: dict[str, list[LintFinding]] = {}
    for f in result.findings:
        findings.setdefault(f.path, []).append(f)
    phases: list[Phase] = []
    cycles: list[list[str]] = []

    infra = [_item(d, findings) for d in [*repo.of("TalosConfig"), *repo.of("TerraformHelmRelease")]]
    infra += [
        _item(d, findings) for d in repo.documents if d.source == "terraform" and d.kind != "TerraformHelmRelease"
    ]
    if infra:
        phases.append(Phase("terraform / talos", [Step("apply", infra)]))

    helmfile = {d.name if not d.namespace else f"{d.namespace}/{d.name}": d for d in repo.of("HelmfileRelease")}
    if helmfile:
        deps = {k: {n for n in as_list(d.get("needs")) if isinstance(n, str)} for k, d in helmfile.items()}
        levels, stuck = _levels(list(helmfile), deps)
        phases.append(
            Phase(
                "helmfile",
                [Step(f"level {i}", [_item(helmfile[k], findings) for k in keys]) for i, keys in enumerate(levels)],
            )
        )
        if stuck:
            cycles.append([f"helmfile {k}" for k in stuck])

    tree = FluxTree.of(repo)
    if tree.kustomizations:
        names = {f"{ns}/{name}": key for key, (ns, name) in ((k, k) for k in tree.kustomizations)}
        deps = {}
        for label, key in names.items():
            before = set(tree._deps.get(key, set()))
            parent = tree.parent(key)
            if parent is not None:
                before.add(parent)
            deps[label] = {f"{ns}/{n}" for ns, n in before}
        levels, stuck = _levels(sorted(names), deps)
        contents: dict[tuple[str, str], list[Document]] = {}
        for doc in repo.documents:
            owner = tree.owner(doc)
            if owner is not None and doc.kind != "Kustomization":
                contents.setdefault(owner, []).append(doc)
        steps = []
        for i, labels in enumerate(levels):
            items = []
            for label in labels:
                key = names[label]
                ks = tree.kustomizations[key]
                inner = contents.get(key, [])
                charts = [
                    str(d.get("spec", "chart", "spec", "chart") or d.name) for d in inner if d.kind == "HelmRelease"
                ]
                item = _item(ks, findings, [str(ks.get("spec", "path") or ""), *charts])
                item.contains = sorted(
                    {
                        f"{d.kind}/{d.name}"
                        for d in inner
                        if d.kind
                        in (
                            "HelmRelease",
                            "CustomResourceDefinition",
                            "ClusterIssuer",
                            "Issuer",
                            "Certificate",
                            "ValidatingWebhookConfiguration",
                            "MutatingWebhookConfiguration",
                        )
                    }
                )
                item.hazards = sorted({*item.hazards, *(f.id for d in inner for f in findings.get(d.path, []))})
                items.append(item)
            steps.append(Step(f"level {i}", items))
        phases.append(Phase("flux", steps))
        if stuck:
            cycles.append([f"Kustomization {k}" for k in stuck])

    apps = [d for d in repo.of("Application") if d.group == "argoproj.io"]
    if apps:
        by_wave: dict[int, list[Document]] = {}
        for d in apps:
            by_wave.setdefault(d.sync_wave, []).append(d)
        chart_of = {id(r.doc): r.chart for r in releases(repo) if r.deployer == "argocd"}
        phases.append(
            Phase(
                "argocd",
                [
                    Step(
                        f"wave {w}",
                        [
                            _item(d, findings, [chart_of.get(id(d), "")])
                            for d in sorted(by_wave[w], key=lambda d: d.name)
                        ],
                    )
                    for w in sorted(by_wave)
                ],
            )
        )
    return Plan(phases, cycles)
