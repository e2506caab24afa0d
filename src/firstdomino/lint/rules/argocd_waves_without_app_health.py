"""argocd/waves-without-app-health — app-of-apps sync waves that do not wait.

What it detects:
    Argo CD Applications (children of an app-of-apps) ordered with `argocd.argoproj.io/sync-wave` in two or
    more waves, while the repository restores no health check for `argoproj.io/Application` (no
    `resource.customizations.health.argoproj.io_Application` in an `argocd-cm` ConfigMap or in argo-cd chart
    values).

Why it matters:
    Since Argo CD 1.8 an Application's health is not assessed, so a parent app considers each child wave
    done as soon as the child Application object exists: wave 1 starts while wave 0 (cert-manager, say) is
    still coming up, webhook calls fail, and autosync gives up on the revision. This is incident 000.

Example:
    `cert-manager` (wave 0), `cert-manager-webhook-gandi` (wave 1), `cert-manager-config` (wave 2), and
    argocd-cm without the Application health Lua.

Fix:
    Restore the health check in argocd-cm (`resource.customizations.health.argoproj.io_Application`, the
    Lua from the Argo CD docs), or use ApplicationSet progressive syncs; give children a sync retry
    (`syncPolicy.retry.limit: -1`).

References:
    https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#argocd-app
    https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from firstdomino.lint.finding import LintFinding
from firstdomino.lint.helm import releases
from firstdomino.lint.rule import LintRule
from firstdomino.model.repo import SYNC_WAVE, Repository
from firstdomino.model.severity import Severity

HEALTH_KEY = "resource.customizations.health.argoproj.io_Application"


def _has_app_health(value: Any) -> bool:
    if isinstance(value, Mapping):
        if HEALTH_KEY in value:
            return True
        health = value.get("resource.customizations")
        if isinstance(health, str) and "argoproj.io/Application" in health:
            return True
        return any(_has_app_health(v) for v in value.values())
    return False


def check(repo: Repository) -> Iterator[LintFinding]:
    apps = [d for d in repo.of("Application") if d.group == "argoproj.io"]
    waved = [d for d in apps if d.get("metadata", "annotations", SYNC_WAVE) is not None]
    wave_values = sorted({str(d.get("metadata", "annotations", SYNC_WAVE)) for d in waved})
    if len(wave_values) < 2:
        return
    if any(d.name == "argocd-cm" and _has_app_health(d.get("data")) for d in repo.of("ConfigMap")):
        return
    if any(r.chart == "argo-cd" and _has_app_health(r.values) for r in releases(repo)):
        return
    waved.sort(key=lambda d: (d.path, d.line))
    first = waved[0]
    wave_names = ", ".join(wave_values)
    yield RULE.finding(
        first,
        f"{len(waved)} Applications are ordered by sync waves ({wave_names}) but no Application health check is "
        "configured, so the waves do not wait for each other",
        line=first.line_of("metadata", "annotations"),
        related=waved[1:6],
    )


RULE = LintRule(
    id="argocd/waves-without-app-health",
    title="App-of-apps sync waves without Application health",
    severity=Severity.HIGH,
    check=check,
    module=__name__,
    fix="Restore `resource.customizations.health.argoproj.io_Application` in argocd-cm (or use progressive syncs) "
    "and give child Applications `syncPolicy.retry.limit: -1`.",
    docs=(
        "https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#argocd-app",
        "https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/",
    ),
)
