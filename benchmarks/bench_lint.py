"""Benchmark `lint` against the floor of parsing the same files with PyYAML's C loader.

    python benchmarks/bench_lint.py [--files 5000] [--repeat 3] [--keep DIR]

Each measurement runs in a fresh subprocess; medians are reported. Target: lint / floor <= 1.5.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FLOOR = """
import sys, time, yaml
from pathlib import Path
files = sorted(p for p in Path(sys.argv[1]).rglob('*') if p.suffix in ('.yaml', '.yml'))
t = time.perf_counter()
docs = 0
for f in files:
    docs += sum(1 for _ in yaml.load_all(f.read_bytes(), Loader=yaml.CSafeLoader))
print(time.perf_counter() - t, docs)
"""

LINT = """
import sys, time
sys.path.insert(0, sys.argv[2])
from firstdomino.lint import lint
from firstdomino.sources import load_repository
t = time.perf_counter()
result = lint(load_repository(sys.argv[1]))
print(time.perf_counter() - t, len(result.findings))
"""


def run(code: str, *args: str) -> tuple[float, str]:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True).stdout
    seconds, extra = out.split()
    return float(seconds), extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    repo = args.keep or Path(tempfile.mkdtemp(prefix="fd-lint-bench-"))
    if not any(repo.rglob("*.yaml")):
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "genrepo.py"), str(repo), "--files", str(args.files)], check=True
        )
    floor, lint = [], []
    docs = findings = ""
    for _ in range(args.repeat):
        seconds, docs = run(FLOOR, str(repo))
        floor.append(seconds)
        seconds, findings = run(LINT, str(repo), str(ROOT / "src"))
        lint.append(seconds)
    floor_s, lint_s = statistics.median(floor), statistics.median(lint)
    ratio = lint_s / floor_s
    print(
        json.dumps(
            {
                "files": args.files,
                "documents": int(docs),
                "findings": int(findings),
                "floor_pyyaml_c_s": round(floor_s, 3),
                "lint_s": round(lint_s, 3),
                "ratio": round(ratio, 2),
                "runs_floor": [round(x, 3) for x in floor],
                "runs_lint": [round(x, 3) for x in lint],
            }
        )
    )
    print(("PASS" if ratio <= 1.5 else "FAIL") + f"  lint / PyYAML C loader = {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
