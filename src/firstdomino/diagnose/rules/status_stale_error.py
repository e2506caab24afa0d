"""status/stale-error — an error shown in a status is older than the recovery of what caused it.

What it detects:
    Argo CD Application conditions and Flux Ready conditions whose message blames a cluster service (a DNS
    lookup through kube-dns, a ClusterIP, a webhook) that has had a ready backend since *after* the error
    was recorded. The error will clear on the next retry; the rule says when: Argo CD's repo-server caches
    a manifest-generation error for 60 minutes from the first failure (`Manifest generation error
    (cached)`), an Application is refreshed every 3 minutes, Flux retries after `retryInterval`.

Why it matters:
    Operators read the stale message, conclude DNS (or the network policy) is still broken, and apply
    harmful "fixes" (allow-all policies, disabling enforcement) to a cluster that has already recovered.

Example:
    Condition `Manifest generation error (cached): ... lookup prometheus-community.github.io on
    10.96.0.10:53: ... connect: operation not permitted` from 10:05 while CoreDNS has been Ready since
    10:07: clears at 11:05.

Fix:
    Nothing to repair; to clear it now: `argocd app get NAME --hard-refresh` (Argo CD) or
    `flux reconcile kustomization NAME` (Flux).

References:
    https://github.com/argoproj/argo-cd/pull/4953
    https://argo-cd.readthedocs.io/en/stable/operator-manual/high_availability/
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from firstdomino.diagnose import signatures as sig
from firstdomino.diagnose.budgets import ARGOCD_MANIFEST_ERROR_CACHE, ARGOCD_REFRESH, FLUX_DEFAULT_INTERVAL
from firstdomino.diagnose.common import earliest, pod_ready, ready_since, short
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_STATUS, Rule
from firstdomino.model.kinds import Application, HelmRelease, Kustomization, Service, Source, WebhookConfiguration
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of
from firstdomino.model.timeutil import format_time, parse_duration, parse_time


def _recovered_at(ctx: Context, target: ObjectRef) -> datetime | None:
    """When a Service got its current ready backends (None if it has none or is not a Service)."""
    obj = ctx.snapshot.get(target)
    if isinstance(obj, WebhookConfiguration):
        services = [h.client_config.service for h in obj.webhooks if h.client_config.service is not None]
        times = [_recovered_at(ctx, ObjectRef("Service", s.namespace, s.name)) for s in services]
        return None if not times or None in times else max(t for t in times if t is not None)
    svc = obj
    if not isinstance(svc, Service):
        return None
    ready, _total, known = ctx.index.service_backends(svc)
    if not known or not ready:
        return None
    pods = [p for p in ctx.index.select_pods(target.namespace, svc.spec.selector) if pod_ready(p)]
    return earliest(*(ready_since(p) for p in pods))


def _first_failure(ctx: Context, app: Application, message: str, fallback: datetime) -> datetime:
    """The first failure of a cached manifest error (Argo CD counts the 60 min from it): the earliest
    repo-server gRPC call that finished with an error naming the same target (host or IP) as the
    condition, within the cache window; else the condition's own time."""
    tokens = {t for s in sig.classify(message) for t in (s.host, s.ip) if t}
    if not tokens:
        return fallback
    finished: list[datetime] = []
    errors: list[datetime] = []
    for pod in ctx.index.pods_by_namespace.get(app.metadata.namespace, []):
        if "repo-server" not in pod.metadata.name:
            continue
        for _container, _prev, text in ctx.snapshot.pod_logs(pod.metadata.namespace, pod.metadata.name):
            for line in text.splitlines():
                if "level=error" not in line and '"level":"error"' not in line:
                    continue
                if not any(t in line for t in tokens):
                    continue
                match = _LOG_TIME.search(line)
                stamp = parse_time(match.group(1)) if match else None
                if stamp is None or stamp > fallback or fallback - stamp > ARGOCD_MANIFEST_ERROR_CACHE:
                    continue
                (finished if "finished call" in line else errors).append(stamp)
    found = finished or errors
    return min(found) if found else fallback


_LOG_TIME = re.compile(r'(?:time="?|"time":")(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d))')


