"""Time budgets and retry timers: how long a symptom may last on a healthy bootstrap before it means
"stuck", and when a known timer will retry. Every number says where it comes from.
"""

from __future__ import annotations

from datetime import timedelta

#: kubelet CrashLoopBackOff: 10 s doubling, capped at 5 min (kubernetes.io pod-lifecycle, "container
#: restart policy"). Two full cycles at the cap without recovery means the container will not recover.
CRASHLOOP_BUDGET = timedelta(minutes=10)
#: Image pulls back off on the same 5-minute cap; a pull failing for longer than two cycles is stuck.
IMAGE_PULL_BUDGET = timedelta(minutes=10)
#: A Pending pod on a fresh cluster waits for nodes and the CNI; Talos + Cilium bootstraps take minutes
#: (talosctl health's default --wait-timeout is 20 min; cilium status --wait defaults to 5 min).
UNSCHEDULABLE_BUDGET = timedelta(minutes=10)
#: `cilium status --wait` default (cilium-cli): an agent not Ready after this is not "still starting".
CNI_AGENT_BUDGET = timedelta(minutes=5)
#: A node NotReady during bootstrap: the CNI must come up first (same source as above).
NODE_NOT_READY_BUDGET = timedelta(minutes=5)
#: Services whose backends are starting: a fresh Deployment's pods are Ready within a few minutes;
#: a readiness probe failing for longer than the CrashLoop cap means it is not starting.
SERVICE_BACKENDS_BUDGET = timedelta(minutes=5)
#: Missing config/Secret mounts are retried by kubelet (about every 2 min); the producer should appear
#: within one GitOps reconcile.
MISSING_CONFIG_BUDGET = timedelta(minutes=10)
#: Flux: `retryInterval` defaults to `interval` (kustomize-controller docs); a failure older than two
#: intervals (or this floor when unknown) is stuck.
FLUX_DEFAULT_INTERVAL = timedelta(minutes=10)
FLUX_BUDGET_FLOOR = timedelta(minutes=10)
#: Argo CD automated sync: 5 retries, 5 s x 2^n backoff (about 2.5 min), then the revision is never
#: retried ("Skipping auto-sync: failed previous sync attempt"; argo-cd#3997, auto_sync.md).
ARGOCD_AUTOSYNC_RETRY_WINDOW = timedelta(minutes=3)
#: Argo CD refresh: timeout.reconciliation 120 s + up to 60 s jitter (auto_sync.md, high_availability.md).
ARGOCD_REFRESH = timedelta(minutes=3)
#: Argo CD repo-server caches manifest-generation errors for ARGOCD_PAUSE_GEN_MINUTES = 60 min, counted
#: from the first failure (reposerver defaults; argo-cd#4953).
ARGOCD_MANIFEST_ERROR_CACHE = timedelta(minutes=60)
#: cert-manager: a failed issuance is retried after 1h x 2^(failedIssuanceAttempts-1) (CertificateStatus API).
CERTMANAGER_BACKOFF_BASE = timedelta(hours=1)
#: A leader-election lease not renewed for this long has no active holder: leaseDurationSeconds is 15 s
#: for kube-controller-manager and kube-scheduler; 4 durations leaves room for clock skew.
LEASE_STALE_FACTOR = 4
#: Control-plane components restarting during bootstrap are normal for a few minutes.
CONTROLPLANE_BUDGET = timedelta(minutes=5)
#: An event older than this is history, not evidence about the present (events expire after 1 h by
#: default in kube-apiserver: --event-ttl=1h).
EVENT_RECENT = timedelta(minutes=15)
