"""flux/reconcile-failed — a Flux object is not Ready for its own reason.

What it detects:
    Flux sources (GitRepository, OCIRepository, HelmRepository, HelmChart, Bucket), Kustomizations and
    HelmReleases whose Ready condition is False for a reason of their own: the source cannot be fetched
    (auth, DNS, TLS), the build fails, a health check fails, a Helm action failed (`UpgradeFailed`,
    `InstallFailed`, Stalled `RetriesExceeded`). Objects that only wait — `dependency '…' is not ready`,
    `Source artifact not found` while the source itself is failing — are reported as the symptom
    `flux/dependency-not-ready` and folded under the dependency. Errors that point at cluster services
    (a DNS lookup, an API timeout) lead upstream.

Why it matters:
    One failing source or Kustomization blocks every Kustomization that depends on it; reading the
    dependents' messages sends operators down the wrong path.

Example:
    GitRepository flux-system `failed to checkout and determine revision: ... ssh: unable to authenticate`;
    every Kustomization reports `dependency 'flux-system/flux-system' is not ready`.

Fix:
    Fix the object's own error (credentials, URL, the chart or manifest error, the workload its health
    check waits for), then `flux reconcile source git NAME` / `flux reconcile kustomization NAME --with-source`.

References:
    https://fluxcd.io/flux/components/kustomize/kustomizations/
    https://fluxcd.io/flux/components/helm/helmreleases/
    https://fluxcd.io/flux/cheatsheets/troubleshooting/
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from firstdomino.diagnose import signatures as sig
from firstdomino.diagnose.budgets import FLUX_BUDGET_FLOOR, FLUX_DEFAULT_INTERVAL
from firstdomino.diagnose.common import condition, created, short
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_GITOPS, Rule
from firstdomino.model.kinds import HelmRelease, Kustomization, Object, Source
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of
from firstdomino.model.timeutil import parse_duration, parse_time

_KINDS = ("GitRepository", "OCIRepository", "HelmRepository", "HelmChart", "Bucket", "Kustomization", "HelmRelease")
_WAITING = ("DependencyNotReady", "ArtifactFailed", "SourceNotReady")
_PROGRESSING = ("Progressing", "ProgressingWithRetry", "ReconciliationInProgress")


def _interval(obj: Object) -> tuple[timedelta, timedelta]:
    spec = getattr(obj, "spec", None)
    interval = parse_duration(getattr(spec, "interval", "")) or FLUX_DEFAULT_INTERVAL
    retry = parse_duration(getattr(spec, "retry_interval", "")) or interval
    return interval, retry


def check(ctx: Context) -> Iterator[Finding]:
    for kind in _KINDS:
        for obj in ctx.snapshot.of(kind):
            if not isinstance(obj, Kustomization | HelmRelease | Source) or obj.spec.suspend:
                continue
            ready = condition(obj.status.conditions, "Ready")
            if ready is None or ready.status == "True":
                continue
            ref = ref_of(obj, kind)
            text = f"{ready.reason}: {ready.message}"
            signals = sig.classify(ready.message)
            waiting_on = [s.name for s in signals if s.kind == sig.DEPENDENCY]
            source_missing = "artifact not found" in ready.message.lower() or ready.reason in _WAITING
            since = parse_time(ready.last_transition_time) or created(obj)
            _, retry = _interval(obj)
            budget = max(FLUX_BUDGET_FLOOR, 2 * retry)
            evidence = [Evidence(str(ref), "status.conditions[Ready]", short(text))]
            requires: list[ObjectRef] = []
            if waiting_on or source_missing:
                requires += ctx.graph.dependencies(ref, "depends-on") + ctx.graph.dependencies(ref, "source")
                yield ctx.finding(
                    RULE,
                    ref,
                    f"{kind} {ref.namespace}/{ref.name} waits: {short(ready.message, 160)}",
                    id="flux/dependency-not-ready",
                    title="Flux object waits for a dependency",
                    symptom=True,
                    evidence=evidence,
                    requires=requires,
                    since=since,
                    budget=budget,
                    self_healing=None,
                    severity=Severity.MEDIUM,
                )
                continue
            if ready.reason in _PROGRESSING or (ready.status == "Unknown" and not signals):
                yield ctx.finding(
                    RULE,
                    ref,
                    f"{kind} {ref.namespace}/{ref.name} is reconciling: {short(ready.message, 160)}",
                    id="flux/progressing",
                    title="Flux object reconciling",
                    symptom=True,
                    evidence=evidence,
                    since=since,
                    budget=budget,
                    self_healing=None,
                    severity=Severity.LOW,
                )
                continue
            if "health check" in ready.message.lower() or ready.reason == "HealthCheckFailed":
                requires += ctx.graph.dependencies(ref, "health-check")
            for signal in ctx.signals([(str(ref), "status.conditions[Ready].message", ready.message)]):
                requires += ctx.suspect(signal[0], ref.namespace)
            if isinstance(obj, HelmRelease):
                requires += ctx.graph.dependents(ref, "helm-release")
                stalled = condition(obj.status.conditions, "Stalled")
                if stalled is not None and stalled.status == "True":
                    evidence.append(
                        Evidence(str(ref), "status.conditions[Stalled]", short(f"{stalled.reason}: {stalled.message}"))
                    )
                failures = obj.status.upgrade_failures or obj.status.install_failures or obj.status.failures
                if failures:
                    evidence.append(
                        Evidence(
                            str(ref),
                            "status",
                            f"failures: {failures} (last action {obj.status.last_attempted_release_action or '?'})",
                        )
                    )
            stalled_cond = condition(obj.status.conditions, "Stalled")
            self_healing = False if stalled_cond is not None and stalled_cond.status == "True" else None
            yield ctx.finding(
                RULE,
                ref,
                f"{kind} {ref.namespace}/{ref.name} failed: {short(text, 200)}",
                evidence=evidence,
                requires=requires,
                since=since,
                budget=budget,
                self_healing=self_healing,
            )


RULE = Rule(
    id="flux/reconcile-failed",
    title="Flux object failed to reconcile",
    severity=Severity.HIGH,
    layer=LAYER_GITOPS,
    kinds=_KINDS,
    check=check,
    module=__name__,
    fix="Fix the object's own error (credentials, URL, build or chart error, the workload its health check waits "
    "for), then `flux reconcile kustomization NAME --with-source` (or `flux reconcile source git NAME`).",
    docs=(
        "https://fluxcd.io/flux/components/kustomize/kustomizations/",
        "https://fluxcd.io/flux/components/helm/helmreleases/",
        "https://fluxcd.io/flux/cheatsheets/troubleshooting/",
    ),
    symptoms=("flux/dependency-not-ready", "flux/progressing"),
)
