"""`firstdomino diff` output: text grouped by facet, or JSON (`firstdomino.dev/diff/v1`)."""

from __future__ import annotations

import json

from firstdomino.diagnose.diff import Change


def _show(value: str | None) -> str:
    if value is None:
        return "(absent)"
    return value if len(value) <= 300 else value[:297] + "..."


def render_diff_text(changes: list[Change], a: str, b: str) -> str:
    if not changes:
        return f"no difference that matters for bootstrap between {a} and {b}\n"
    out = [f"--- {a}", f"+++ {b}", f"{len(changes)} difference(s)"]
    facet = ""
    for change in changes:
        if change.facet != facet:
            facet = change.facet
            out += ["", f"[{facet}]"]
        if change.before is None:
            out.append(f"  + {change.key}: {_show(change.after)}")
        elif change.after is None:
            out.append(f"  - {change.key}: {_show(change.before)}")
        else:
            out.append(f"  ~ {change.key}: {_show(change.before)} -> {_show(change.after)}")
    return "\n".join(out) + "\n"


def render_diff_json(changes: list[Change], a: str, b: str) -> str:
    doc = {"schema": "firstdomino.dev/diff/v1", "a": a, "b": b, "changes": [c.as_dict() for c in changes]}
    return json.dumps(doc, indent=2) + "\n"
