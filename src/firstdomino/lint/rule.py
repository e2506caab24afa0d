"""The lint rule contract: one module per rule in `lint/rules/`, its docstring is its documentation
(What it detects / Why it matters / Example / Fix / References), and it defines `RULE = LintRule(...)`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from firstdomino.lint.finding import LintFinding, Related
from firstdomino.model.repo import Document, Repository
from firstdomino.model.severity import Severity


@dataclass(frozen=True)
class LintRule:
    id: str
    title: str
    severity: Severity
    check: Callable[[Repository], Iterable[LintFinding]]
    module: str
    fix: str = ""
    docs: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        module = sys.modules.get(self.module)
        return (module.__doc__ or "").strip() if module is not None else ""

    def finding(
        self,
        doc: Document,
        message: str,
        line: int | None = None,
        related: Iterable[Document] = (),
        severity: Severity | None = None,
    ) -> LintFinding:
        return LintFinding(
            id=self.id,
            severity=severity or self.severity,
            path=doc.path,
            line=line or doc.line,
            message=message,
            subject=(doc.kind, doc.namespace, doc.name),
            related=tuple(sorted({Related(r.path, r.line) for r in related})),
            fix=self.fix,
            docs=self.docs,
        )