def _stale(
    ctx: Context, ref: ObjectRef, namespace: str, message: str, when: datetime | None
) -> tuple[list[Evidence], datetime | None] | None:
    if when is None:
        return None
    signals = ctx.signals([(str(ref), "status.conditions", message)])
    targets = ctx.suspects(signals, namespace)
    if not targets or not any(
        s.kind in (sig.EPERM, sig.EHOSTUNREACH, sig.TIMEOUT, sig.REFUSED, sig.DNS, sig.WEBHOOK, sig.NO_ENDPOINTS)
        for s, _ in signals
    ):
        return None
    evidence: list[Evidence] = []
    latest_recovery = None
    for target in targets:
        recovered = _recovered_at(ctx, target)
        if recovered is None or recovered <= when - ARGOCD_REFRESH:
            return None  # still broken (not stale), or recovered long before: not this
        evidence.append(
            Evidence(
                str(target),
                "",
                f"ready backend(s) since {format_time(recovered)}, after this error ({format_time(when)})",
            )
        )
        latest_recovery = recovered if latest_recovery is None else max(latest_recovery, recovered)
    return evidence, latest_recovery


def check(ctx: Context) -> Iterator[Finding]:
    for app in ctx.snapshot.of("Application"):
        if not isinstance(app, Application):
            continue
        ref = ref_of(app, "Application")
        for cond in app.status.conditions:
            if not cond.type.endswith("Error"):
                continue
            when = parse_time(cond.last_transition_time)
            stale = _stale(ctx, ref, app.spec.destination.namespace, cond.message, when)
            if stale is None or when is None:
                continue
            evidence, _ = stale
            cached = sig.MANIFEST_CACHED in {s.kind for s in sig.classify(cond.message)}
            if cached:
                first = _first_failure(ctx, app, cond.message, when)
                heals = first + ARGOCD_MANIFEST_ERROR_CACHE
                how = (
                    "the repo-server caches this manifest error for 60 min from the first failure "
                    f"({format_time(first)})"
                )
            else:
                refreshed = parse_time(app.status.reconciled_at) or ctx.now
                heals = max(refreshed, ctx.now) + ARGOCD_REFRESH
                how = "it clears on the next refresh"
            yield ctx.finding(
                RULE,
                ref,
                f"Application {ref.namespace}/{ref.name} shows a stale {cond.type} from "
                f"{cond.last_transition_time}: {how}, at {format_time(heals)}",
                evidence=[Evidence(str(ref), f"status.conditions[{cond.type}]", short(cond.message)), *evidence],
                since=when,
                self_healing=True,
                heals_at=heals,
            )
    for kind in ("Kustomization", "HelmRelease", "GitRepository", "HelmRepository", "OCIRepository"):
        for obj in ctx.snapshot.of(kind):
            if not isinstance(obj, Kustomization | HelmRelease | Source):
                continue
            ready = next((c for c in obj.status.conditions if c.type == "Ready"), None)
            if ready is None or ready.status == "True":
                continue
            ref = ref_of(obj, kind)
            when = parse_time(ready.last_transition_time)
            stale = _stale(ctx, ref, obj.metadata.namespace, ready.message, when)
            if stale is None or when is None:
                continue
            retry = (
                parse_duration(getattr(obj.spec, "retry_interval", ""))
                or parse_duration(obj.spec.interval)
                or FLUX_DEFAULT_INTERVAL
            )
            heals = when + retry
            while heals < ctx.now:
                heals += retry
            yield ctx.finding(
                RULE,
                ref,
                f"{kind} {ref.namespace}/{ref.name} shows a stale error from {ready.last_transition_time}; "
                f"the next retry is at {format_time(heals)}",
                evidence=[Evidence(str(ref), "status.conditions[Ready]", short(ready.message)), *stale[0]],
                since=when,
                self_healing=True,
                heals_at=heals,
            )


RULE = Rule(
    id="status/stale-error",
    title="Stale error in a status",
    severity=Severity.LOW,
    layer=LAYER_STATUS,
    kinds=("Application", "Kustomization", "HelmRelease"),
    check=check,
    module=__name__,
    fix="Nothing to repair: the cause has recovered. To clear it now: `argocd app get NAME --hard-refresh` or "
    "`flux reconcile kustomization NAME --with-source`.",
    docs=(
        "https://github.com/argoproj/argo-cd/pull/4953",
        "https://argo-cd.readthedocs.io/en/stable/operator-manual/high_availability/",
    ),
)
