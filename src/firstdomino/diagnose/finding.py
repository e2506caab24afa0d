"""Findings and the Diagnosis: frozen records that renderers read and never reach behind.

A Finding is a catalogue cause (`cni/agent-not-ready`) or, when `symptom` is set, an observed
consequence that is never a root cause by itself (`flux/dependency-not-ready`). Links between findings
come from two sides: `requires` names upstream objects whose failure would explain this finding
(bottom-up), `explains_refs` names objects whose failures this finding explains (top-down). A finding
also stands for the objects in `affected` (the pods of a workload, say).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from firstdomino.model.ref import ObjectRef
from firstdomino.model.severity import Severity
from firstdomino.model.snapshot import InputProblem, NotChecked

__all__ = ["CascadeNode", "Diagnosis", "Evidence", "Finding", "Severity"]


@dataclass(frozen=True, order=True)
class Evidence:
    """One fact: the object it is read from, the field path, and what it says."""

    ref: str
    path: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"ref": self.ref, "path": self.path, "text": self.text}


STATE_STUCK = "stuck"
STATE_WAITING = "waiting"  # heals by a known timer at heals_at
STATE_PROGRESSING = "progressing"  # young for its kind: within its budget
STATE_HAZARD = "hazard"  # a configuration smell with no symptom of its own


@dataclass(frozen=True)
class Finding:
    id: str
    subject: ObjectRef
    severity: Severity
    title: str
    message: str
    layer: int
    evidence: tuple[Evidence, ...] = ()
    fix: str = ""
    docs: tuple[str, ...] = ()
    requires: tuple[ObjectRef, ...] = ()
    explains_refs: tuple[ObjectRef, ...] = ()
    affected: tuple[ObjectRef, ...] = ()
    since: datetime | None = None
    budget: timedelta | None = None
    self_healing: bool | None = None
    heals_at: datetime | None = None
    confidence: float = 0.8
    symptom: bool = False
    hazard: bool = False

    @property
    def key(self) -> str:
        return f"{self.id}:{self.subject}"

    def covers(self) -> frozenset[ObjectRef]:
        return frozenset((self.subject, *self.affected))

    def state(self, now: datetime) -> str:
        """stuck, waiting (a timer will clear it), progressing (young), or hazard."""
        if self.hazard:
            return STATE_HAZARD
        if self.self_healing is False:
            return STATE_STUCK
        if self.heals_at is not None and self.heals_at >= now:
            return STATE_WAITING
        if self.budget is not None and self.since is not None and now - self.since <= self.budget:
            return STATE_PROGRESSING
        return STATE_STUCK


@dataclass(frozen=True)
class CascadeNode:
    finding: Finding
    children: tuple[CascadeNode, ...] = ()


@dataclass(frozen=True)
class Diagnosis:
    captured_at: datetime
    verdict: str
    root_causes: tuple[Finding, ...]
    findings: tuple[Finding, ...]
    explains: dict[str, tuple[str, ...]]
    cascade: tuple[CascadeNode, ...]
    not_checked: tuple[NotChecked, ...]
    input_problems: tuple[InputProblem, ...]
    notes: tuple[str, ...] = field(default=())
    context: str = ""
    source: str = ""
    timeline: tuple[Any, ...] = ()  #: `diagnose.timeline.Entry`, per component

    def state(self, finding: Finding) -> str:
        return finding.state(self.captured_at)
