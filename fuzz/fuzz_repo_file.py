"""Coverage-guided fuzzing (atheris) of the repository reader with one file: the input picks a file name
(a manifest, a kustomization, a helmfile state file or template, Terraform, the configuration) and its
bytes; the repository is read, linted and planned, and every output rendered, as `firstdomino lint` and
`plan` do. A crash is an exception other than FirstDominoError, a rule that failed, an output that does
not parse, or the content of a file planted beside the repository (`../outside/...`) in any output.
See fuzz/README.md.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["firstdomino", "yaml", "hcl2", "lark", "msgspec"]):
    from firstdomino.errors import FirstDominoError
    from firstdomino.lint import lint
    from firstdomino.lint.plan import build_plan
    from firstdomino.lint.registry import LINT_RULES
    from firstdomino.lint.runner import parse_config
    from firstdomino.report.lint import render_lint_json, render_lint_text, render_sarif
    from firstdomino.report.plan import render_plan_json, render_plan_text
    from firstdomino.sources import load_config, load_repository

NAMES = (
    "a.yaml",
    "kustomization.yaml",
    "helmfile.yaml",
    "helmfile.yaml.gotmpl",
    "helmfile.d/10-apps.yaml.gotmpl",
    "main.tf",
    ".firstdomino.yaml",
)
SECRET = "secret-c0ffee-outside-content"
#: libFuzzer ends the process without running Python's exit handlers, so the harness cannot remove its
#: work folder: give one with FIRSTDOMINO_FUZZ_DIR (and remove it), or it makes one and says where.
WORK = Path(os.environ.get("FIRSTDOMINO_FUZZ_DIR") or tempfile.mkdtemp(prefix="fd-atheris-"))
if "FIRSTDOMINO_FUZZ_DIR" not in os.environ:
    print(f"fuzz_repo_file: work folder {WORK} (remove it after the run)", file=sys.stderr)
ROOT = WORK / "repo"
OUTSIDE = WORK / "outside"
OUTSIDE.mkdir(exist_ok=True)
for name in ("sentinel.yaml", "base.yaml", "values.yaml.gotmpl", "kustomization.yaml"):
    (OUTSIDE / name).write_text(
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: {SECRET}}}\n"
        f"---\nreleases: [{{name: {SECRET}, chart: {SECRET}/x}}]\ntemplates: {{default: {{chart: {SECRET}/y}}}}\n"
    )


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    name = NAMES[provider.ConsumeIntInRange(0, len(NAMES) - 1)]
    body = provider.ConsumeBytes(provider.remaining_bytes())
    shutil.rmtree(ROOT, ignore_errors=True)
    (ROOT / name).parent.mkdir(parents=True, exist_ok=True)
    (ROOT / name).write_bytes(body)
    try:
        repo = load_repository(ROOT)
        config, config_problems = load_config(ROOT)
    except FirstDominoError:
        return
    suppressions, parse_problems = parse_config(config)
    result = lint(repo, suppressions=suppressions, config_problems=[*config_problems, *parse_problems])
    failed = [n for n in result.not_checked if n.what.startswith("rule ") and "the rule failed" in n.why]
    if failed:
        raise AssertionError(failed)
    plan = build_plan(repo, lint(repo))
    outputs = [render_lint_json(result), render_sarif(result, LINT_RULES), render_lint_text(result)]
    outputs += [render_plan_json(plan), render_plan_text(plan)]
    json.loads(outputs[0])
    json.loads(outputs[1])
    json.loads(outputs[3])
    for text in outputs:
        text.encode("utf-8")
        if SECRET in text and SECRET.encode() not in body:
            raise AssertionError("content from outside the repository reached an output")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
