"""Two support-bundle layouts the snapshot reader recognises (layer: sources, imported by `load.py`).

**troubleshoot.sh support bundles** (`support-bundle-*/`, file names from troubleshoot's
`pkg/constants/constants.go` and `pkg/collect/cluster_resources.go`): `cluster-resources/<kind>.json`
for cluster-scoped kinds, `cluster-resources/<kind>/<namespace>.json` for namespaced ones,
`cluster-resources/custom-resources/<plural>.<group>[/<namespace>].json|yaml`, pod logs under
`cluster-resources/pods/logs/<namespace>/<pod>/<container>[-previous].log`, `<kind>-errors.json` beside
what failed. Everything else (RBAC lists, `auth-cani-list`, `resources.json`, `all-logs/`, which only
links to the pod logs, analysers' output, Secret and image-pull-secret collectors) is not read.

**cilium sysdumps** (`cilium-sysdump-<ts>/`, file names from cilium-cli's `sysdump/constants.go`): flat
`<name>-<ts>.yaml` files, `logs-<pod>-<container>-<ts>[-prev].log`, and
`hubble-flows-<agent pod>-<ts>.json` (one `hubble observe -o jsonpb` flow per line), whose flows dropped
by policy become the snapshot's `policy_drops`.

Both follow "absence is not evidence": a kind counts as collected only when the bundle's collector wrote
its whole list; a kind held in part (a sysdump's Cilium DaemonSet, a troubleshoot list that failed in
some namespaces) keeps its objects but is never counted as collected, and every kind the model reads that
the bundle lacks goes to `notChecked`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import msgspec

from firstdomino.model.decode import looks_binary, parse_yaml_documents
from firstdomino.model.kinds import CLUSTER_SCOPED, VIEWS, Object, Pod
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import SnapshotBuilder

_OBJECT_SUFFIXES = (".json", ".yaml", ".yml")
#: At most this many names are listed in a "not read" note; the rest are counted.
_MAX_LISTED = 25
#: The hint note says where a kindless item's kind came from.
_FROM_PLACE = "its place in the bundle"


class FileReader(Protocol):
    """What this module needs from the snapshot reader (`load.py` implements it)."""

    builder: SnapshotBuilder

    def rel(self, path: Path) -> str:
        """The path as input problems and notes show it."""
        ...

    def objects(self, path: Path, hint: str, hint_from: str) -> None:
        """Read one YAML or JSON file of objects; `hint` is the kind of items that carry none."""
        ...

    def log_tail(self, path: Path) -> str | None:
        """The tail of a log file, or None when it could not be read (the problem is recorded)."""
        ...


# --------------------------------------------------------------------------- kinds of interest
#: API groups built into Kubernetes: objects of other groups come from CRDs.
_BUILTIN_GROUPS = frozenset({"", "apps", "batch", "policy"})


def _is_builtin(group: str) -> bool:
    return group in _BUILTIN_GROUPS or group.endswith(".k8s.io")


def _plural(kind: str) -> str:
    low = kind.lower()
    if low.endswith("y") and not low.endswith(("ay", "ey", "oy")):
        return low[:-1] + "ies"
    return low + ("es" if low.endswith(("s", "ch", "x")) else "s")


#: `<plural>.<group>` (a CRD's name) -> kind, for the custom resources the model has a view for.
CUSTOM_RESOURCES: dict[str, str] = {f"{_plural(kind)}.{group}": kind for group, kind in VIEWS if not _is_builtin(group)}
#: Every kind the model reads (the kinds a bundle is checked against for `notChecked`).
_INTERESTING = sorted({kind for _, kind in VIEWS} - {"Namespace", "ApplicationSet"})


# --------------------------------------------------------------------------- troubleshoot.sh
#: troubleshoot's cluster-scoped files (`cluster-resources/<name>.json`) holding kinds the model reads.
TROUBLESHOOT_CLUSTER_FILES: dict[str, str] = {
    "nodes": "Node",
    "namespaces": "Namespace",
    "validating-webhook-configurations": "ValidatingWebhookConfiguration",
    "mutating-webhook-configurations": "MutatingWebhookConfiguration",
}
#: troubleshoot's per-namespace folders (`cluster-resources/<name>/<namespace>.json`) holding kinds the model
#: or the graph reads (Jobs and CronJobs own pods; the owner index reads them).
TROUBLESHOOT_NAMESPACED_DIRS: dict[str, str] = {
    "pods": "Pod",
    "services": "Service",
    "endpoints": "Endpoints",
    "endpointslices": "EndpointSlice",
    "events": "Event",
    "configmaps": "ConfigMap",
    "deployments": "Deployment",
    "replicasets": "ReplicaSet",
    "statefulsets": "StatefulSet",
    "daemonsets": "DaemonSet",
    "jobs": "Job",
    "cronjobs": "CronJob",
    "leases": "Lease",
    "network-policy": "NetworkPolicy",
}
_SINGLE_NAMESPACE = re.compile(rb'\A\s*\{\s*"kind"\s*:\s*"Namespace"')


def is_troubleshoot_bundle(base: Path) -> bool:
    return (base / "cluster-resources").is_dir()


@dataclass
class _Coverage:
    """What a troubleshoot bundle says about how completely it collected each kind."""

    declared: set[str]
    partial: dict[str, str]  # kind -> why
    namespaces_by_kind: dict[str, set[str]]


def load_troubleshoot(base: Path, reader: FileReader) -> None:
    """Read a troubleshoot.sh support bundle rooted at `base` (the folder holding `cluster-resources/`)."""
    builder = reader.builder
    resources = base / "cluster-resources"
    builder.note(f"{reader.rel(base)}: troubleshoot.sh support bundle{_troubleshoot_version(base, reader)}")
    skipped: list[str] = [f"{e.name}/" if e.is_dir() else e.name for e in _entries(base) if not _read_at_top(e)]
    coverage = _Coverage(set(), {}, {})
    errors: dict[str, Path] = {}
    crd_file: Path | None = None
    for entry in _entries(resources):
        name = entry.name
        if _skip_link(entry, base, reader):
            continue
        if entry.is_dir():
            kind = TROUBLESHOOT_NAMESPACED_DIRS.get(name)
            if kind:
                _read_namespaced(entry, kind, reader, coverage, skipped)
            elif name == "custom-resources":
                _read_custom_resources(entry, base, reader, coverage, skipped)
            else:
                skipped.append(f"cluster-resources/{name}/")
            continue
        if name.endswith("-errors.json"):
            errors[name[: -len("-errors.json")]] = entry
            continue
        stem, suffix = _split(name)
        kind = TROUBLESHOOT_CLUSTER_FILES.get(stem) if suffix else None
        if kind:
            reader.objects(entry, kind, _FROM_PLACE)
            coverage.declared.add(kind)
        elif stem == "custom-resource-definitions" and suffix:
            crd_file = entry
        else:
            skipped.append(f"cluster-resources/{name}")
    _read_errors(errors, reader, coverage)
    _custom_resource_coverage(crd_file, reader, coverage)
    _namespace_coverage(resources, reader, coverage)
    logs = resources / "pods" / "logs"
    if logs.is_dir() and not logs.is_symlink():
        _read_pod_logs(logs, base, reader)
    _declare(builder, coverage.declared, coverage.partial, "not in this troubleshoot.sh support bundle")
    _note_skipped(builder, reader.rel(base), sorted(set(skipped)), "not read (no objects the diagnosis uses)")


def _read_at_top(entry: Path) -> bool:
    return entry.name in ("cluster-resources", "version.yaml", "cluster-info")


def _troubleshoot_version(base: Path, reader: FileReader) -> str:
    """`, troubleshoot vX, Kubernetes vY` from version.yaml and cluster-info/cluster_version.json (no time:
    a bundle records none, and capturedAt is never taken from either file)."""
    parts: list[str] = []
    version = base / "version.yaml"
    if version.is_file() and not version.is_symlink():
        data = _small(version, reader)
        documents, problems = parse_yaml_documents(data) if data is not None else ([], [])
        for line, message in problems:
            reader.builder.problem(reader.rel(version), line, message)
        for document in documents:
            spec = document.get("spec") if isinstance(document, dict) else None
            number = spec.get("versionNumber") if isinstance(spec, dict) else None
            if isinstance(number, str) and number:
                parts.append(f"troubleshoot {number}")
    cluster = base / "cluster-info" / "cluster_version.json"
    if cluster.is_file() and not cluster.is_symlink():
        data = _small(cluster, reader)
        try:
            info = json.loads(data) if data is not None else None
        except ValueError as error:
            reader.builder.problem(reader.rel(cluster), getattr(error, "lineno", None), f"invalid JSON: {error}")
            info = None
        git = None
        if isinstance(info, dict):
            details = info.get("info")
            git = info.get("string") or (details.get("gitVersion") if isinstance(details, dict) else None)
        if isinstance(git, str) and git:
            parts.append(f"Kubernetes server {git}")
    return f" ({', '.join(parts)})" if parts else ""


def _read_namespaced(folder: Path, kind: str, reader: FileReader, coverage: _Coverage, skipped: list[str]) -> None:
    coverage.declared.add(kind)
    seen = coverage.namespaces_by_kind.setdefault(kind, set())
    json_stems = {e.name[: -len(".json")] for e in _entries(folder) if e.name.endswith(".json")}
    for entry in _entries(folder):
        if _skip_link(entry, folder, reader):
            continue
        if entry.is_dir():
            if not (kind == "Pod" and entry.name == "logs"):
                skipped.append(f"cluster-resources/{folder.name}/{entry.name}/")
            continue
        stem, suffix = _split(entry.name)
        if not suffix:
            skipped.append(f"cluster-resources/{folder.name}/{entry.name}")
            continue
        seen.add(stem)
        if suffix != ".json" and stem in json_stems:
            continue  # troubleshoot keeps a YAML twin (a link) of some JSON files
        reader.objects(entry, kind, _FROM_PLACE)


def _read_custom_resources(
    folder: Path, base: Path, reader: FileReader, coverage: _Coverage, skipped: list[str]
) -> None:
    """`<plural>.<group>/<namespace>.json|yaml` (namespaced) and `<plural>.<group>.json|yaml` (cluster-scoped);
    bare JSON arrays or the older YAML list form. Kinds the model has no view for are not read."""
    for entry in _entries(folder):
        if _skip_link(entry, base, reader):
            continue
        if entry.is_file():
            if entry.name == "custom-resources-errors.json":
                _custom_resource_errors(entry, reader, coverage)
                continue
            stem, suffix = _split(entry.name)
            kind = CUSTOM_RESOURCES.get(stem) if suffix else None
            if not kind:
                skipped.append(f"cluster-resources/custom-resources/{entry.name}")
            elif suffix == ".json" or not (folder / f"{stem}.json").is_file():
                reader.objects(entry, kind, _FROM_PLACE)
                coverage.declared.add(kind)
            continue
        kind = CUSTOM_RESOURCES.get(entry.name)
        if not kind:
            skipped.append(f"cluster-resources/custom-resources/{entry.name}/")
            continue
        coverage.declared.add(kind)
        files = [e for e in _entries(entry) if e.is_file() and not _skip_link(e, base, reader)]
        stems = {e.name[: -len(".json")] for e in files if e.name.endswith(".json")}
        for file in files:
            stem, suffix = _split(file.name)
            if suffix and (suffix == ".json" or stem not in stems):
                reader.objects(file, kind, _FROM_PLACE)


def _custom_resource_errors(path: Path, reader: FileReader, coverage: _Coverage) -> None:
    """custom-resources-errors.json: {"<plural>.<group>[/<namespace>]": "why", "crdList": "why"}."""
    errors = _errors_of(path, reader)
    for key, why in errors.items():
        if key == "crdList":
            for cr_kind in CUSTOM_RESOURCES.values():
                coverage.partial.setdefault(cr_kind, f"troubleshoot could not list CRDs: {why}")
            continue
        found = CUSTOM_RESOURCES.get(key.split("/", 1)[0])
        if found:
            coverage.partial.setdefault(found, f"troubleshoot could not list it ({key}): {why}")


def _read_errors(errors: dict[str, Path], reader: FileReader, coverage: _Coverage) -> None:
    """`<name>-errors.json` files: a kind troubleshoot failed to list somewhere is held only in part."""
    for name, path in sorted(errors.items()):
        kind = TROUBLESHOOT_NAMESPACED_DIRS.get(name) or TROUBLESHOOT_CLUSTER_FILES.get(name)
        if name == "custom-resource-definitions":
            found = _errors_of(path, reader)
            if found:
                for cr_kind in CUSTOM_RESOURCES.values():
                    coverage.partial.setdefault(cr_kind, f"troubleshoot could not list CRDs: {_first(found)}")
            continue
        if not kind:
            continue
        found = _errors_of(path, reader)
        if found:
            coverage.partial.setdefault(kind, f"troubleshoot could not list all of it: {_first(found)}")


def _errors_of(path: Path, reader: FileReader) -> dict[str, str]:
    """An errors file as {where: why}; an unreadable one counts as one error."""
    data = _small(path, reader)
    if data is None:
        return {"?": "errors file unreadable"}
    if not data.strip():
        return {}
    try:
        value = json.loads(data)
    except ValueError as error:
        reader.builder.problem(reader.rel(path), getattr(error, "lineno", None), f"invalid JSON: {error}")
        return {"?": "errors file unreadable"}
    if isinstance(value, dict):
        return {str(k): _text(v) for k, v in value.items() if v}
    if isinstance(value, list):
        return {str(i): _text(v) for i, v in enumerate(value) if v}
    return {}


def _text(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 160 else text[:157] + "..."


def _first(errors: dict[str, str]) -> str:
    key, why = sorted(errors.items())[0]
    return why if key.isdigit() or key == "?" else f"{key}: {why}"


def _namespace_coverage(resources: Path, reader: FileReader, coverage: _Coverage) -> None:
    """A namespaced kind counts as complete only for a bundle of every namespace, and only when it has a
    file for each namespace of `namespaces.json` (troubleshoot drops namespaces it may not read)."""
    path = resources / "namespaces.json"
    if not path.is_file() or path.is_symlink():
        return
    head = _head(path)
    namespaced = set(TROUBLESHOOT_NAMESPACED_DIRS.values()) | {
        kind for kind in CUSTOM_RESOURCES.values() if kind not in CLUSTER_SCOPED
    }
    if head.lstrip()[:1] == b"[" or _SINGLE_NAMESPACE.match(head):
        for kind in sorted(namespaced & coverage.declared):
            coverage.partial.setdefault(kind, "the bundle was collected for selected namespaces only")
        return
    names = {obj.metadata.name for obj in reader.builder.objects_of("Namespace")}
    if not names:
        return
    for kind, seen in sorted(coverage.namespaces_by_kind.items()):
        missing = sorted(names - seen)
        if missing:
            listed = ", ".join(missing[:5]) + (f" (+{len(missing) - 5} more)" if len(missing) > 5 else "")
            coverage.partial.setdefault(
                kind, f"collected in {len(names) - len(missing)} of {len(names)} namespaces (missing: {listed})"
            )


class _CRDNames(msgspec.Struct):
    kind: str = ""
    plural: str = ""


class _CRDSpec(msgspec.Struct):
    group: str = ""
    names: _CRDNames = msgspec.field(default_factory=_CRDNames)


class _CRDMeta(msgspec.Struct):
    name: str = ""


class _CRD(msgspec.Struct):
    metadata: _CRDMeta = msgspec.field(default_factory=_CRDMeta)
    spec: _CRDSpec = msgspec.field(default_factory=_CRDSpec)


class _CRDList(msgspec.Struct):
    items: list[_CRD] = msgspec.field(default_factory=list)


_CRD_LIST = msgspec.json.Decoder(_CRDList | list[_CRD])


def _custom_resource_coverage(crd_file: Path | None, reader: FileReader, coverage: _Coverage) -> None:
    """troubleshoot writes no file for a CRD without objects: a CRD listed in custom-resource-definitions.json
    with no file means "collected, none exist"; a kind without a CRD is not installed (not checked)."""
    if crd_file is None:
        return
    data = _small(crd_file, reader, limit=512 * 1024 * 1024)
    if data is None:
        return
    try:
        decoded = _CRD_LIST.decode(data)
    except (msgspec.DecodeError, RecursionError) as error:
        reader.builder.problem(reader.rel(crd_file), None, f"CustomResourceDefinitions unreadable: {error}")
        return
    crds = decoded if isinstance(decoded, list) else decoded.items
    installed: set[str] = set()
    for crd in crds:
        kind = CUSTOM_RESOURCES.get(crd.metadata.name or f"{crd.spec.names.plural}.{crd.spec.group}")
        if kind:
            installed.add(kind)
    for kind in sorted(set(CUSTOM_RESOURCES.values())):
        if kind in installed:
            coverage.declared.add(kind)
        elif kind not in coverage.declared and kind in _INTERESTING:
            coverage.partial.setdefault(kind, "no CustomResourceDefinition for it in the bundle (not installed)")


def _read_pod_logs(logs: Path, base: Path, reader: FileReader) -> None:
    """`pods/logs/<namespace>/<pod>/<container>.log` and `<container>-previous.log`. A container whose own
    name ends in `-previous` is told apart by the pod's container names when the pod is known."""
    builder = reader.builder
    errors = 0
    for namespace in _entries(logs):
        if _skip_link(namespace, base, reader) or not namespace.is_dir():
            builder.problem(reader.rel(namespace), None, "not a log folder (want pods/logs/<namespace>/<pod>/)")
            continue
        for pod in _entries(namespace):
            if _skip_link(pod, base, reader) or not pod.is_dir():
                builder.problem(reader.rel(pod), None, "not a log folder (want pods/logs/<namespace>/<pod>/)")
                continue
            containers = _container_names(builder.get(ObjectRef("Pod", namespace.name, pod.name)))
            for file in _entries(pod):
                if _skip_link(file, base, reader):
                    continue
                if not file.is_file() or not file.name.endswith(".log"):
                    builder.problem(reader.rel(file), None, "not a log file (want <container>[-previous].log)")
                    continue
                name = file.name[: -len(".log")]
                if name.endswith("-logs-errors"):
                    errors += 1  # troubleshoot's note that a log could not be fetched
                    continue
                container, previous = _log_name(name, containers)
                text = reader.log_tail(file)
                if text is not None:
                    builder.add_log(namespace.name, pod.name, container, previous, text)
    if errors:
        builder.note(f"{reader.rel(logs)}: {errors} container log(s) troubleshoot could not fetch (*-logs-errors.log)")


