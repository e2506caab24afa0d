"""argocd/sync-failed — an Argo CD Application's last sync failed and will not be retried by itself.

What it detects:
    Applications whose `status.operationState.phase` is Failed or Error and that are not Synced. It tells
    apart: automated sync that exhausted its retries on this revision (Argo CD then logs `Skipping
    auto-sync: failed previous sync attempt to <sha>` and never retries the same revision), a manual sync
    that failed, and a sync still retrying. The failure messages of the operation and of each resource
    are read: what they point at (a webhook, a Service behind a ClusterIP, the cluster DNS) leads upstream,
    and when that target has recovered since, the evidence says so — the failure is history, but the
    Application will stay failed until something triggers a new sync.

Why it matters:
    Resources of the failed wave (Certificates, Issuers, a webhook's serving certificate) are never
    created, so pods waiting for their Secrets never start. This is the usual "it fixed itself after an
    hour" after a bootstrap: nothing healed, something re-triggered the sync.

Example:
    cert-manager-webhook-gandi: `failed calling webhook "webhook.cert-manager.io": ... dial tcp
    10.98.200.162:443: connect: operation not permitted` at 23:23 (cert-manager-webhook had no ready
    backend then; Ready since 23:25), retryCount 5, phase Failed: stuck until re-synced.

Fix:
    Re-trigger the sync (`argocd app sync NAME`, or `argocd app get NAME --hard-refresh`), and make it
    retry by itself next time: `syncPolicy.retry: {limit: -1, backoff: {duration: 10s, factor: 2,
    maxDuration: 5m}}`; for app-of-apps waves, restore the Application health check in argocd-cm so waves
    wait for cert-manager to be Healthy.

References:
    https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/
    https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#argocd-app
    https://github.com/argoproj/argo-cd/issues/4101
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose import signatures as sig
from firstdomino.diagnose.budgets import ARGOCD_AUTOSYNC_RETRY_WINDOW
from firstdomino.diagnose.common import earliest, pod_ready, ready_since, short
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_GITOPS, Rule
from firstdomino.model.kinds import Application, Service
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of
from firstdomino.model.timeutil import format_time, parse_time

#: Argo CD's default retry count for automated sync (argo-cd#3997).
DEFAULT_AUTOSYNC_RETRIES = 5


def _recovered(ctx: Context, target: ObjectRef, failed_at: object) -> str:
    """A sentence on whether a Service the failure pointed at has a ready backend now, and since when."""
    obj = ctx.snapshot.get(target)
    if target.kind == "Service" and isinstance(obj, Service):
        ready, _total, known = ctx.index.service_backends(obj)
        if known and ready:
            pods = [p for p in ctx.index.select_pods(target.namespace, obj.spec.selector) if pod_ready(p)]
            since = earliest(*(ready_since(p) for p in pods))
            return f"{target} has {ready} ready backend(s) now" + (f" (since {format_time(since)})" if since else "")
        if known:
            return f"{target} still has no ready backend"
    return ""


def check(ctx: Context) -> Iterator[Finding]:
    for app in ctx.snapshot.of("Application"):
        if not isinstance(app, Application):
            continue
        op = app.status.operation_state
        if op is None or op.phase not in ("Failed", "Error") or app.status.sync.status == "Synced":
            continue
        ref = ref_of(app, "Application")
        finished = parse_time(op.finished_at) or parse_time(op.started_at)
        texts = [(str(ref), "status.operationState.message", op.message)]
        if op.sync_result is not None:
            for i, res in enumerate(op.sync_result.resources):
                if res.status in ("SyncFailed", "Failed") or (res.message and res.status != "Synced"):
                    texts.append(
                        (
                            str(ref),
                            f"status.operationState.syncResult.resources[{i}]",
                            f"{res.kind}/{res.namespace}/{res.name}: {res.message}",
                        )
                    )
        signals = ctx.signals(texts)
        requires = ctx.suspects(signals, app.spec.destination.namespace)
        automated = app.spec.sync_policy is not None and app.spec.sync_policy.automated is not None
        limit = app.spec.sync_policy.retry.limit if app.spec.sync_policy and app.spec.sync_policy.retry else None
        limit = DEFAULT_AUTOSYNC_RETRIES if limit is None else limit
        revision = op.operation.sync.revision if op.operation and op.operation.sync else ""
        same_revision = not revision or revision == app.status.sync.revision
        gave_up = (
            automated
            and same_revision
            and (
                op.retry_count >= limit >= 0
                or (finished is not None and ctx.now - finished > ARGOCD_AUTOSYNC_RETRY_WINDOW)
            )
        )
        evidence = [
            Evidence(
                str(ref),
                "status.operationState",
                f"phase {op.phase}, retryCount {op.retry_count}, finished {op.finished_at or '?'}: "
                f"{short(op.message, 220)}",
            )
        ]
        for signal, ev in signals[:5]:
            if ev.path != "status.operationState.message":  # already quoted above
                evidence.append(ev)
            meaning = sig.errno_meaning(signal.kind)
            for target in ctx.suspect(signal, app.spec.destination.namespace):
                state = _recovered(ctx, target, finished)
                if meaning or state:
                    evidence.append(Evidence(str(target), "", "; ".join(x for x in (meaning, state) if x)))
        missing = [
            r
            for r in app.status.resources
            if r.status == "OutOfSync" and r.health is not None and r.health.status == "Missing"
        ]
        if missing:
            evidence.append(
                Evidence(
                    str(ref), "status.resources", "missing: " + ", ".join(f"{r.kind}/{r.name}" for r in missing[:6])
                )
            )
        kind = (
            "automated sync gave up on this revision (Argo CD does not retry a failed revision)"
            if gave_up
            else "the last sync failed"
        )
        yield ctx.finding(
            RULE,
            ref,
            f"Application {ref.namespace}/{ref.name}: {kind}; {app.status.sync.status or 'Unknown'}/"
            f"{app.status.health.status or 'Unknown'} since {op.finished_at or '?'}",
            evidence=evidence,
            requires=requires,
            explains_refs=[ObjectRef(r.kind, r.namespace or app.spec.destination.namespace, r.name) for r in missing],
            since=finished,
            self_healing=False if gave_up or not automated else None,
            budget=ARGOCD_AUTOSYNC_RETRY_WINDOW,
            severity=Severity.HIGH,
        )


RULE = Rule(
    id="argocd/sync-failed",
    title="Argo CD sync failed and is not retried",
    severity=Severity.HIGH,
    layer=LAYER_GITOPS,
    kinds=("Application",),
    check=check,
    module=__name__,
    fix="Re-trigger the sync (`argocd app sync NAME`, or `argocd app get NAME --hard-refresh`) once what the error "
    "names is healthy, and add `syncPolicy.retry: {limit: -1, backoff: {duration: 10s, factor: 2, maxDuration: "
    "5m}}`; for app-of-apps sync waves, restore the argoproj.io/Application health check in argocd-cm.",
    docs=(
        "https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/",
        "https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#argocd-app",
        "https://github.com/argoproj/argo-cd/issues/4101",
    ),
)
