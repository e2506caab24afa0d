"""The API resources a live collection reads: kind -> group, resource name (plural), scope.

Discovery on the cluster decides the version and whether a resource is served at all; this table only
names what to look for, and is the single source of `deploy/rbac.yaml` (a test keeps the two equal).
"""

from __future__ import annotations

from dataclasses import dataclass

from firstdomino.model.kinds import CLUSTER_SCOPED


@dataclass(frozen=True, order=True)
class Resource:
    group: str
    kind: str
    plural: str

    @property
    def namespaced(self) -> bool:
        return self.kind not in CLUSTER_SCOPED

    @property
    def builtin(self) -> bool:
        """Served by every API server (not a CRD): a 404 on it is odd, not "not installed"."""
        return self.group in BUILTIN_GROUPS

    @property
    def label(self) -> str:
        """`pods`, `deployments.apps`: how kubectl and RBAC spell it."""
        return f"{self.plural}.{self.group}" if self.group else self.plural


BUILTIN_GROUPS = frozenset(
    {"", "apps", "discovery.k8s.io", "events.k8s.io", "coordination.k8s.io", "networking.k8s.io"}
    | {"admissionregistration.k8s.io", "apiregistration.k8s.io"}
)

#: Everything the diagnosis can read, in listing order (big kinds first, so they start early).
RESOURCES: tuple[Resource, ...] = (
    Resource("", "Pod", "pods"),
    Resource("", "Event", "events"),
    Resource("discovery.k8s.io", "EndpointSlice", "endpointslices"),
    Resource("apps", "ReplicaSet", "replicasets"),
    Resource("", "Service", "services"),
    Resource("", "ConfigMap", "configmaps"),
    Resource("", "Secret", "secrets"),
    Resource("", "Node", "nodes"),
    Resource("", "Namespace", "namespaces"),
    Resource("apps", "Deployment", "deployments"),
    Resource("apps", "DaemonSet", "daemonsets"),
    Resource("apps", "StatefulSet", "statefulsets"),
    Resource("coordination.k8s.io", "Lease", "leases"),
    Resource("networking.k8s.io", "NetworkPolicy", "networkpolicies"),
    Resource("admissionregistration.k8s.io", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations"),
    Resource("admissionregistration.k8s.io", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations"),
    Resource("apiregistration.k8s.io", "APIService", "apiservices"),
    Resource("cilium.io", "CiliumNetworkPolicy", "ciliumnetworkpolicies"),
    Resource("cilium.io", "CiliumClusterwideNetworkPolicy", "ciliumclusterwidenetworkpolicies"),
    Resource("cert-manager.io", "Certificate", "certificates"),
    Resource("cert-manager.io", "CertificateRequest", "certificaterequests"),
    Resource("cert-manager.io", "Issuer", "issuers"),
    Resource("cert-manager.io", "ClusterIssuer", "clusterissuers"),
    Resource("kustomize.toolkit.fluxcd.io", "Kustomization", "kustomizations"),
    Resource("helm.toolkit.fluxcd.io", "HelmRelease", "helmreleases"),
    Resource("source.toolkit.fluxcd.io", "GitRepository", "gitrepositories"),
    Resource("source.toolkit.fluxcd.io", "OCIRepository", "ocirepositories"),
    Resource("source.toolkit.fluxcd.io", "HelmRepository", "helmrepositories"),
    Resource("source.toolkit.fluxcd.io", "HelmChart", "helmcharts"),
    Resource("source.toolkit.fluxcd.io", "Bucket", "buckets"),
    Resource("argoproj.io", "Application", "applications"),
    Resource("argoproj.io", "ApplicationSet", "applicationsets"),
)

#: Kinds the graph reads whatever rules are enabled (owners, namespaces, API services, requests).
ALWAYS = frozenset({"Namespace", "ReplicaSet", "APIService", "CertificateRequest", "ApplicationSet"})

#: Pod logs: read for unhealthy pods and platform components (`pods/log`, get).
POD_LOG = Resource("", "Pod", "pods/log")


def resources_for(kinds: frozenset[str] | set[str]) -> tuple[Resource, ...]:
    """The resources to list for the kinds the enabled rules need (plus `ALWAYS`), in listing order."""
    wanted = set(kinds) | ALWAYS
    return tuple(r for r in RESOURCES if r.kind in wanted)


def rbac_rules() -> list[dict[str, list[str]]]:
    """The ClusterRole rules a live read needs: get/list/watch on every resource read, `get` on
    `pods/log`, and only `list`/`watch` on Secrets (read as metadata; never `get`)."""
    by_group: dict[str, list[str]] = {}
    for resource in RESOURCES:
        if resource.kind != "Secret":
            by_group.setdefault(resource.group, []).append(resource.plural)
    rules = [
        {"apiGroups": [group], "resources": sorted(plurals), "verbs": ["get", "list", "watch"]}
        for group, plurals in sorted(by_group.items())
    ]
    rules.append({"apiGroups": [""], "resources": ["secrets"], "verbs": ["list", "watch"]})
    rules.append({"apiGroups": [""], "resources": [POD_LOG.plural], "verbs": ["get"]})
    return rules