def _log_name(name: str, containers: frozenset[str]) -> tuple[str, bool]:
    """(container, previous) for troubleshoot's `<container>[-previous]` log name."""
    if not name.endswith("-previous"):
        return name, False
    base = name[: -len("-previous")]
    if name in containers and base not in containers:
        return name, False  # the current log of a container named `...-previous`
    return base, True


def _container_names(obj: Object | None) -> frozenset[str]:
    if not isinstance(obj, Pod):
        return frozenset()
    names = {s.name for s in obj.status.container_statuses} | {s.name for s in obj.status.init_container_statuses}
    if obj.detail is not None:
        names |= {c.name for c in obj.detail.containers} | {c.name for c in obj.detail.init_containers}
    return frozenset(names)


# --------------------------------------------------------------------------- cilium sysdump
#: cilium-cli's sysdump file names without `-<ts>.yaml` -> (kind, whether the file holds the cluster's
#: whole list). The others hold selected objects (Cilium's own DaemonSet, its ConfigMap, ...).
SYSDUMP_FILES: dict[str, tuple[str, bool]] = {
    "k8s-nodes": ("Node", True),
    "k8s-namespaces": ("Namespace", True),
    "k8s-pods": ("Pod", True),
    "k8s-services": ("Service", True),
    "k8s-endpoints": ("Endpoints", True),
    "k8s-events": ("Event", True),
    "k8s-leases": ("Lease", True),
    "k8s-networkpolicies": ("NetworkPolicy", True),
    "ciliumnetworkpolicies": ("CiliumNetworkPolicy", True),
    "ciliumclusterwidenetworkpolicies": ("CiliumClusterwideNetworkPolicy", True),
    "cilium-configmap": ("ConfigMap", False),
    "cni-configmap": ("ConfigMap", False),
    "cilium-envoy-configmap": ("ConfigMap", False),
    "hubble-relay-configmap": ("ConfigMap", False),
    "cilium-spire-agent-configmap": ("ConfigMap", False),
    "cilium-spire-server-configmap": ("ConfigMap", False),
    "cilium-daemonset": ("DaemonSet", False),
    "cilium-envoy-daemonset": ("DaemonSet", False),
    "cilium-node-init-daemonset": ("DaemonSet", False),
    "cilium-spire-agent-daemonset": ("DaemonSet", False),
    "hubble-daemonset": ("DaemonSet", False),
    "aws-node-daemonset": ("DaemonSet", False),
    "cilium-operator-deployment": ("Deployment", False),
    "clustermesh-apiserver-deployment": ("Deployment", False),
    "hubble-relay-deployment": ("Deployment", False),
    "hubble-ui-deployment": ("Deployment", False),
    "cilium-spire-server-statefulset": ("StatefulSet", False),
    "cilium-etcd-secrets-secret": ("Secret", False),
    "hubble-certificates": ("Certificate", False),
}
#: cilium-cli's `<ts>`: Go's `20060102-150405`, in the collecting machine's local time (zone unknown).
_TS = r"(?P<ts>\d{8}-\d{6})"
_SYSDUMP_OBJECTS = re.compile(rf"^(?P<base>[a-z0-9-]+)-{_TS}\.ya?ml$")
_SYSDUMP_LOG = re.compile(rf"^logs-(?P<name>.+)-{_TS}(?P<prev>-prev)?\.log$")
_SYSDUMP_FLOWS = re.compile(rf"^hubble-flows-(?P<pod>.+)-{_TS}\.json$")
_SYSDUMP_VERSION = re.compile(rf"^k8s-version-{_TS}\.txt$")
_SYSDUMP_MARK = re.compile(rf"^k8s-(?:nodes|pods)-{_TS}\.yaml$")
#: Kubernetes' random name suffixes (`cilium-x7k2p`): 5 characters of an alphabet without vowels.
_POD_SUFFIX = re.compile(r"^(?P<pod>.+?-[bcdfghjklmnpqrstvwxz2456789]{5})-(?P<container>[a-z0-9].*)$")
#: Where Cilium runs when the sysdump does not say otherwise (cilium-cli's default).
CILIUM_NAMESPACE = "kube-system"


