"""Run the rules, link their findings into cascades, pick and rank the root causes, decide the verdict.

Linking: finding A explains finding B when
  * B `requires` an object that A covers (A's subject or one of its `affected`), or
  * A `explains_refs` an object that B covers, or
  * both are about the same subject and A sits in a lower layer (a misconfiguration explains the
    state it produces on the same object).
Roots are findings nothing else explains; a cycle (a real chicken-and-egg) is broken at its most
fundamental member (lowest layer, then earliest). A root that is young for its kind ("progressing")
is not blamed. Ranking: what to fix first comes first (see `_rank_key`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import (
    STATE_HAZARD,
    STATE_PROGRESSING,
    STATE_STUCK,
    CascadeNode,
    Diagnosis,
    Finding,
)
from firstdomino.diagnose.rule import Rule
from firstdomino.graph.graph import build_graph
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import NotChecked, Snapshot


def run_rules(ctx: Context, rules: Sequence[Rule]) -> tuple[list[Finding], list[NotChecked]]:
    """Run each rule in isolation: a rule that crashes is reported (with its id) and the run goes on."""
    findings: list[Finding] = []
    skipped: list[NotChecked] = []
    for rule in rules:
        missing = [k for k in rule.kinds if not ctx.snapshot.has_kind(k)]
        try:
            produced = list(rule.check(ctx))
        except Exception as error:
            skipped.append(
                NotChecked(
                    f"rule {rule.id}",
                    f"the rule failed on this input ({type(error).__name__}: {error}); please report it",
                )
            )
            continue
        findings.extend(produced)
        if missing and len(missing) == len(rule.kinds):
            skipped.append(NotChecked(f"rule {rule.id}", f"kinds not collected: {', '.join(sorted(missing))}"))
    return _dedupe(findings), skipped


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    by_key: dict[str, Finding] = {}
    for finding in findings:
        by_key.setdefault(finding.key, finding)
    return sorted(by_key.values(), key=lambda f: (f.layer, f.id, f.subject))


def link(findings: Sequence[Finding]) -> dict[int, set[int]]:
    """explains[a] = the findings a explains directly (indices into `findings`)."""
    covers: dict[ObjectRef, list[int]] = defaultdict(list)
    by_subject: dict[ObjectRef, list[int]] = defaultdict(list)
    for i, f in enumerate(findings):
        for ref in f.covers():
            covers[ref].append(i)
        by_subject[f.subject].append(i)
    explains: dict[int, set[int]] = defaultdict(set)
    for b, f in enumerate(findings):
        for ref in f.requires:
            for a in covers.get(ref, ()):
                if a != b:
                    explains[a].add(b)
        for a in by_subject[f.subject]:
            if findings[a].layer < f.layer:
                explains[a].add(b)
    for a, f in enumerate(findings):
        for ref in f.explains_refs:
            for b in covers.get(ref, ()):
                if a != b:
                    explains[a].add(b)
    for a, f in enumerate(findings):  # symptoms and hazards never explain anything
        if f.symptom or f.hazard:
            explains.pop(a, None)
    return explains


def _reach(start: int, explains: dict[int, set[int]]) -> set[int]:
    seen: set[int] = set()
    stack = [start]
    while stack:
        node = stack.pop()
        for child in explains.get(node, ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    seen.discard(start)
    return seen


def find_roots(findings: Sequence[Finding], explains: dict[int, set[int]]) -> list[int]:
    explained: set[int] = set()
    for children in explains.values():
        explained |= children
    roots = [i for i in range(len(findings)) if i not in explained]
    covered: set[int] = set(roots)
    for root in roots:
        covered |= _reach(root, explains)
    remaining = [i for i in range(len(findings)) if i not in covered]
    while remaining:  # cycles: break each at its most fundamental member
        best = min(
            remaining,
            key=lambda i: (
                findings[i].symptom,
                findings[i].layer,
                findings[i].since or findings[i].since,
                findings[i].key,
            ),
        )
        roots.append(best)
        covered |= {best} | _reach(best, explains)
        remaining = [i for i in remaining if i not in covered]
    return roots


def _rank_key(f: Finding, explained: int, state: str) -> tuple[object, ...]:
    """Fix first: real causes before hazards; stuck before waiting; more severe; explains more;
    more fundamental layer; older; then a total order on id and subject."""
    return (
        f.hazard,
        f.symptom,
        state != STATE_STUCK,
        -int(f.severity),
        -explained,
        f.layer,
        f.since.isoformat() if f.since else "",
        f.id,
        f.subject,
    )


def diagnose(snapshot: Snapshot, rules: Sequence[Rule] | None = None) -> Diagnosis:
    from dataclasses import replace

    from firstdomino.diagnose.registry import RULES
    from firstdomino.diagnose.timeline import timeline

    graph = build_graph(snapshot)
    ctx = Context(snapshot, graph)
    findings, skipped = run_rules(ctx, RULES if rules is None else rules)
    result = assemble(snapshot, findings, skipped)
    return replace(result, timeline=timeline(snapshot, ctx.index, list(result.findings)))


def assemble(snapshot: Snapshot, findings: list[Finding], skipped: list[NotChecked]) -> Diagnosis:
    now = snapshot.captured_at
    explains = link(findings)
    roots = find_roots(findings, explains)
    reach = {r: _reach(r, explains) for r in roots}
    states = {i: f.state(now) for i, f in enumerate(findings)}
    ranked = sorted(roots, key=lambda r: _rank_key(findings[r], len(reach[r]), states[r]))
    blamed = [
        r for r in ranked if not findings[r].symptom and not findings[r].hazard and states[r] != STATE_PROGRESSING
    ]
    cascade = _cascade(findings, explains, ranked)
    verdict = _verdict(findings, ranked, states)
    return Diagnosis(
        captured_at=now,
        verdict=verdict,
        root_causes=tuple(findings[r] for r in blamed),
        findings=tuple(findings),
        explains={findings[r].key: tuple(sorted(findings[c].key for c in reach[r])) for r in ranked},
        cascade=cascade,
        not_checked=tuple(sorted(set(snapshot.not_checked) | set(skipped))),
        input_problems=snapshot.problems,
        notes=snapshot.notes,
        context=snapshot.context,
        source=snapshot.source,
    )


def _verdict(findings: Sequence[Finding], roots: Sequence[int], states: dict[int, str]) -> str:
    active = [i for i, f in enumerate(findings) if states[i] != STATE_HAZARD]
    if not active:
        return "healthy"
    if any(states[r] == STATE_STUCK for r in roots):
        return "stuck"
    return "converging"


def _cascade(
    findings: Sequence[Finding], explains: dict[int, set[int]], roots: Sequence[int]
) -> tuple[CascadeNode, ...]:
    """A spanning forest: every finding appears once, under the first root (in rank order) reaching it."""
    placed: set[int] = set(roots)

    def build(node: int, depth: int) -> CascadeNode:
        children = sorted(
            (c for c in explains.get(node, ()) if c not in placed),
            key=lambda c: (findings[c].layer, findings[c].id, findings[c].subject),
        )
        placed.update(children)
        built = tuple(build(c, depth + 1) for c in children) if depth < 32 else ()
        return CascadeNode(findings[node], built)

    return tuple(build(r, 0) for r in roots)
