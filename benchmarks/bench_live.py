"""Benchmark the live path: list and decode N pods from the API-server double over HTTPS, beside the
official `kubernetes` client listing the same pods into its models, in one run.

    python benchmarks/bench_live.py --pods 150000 [--official-pods 150000] [--keep DIR]

The double (tests/apiserver.py) runs in its own process, serving a gensnapshot cluster with
`limit=500` pagination; each client runs in a fresh child process with the cyclic GC off for both:

  firstdomino  `Collector._list_path` on /api/v1/pods: pages of bytes -> lean `Pod` views
  official     `CoreV1Api.list_pod_for_all_namespaces(limit=500, _continue=...)` -> V1Pod models

Both over HTTPS (the double terminates TLS in Python's ssl module) and over plain HTTP (as through
`kubectl proxy`); `--transport https|http|both`.

Targets (issue 3): firstdomino >= 30,000 pods/s, and >= 20x the official client's pods/s.
Results are appended to benchmarks/results/live-<timestamp>.json. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))
from gensnapshot import Plan, generate  # noqa: E402

CHILD_OURS = """
import gc, json, resource, sys, time
gc.disable()
from firstdomino.sources.live import READ_SWITCH_INTERVAL
sys.setswitchinterval(READ_SWITCH_INTERVAL)  # as Collector.collect() does around a read
from firstdomino.sources.kubeconfig import connect
from firstdomino.sources.live import Collector, Options
from firstdomino.sources.resources import RESOURCES
conn = connect(sys.argv[1])
collector = Collector(conn, Options(kinds=frozenset({"Pod"})))
pods = next(r for r in RESOURCES if r.kind == "Pod")
start = time.perf_counter()
objects = collector._list_path(pods, "v1", "/api/v1/pods", "application/json")
elapsed = time.perf_counter() - start
conn.close()
print(json.dumps({"pods": len(objects), "seconds": elapsed, "requests": collector.transport.stats.requests,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CHILD_OFFICIAL = """
import gc, json, resource, sys, time
gc.disable()
from kubernetes import client, config
config.load_kube_config(sys.argv[1])
api = client.CoreV1Api()
limit = int(sys.argv[2])
start = time.perf_counter()
count, token, requests = 0, None, 0
while True:
    kwargs = {"limit": 500}
    if token:
        kwargs["_continue"] = token
    page = api.list_pod_for_all_namespaces(**kwargs)
    requests += 1
    count += len(page.items)
    token = page.metadata._continue
    if not token or count >= limit:
        break
elapsed = time.perf_counter() - start
print(json.dumps({"pods": count, "seconds": elapsed, "requests": requests,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _child(code: str, *args: str) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src") + os.pathsep + str(REPO))
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        raise SystemExit(f"child failed: {out.stderr[-2000:]}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _measure(work: Path, plain: bool, official_pods: int) -> tuple[dict[str, float], dict[str, float]]:
    kubeconfig = work.parent / (work.name + (".plain" if plain else ".tls") + ".kubeconfig")
    server = subprocess.Popen(
        [sys.executable, str(REPO / "tests" / "apiserver.py"), str(work), str(kubeconfig)]
        + (["--plain"] if plain else []),
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO / "src") + os.pathsep + str(REPO)),
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        print(f"double at {url} serving {work}", flush=True)
        ours = _child(CHILD_OURS, str(kubeconfig))
        print(
            f"  firstdomino: {ours['pods']:,.0f} pods in {ours['seconds']:.2f}s "
            f"= {ours['pods'] / ours['seconds']:,.0f} pods/s, {ours['requests']:.0f} requests, "
            f"peak RSS {ours['peak_rss_mb']:,.0f} MB",
            flush=True,
        )
        official = _child(CHILD_OFFICIAL, str(kubeconfig), str(official_pods or 10**9))
        print(
            f"  official:    {official['pods']:,.0f} pods in {official['seconds']:.2f}s "
            f"= {official['pods'] / official['seconds']:,.0f} pods/s, "
            f"peak RSS {official['peak_rss_mb']:,.0f} MB",
            flush=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        kubeconfig.unlink(missing_ok=True)
    return ours, official


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pods", type=int, default=150_000)
    parser.add_argument("--official-pods", type=int, default=0, help="stop the official client after N (0: all)")
    parser.add_argument("--transport", choices=["https", "http", "both"], default="both")
    parser.add_argument("--keep", type=Path, help="reuse/keep the generated snapshot here")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="fd-live-bench-"))
    if not (work / "meta.json").exists():
        generate(work, Plan.sized(args.pods))
    records = []
    try:
        for transport in ("https", "http") if args.transport == "both" else (args.transport,):
            print(f"{transport}:", flush=True)
            ours, official = _measure(work, transport == "http", args.official_pods)
            rate = ours["pods"] / ours["seconds"]
            ratio = rate / (official["pods"] / official["seconds"])
            print(f"  rate {rate:,.0f} pods/s (target >= 30,000): {'PASS' if rate >= 30_000 else 'FAIL'}")
            print(f"  speed-up vs official models {ratio:.1f}x (target >= 20x): {'PASS' if ratio >= 20 else 'FAIL'}")
            records.append({"transport": transport, "ours": ours, "official": official, "rate": rate, "ratio": ratio})
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    record = {
        "when": stamp,
        "pods": args.pods,
        "runs": records,
        "cpu_count": os.cpu_count(),
        "maxrss_parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    (RESULTS / f"live-{stamp}.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