def is_sysdump(base: Path) -> bool:
    if (base / "cilium-sysdump.log").is_file():
        return True
    return any(_SYSDUMP_MARK.match(entry.name) for entry in _entries(base))


def load_sysdump(base: Path, reader: FileReader) -> None:
    """Read a cilium sysdump folder: its Kubernetes lists, container logs and Hubble flows."""
    builder = reader.builder
    declared: set[str] = set()
    partial: dict[str, str] = {}
    logs: list[tuple[Path, str, bool]] = []
    flows: list[Path] = []
    skipped: list[str] = []
    stamps: set[str] = set()
    for entry in _entries(base):
        if _skip_link(entry, base, reader):
            continue
        if entry.is_dir():
            skipped.append(re.sub(r"\d{8}-\d{6}", "<ts>", entry.name) + "/")
            continue
        name = entry.name
        objects, log, flow = _SYSDUMP_OBJECTS.match(name), _SYSDUMP_LOG.match(name), _SYSDUMP_FLOWS.match(name)
        if objects and objects["base"] in SYSDUMP_FILES:
            kind, whole = SYSDUMP_FILES[objects["base"]]
            stamps.add(objects["ts"])
            reader.objects(entry, kind, "its sysdump file name")
            if whole:
                declared.add(kind)
            else:
                partial.setdefault(kind, f"a cilium sysdump holds only Cilium's own {kind} objects, not the list")
        elif log:
            stamps.add(log["ts"])
            logs.append((entry, log["name"], bool(log["prev"])))
        elif flow:
            stamps.add(flow["ts"])
            flows.append(entry)
        elif _SYSDUMP_VERSION.match(name):
            _sysdump_version(entry, reader)
        else:
            skipped.append(re.sub(r"\d{8}-\d{6}", "<ts>", name))
    when = f" taken {_format_ts(min(stamps))} (the collector's local time; not used as capturedAt)" if stamps else ""
    builder.note(f"{reader.rel(base)}: cilium sysdump{when}")
    _read_sysdump_logs(logs, reader)
    _read_flows(flows, reader)
    _declare(builder, declared, partial, "not in a cilium sysdump")
    _note_skipped(builder, reader.rel(base), sorted(set(skipped)), "not read")


