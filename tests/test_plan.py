"""`firstdomino plan`: the bootstrap order, milestones and hazards in place, cycles."""

from __future__ import annotations

import json
from typing import Any

from .conftest import ROOT, run_cli

LINT = ROOT / "tests" / "lint"


def _plan(name: str) -> dict[str, Any]:
    proc = run_cli("plan", str(LINT / name / "repo"), "-o", "json")
    assert proc.returncode == 0, proc.stderr
    out: dict[str, Any] = json.loads(proc.stdout)
    assert out["schema"] == "firstdomino.dev/plan/v1"
    return out


def _level_of(plan: dict[str, Any], phase: str) -> dict[str, int]:
    steps = next(p for p in plan["phases"] if p["name"] == phase)["steps"]
    return {item["name"]: i for i, step in enumerate(steps) for item in step["items"]}


def test_flux_levels_follow_depends_on_and_parents() -> None:
    plan = _plan("ordering")
    level = _level_of(plan, "flux")
    assert level["flux-system"] == 0
    assert level["crds"] > level["flux-system"] and level["issuers"] > level["flux-system"]
    assert level["core"] > max(level["crds"], level["issuers"])
    assert level["apps"] > level["core"]
    items = {i["name"]: i for p in plan["phases"] for s in p["steps"] for i in s["items"]}
    assert {"order/certificate-before-issuer", "order/cr-before-crd"} <= set(items["early"]["hazards"])
    assert "cert-manager" in items["issuers"]["milestones"]


def test_cycles_are_reported() -> None:
    plan = _plan("hazards")
    assert any(
        "flux-system/cilium" in " ".join(c) and "flux-system/cert-manager" in " ".join(c) for c in plan["cycles"]
    )
    text = run_cli("plan", str(LINT / "hazards" / "repo")).stdout
    assert "cycle, never applied" in text


def test_argocd_waves_and_helmfile_needs() -> None:
    waves = _plan("argocd-waves")
    steps = next(p for p in waves["phases"] if p["name"] == "argocd")["steps"]
    assert [s["label"] for s in steps] == ["wave 0", "wave 1", "wave 2"]
    linked = _plan("helmfile-templates-linked")
    level = _level_of(linked, "helmfile")
    assert level["coredns"] > level["cilium"]
    cilium = next(i for p in linked["phases"] for s in p["steps"] for i in s["items"] if i["name"] == "cilium")
    assert "cni" in cilium["milestones"]
