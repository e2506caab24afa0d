"""Run the lint rules over a Repository, apply suppressions, and sort the findings.

Suppression (both need a reason; a suppression without one is reported and ignored):
  * per object: annotation `firstdomino.dev/ignore: "<id>[,<id>] <reason>"`;
  * per repository: `.firstdomino.yaml` with `ignore: [{id, path (glob, optional), name (optional), reason}]`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from firstdomino.lint.finding import LintFinding, LintResult
from firstdomino.lint.registry import LINT_RULES
from firstdomino.lint.rule import LintRule
from firstdomino.model.repo import Repository
from firstdomino.model.severity import Severity
from firstdomino.model.snapshot import InputProblem, NotChecked

IGNORE_ANNOTATION = "firstdomino.dev/ignore"
CONFIG_KEYS = frozenset({"ignore"})
IGNORE_KEYS = frozenset({"id", "path", "name", "reason"})


@dataclass(frozen=True)
class Suppression:
    id: str
    reason: str
    path: str = "*"
    name: str = ""

    def matches(self, finding: LintFinding) -> bool:
        return (
            self.id in (finding.id, "*")
            and fnmatch.fnmatch(finding.path, self.path)
            and (not self.name or self.name == finding.subject[2])
        )


def parse_config(value: Any, path: str = ".firstdomino.yaml") -> tuple[list[Suppression], list[InputProblem]]:
    """Strict: unknown keys and entries without a reason are reported, never silently accepted."""
    problems: list[InputProblem] = []
    out: list[Suppression] = []
    if value is None:
        return out, problems
    if not isinstance(value, Mapping):
        return out, [InputProblem(path, 1, "the configuration must be a mapping with an `ignore` list")]
    for key in sorted(set(value) - CONFIG_KEYS, key=repr):  # keys of mixed types (`1: x`, `-.inf: y`) sort too
        problems.append(InputProblem(path, getattr(value, "line", None), f"unknown key {key!r} (known: ignore)"))
    entries = value.get("ignore")
    if entries is not None and not isinstance(entries, list):
        problems.append(InputProblem(path, getattr(value, "line", None), "`ignore` must be a list"))
    for entry in entries if isinstance(entries, list) else []:
        line = getattr(entry, "line", None)
        if not isinstance(entry, Mapping):
            problems.append(InputProblem(path, line, "an ignore entry must be a mapping"))
            continue
        unknown = sorted(set(entry) - IGNORE_KEYS, key=repr)
        if unknown:
            problems.append(InputProblem(path, line, f"unknown key(s) {unknown} in an ignore entry"))
        if not isinstance(entry.get("id"), str) or not str(entry.get("reason") or "").strip():
            problems.append(InputProblem(path, line, "an ignore entry needs an `id` and a `reason`: ignored"))
            continue
        out.append(
            Suppression(entry["id"], str(entry["reason"]), str(entry.get("path") or "*"), str(entry.get("name") or ""))
        )
    return out, problems


ObjectKey = tuple[str, tuple[str, str, str]]  # path, (kind, namespace, name)


def _annotation_suppressions(repo: Repository) -> tuple[dict[ObjectKey, set[str]], list[InputProblem]]:
    by_object: dict[ObjectKey, set[str]] = {}
    problems: list[InputProblem] = []
    for doc in repo.documents:
        text = doc.get("metadata", "annotations", IGNORE_ANNOTATION)
        if not isinstance(text, str):
            continue
        ids, _, reason = text.strip().partition(" ")
        if not reason.strip():
            problems.append(InputProblem(doc.path, doc.line, f"{IGNORE_ANNOTATION} on {doc} has no reason: ignored"))
            continue
        by_object[(doc.path, (doc.kind, doc.namespace, doc.name))] = {i.strip() for i in ids.split(",") if i.strip()}
    return by_object, problems


def lint(
    repo: Repository,
    rules: Sequence[LintRule] | None = None,
    suppressions: Sequence[Suppression] = (),
    config_problems: Sequence[InputProblem] = (),
) -> LintResult:
    findings: list[LintFinding] = []
    not_checked: list[NotChecked] = []
    for rule in LINT_RULES if rules is None else rules:
        try:
            findings.extend(rule.check(repo))
        except Exception as error:
            not_checked.append(
                NotChecked(f"rule {rule.id}", f"the rule failed ({type(error).__name__}: {error}); please report it")
            )
    by_object, annotation_problems = _annotation_suppressions(repo)
    problems = sorted({*repo.problems, *config_problems, *annotation_problems})
    for problem in problems:
        if problem.id == "input/template":
            not_checked.append(NotChecked(problem.path, problem.message))
            continue
        findings.append(LintFinding(problem.id, Severity.HIGH, problem.path, problem.line or 1, problem.message))
    kept: list[LintFinding] = []
    suppressed = 0
    for finding in findings:
        ids = by_object.get((finding.path, finding.subject), set())
        if finding.id in ids or any(s.matches(finding) for s in suppressions):
            suppressed += 1
            continue
        kept.append(finding)
    not_checked.extend(NotChecked(note.split(": ", 1)[0], note.split(": ", 1)[-1]) for note in repo.notes)
    if any(d.source == "terraform" for d in repo.documents):
        not_checked.append(
            NotChecked(
                "Terraform expressions",
                "variables, functions (file, templatefile, yamlencode) "
                "and for_each are not evaluated: values they produce are unknown",
            )
        )
    unique = {(f.id, f.path, f.line, f.message): f for f in kept}
    return LintResult(
        repo.root,
        tuple(sorted(unique.values(), key=LintFinding.sort_key)),
        tuple(not_checked),
        tuple(problems),
        suppressed,
        repo.files,
    )