def _format_ts(ts: str) -> str:
    return f"{ts[0:4]}-{ts[4:6]}-{ts[6:8]} {ts[9:11]}:{ts[11:13]}:{ts[13:15]}"


def _sysdump_version(path: Path, reader: FileReader) -> None:
    data = _small(path, reader, limit=64 * 1024)
    if data is None or looks_binary(data):
        return
    text = data.decode("utf-8", errors="replace").strip().splitlines()
    if text:
        reader.builder.note(f"{reader.rel(path)}: Kubernetes server {text[0][:200]}")


def _read_sysdump_logs(logs: list[tuple[Path, str, bool]], reader: FileReader) -> None:
    """`logs-<pod>-<container>-<ts>[-prev].log`: split at a known pod name (the pods list gives its
    namespace), else at Kubernetes' random name suffix, in Cilium's namespace."""
    builder = reader.builder
    pods: dict[str, list[Pod]] = {}
    for obj in builder.objects_of("Pod"):
        if isinstance(obj, Pod):
            pods.setdefault(obj.metadata.name, []).append(obj)
    cilium_ns = next(
        (o.metadata.namespace for o in builder.objects_of("ConfigMap") if o.metadata.name == "cilium-config"),
        CILIUM_NAMESPACE,
    )
    unmatched: list[str] = []
    for path, name, previous in logs:
        found = _split_log_name(name, pods)
        if found is None:
            unmatched.append(path.name)
            continue
        pod, container = found
        namespaces = sorted({p.metadata.namespace for p in pods.get(pod, ())})
        namespace = cilium_ns if not namespaces or cilium_ns in namespaces else namespaces[0]
        text = reader.log_tail(path)
        if text is not None:
            builder.add_log(namespace, pod, container, previous, text)
    if unmatched:
        listed = ", ".join(unmatched[:_MAX_LISTED]) + (
            f" (+{len(unmatched) - _MAX_LISTED} more)" if len(unmatched) > _MAX_LISTED else ""
        )
        builder.note(f"log file(s) whose pod could not be told from the container, not read: {listed}")


