"""Lint findings: frozen records with a repository-relative path and a 1-based line."""

from __future__ import annotations

from dataclasses import dataclass, field

from firstdomino.model.severity import Severity
from firstdomino.model.snapshot import InputProblem, NotChecked


@dataclass(frozen=True, order=True)
class Related:
    path: str
    line: int

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line}


@dataclass(frozen=True)
class LintFinding:
    id: str
    severity: Severity
    path: str
    line: int
    message: str
    subject: tuple[str, str, str] = ("", "", "")  # kind, namespace, name
    related: tuple[Related, ...] = ()
    fix: str = ""
    docs: tuple[str, ...] = ()

    def sort_key(self) -> tuple[object, ...]:
        return (-int(self.severity), self.id, self.path, self.line, self.subject)


@dataclass(frozen=True)
class LintResult:
    root: str
    findings: tuple[LintFinding, ...]
    not_checked: tuple[NotChecked, ...] = ()
    problems: tuple[InputProblem, ...] = ()
    suppressed: int = 0
    files: int = 0
    notes: tuple[str, ...] = field(default=())
