"""gitops/dual-ownership — one Helm release or object written by two managers.

What it detects:
    Objects installed by a Flux HelmRelease (labels `helm.toolkit.fluxcd.io/name`) that carry managedFields
    of both the Helm CLI (`helm`, i.e. helmfile or a bootstrap script) and `helm-controller`; Helm release
    storage (Secrets `sh.helm.release.v1.<release>.v<N>`, metadata only) holding the same chart under two
    release names or storage namespaces (helmfile's `cilium` in kube-system vs Flux's `kube-system-cilium`
    in flux-system); Argo CD tracking annotations next to Helm ownership. Reported on the HelmRelease.

Why it matters:
    Each writer upgrades the release back to its own values: helm-controller treats a revision it did not
    make as unmanaged and upgrades it (and since Flux 2.4 takes ownership of conflicting objects), every
    flip rewrites cilium-config and rolls the agents, the upgrade times out (`context deadline exceeded`,
    default timeout 5m) and everything depending on the CNI falls over.

Example:
    DaemonSet kube-system/cilium managed by `helm` and `helm-controller`; HelmRelease flux-system/cilium
    `UpgradeFailed: context deadline exceeded`; Helm storage has releases `cilium` and `kube-system-cilium`.

Fix:
    Give the release one owner: keep helmfile for the bootstrap only and let Flux adopt it with the same
    `releaseName`, `targetNamespace` and `storageNamespace` and identical values, or remove the HelmRelease
    (keep day-2 objects in Flux). Consider `upgrade.disableTakeOwnership: true` so a second owner fails loudly.

References:
    https://fluxcd.io/flux/components/helm/helmreleases/
    https://github.com/fluxcd/helm-controller/issues/1251
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from firstdomino.diagnose.common import created, short
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_CONFIG, Rule
from firstdomino.model.kinds import HelmRelease
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of
from firstdomino.model.timeutil import parse_time

_HELM_CLI = "helm"
_FLUX = "helm-controller"


def _release_name(hr: HelmRelease) -> str:
    if hr.spec.release_name:
        return hr.spec.release_name
    target = hr.spec.target_namespace
    return f"{target}-{hr.metadata.name}" if target and target != hr.metadata.namespace else hr.metadata.name


def check(ctx: Context) -> Iterator[Finding]:
    storage: dict[str, set[tuple[str, str]]] = defaultdict(set)  # chart-ish key -> {(release, namespace)}
    for secret in ctx.snapshot.of("Secret"):
        labels = secret.metadata.labels
        if labels.get("owner") == "helm" and labels.get("name"):
            storage[labels["name"]].add((labels["name"], secret.metadata.namespace))
    for hr in ctx.snapshot.of("HelmRelease"):
        if not isinstance(hr, HelmRelease):
            continue
        ref = ref_of(hr, "HelmRelease")
        release = _release_name(hr)
        store_ns = hr.spec.storage_namespace or hr.status.storage_namespace or hr.metadata.namespace
        evidence: list[Evidence] = []
        victims: list[ObjectRef] = []
        for obj_ref in ctx.graph.dependents(ref, "helm-release"):
            obj = ctx.snapshot.get(obj_ref)
            if obj is None:
                continue
            managers = {m.manager for m in getattr(obj.metadata, "managed_fields", ())}
            if _HELM_CLI in managers and _FLUX in managers:
                times = {m.manager: m.time for m in getattr(obj.metadata, "managed_fields", ())}
                evidence.append(
                    Evidence(
                        str(obj_ref),
                        "metadata.managedFields",
                        f"written by `helm` (Helm CLI/helmfile, {times.get(_HELM_CLI)}) and "
                        f"`helm-controller` (Flux, {times.get(_FLUX)})",
                    )
                )
                victims.append(obj_ref)
        chart = hr.spec.chart.spec.chart if hr.spec.chart is not None else hr.metadata.name
        others = sorted(
            (name, ns)
            for key in {release, hr.metadata.name, chart}
            for name, ns in storage.get(key, ())
            if (name, ns) != (release, store_ns)
            # a second owner writes into the same namespace; a same-named release elsewhere is another app
            and ns in {hr.spec.target_namespace or hr.metadata.namespace, store_ns}
        )
        if others and (release, store_ns) in storage.get(release, set()) | {(release, store_ns)}:
            for name, ns in others:
                evidence.append(
                    Evidence(
                        f"Secret/{ns}/sh.helm.release.v1.{name}",
                        "metadata.labels",
                        f"Helm release `{name}` stored in {ns}; this HelmRelease manages release "
                        f"`{release}` stored in {store_ns}",
                    )
                )
        if not evidence:
            continue
        ready = next((c for c in hr.status.conditions if c.type == "Ready"), None)
        if ready is not None and ready.status != "True":
            evidence.append(Evidence(str(ref), "status.conditions[Ready]", short(f"{ready.reason}: {ready.message}")))
        stamps = [
            stamp
            for v in victims
            if (o := ctx.snapshot.get(v)) is not None
            for m in getattr(o.metadata, "managed_fields", ())
            if m.manager == _FLUX and (stamp := parse_time(m.time)) is not None
        ]
        first = min(stamps, default=None)
        yield ctx.finding(
            RULE,
            ref,
            f"HelmRelease {ref.namespace}/{ref.name} and another Helm client (helmfile/helm) both own release "
            f"`{release}`: each upgrade undoes the other",
            evidence=evidence,
            explains_refs=victims,
            since=first or created(hr),
            self_healing=False,
            confidence=0.9 if victims else 0.7,
        )


RULE = Rule(
    id="gitops/dual-ownership",
    title="Release managed by two controllers",
    severity=Severity.CRITICAL,
    layer=LAYER_CONFIG,
    kinds=("HelmRelease", "Secret", "DaemonSet", "Deployment"),
    check=check,
    module=__name__,
    fix="Give the release one owner: bootstrap with helmfile only, then let Flux adopt it with the same releaseName, "
    "targetNamespace, storageNamespace and identical values (or delete the HelmRelease and keep day-2 objects in "
    "Flux). Set `upgrade.disableTakeOwnership: true` so a second owner fails loudly. Verify: `kubectl get secret "
    "-A -l owner=helm,name=RELEASE` shows one release; `flux get hr -A`.",
    docs=(
        "https://fluxcd.io/flux/components/helm/helmreleases/",
        "https://github.com/fluxcd/helm-controller/issues/1251",
    ),
)