def _split_log_name(name: str, pods: dict[str, list[Pod]]) -> tuple[str, str] | None:
    """(pod, container) of `<pod>-<container>`, or None."""
    candidates = [(p, name[len(p) + 1 :]) for p in pods if name.startswith(p + "-") and len(name) > len(p) + 1]
    if candidates:
        known = [(p, c) for p, c in candidates if any(c in _container_names(obj) for obj in pods[p])]
        return max(known or candidates, key=lambda pc: len(pc[0]))
    match = _POD_SUFFIX.match(name)
    return (match["pod"], match["container"]) if match else None


# --------------------------------------------------------------------------- Hubble flows
#: Hubble's drop reasons that mean "network policy said no" (cilium `api/v1/flow/flow.proto`).
#: Keys are the enum names and their descriptions ("Policy denied") in upper snake case.
POLICY_DROP_REASONS = {
    "POLICY_DENIED": "POLICY_DENIED",
    "POLICY_DENY": "POLICY_DENY",
    "POLICY_DENIED_BY_DENYLIST": "POLICY_DENY",
}
_POLICY_DROP_CODES = {133: "POLICY_DENIED", 181: "POLICY_DENY"}
#: A flows file is read up to this many lines (cilium-cli collects 10,000 flows per agent by default, a few
#: MB); a file larger than MAX_FLOW_BYTES is not read at all.
MAX_FLOW_LINES = 1_000_000
MAX_FLOW_BYTES = 1024**3
#: Malformed lines reported per file before the rest are only counted.
_MAX_LINE_PROBLEMS = 10
#: Drop records also written as notes (the most frequent first); all of them are on the snapshot.
_MAX_DROP_NOTES = 20
_JSON = msgspec.json.Decoder()


