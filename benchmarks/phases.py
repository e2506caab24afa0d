"""Where `load_snapshot` + `diagnose` spend time and memory, phase by phase, on one snapshot.

    python benchmarks/phases.py SNAPSHOT_DIR

Prints seconds and resident memory (current RSS, not peak) after each phase: load, the index, every
edge builder, every rule, and the final assembly. It re-enacts `diagnose()` step by step through
internal APIs (`graph.edges.BUILDERS`, `diagnose.registry.RULES`, `runner.assemble`), so it may need
updating when those change; `bench_diagnose.py --profile` is the stable alternative (cProfile).
Not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

T = TypeVar("T")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """Current resident set size in MB (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * _PAGE / (1024 * 1024)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float]] = []

    def run(self, label: str, work: Callable[[], T]) -> T:
        started = time.perf_counter()
        result = work()
        self.rows.append((label, time.perf_counter() - started, rss_mb()))
        return result

    def print(self) -> None:
        print(f"{'phase':<48}{'seconds':>9}{'RSS MB':>9}")
        for label, seconds, rss in self.rows:
            print(f"{label:<48}{seconds:>9.3f}{rss:>9.0f}")
        print(f"{'total':<48}{sum(r[1] for r in self.rows):>9.3f}{'':>9}  (peak RSS {peak_mb():.0f} MB)")


def _run_rule(rule: Any, ctx: Any) -> list[Any]:
    return list(rule.check(ctx))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("snapshot", type=Path)
    args = parser.parse_args(argv)

    from firstdomino.diagnose.context import Context
    from firstdomino.diagnose.registry import RULES
    from firstdomino.diagnose.runner import _dedupe, assemble
    from firstdomino.graph.edges import BUILDERS
    from firstdomino.graph.graph import Graph
    from firstdomino.graph.index import Index
    from firstdomino.sources import load_snapshot

    timer = Timer()
    print(f"after imports: RSS {rss_mb():.0f} MB", file=sys.stderr)
    snapshot = timer.run("load_snapshot", lambda: load_snapshot(args.snapshot))
    index = timer.run("graph: Index(snapshot)", lambda: Index(snapshot))
    graph = Graph(snapshot, index)
    for builder in BUILDERS:

        def add_edges(builder: Any = builder) -> int:
            count = 0
            for edge in builder(snapshot, index):
                graph.add(edge.source, edge.target, edge.label)
                count += 1
            return count

        edges = timer.run(f"graph: {builder.__name__}", add_edges)
        label, seconds, rss = timer.rows[-1]
        timer.rows[-1] = (f"{label} ({edges:,} edges)", seconds, rss)
    ctx = Context(snapshot, graph)
    findings: list[Any] = []
    for rule in RULES:
        findings.extend(timer.run(f"rule: {rule.id}", partial(_run_rule, rule, ctx)))
    diagnosis = timer.run("assemble", lambda: assemble(snapshot, _dedupe(findings), []))
    timer.print()
    print(
        f"{snapshot.object_count:,} objects, {graph.node_count:,} graph nodes, {graph.edge_count:,} edges, "
        f"{len(diagnosis.findings)} findings, verdict {diagnosis.verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
