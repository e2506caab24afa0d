"""Diagnosis as JSON/YAML, exactly the `firstdomino.dev/diagnosis/v1` schema of DESIGN.md (extended with
optional fields only: `state`, `message`, `refs`, `notes`, `source`, `context`)."""

from __future__ import annotations

import json
from typing import Any

import yaml

from firstdomino.diagnose.finding import CascadeNode, Diagnosis, Finding
from firstdomino.model.timeutil import format_time

SCHEMA = "firstdomino.dev/diagnosis/v1"


def _cause(d: Diagnosis, f: Finding) -> dict[str, Any]:
    return {
        "id": f.id,
        "title": f.title,
        "severity": str(f.severity),
        "confidence": round(f.confidence, 2),
        "subject": f.subject.as_dict(),
        "message": f.message,
        "state": d.state(f),
        "evidence": [e.as_dict() for e in f.evidence],
        "explains": list(d.explains.get(f.key, ())),
        "selfHealing": bool(f.self_healing),
        "healsAt": format_time(f.heals_at),
        "since": format_time(f.since),
        "fix": f.fix,
        "docs": list(f.docs),
    }


def _symptom(d: Diagnosis, f: Finding) -> dict[str, Any]:
    return {
        "key": f.key,
        "type": f.id,
        "ref": f.subject.as_dict(),
        "message": f.message,
        "since": format_time(f.since),
        "state": d.state(f),
        "refs": [str(r) for r in f.affected],
    }


def _node(node: CascadeNode) -> dict[str, Any]:
    f = node.finding
    return {"ref": f.subject.as_dict(), "id": f.id, "label": f.message, "children": [_node(c) for c in node.children]}


def diagnosis_to_dict(d: Diagnosis) -> dict[str, Any]:
    root_keys = {f.key for f in d.root_causes}
    return {
        "schema": SCHEMA,
        "capturedAt": format_time(d.captured_at),
        "context": d.context,
        "verdict": d.verdict,
        "rootCauses": [_cause(d, f) for f in d.root_causes],
        "symptoms": [
            _symptom(d, f)
            for f in sorted(d.findings, key=lambda f: (-f.severity, f.id, f.subject))
            if f.key not in root_keys and not f.hazard
        ],
        "hazards": [_cause(d, f) for f in sorted(d.findings, key=lambda f: (-f.severity, f.id, f.subject)) if f.hazard],
        "cascade": [_node(n) for n in d.cascade if n.finding.key in root_keys],
        "notChecked": [n.as_dict() for n in d.not_checked],
        "inputProblems": [p.as_dict() for p in d.input_problems],
        "notes": list(d.notes),
        "timeline": [
            {
                "component": e.component,
                "created": format_time(e.created),
                "firstFailed": format_time(e.first_failed),
                "readyAt": format_time(e.ready_at),
                "ready": e.ready,
                "failures": list(e.failures),
            }
            for e in d.timeline
        ],
    }


def render_json(d: Diagnosis) -> str:
    return json.dumps(diagnosis_to_dict(d), indent=2, ensure_ascii=False) + "\n"


def render_yaml(d: Diagnosis) -> str:
    return yaml.safe_dump(diagnosis_to_dict(d), sort_keys=False, allow_unicode=True, width=100)