_DropKey = tuple[str, str, int, str, str, str]
"""(source, destination, port, protocol, direction, reason)"""


@dataclass
class _Drops:
    count: int
    first: str
    last: str
    evidence: str


def _read_flows(files: list[Path], reader: FileReader) -> None:
    builder = reader.builder
    drops: dict[_DropKey, _Drops] = {}
    total = 0
    for path in files:
        total += _read_flow_file(path, reader, drops)
    for key, tally in drops.items():
        builder.add_policy_drop(*key, count=tally.count, first=tally.first, last=tally.last, evidence=tally.evidence)
    if not files:
        return
    dropped = sum(t.count for t in drops.values())
    builder.note(
        f"hubble: {total} flow(s) read from {len(files)} file(s), {dropped} dropped by network policy"
        + ("" if dropped else " (no drop seen is not evidence: Hubble keeps only its most recent flows)")
    )
    ranked = sorted(drops.items(), key=lambda kv: (-kv[1].count, kv[0]))
    for (source, destination, port, protocol, direction, reason), tally in ranked[:_MAX_DROP_NOTES]:
        where = f"{destination}:{port}/{protocol}" if port else f"{destination} ({protocol})"
        builder.note(
            f"hubble: {tally.count} flow(s) dropped by policy ({reason}{', ' + direction if direction else ''}): "
            f"{source} -> {where}, first at {tally.evidence}"
        )


