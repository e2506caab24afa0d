"""Diagnosis as text for a terminal: the verdict, then each root cause with its cascade, evidence and fix.
Readable at 100 columns; colour only when asked (the CLI asks on a TTY)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from firstdomino.diagnose.finding import STATE_PROGRESSING, CascadeNode, Diagnosis, Finding
from firstdomino.model.timeutil import format_duration, format_time

WIDTH = 100
_COLOURS = {
    "stuck": "\x1b[1;31m",
    "converging": "\x1b[1;33m",
    "healthy": "\x1b[1;32m",
    "dim": "\x1b[2m",
    "bold": "\x1b[1m",
    "critical": "\x1b[31m",
    "high": "\x1b[31m",
    "medium": "\x1b[33m",
    "low": "\x1b[36m",
}
_RESET = "\x1b[0m"


def render_text(d: Diagnosis, colour: bool = False, width: int = WIDTH) -> str:
    def c(text: str, style: str) -> str:
        return f"{_COLOURS[style]}{text}{_RESET}" if colour and style in _COLOURS else text

    out: list[str] = []
    verdict_line = {
        "healthy": "HEALTHY: no symptom found",
        "converging": "CONVERGING: still coming up, nothing is stuck yet",
        "stuck": "STUCK: something will not heal by itself",
    }[d.verdict]
    out.append(c(verdict_line, d.verdict))
    out.append(
        c(
            f"captured {format_time(d.captured_at)}"
            + (f" · context {d.context}" if d.context else "")
            + f" · {len(d.findings)} finding(s), {len(d.root_causes)} root cause(s)",
            "dim",
        )
    )
    roots = {f.key for f in d.root_causes}
    for number, node in enumerate((n for n in d.cascade if n.finding.key in roots), start=1):
        out.append("")
        out.extend(_root(d, node, number, c, width))
    progressing = [
        f
        for f in d.findings
        if f.key not in roots
        and d.state(f) == STATE_PROGRESSING
        and not any(f.key in d.explains.get(r, ()) for r in roots)
    ]
    if progressing:
        out.append("")
        out.append(c("Still coming up (within their budgets):", "bold"))
        for f in progressing[:20]:
            age = format_duration(d.captured_at - f.since) if f.since else "?"
            out.extend(_wrap(f"- {f.subject}: {f.message} ({age})", width, "  "))
    hazards = [f for f in d.findings if f.hazard]
    if hazards:
        out.append("")
        out.append(c("Hazards (no symptom now, but risky):", "bold"))
        for f in hazards[:20]:
            out.extend(_wrap(f"- [{f.severity}] {f.id} {f.subject}: {f.message}", width, "  "))
    if d.not_checked:
        out.append("")
        out.append(c("Not checked:", "bold"))
        for item in d.not_checked[:15]:
            out.extend(_wrap(f"- {item.what}: {item.why}", width, "  "))
        if len(d.not_checked) > 15:
            out.append(f"  ... and {len(d.not_checked) - 15} more")
    if d.input_problems:
        out.append("")
        out.append(c("Input problems:", "bold"))
        for p in d.input_problems[:15]:
            where = f"{p.path}:{p.line}" if p.line else p.path
            out.extend(_wrap(f"- {where}: {p.message}", width, "  "))
        if len(d.input_problems) > 15:
            out.append(f"  ... and {len(d.input_problems) - 15} more")
    return "\n".join(out) + "\n"


def _root(d: Diagnosis, node: CascadeNode, number: int, c: Callable[[str, str], str], width: int) -> list[str]:
    f = node.finding
    lines = [c(f"{number}. [{f.severity}] {f.id}  {f.subject}", "bold")]
    lines += _wrap(f.message, width, "   ")
    lines += _wrap(_timing(d, f), width, "   ")
    if f.evidence:
        lines.append("   evidence:")
        for e in f.evidence[:8]:
            lines += _wrap(f"- {e.ref}{' ' + e.path if e.path else ''}: {e.text}", width, "     ")
    if node.children:
        lines.append(f"   explains {len(d.explains.get(f.key, ()))} finding(s):")
        lines += _tree(node.children, "     ", width, budget=[25])
    if f.fix:
        lines.append("   fix:")
        lines += _wrap(f.fix, width, "     ")
    return lines


def _timing(d: Diagnosis, f: Finding) -> str:
    parts = []
    if f.since is not None:
        parts.append(f"since {format_time(f.since)} ({format_duration(d.captured_at - f.since)} ago)")
    state = d.state(f)
    if f.heals_at is not None and state == "waiting":
        parts.append(f"heals by itself at {format_time(f.heals_at)}")
    elif f.self_healing is False:
        parts.append("will not heal by itself")
    elif state == "stuck":
        parts.append("past its budget: stuck")
    return "; ".join(parts)


def _tree(children: tuple[CascadeNode, ...], indent: str, width: int, budget: list[int]) -> list[str]:
    lines: list[str] = []
    for child in children:
        if budget[0] <= 0:
            lines.append(f"{indent}...")
            return lines
        budget[0] -= 1
        f = child.finding
        lines += _wrap(f"└─ {f.id} {f.subject}: {f.message}", width, indent + "   ", first=indent)
        lines += _tree(child.children, indent + "   ", width, budget)
    return lines


def _wrap(text: str, width: int, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first if first is not None else indent,
        subsequent_indent=indent,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [indent]


def render_timeline(d: Diagnosis) -> str:
    """The per-component timeline as a table: created, first failed, ready (blank: not in the snapshot)."""
    if not d.timeline:
        return ""
    rows = [("created", "first failed", "ready at", "component")]
    for e in d.timeline:
        rows.append(
            (
                format_time(e.created) or "",
                format_time(e.first_failed) or "",
                format_time(e.ready_at) or ("NOT READY" if not e.ready else ""),
                e.component,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["", "Timeline:"]
    for row in rows:
        lines.append("  " + "  ".join(row[i].ljust(widths[i]) for i in range(3)) + "  " + row[3])
    return "\n".join(lines) + "\n"
