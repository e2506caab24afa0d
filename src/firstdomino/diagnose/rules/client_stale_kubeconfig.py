"""client/stale-kubeconfig — the kubeconfig trusts a CA the cluster no longer uses.

What it detects:
    A live read whose TLS handshake failed with `x509: certificate signed by unknown authority` (or a
    self-signed certificate in the chain): the API server presented a certificate that the kubeconfig's
    `certificate-authority-data` does not sign. The live source records the failure; this rule turns it
    into the root cause, because nothing else about the cluster can be read until it is fixed.

Why it matters:
    `terraform destroy && apply`, `talosctl reset` or a kind/k3d recreate makes a new cluster CA. The old
    kubeconfig still points at the same address, so every kubectl, Flux CLI or Argo CD CLI call fails with
    TLS errors that look like a broken cluster when the cluster may be fine.

Example:
    `Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by
    unknown authority` right after a rebuild.

Fix:
    Fetch the kubeconfig again from what provisioned the cluster: `talosctl kubeconfig --force -n <cp>`;
    `aws eks update-kubeconfig --name <cluster>`; `gcloud container clusters get-credentials`;
    kubeadm `/etc/kubernetes/admin.conf`; k3s `/etc/rancher/k3s/k3s.yaml`. Never work around it with
    `insecure-skip-tls-verify`.

References:
    https://www.talos.dev/latest/reference/cli/#talosctl-kubeconfig
    https://kubernetes.io/docs/tasks/access-application-cluster/configure-access-multiple-clusters/
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_CONFIG, Rule
from firstdomino.model.ref import ObjectRef

PROBLEM_ID = "client/stale-kubeconfig"


def check(ctx: Context) -> Iterator[Finding]:
    for problem in ctx.snapshot.problems:
        if problem.id != PROBLEM_ID:
            continue
        detail, _, fix = problem.message.partition(" Fix: ")
        subject = ObjectRef("Kubeconfig", "", ctx.snapshot.context or problem.path)
        yield ctx.finding(
            RULE,
            subject,
            f"the kubeconfig does not trust the API server at {problem.path}: {detail}",
            evidence=[Evidence(problem.path, "TLS handshake", detail)],
            fix=fix or RULE.fix,
            self_healing=False,
            confidence=0.95,
        )


RULE = Rule(
    id=PROBLEM_ID,
    title="Kubeconfig CA does not match the cluster",
    severity=Severity.CRITICAL,
    layer=LAYER_CONFIG,
    kinds=(),
    check=check,
    module=__name__,
    fix="Fetch the kubeconfig again (`talosctl kubeconfig --force`, or the provider's equivalent); "
    "verify with `kubectl get --raw /version`.",
    docs=("https://www.talos.dev/latest/reference/cli/#talosctl-kubeconfig",),
)