def _read_flow_file(path: Path, reader: FileReader, drops: dict[_DropKey, _Drops]) -> int:
    """Count the flows of one `hubble observe -o jsonpb` file (one JSON object per line); returns how many."""
    builder = reader.builder
    rel = reader.rel(path)
    flows = bad = 0
    try:
        size = path.stat().st_size
        if size > MAX_FLOW_BYTES:
            builder.problem(rel, None, f"file is {size:,} bytes, over the {MAX_FLOW_BYTES:,}-byte limit: not read")
            return 0
        with open(path, "rb") as handle:
            head = handle.read(8192)
            if looks_binary(head):
                builder.problem(rel, None, "binary data in a Hubble flows file: not read")
                return 0
            handle.seek(0)
            for number, line in enumerate(handle, start=1):
                if number > MAX_FLOW_LINES:
                    builder.problem(rel, number, f"more than {MAX_FLOW_LINES:,} lines: the rest is not read")
                    break
                if not line.strip():
                    continue
                try:
                    value = _JSON.decode(line)
                except (msgspec.DecodeError, RecursionError) as error:
                    bad += 1
                    if bad <= _MAX_LINE_PROBLEMS:
                        builder.problem(rel, number, f"invalid JSON in a Hubble flow: {error}")
                    continue
                flow = value.get("flow", value) if isinstance(value, dict) else None
                if not isinstance(flow, dict) or "verdict" not in flow:
                    continue  # node status, lost events, ...
                flows += 1
                _count_drop(flow, value, f"{rel}:{number}", drops)
    except OSError as error:
        builder.problem(rel, None, f"cannot read: {error.strerror or error}")
    if bad > _MAX_LINE_PROBLEMS:
        builder.problem(rel, None, f"{bad - _MAX_LINE_PROBLEMS} more malformed line(s) not listed")
    return flows


