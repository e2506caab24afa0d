"""The bootstrap plan as text and JSON (`firstdomino.dev/plan/v1`)."""

from __future__ import annotations

import dataclasses
import json

from firstdomino.lint.plan import Plan

PLAN_SCHEMA = "firstdomino.dev/plan/v1"


def render_plan_json(plan: Plan) -> str:
    return json.dumps({"schema": PLAN_SCHEMA, **dataclasses.asdict(plan)}, indent=2) + "\n"


def render_plan_text(plan: Plan) -> str:
    lines: list[str] = []
    for number, phase in enumerate(plan.phases, start=1):
        lines.append(f"{number}. {phase.name}")
        for step in phase.steps:
            lines.append(f"   {step.label}")
            for item in step.items:
                where = f"{item.namespace}/{item.name}" if item.namespace else item.name
                marks = f"  [{', '.join(item.milestones)}]" if item.milestones else ""
                lines.append(f"     - {item.kind} {where}{marks}  ({item.path}:{item.line})")
                if item.contains:
                    shown = ", ".join(item.contains[:6]) + (" …" if len(item.contains) > 6 else "")
                    lines.append(f"         applies: {shown}")
                for hazard in item.hazards:
                    lines.append(f"         ! {hazard}")
    for cycle in plan.cycles:
        lines.append(f"! cycle, never applied: {', '.join(cycle)}")
    if not plan.phases:
        lines.append("no bootstrap steps found (no Terraform, Talos, helmfile, Flux or Argo CD objects)")
    return "\n".join(lines) + "\n"
