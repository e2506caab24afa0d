"""pod/image-pull-failed — images that cannot be pulled (ErrImagePull, ImagePullBackOff).

What it detects:
    Containers waiting with reason ErrImagePull, ImagePullBackOff or InvalidImageName, grouped by
    workload, with the registry's answer from the pull events. A tag or repository that does not
    exist (`not found`, `manifest unknown`) or a refused credential (`unauthorized`, `denied`) never
    heals by itself; network errors may.

Why it matters:
    Nothing that depends on the workload (its Service, a Flux health check, an Argo CD wave) can become
    ready. A pull error is a leaf: it is reported as a root cause unless a deeper cause (DNS or network
    to the registry, a missing pull Secret) explains it.

Example:
    `Failed to pull image "ghcr.io/acme/api:v2.3.0-rc1": ... not found` for 25 minutes: stuck, fix the tag.

Fix:
    Correct the image reference (tag, digest, registry) in the manifest or values, or add the pull
    Secret; verify with `crane manifest IMAGE` or `docker manifest inspect IMAGE`.

References:
    https://kubernetes.io/docs/concepts/containers/images/#imagepullbackoff
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from firstdomino.diagnose.budgets import IMAGE_PULL_BUDGET
from firstdomino.diagnose.common import earliest, not_ready_since, short
from firstdomino.diagnose.context import Context, group_by_workload, pod_requires
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_LEAF, Rule
from firstdomino.model.kinds import Pod
from firstdomino.model.snapshot import ref_of

_REASONS = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull")
_PERMANENT = re.compile(
    r"not found|manifest unknown|unauthorized|denied|invalid reference|InvalidImageName|"
    r"repository does not exist|name unknown",
    re.I,
)


def _pulling(pod: Pod) -> list[tuple[str, str, str]]:
    out = []
    for st in (*pod.status.init_container_statuses, *pod.status.container_statuses):
        w = st.state.waiting
        if w is not None and w.reason in _REASONS:
            out.append((st.name, w.reason, w.message))
    return out


def check(ctx: Context) -> Iterator[Finding]:
    hits = {id(p): _pulling(p) for p in ctx.unhealthy_pods}
    pods = [p for p in ctx.unhealthy_pods if hits[id(p)]]
    for owner, members in group_by_workload(ctx, pods).items():
        evidence: list[Evidence] = []
        messages: list[str] = []
        for pod in members[:3]:
            ref = ref_of(pod, "Pod")
            for name, reason, message in hits[id(pod)]:
                evidence.append(Evidence(str(ref), f"container {name}", f"{reason}: {message}".rstrip(": ")))
                messages.append(message)
            for event in ctx.events(ref):
                if event.reason in ("Failed", "ErrImagePull") and "pull" in event.message.lower():
                    evidence.append(
                        Evidence(
                            f"Event/{event.metadata.namespace}/{event.metadata.name}", "message", short(event.message)
                        )
                    )
                    messages.append(event.message)
        permanent = any(_PERMANENT.search(m) for m in messages)
        failing = {name for name, _, _ in hits[id(members[0])]}
        detail = members[0].detail
        containers = [*detail.init_containers, *detail.containers] if detail is not None else []
        image = next((c.image for c in containers if c.name in failing and c.image), "")
        signals = ctx.signals(("", "", m) for m in messages)
        requires = [r for pod in members[:3] for r in pod_requires(ctx, pod, signals)]
        since = earliest(*(not_ready_since(p) for p in members))
        verdict = (
            "the registry says the image does not exist or refuses access" if permanent else "the pull keeps failing"
        )
        yield ctx.finding(
            RULE,
            owner,
            f"{len(members)} pod(s) of {owner} cannot pull {image or 'their image'}: {verdict}",
            evidence=evidence[:8],
            requires=requires,
            affected=[ref_of(p, "Pod") for p in members],
            since=since,
            budget=IMAGE_PULL_BUDGET,
            self_healing=False if permanent else None,
        )


RULE = Rule(
    id="pod/image-pull-failed",
    title="Image cannot be pulled",
    severity=Severity.HIGH,
    layer=LAYER_LEAF,
    kinds=("Pod", "Event"),
    check=check,
    module=__name__,
    fix="Correct the image reference (tag, digest, registry) or add the image pull Secret; verify with "
    "`crane manifest IMAGE`.",
    docs=("https://kubernetes.io/docs/concepts/containers/images/#imagepullbackoff",),
)