def _count_drop(flow: dict[str, Any], record: Any, evidence: str, drops: dict[_DropKey, _Drops]) -> None:
    """Count one flow if Hubble dropped it for policy (`record` is the whole line, which may carry the time)."""
    if flow.get("verdict") != "DROPPED":
        return
    reason = _field(flow, "drop_reason_desc", "dropReasonDesc")
    if isinstance(reason, str):
        reason = POLICY_DROP_REASONS.get(reason.strip().upper().replace(" ", "_"), "")
    else:
        code = flow.get("drop_reason", flow.get("dropReason"))
        reason = _POLICY_DROP_CODES.get(code, "") if isinstance(code, int) else ""
    if not reason:
        return
    ip = _field(flow, "IP", "ip")
    ip = ip if isinstance(ip, dict) else {}
    protocol, port = _l4(_field(flow, "l4", "L4"))
    direction = _field(flow, "traffic_direction", "trafficDirection")
    time = flow.get("time") or (record.get("time") if isinstance(record, dict) else None)
    key = (
        _endpoint(flow.get("source"), ip.get("source")),
        _endpoint(flow.get("destination"), ip.get("destination")),
        port,
        protocol,
        direction if isinstance(direction, str) and direction != "TRAFFIC_DIRECTION_UNKNOWN" else "",
        reason,
    )
    stamp = time if isinstance(time, str) else ""
    tally = drops.get(key)
    if tally is None:
        drops[key] = _Drops(1, stamp, stamp, evidence)
        return
    tally.count += 1
    if stamp and (not tally.first or stamp < tally.first):
        tally.first = stamp
    if stamp > tally.last:
        tally.last = stamp


def _field(obj: dict[str, Any], *names: str) -> Any:
    for name in names:
        if name in obj:
            return obj[name]
    return None


def _endpoint(endpoint: Any, address: Any) -> str:
    if isinstance(endpoint, dict):
        namespace = endpoint.get("namespace")
        pod = _field(endpoint, "pod_name", "podName")
        if isinstance(pod, str) and pod:
            return f"{namespace}/{pod}" if isinstance(namespace, str) and namespace else pod
    return address if isinstance(address, str) and address else "?"


def _l4(l4: Any) -> tuple[str, int]:
    if not isinstance(l4, dict):
        return "", 0
    for protocol, body in l4.items():
        if not isinstance(body, dict):
            continue
        port = _field(body, "destination_port", "destinationPort")
        return str(protocol), port if isinstance(port, int) and not isinstance(port, bool) else 0
    return "", 0


# --------------------------------------------------------------------------- shared
def _entries(folder: Path) -> Iterator[Path]:
    """A folder's entries in name order (hidden ones and macOS zip debris left out); none when unreadable."""
    try:
        names = sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.name != "__MACOSX")
    except OSError:
        return
    yield from names


def _skip_link(entry: Path, base: Path, reader: FileReader) -> bool:
    """Symbolic links are never followed. One that points at a file inside the bundle is a duplicate of
    something read anyway (troubleshoot links YAML twins and log indexes) and is passed over quietly;
    any other is reported."""
    if not entry.is_symlink():
        return False
    try:
        target = entry.resolve(strict=True)
        inside = target.is_file() and target.is_relative_to(base.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        reader.builder.problem(reader.rel(entry), None, "symbolic link not followed")
    return True


def _split(name: str) -> tuple[str, str]:
    """(stem, suffix) for object files (`pods.json` -> `pods`, `.json`); suffix "" for anything else."""
    low = name.lower()
    for suffix in _OBJECT_SUFFIXES:
        if low.endswith(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(4096)
    except OSError:
        return b""


def _small(path: Path, reader: FileReader, limit: int = 16 * 1024 * 1024) -> bytes | None:
    """A small auxiliary file's bytes, or None (with a problem) when it cannot be read."""
    rel = reader.rel(path)
    try:
        size = path.stat().st_size
        if size > limit:
            reader.builder.problem(rel, None, f"file is {size:,} bytes, over the {limit:,}-byte limit: not read")
            return None
        return path.read_bytes()
    except OSError as error:
        reader.builder.problem(rel, None, f"cannot read: {error.strerror or error}")
        return None


def _declare(builder: SnapshotBuilder, declared: set[str], partial: dict[str, str], missing_why: str) -> None:
    """Collected kinds, kinds held in part (kept, never counted as collected) and kinds the bundle lacks."""
    builder.declared_kinds.update(declared)
    builder.partial_kinds.update(partial)
    for kind, why in sorted(partial.items()):
        builder.not_checked(kind, why)
    for kind in _INTERESTING:
        if kind not in declared and kind not in partial:
            builder.not_checked(kind, missing_why)


def _note_skipped(builder: SnapshotBuilder, where: str, names: list[str], why: str) -> None:
    if not names:
        return
    listed = ", ".join(names[:_MAX_LISTED]) + (
        f" (+{len(names) - _MAX_LISTED} more)" if len(names) > _MAX_LISTED else ""
    )
    builder.note(f"{where}: {why}: {listed}")
