"""Diagnosis as one self-contained HTML file: no network request (inline CSS, JS and SVG, no CDN).

Sections: the verdict; each root cause with its evidence and fix (evidence in collapsible panels); the
cascade drawn as a graph (SVG boxes per depth, collapsible per root); the per-component timeline as a
Gantt chart (created -> ready or capture, first failure marked); hazards; not checked. Printing expands
every collapsed part. Built only from the diagnosis, like the Markdown report.
"""

from __future__ import annotations

import html
from datetime import datetime

from firstdomino.diagnose.finding import CascadeNode, Diagnosis, Finding
from firstdomino.model.timeutil import format_time

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1100px;
color:#1d2330}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #dde}
.meta{color:#667}.verdict{display:inline-block;padding:4px 10px;border-radius:4px;font-weight:600;color:#fff}
.v-stuck{background:#c0392b}.v-converging{background:#d68910}.v-healthy{background:#1e8449}
.cause{border:1px solid #dde;border-radius:6px;padding:12px 16px;margin:12px 0}
.sev{font-weight:600;text-transform:uppercase;font-size:12px;color:#c0392b}
code{background:#f3f4f8;padding:1px 4px;border-radius:3px;font-size:13px}
details{margin:6px 0}summary{cursor:pointer;font-weight:600}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
.cascade svg text{font:12px system-ui,sans-serif}.gantt text{font:11px system-ui,sans-serif}
button.toggle{margin:4px 0;font:inherit;cursor:pointer}
.collapsed{display:none}
@media print{details{display:block}details>*{display:block}.collapsed{display:block!important}
button.toggle{display:none}}
"""

_JS = """
document.querySelectorAll('button.toggle').forEach(function(b){
  b.addEventListener('click',function(){
    var t=document.getElementById(b.dataset.target);var hidden=t.classList.toggle('collapsed');
    b.textContent=(hidden?'Show':'Hide')+' cascade';b.setAttribute('aria-expanded',String(!hidden));
  });
});
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _rows(node: CascadeNode, depth: int, out: list[tuple[int, Finding]], seen: set[str]) -> None:
    out.append((depth, node.finding))
    if node.finding.key in seen:
        return
    seen.add(node.finding.key)
    for child in node.children:
        _rows(child, depth + 1, out, seen)


def _cascade_svg(node: CascadeNode) -> str:
    rows: list[tuple[int, Finding]] = []
    _rows(node, 0, rows, set())
    box_w, box_h, gap_x, gap_y = 460, 34, 40, 12
    height = len(rows) * (box_h + gap_y) + gap_y
    width = max(depth for depth, _ in rows) * (gap_x + 40) + box_w + 20
    parts = [f'<svg role="img" aria-label="cascade" width="{width}" height="{height}" viewBox="0 0 {width} {height}">']
    parents: list[tuple[int, int]] = []  # (depth, y) of the last box at each depth
    for index, (depth, finding) in enumerate(rows):
        x = 10 + depth * (gap_x + 40)
        y = gap_y + index * (box_h + gap_y)
        while parents and parents[-1][0] >= depth:
            parents.pop()
        if parents:
            px, py = 10 + parents[-1][0] * (gap_x + 40) + 20, parents[-1][1] + box_h
            parts.append(f'<path d="M{px},{py} V{y + box_h // 2} H{x}" fill="none" stroke="#99a" stroke-width="1.5"/>')
        colour = "#fdecea" if depth == 0 else "#f3f4f8"
        parts.append(f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="5" fill="{colour}" stroke="#aab"/>')
        label = f"{finding.id}  {finding.subject}"
        parts.append(f'<text x="{x + 8}" y="{y + 21}">{_e(label[:70] + ("…" if len(label) > 70 else ""))}</text>')
        parts.append(f"<title>{_e(finding.message)}</title>")
        parents.append((depth, y))
    parts.append("</svg>")
    return "".join(parts)


def _gantt_svg(d: Diagnosis) -> str:
    entries = [e for e in d.timeline if e.created is not None]
    if not entries:
        return "<p>No component timestamps in this snapshot.</p>"
    start: datetime = min(e.created for e in entries)
    end = d.captured_at if d.captured_at > start else max(e.created for e in entries)
    span = max((end - start).total_seconds(), 1.0)
    label_w, chart_w, row_h = 330, 640, 18
    height = len(entries) * row_h + 40
    parts = [f'<svg class="gantt" role="img" aria-label="timeline" width="{label_w + chart_w + 20}" height="{height}">']

    def x_of(when: datetime) -> float:
        return label_w + chart_w * max(0.0, min(1.0, (when - start).total_seconds() / span))

    for index, e in enumerate(entries):
        y = 10 + index * row_h
        assert e.created is not None
        x0 = x_of(e.created)
        x1 = x_of(e.ready_at) if e.ready_at is not None else x_of(end)
        colour = "#27ae60" if e.ready else "#e67e22"
        parts.append(f'<text x="4" y="{y + 12}">{_e(e.component[:48])}</text>')
        parts.append(
            f'<rect x="{x0:.1f}" y="{y + 3}" width="{max(2.0, x1 - x0):.1f}" height="{row_h - 6}" fill="{colour}">'
        )
        parts.append(
            f"<title>{_e(e.component)}: created {format_time(e.created)}, "
            f"{'ready ' + (format_time(e.ready_at) or '') if e.ready else 'not ready at capture'}</title></rect>"
        )
        if e.first_failed is not None:
            fx = x_of(e.first_failed)
            parts.append(
                f'<line x1="{fx:.1f}" x2="{fx:.1f}" y1="{y + 1}" y2="{y + row_h - 1}" '
                'stroke="#c0392b" stroke-width="2"/>'
            )
    axis_y = 14 + len(entries) * row_h
    parts.append(f'<text x="{label_w}" y="{axis_y + 12}">{_e(format_time(start))}</text>')
    parts.append(f'<text x="{label_w + chart_w - 130}" y="{axis_y + 12}">{_e(format_time(end))}</text>')
    parts.append("</svg>")
    parts.append(
        '<p class="meta">Bars: created → ready (green) or → capture (orange, not ready); red marks: first failure.</p>'
    )
    return "".join(parts)


def render_html(d: Diagnosis) -> str:
    roots = list(d.root_causes)
    title = f"{roots[0].id} on {roots[0].subject}" if roots else d.verdict
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">",
        f"<title>firstdomino: {_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Incident report: {_e(title)}</h1>",
        f'<p class="meta">Captured {_e(format_time(d.captured_at))}'
        + (f" · context <code>{_e(d.context)}</code>" if d.context else "")
        + f" · {len(d.findings)} finding(s), {len(roots)} root cause(s)</p>",
        f'<p><span id="verdict" class="verdict v-{_e(d.verdict)}">{_e(d.verdict.upper())}</span></p>',
    ]
    for number, f in enumerate(roots, start=1):
        out.append(f'<section class="cause" id="cause-{number}">')
        out.append(f'<div class="sev">{_e(f.severity)} · {_e(d.state(f))}</div>')
        out.append(f"<h2>{number}. {_e(f.title)}: <code>{_e(f.id)}</code> on <code>{_e(f.subject)}</code></h2>")
        out.append(f"<p>{_e(f.message)}</p>")
        if f.heals_at is not None:
            out.append(f"<p>Heals by itself at {_e(format_time(f.heals_at))}.</p>")
        out.append(f"<details open><summary>Evidence ({len(f.evidence)})</summary><ul>")
        for e in f.evidence:
            where = f"<code>{_e(e.ref)}</code>" + (f" <code>{_e(e.path)}</code>" if e.path else "")
            out.append(f"<li>{where}: {_e(e.text)}</li>")
        out.append("</ul></details>")
        if f.fix:
            out.append(f"<details open><summary>Fix</summary><p>{_e(f.fix)}</p></details>")
        out.append("</section>")
    cascade = [n for n in d.cascade if n.finding.key in {r.key for r in roots}]
    if cascade:
        out.append("<h2>Cascade</h2>")
        for number, node in enumerate(cascade, start=1):
            target = f"cascade-{number}"
            out.append(
                f'<button class="toggle" data-target="{target}" aria-expanded="false">Show cascade</button>'
                f" <code>{_e(node.finding.id)}</code> explains {len(d.explains.get(node.finding.key, ()))} finding(s)"
            )
            out.append(f'<div class="cascade collapsed" id="{target}">{_cascade_svg(node)}</div>')
    out.append("<h2>Timeline</h2>")
    out.append(_gantt_svg(d))
    hazards = [f for f in d.findings if f.hazard]
    if hazards:
        out.append("<h2>Hazards (no symptom now)</h2><ul>")
        for f in hazards:
            out.append(f"<li><code>{_e(f.id)}</code> on <code>{_e(f.subject)}</code>: {_e(f.message)}</li>")
        out.append("</ul>")
    if d.not_checked:
        out.append('<h2>Not checked</h2><ul id="not-checked">')
        for n in d.not_checked:
            out.append(f"<li>{_e(n.what)}: {_e(n.why)}</li>")
        out.append("</ul>")
    out.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(out) + "\n"
