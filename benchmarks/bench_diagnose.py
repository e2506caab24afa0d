"""Benchmark `load_snapshot` + `diagnose` on a large synthetic snapshot against two decoding floors.

    python benchmarks/bench_diagnose.py --pods 50000 [--nodes 2000 --services 5000] [--keep DIR]
                                        [--repeat 3] [--profile /tmp/prof.out]

Every measurement runs in a fresh subprocess (so peak RSS is that of the measured work alone):

  floor A      read every .json file and `orjson.loads` it into dicts, keeping all of them alive
               (what a naive tool that decodes everything would pay; default GC settings)
  floor B      read every file and validate it with msgspec without building objects
               (`Empty`/`ItemEmpty` structs: the JSON is scanned and checked, nothing is kept)
  firstdomino  `load_snapshot(DIR)` then `diagnose(snapshot)`, timed separately in the same child

Each is run --repeat times; the medians are printed with the ratios firstdomino/A and firstdomino/B,
checked against the targets below, and appended as JSON lines to benchmarks/results/<timestamp>.json.
This is a benchmark, not a test: nothing here runs under pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
MEASURES = ("floor-a", "floor-b", "firstdomino")
MB = 1024 * 1024

sys.path.insert(0, str(HERE))
from gensnapshot import GENERATOR_VERSION, Plan, generate  # noqa: E402


# --------------------------------------------------------------------------- targets
@dataclass(frozen=True)
class Target:
    name: str
    applies: Callable[[Plan], bool]
    value: Callable[[dict[str, float]], float]
    limit: float


def _is_large(plan: Plan) -> bool:
    return (plan.pods, plan.nodes, plan.services) == (150_000, 5_000, 10_000)


TARGETS = (
    Target("firstdomino / floor A <= 1.0 (50,000 pods)", lambda p: p.pods == 50_000, lambda s: s["ratio_a"], 1.0),
    Target(
        "firstdomino / floor B <= 3.0 (150,000 pods, 5,000 nodes, 10,000 services)",
        _is_large,
        lambda s: s["ratio_b"],
        3.0,
    ),
    Target(
        "firstdomino peak RSS <= 1536 MB (150,000 pods, 5,000 nodes, 10,000 services)",
        _is_large,
        lambda s: s["firstdomino_rss_mb"],
        1536.0,
    ),
)


# --------------------------------------------------------------------------- child side
def _json_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.json"))


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / MB if sys.platform == "darwin" else peak / 1024


def _child_floor_a(root: Path) -> dict[str, Any]:
    import orjson

    started = time.perf_counter()
    kept: list[Any] = []
    for path in _json_files(root):
        kept.append(orjson.loads(path.read_bytes()))
    seconds = time.perf_counter() - started
    items = sum(len(doc.get("items") or ()) for doc in kept if isinstance(doc, dict))
    return {"seconds": seconds, "files": len(kept), "items": items}


class ItemEmpty(msgspec.Struct):
    """Any JSON object, validated and skipped: no field is kept."""


class Empty(msgspec.Struct):
    """A `FooList` file: every item is scanned and validated as an object, nothing is built."""

    items: list[ItemEmpty] | None = None


def _child_floor_b(root: Path) -> dict[str, Any]:
    decoder = msgspec.json.Decoder(Empty)
    started = time.perf_counter()
    items = 0
    files = _json_files(root)
    for path in files:
        items += len(decoder.decode(path.read_bytes()).items or ())
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "files": len(files), "items": items}


def _child_firstdomino(root: Path, profile: str | None) -> dict[str, Any]:
    started = time.perf_counter()
    from firstdomino.diagnose import diagnose
    from firstdomino.sources import load_snapshot

    imported = time.perf_counter()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    snapshot = load_snapshot(root)
    loaded = time.perf_counter()
    diagnosis = diagnose(snapshot)
    done = time.perf_counter()
    if profiler is not None and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    return {
        "seconds": done - imported,
        "load_seconds": loaded - imported,
        "diagnose_seconds": done - loaded,
        "import_seconds": imported - started,
        "objects": snapshot.object_count,
        "input_problems": len(snapshot.problems),
        "findings": len(diagnosis.findings),
        "root_causes": len(diagnosis.root_causes),
        "verdict": diagnosis.verdict,
    }


def child(measure: str, root: Path, profile: str | None) -> int:
    if measure == "floor-a":
        result = _child_floor_a(root)
    elif measure == "floor-b":
        result = _child_floor_b(root)
    else:
        result = _child_firstdomino(root, profile)
    result["rss_mb"] = _peak_rss_mb()
    print(json.dumps(result))
    return 0


# --------------------------------------------------------------------------- parent side
def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    src = str(REPO / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_child(measure: str, root: Path, profile: str | None = None) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", measure, str(root)]
    if profile:
        command += ["--profile", profile]
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=_child_env(), check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"{measure} failed (exit {proc.returncode}):\n{tail}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_seconds"] = wall
    return result


def prepare_snapshot(plan: Plan, keep: Path | None) -> tuple[Path, bool]:
    """(snapshot directory, whether to delete it at the end)."""
    root = keep if keep is not None else Path(tempfile.mkdtemp(prefix="firstdomino-bench-")) / "snapshot"
    meta = root / "meta.json"
    wanted = {
        "version": GENERATOR_VERSION,
        "pods": plan.pods,
        "nodes": plan.nodes,
        "services": plan.services,
        "namespaces": plan.namespaces,
        "seed": plan.seed,
    }
    if meta.exists():
        found = json.loads(meta.read_text()).get("generator", {})
        if {k: found.get(k) for k in wanted} == wanted:
            print(f"reusing snapshot {root}", file=sys.stderr)
            return root, False
        raise SystemExit(f"{root} holds a different snapshot ({found}); remove it or pick another --keep DIR")
    if root.exists() and any(root.iterdir()):
        raise SystemExit(f"{root} exists and is not a generated snapshot; pick another --keep DIR")
    print(
        f"generating {plan.pods:,} pods / {plan.nodes:,} nodes / {plan.services:,} services into {root}",
        file=sys.stderr,
    )
    summary = generate(root, plan, log=lambda line: print(line, file=sys.stderr))
    print(f"generated: {json.dumps(summary)}", file=sys.stderr)
    return root, keep is None


def warm_cache(root: Path) -> tuple[int, int]:
    """Read every file once so that all measurements see a warm page cache. (files, bytes)"""
    files = _json_files(root)
    total = 0
    for path in files:
        total += len(path.read_bytes())
    return len(files), total


def summarise(samples: dict[str, list[dict[str, Any]]]) -> dict[str, float]:
    def med(measure: str, key: str = "seconds") -> float:
        return float(statistics.median(float(s[key]) for s in samples[measure]))

    summary = {
        "floor_a_s": med("floor-a"),
        "floor_b_s": med("floor-b"),
        "firstdomino_load_s": med("firstdomino", "load_seconds"),
        "firstdomino_diagnose_s": med("firstdomino", "diagnose_seconds"),
        "firstdomino_total_s": med("firstdomino"),
        "floor_a_rss_mb": med("floor-a", "rss_mb"),
        "floor_b_rss_mb": med("floor-b", "rss_mb"),
        "firstdomino_rss_mb": med("firstdomino", "rss_mb"),
    }
    summary["ratio_a"] = summary["firstdomino_total_s"] / summary["floor_a_s"]
    summary["ratio_b"] = summary["firstdomino_total_s"] / summary["floor_b_s"]
    return summary


def print_table(plan: Plan, summary: dict[str, float], verdicts: list[tuple[Target, float, bool]]) -> None:
    rows = [
        ("floor A  (orjson.loads, all kept)", summary["floor_a_s"], summary["floor_a_rss_mb"]),
        ("floor B  (msgspec validate only)", summary["floor_b_s"], summary["floor_b_rss_mb"]),
        ("firstdomino load_snapshot", summary["firstdomino_load_s"], None),
        ("firstdomino diagnose", summary["firstdomino_diagnose_s"], None),
        ("firstdomino total", summary["firstdomino_total_s"], summary["firstdomino_rss_mb"]),
    ]
    print(
        f"\n{plan.pods:,} pods, {plan.nodes:,} nodes, {plan.services:,} services "
        f"({plan.namespaces} namespaces, seed {plan.seed}); medians"
    )
    print(f"{'measurement':<38}{'seconds':>10}{'peak RSS MB':>14}")
    for label, seconds, rss in rows:
        print(f"{label:<38}{seconds:>10.2f}{'' if rss is None else f'{rss:>14.0f}'}")
    print(f"ratio firstdomino / floor A: {summary['ratio_a']:.2f}")
    print(f"ratio firstdomino / floor B: {summary['ratio_b']:.2f}")
    print(f"peak RSS of firstdomino:     {summary['firstdomino_rss_mb']:.0f} MB")
    if not verdicts:
        print("targets: none defined at this size (they are for 50,000 and 150,000/5,000/10,000)")
    for target, value, ok in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {target.name}: {value:.2f}")


def print_profile(path: str, top: int = 25) -> None:
    import pstats

    stats = pstats.Stats(path)
    stats.sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pods", type=int, default=50_000)
    parser.add_argument("--nodes", type=int, help="default: pods / 25")
    parser.add_argument("--services", type=int, help="default: pods / 10")
    parser.add_argument("--namespaces", type=int, help="default: pods / 300, clamped to 100-500")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate the snapshot here (or reuse it) and keep it")
    parser.add_argument("--only", default=",".join(MEASURES), help=f"comma-separated subset of {MEASURES}")
    parser.add_argument("--profile", help="also run firstdomino once under cProfile, writing stats here")
    parser.add_argument("--child", choices=MEASURES, help=argparse.SUPPRESS)
    parser.add_argument("snapshot", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.snapshot, args.profile)

    plan = Plan.sized(args.pods, args.nodes, args.services, args.namespaces, args.seed)
    measures = [m for m in args.only.split(",") if m]
    if unknown := set(measures) - set(MEASURES):
        parser.error(f"unknown measurement(s): {sorted(unknown)}")
    root, cleanup = prepare_snapshot(plan, args.keep)
    try:
        files, size = warm_cache(root)
        print(f"snapshot: {files} files, {size / 1e6:,.0f} MB", file=sys.stderr)
        started = datetime.now(UTC)
        samples: dict[str, list[dict[str, Any]]] = {m: [] for m in measures}
        for repeat in range(args.repeat):
            for measure in measures:
                result = run_child(measure, root)
                samples[measure].append(result)
                print(
                    f"  run {repeat + 1}/{args.repeat} {measure:<12} {result['seconds']:7.2f} s  "
                    f"{result['rss_mb']:7.0f} MB",
                    file=sys.stderr,
                )
        if args.profile and "firstdomino" in measures:
            run_child("firstdomino", root, profile=args.profile)
        record: dict[str, Any] = {
            "date": started.isoformat(timespec="seconds"),
            "host": platform.node(),
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "pods": plan.pods,
            "nodes": plan.nodes,
            "services": plan.services,
            "namespaces": plan.namespaces,
            "seed": plan.seed,
            "repeat": args.repeat,
            "snapshot_files": files,
            "snapshot_bytes": size,
        }
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
        with out.open("w") as handle:
            handle.write(json.dumps({"type": "run", **record}) + "\n")
            for measure, results in samples.items():
                for index, result in enumerate(results):
                    handle.write(json.dumps({"type": "sample", "measure": measure, "repeat": index, **result}) + "\n")
            if set(measures) == set(MEASURES):
                summary = summarise(samples)
                verdicts = [(t, t.value(summary), t.value(summary) <= t.limit) for t in TARGETS if t.applies(plan)]
                handle.write(
                    json.dumps(
                        {
                            "type": "summary",
                            **record,
                            **summary,
                            "targets": [
                                {"name": t.name, "value": v, "limit": t.limit, "pass": ok} for t, v, ok in verdicts
                            ],
                            "firstdomino": {
                                k: samples["firstdomino"][0].get(k)
                                for k in ("objects", "input_problems", "findings", "root_causes", "verdict")
                            },
                        }
                    )
                    + "\n"
                )
                print_table(plan, summary, verdicts)
        print(f"\nresults: {out}")
        if args.profile and "firstdomino" in measures:
            print(f"\nprofile: {args.profile} (python -m pstats {args.profile})")
            print_profile(args.profile)
    finally:
        if cleanup:
            shutil.rmtree(root.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
