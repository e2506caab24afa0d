"""Lint results as text, JSON (`firstdomino.dev/lint/v1`) and SARIF 2.1.0 (GitHub code scanning)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from firstdomino import __version__
from firstdomino.lint.finding import LintFinding, LintResult
from firstdomino.lint.rule import LintRule
from firstdomino.model.severity import Severity

LINT_SCHEMA = "firstdomino.dev/lint/v1"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}


def _subject(f: LintFinding) -> dict[str, str] | None:
    kind, namespace, name = f.subject
    return {"kind": kind, "namespace": namespace, "name": name} if kind else None


def lint_to_dict(result: LintResult) -> dict[str, Any]:
    return {
        "schema": LINT_SCHEMA,
        "findings": [
            {
                "id": f.id,
                "severity": str(f.severity),
                "path": f.path,
                "line": f.line,
                "message": f.message,
                "subject": _subject(f),
                "related": [r.as_dict() for r in f.related],
                "fix": f.fix,
                "docs": list(f.docs),
            }
            for f in result.findings
        ],
        "notChecked": [n.as_dict() for n in result.not_checked],
        "suppressed": result.suppressed,
        "files": result.files,
    }


def render_lint_json(result: LintResult) -> str:
    return json.dumps(lint_to_dict(result), indent=2, ensure_ascii=False) + "\n"


def render_lint_text(result: LintResult) -> str:
    lines: list[str] = []
    for f in result.findings:
        lines.append(f"{f.path}:{f.line}: [{f.severity}] {f.id}: {f.message}")
        for r in f.related:
            lines.append(f"    related: {r.path}:{r.line}")
        if f.fix:
            lines.append(f"    fix: {f.fix}")
    counts: dict[str, int] = {}
    for f in result.findings:
        counts[str(f.severity)] = counts.get(str(f.severity), 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no findings"
    lines.append(
        f"{result.files} file(s) read: {summary}" + (f"; {result.suppressed} suppressed" if result.suppressed else "")
    )
    for item in result.not_checked:
        lines.append(f"not checked: {item.what}: {item.why}")
    return "\n".join(lines) + "\n"


def _fingerprint(f: LintFinding) -> str:
    kind, namespace, name = f.subject
    key = "|".join((f.id, f.path, kind, namespace, name, "" if kind else str(f.line)))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def render_sarif(result: LintResult, rules: tuple[LintRule, ...]) -> str:
    ids = sorted({r.id for r in rules} | {f.id for f in result.findings})
    by_id = {r.id: r for r in rules}
    driver_rules = []
    for rule_id in ids:
        rule = by_id.get(rule_id)
        title = rule.title if rule else "Input file could not be read"
        help_text = rule.doc if rule else "A file of the repository could not be parsed; see the message."
        driver_rules.append(
            {
                "id": rule_id,
                "name": rule_id.replace("/", "-"),
                "shortDescription": {"text": title},
                "fullDescription": {"text": help_text.split("\n\n", 1)[0]},
                "help": {"text": help_text},
                "defaultConfiguration": {"level": _LEVEL[rule.severity] if rule else "error"},
                "properties": {"tags": [rule_id.split("/", 1)[0]]},
            }
        )
    results = [
        {
            "ruleId": f.id,
            "ruleIndex": ids.index(f.id),
            "level": _LEVEL[f.severity],
            "message": {"text": f.message + (f" Fix: {f.fix}" if f.fix else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": max(1, f.line)},
                    }
                }
            ],
            "relatedLocations": [
                {
                    "id": i,
                    "physicalLocation": {
                        "artifactLocation": {"uri": r.path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": max(1, r.line)},
                    },
                }
                for i, r in enumerate(f.related)
            ],
            "partialFingerprints": {"firstdominoFinding/v1": _fingerprint(f)},
        }
        for f in result.findings
    ]
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "firstdomino",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://github.com/firstdomino/firstdomino",
                        "rules": driver_rules,
                    }
                },
                "results": results,
                "columnKind": "utf16CodeUnits",
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
