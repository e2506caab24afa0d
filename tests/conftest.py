"""Shared test helpers: run the real CLI in a subprocess, load scenario folders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "tests" / "scenarios"
RULE_FIXTURES = ROOT / "tests" / "rules"
SHARED = ROOT.parent / "shared"


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "firstdomino", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def diagnose_json(path: Path | str) -> tuple[int, dict[str, Any]]:
    proc = run_cli("diagnose", "--from", str(path), "-o", "json")
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout) if proc.stdout.strip() else {}


@pytest.fixture
def shared_samples() -> Path:
    samples = SHARED / "samples"
    if not samples.is_dir():
        pytest.skip(f"{samples} is absent (the shared samples live beside the repository)")
    return samples


def _children() -> list[str]:
    """Live child processes of this test process (from /proc; zombies already reaped are gone)."""
    me = str(os.getpid())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me and fields[0] != "Z":
            found.append(entry.name)
    return found


#: The run's own temporary directory (inherited by every CLI subprocess through TMPDIR), so that what
#: is left in it is ours and not another program's on the same machine.
SESSION_TMP = Path(tempfile.mkdtemp(prefix="fd-tests-"))
os.environ["TMPDIR"] = str(SESSION_TMP)
tempfile.tempdir = str(SESSION_TMP)


def _our_temp_entries() -> set[str]:
    return {p.name for p in SESSION_TMP.iterdir() if p.name.startswith(("firstdomino-", ".firstdomino"))}


@pytest.fixture(scope="session", autouse=True)
def nothing_left_behind() -> Any:
    """After the whole run: no child process still running, no temporary directory of ours left."""
    yield
    if Path("/proc").is_dir():
        assert _children() == [], "a test left a child process running"
    assert _our_temp_entries() == set(), "a test left a firstdomino temporary directory"
