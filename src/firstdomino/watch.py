"""`firstdomino watch`: diagnose again and again until the cluster is healthy, stuck, or time runs out.

The steps come from a live cluster (a full read every `--interval`) or from a directory of snapshots
(`--replay DIR`: `DIR/<n>/`, in numeric order; also what `--record DIR` writes). Each step is diagnosed
on its own; the Watcher keeps the history: verdict, components ready / total, what moved since the
previous step, the current first domino, and when each component first became ready.

Exit codes: 0 healthy; 1 the verdict stayed `stuck` for `--stuck-after` (default 0: a stuck verdict
already means a cause is past its time budget or will never heal by itself); 124 `--timeout` (or the
end of a replay) before either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from firstdomino.diagnose import Diagnosis
from firstdomino.diagnose import diagnose as run_diagnosis
from firstdomino.diagnose.progress import Moves, components, moves
from firstdomino.model.snapshot import Snapshot
from firstdomino.model.timeutil import format_time
from firstdomino.sources import load_snapshot

EXIT_HEALTHY, EXIT_STUCK, EXIT_TIMEOUT = 0, 1, 124


@dataclass(frozen=True)
class Step:
    index: int
    captured_at: datetime
    verdict: str
    first: str  #: the first root cause, `id Kind/ns/name`, or ""
    ready: int
    total: int
    moved: Moves

    def line(self, started: datetime) -> str:
        elapsed = int((self.captured_at - started).total_seconds())
        parts = [
            f"[{self.index}] {format_time(self.captured_at)} +{elapsed // 60}m{elapsed % 60:02d}s",
            f"{self.verdict}",
            f"ready {self.ready}/{self.total}",
        ]
        if self.first:
            parts.append(f"first domino: {self.first}")
        moved = []
        if self.moved.became_ready:
            moved.append("ready: " + ", ".join(self.moved.became_ready[:5]) + _more(self.moved.became_ready))
        if self.moved.became_unready:
            moved.append("not ready: " + ", ".join(self.moved.became_unready[:5]) + _more(self.moved.became_unready))
        if moved:
            parts.append("; ".join(moved))
        return " · ".join(parts)


def _more(items: tuple[str, ...]) -> str:
    return f" (+{len(items) - 5})" if len(items) > 5 else ""


@dataclass
class Watcher:
    stuck_after: timedelta = timedelta(0)
    steps: list[Step] = field(default_factory=list)
    ready_at: dict[str, datetime] = field(default_factory=dict)
    last_components: dict[str, bool] = field(default_factory=dict)
    stuck_since: datetime | None = None
    diagnosis: Diagnosis | None = None

    def add(self, snapshot: Snapshot) -> Step:
        result = run_diagnosis(snapshot)
        now = components(snapshot)
        for name, ready in now.items():
            if ready and name not in self.ready_at:
                self.ready_at[name] = snapshot.captured_at
        first = ""
        if result.root_causes:
            cause = result.root_causes[0]
            first = f"{cause.id} {cause.subject}"
        step = Step(
            index=len(self.steps),
            captured_at=snapshot.captured_at,
            verdict=result.verdict,
            first=first,
            ready=sum(now.values()),
            total=len(now),
            moved=moves(self.last_components, now) if self.steps else moves({}, {}),
        )
        self.last_components = now
        self.steps.append(step)
        self.diagnosis = result
        if result.verdict == "stuck":
            self.stuck_since = self.stuck_since or snapshot.captured_at
        else:
            self.stuck_since = None
        return step

    def outcome(self) -> int | None:
        """An exit code once the watch is decided, else None."""
        if not self.steps:
            return None
        last = self.steps[-1]
        if last.verdict == "healthy":
            return EXIT_HEALTHY
        if self.stuck_since is not None and last.captured_at - self.stuck_since >= self.stuck_after:
            return EXIT_STUCK
        return None

    def summary(self) -> dict[str, Any]:
        started = self.steps[0].captured_at if self.steps else None
        return {
            "steps": [
                {
                    "index": s.index,
                    "capturedAt": format_time(s.captured_at),
                    "verdict": s.verdict,
                    "firstDomino": s.first,
                    "ready": s.ready,
                    "total": s.total,
                    "becameReady": list(s.moved.became_ready),
                    "becameNotReady": list(s.moved.became_unready),
                }
                for s in self.steps
            ],
            "readyAt": {
                name: {
                    "at": format_time(when),
                    "afterSeconds": int((when - started).total_seconds()) if started else None,
                }
                for name, when in sorted(self.ready_at.items())
            },
            "notReady": sorted(name for name, ready in self.last_components.items() if not ready),
        }

    def ready_table(self) -> str:
        """Per component: when it became ready (relative to the first step), or that it never did."""
        if not self.steps:
            return ""
        started = self.steps[0].captured_at
        lines = ["Components:"]
        for name, ready in sorted(self.last_components.items(), key=lambda kv: (kv[1], kv[0])):
            when = self.ready_at.get(name)
            if ready and when is not None:
                delta = int((when - started).total_seconds())
                lines.append(f"  ready after {delta // 60:>3}m{delta % 60:02d}s  {name}")
            else:
                lines.append(f"  NOT READY            {name}")
        return "\n".join(lines) + "\n"


def replay_steps(root: str | Path) -> Iterator[Snapshot]:
    """The snapshots of `root/<n>/` in numeric order (non-numeric names after, alphabetically)."""
    base = Path(root)
    folders = [p for p in base.iterdir() if p.is_dir() or p.name.endswith((".tar.gz", ".tgz"))]
    folders.sort(key=lambda p: (0, int(p.name.split(".")[0]), "") if p.name.split(".")[0].isdigit() else (1, 0, p.name))
    for folder in folders:
        yield load_snapshot(folder)


def run(
    steps: Iterator[Snapshot],
    watcher: Watcher,
    emit: Callable[[Step], None],
    expired: Callable[[], bool] = lambda: False,
) -> int:
    """Feed steps to the watcher until it decides, time runs out, or the steps end (124)."""
    for snapshot in steps:
        step = watcher.add(snapshot)
        emit(step)
        decided = watcher.outcome()
        if decided is not None:
            return decided
        if expired():
            return EXIT_TIMEOUT
    return EXIT_TIMEOUT
