"""Read a live cluster into a Snapshot: discovery, one paginated list per kind, then bounded logs.

Requests are O(kinds + logs): discovery (`/version`, `/api/v1`, `/apis`, one per needed API group),
one list per resource (pages of `limit=500` followed by `continue`; a `410 Gone` restarts that list),
and the logs of unhealthy pods' failing containers and of the platform components (GitOps controllers,
cert-manager, CoreDNS, the control plane), capped by `max_logs`. Lists run concurrently on a bounded
pool. Pages are decoded straight from bytes into the lean views (`model.decode`), never into dicts.

Secrets are listed as `PartialObjectMetadataList`: their data never crosses the wire. What cannot be
read becomes `notChecked` with the reason (403 with the RBAC rule that would allow it; a CRD that is
not installed; the deadline) and the run goes on.

`capturedAt` is the API server's clock (the `Date` of its first answer): object timestamps are in that
clock, so judgements like "this error is 55 minutes old" do not depend on the laptop's clock.
"""

from __future__ import annotations

import email.utils
import queue
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec

from firstdomino.errors import ClusterUnreachable
from firstdomino.model.decode import decode_json, prepare_decoders
from firstdomino.model.kinds import Object, Pod
from firstdomino.model.snapshot import Snapshot, SnapshotBuilder
from firstdomino.sources.http import ApiError, Deadline, DeadlineExceeded, StaleKubeconfig, Transport
from firstdomino.sources.kubeconfig import Connection, stale_kubeconfig_fix
from firstdomino.sources.resources import Resource, resources_for

PAGE_SIZE = 500
#: The input-problem id under which a TLS failure against the kubeconfig's CA is recorded.
STALE_KUBECONFIG = "client/stale-kubeconfig"
#: The interpreter's thread switch interval while reading (seconds; Python's default is 0.005).
READ_SWITCH_INTERVAL = 0.0005
METADATA_ACCEPT = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
#: Namespaces whose pods are the platform the rules reason about: their logs carry reconcile errors
#: even while the pods are Ready (a repo-server logging DNS failures, a source-controller auth errors).
PLATFORM_NAMESPACES = frozenset({"flux-system", "argocd", "argo-cd", "cert-manager"})
_PLATFORM_KUBE_SYSTEM = re.compile(
    r"^(kube-apiserver|kube-controller-manager|kube-scheduler|etcd|coredns|cilium-operator)(-|$)"
)
_CONTINUE = re.compile(rb'"continue"\s*:\s*"([^"]*)"')


class _ListMeta(msgspec.Struct):
    metadata: dict[str, Any] = msgspec.field(default_factory=dict)


_LIST_META = msgspec.json.Decoder(_ListMeta)


@dataclass(frozen=True)
class Page:
    """One page of a list as the API server sent it (for `snapshot`, which writes what it read)."""

    resource: Resource
    api_version: str
    body: bytes


@dataclass
class Options:
    namespaces: tuple[str, ...] = ()  #: empty: all namespaces
    kinds: frozenset[str] = frozenset()  #: what the enabled rules need
    max_logs: int = 60
    log_tail: int = 500
    log_bytes: int = 512 * 1024
    concurrency: int = 6
    timeout: float | None = None
    request_timeout: float = 30.0
    on_progress: Callable[[str], None] | None = None
    on_page: Callable[[Page], None] | None = None


@dataclass
class Collection:
    """What a live read produced, beside the Snapshot: for `meta.json` and the progress line."""

    snapshot: Snapshot
    server_version: str
    kinds: list[str]
    requests: int
    retries: int
    bytes: int
    logs: int
    partial: bool
    stale: StaleKubeconfig | None = None
    served: dict[str, str] = field(default_factory=dict)  #: kind -> apiVersion


def _server_time(headers: dict[str, str]) -> datetime | None:
    value = headers.get("date")
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Collector:
    def __init__(self, conn: Connection, options: Options) -> None:
        self.conn = conn
        self.options = options
        self.deadline = Deadline(options.timeout)
        self.transport = Transport(
            conn, self.deadline, request_timeout=options.request_timeout, pool_size=max(2, options.concurrency)
        )
        self.builder = SnapshotBuilder(f"context {conn.context}" if conn.context else conn.server)
        self.builder.context = conn.context
        self._lock = threading.Lock()
        self.partial = False
        self.kinds_read: list[str] = []
        self.logs = 0

    # ------------------------------------------------------------------ progress
    def _say(self, text: str) -> None:
        if self.options.on_progress is not None:
            self.options.on_progress(text)

    # ------------------------------------------------------------------ discovery
    def _discover(self, wanted: tuple[Resource, ...]) -> tuple[dict[Resource, str], str]:
        """resource -> apiVersion served for it; the server version. Raises ClusterUnreachable."""
        version = self.transport.get("/version")
        captured = _server_time(version.headers)
        self.builder.captured_at = captured or datetime.now(UTC)
        try:
            info = msgspec.json.decode(version.body)
            server_version = str(info.get("gitVersion", "")) if isinstance(info, dict) else ""
        except msgspec.DecodeError:
            server_version = ""
        served: dict[Resource, str] = {}
        groups = {r.group for r in wanted}
        if "" in groups:
            core = self._resource_names("/api/v1")
            for r in wanted:
                if r.group == "" and r.plural in core:
                    served[r] = "v1"
        apis = msgspec.json.decode(self.transport.get("/apis").body)
        preferred: dict[str, str] = {}
        for group in apis.get("groups", []) if isinstance(apis, dict) else []:
            if isinstance(group, dict) and isinstance(group.get("preferredVersion"), dict):
                preferred[str(group.get("name"))] = str(group["preferredVersion"].get("groupVersion", ""))
        needed_groups = sorted(g for g in groups if g and g in preferred)
        with ThreadPoolExecutor(max_workers=self.options.concurrency) as pool:
            found = pool.map(lambda g: self._resource_names(f"/apis/{preferred[g]}"), needed_groups)
            names = dict(zip(needed_groups, found, strict=True))
        for r in wanted:
            if r.group and r.plural in names.get(r.group, set()):
                served[r] = preferred[r.group]
        return served, server_version

    def _resource_names(self, path: str) -> set[str]:
        try:
            doc = msgspec.json.decode(self.transport.get(path).body)
        except ApiError as error:
            if error.status in (403, 404):
                return set()
            raise
        except msgspec.DecodeError:
            return set()
        out: set[str] = set()
        for item in doc.get("resources", []) if isinstance(doc, dict) else []:
            if isinstance(item, dict) and "list" in (item.get("verbs") or []):
                out.add(str(item.get("name", "")))
        return out

    # ------------------------------------------------------------------ lists
    def _paths(self, resource: Resource, api_version: str) -> list[str]:
        base = "/api/v1" if not resource.group else f"/apis/{api_version}"
        if resource.namespaced and self.options.namespaces:
            return [f"{base}/namespaces/{ns}/{resource.plural}" for ns in self.options.namespaces]
        return [f"{base}/{resource.plural}"]

    def _list(self, resource: Resource, api_version: str) -> None:
        accept = METADATA_ACCEPT if resource.kind == "Secret" else "application/json"
        objects: list[Object] = []
        for path in self._paths(resource, api_version):
            objects.extend(self._list_path(resource, api_version, path, accept))
        with self._lock:
            self.builder.add_many(objects, resource.kind)
            self.builder.declared_kinds.add(resource.kind)
            self.kinds_read.append(f"{api_version}/{resource.kind}")
        self._say(f"{resource.label}: {len(objects):,}")

    def _list_path(self, resource: Resource, api_version: str, path: str, accept: str) -> list[Object]:
        for _restart in range(3):
            objects: list[Object] = []
            pages: list[Page] = []
            try:
                for query, body in self._pages(path, accept):
                    decoded = decode_json(body, resource.kind)
                    for line, message in decoded.problems:
                        with self._lock:
                            self.builder.problem(f"{path}?{_q(query)}", line, message)
                    for group in decoded.by_kind().values():
                        objects.extend(group)
                    if self.options.on_page is not None:
                        pages.append(Page(resource, api_version, body))
            except ApiError as error:
                if error.status == 410:
                    self._say(f"{resource.label}: list expired (410 Gone), starting it again")
                    continue
                raise
            if self.options.on_page is not None:
                for page in pages:
                    self.options.on_page(page)
            return objects
        raise ApiError(410, path, "the list expired three times in a row (the cluster changes faster than we read)")

    def _pages(self, path: str, accept: str) -> Iterator[tuple[dict[str, str], bytes]]:
        """The pages of one list, fetched one ahead: the next request is on the wire (the continue token
        is at the head of a page) while this page is decoded."""
        ahead: queue.Queue[tuple[dict[str, str], bytes] | BaseException | None] = queue.Queue(maxsize=2)
        stop = threading.Event()

        def fetch() -> None:
            token = ""
            try:
                while not stop.is_set():
                    query = {"limit": str(PAGE_SIZE)}
                    if token:
                        query["continue"] = token
                    body = self.transport.get(path, query, accept).body
                    ahead.put((query, body))
                    token = _continue_token(body)
                    if not token:
                        break
                ahead.put(None)
            except BaseException as error:  # handed to the consumer, which raises it in its thread
                ahead.put(error)

        thread = threading.Thread(target=fetch, name="firstdomino-pages", daemon=True)
        thread.start()
        try:
            while True:
                item = ahead.get()
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            while thread.is_alive():  # unblock a producer waiting on a full queue
                try:
                    ahead.get_nowait()
                except queue.Empty:
                    thread.join(timeout=0.05)

    # ------------------------------------------------------------------ logs
    def _log_targets(self) -> list[tuple[str, str, str, bool]]:
        """(namespace, pod, container, previous), most telling first, capped."""
        urgent: list[tuple[str, str, str, bool]] = []
        platform_healthy: list[Pod] = []
        for obj in self.builder.objects_of("Pod"):
            if not isinstance(obj, Pod):
                continue
            if obj.status.container_statuses or obj.status.init_container_statuses:
                picked = _failing_containers(obj)
                if picked:
                    urgent.extend((obj.metadata.namespace, obj.metadata.name, c, p) for c, p in picked)
                    continue
            if _is_platform(obj) and obj.status.phase == "Running":
                platform_healthy.append(obj)
        urgent.sort(key=lambda t: (t[0] not in PLATFORM_NAMESPACES and t[0] != "kube-system", t))
        targets = urgent[: self.options.max_logs]
        room = self.options.max_logs - len(targets)
        if room > 0 and platform_healthy:
            targets.extend(self._platform_targets(sorted(platform_healthy, key=_pod_key), room))
        return targets

    def _platform_targets(self, pods: list[Pod], room: int) -> list[tuple[str, str, str, bool]]:
        """Healthy platform pods are listed lean (no containers): read each one to name its containers."""
        with ThreadPoolExecutor(max_workers=self.options.concurrency) as pool:
            found = list(pool.map(self._containers_of, pods[:room]))
        return [target for targets in found for target in targets][:room]

    def _containers_of(self, pod: Pod) -> list[tuple[str, str, str, bool]]:
        ns, name = pod.metadata.namespace, pod.metadata.name
        if self.deadline.expired():
            return []
        try:
            doc = msgspec.json.decode(self.transport.get(f"/api/v1/namespaces/{ns}/pods/{name}").body)
        except (ApiError, DeadlineExceeded, ClusterUnreachable, msgspec.DecodeError):
            return []
        status = doc.get("status") if isinstance(doc, dict) else None
        out: list[tuple[str, str, str, bool]] = []
        for st in (status.get("containerStatuses") if isinstance(status, dict) else None) or []:
            if isinstance(st, dict) and isinstance(st.get("name"), str):
                out.append((ns, name, st["name"], False))
                restarts = st.get("restartCount")
                if isinstance(restarts, int) and restarts > 0:
                    out.append((ns, name, st["name"], True))
        return out

    def _fetch_log(self, target: tuple[str, str, str, bool]) -> None:
        ns, pod, container, previous = target
        query = {
            "container": container,
            "tailLines": str(self.options.log_tail),
            "limitBytes": str(self.options.log_bytes),
        }
        if previous:
            query["previous"] = "true"
        try:
            body = self.transport.get(f"/api/v1/namespaces/{ns}/pods/{pod}/log", query, "text/plain").body
        except ApiError as error:
            if error.status in (400, 404):
                return  # no previous instance, or the pod is gone: nothing to read
            with self._lock:
                self.builder.not_checked(
                    f"logs of {ns}/{pod}/{container}", _forbidden(error, "pods/log", "get") or str(error)
                )
            return
        if not body:
            return
        text = body.decode("utf-8", errors="replace")
        with self._lock:
            self.builder.add_log(ns, pod, container, previous, text)
            self.logs += 1

    # ------------------------------------------------------------------ the whole read
    def collect(self) -> Collection:
        # Page readers hand each received chunk back through the GIL, which the decoding thread holds
        # for whole pages: a short switch interval lets them take it back in time (docs/performance.md,
        # +15-20% listing rate over plain HTTP), restored afterwards.
        prepare_decoders()  # before any thread decodes (see its docstring)
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, READ_SWITCH_INTERVAL))
        try:
            return self._collect()
        finally:
            sys.setswitchinterval(interval)

    def _collect(self) -> Collection:
        wanted = resources_for(self.options.kinds)
        try:
            served, server_version = self._discover(wanted)
        except StaleKubeconfig as stale:
            self.builder.captured_at = datetime.now(UTC)
            self.builder.problem(
                self.conn.server,
                None,
                f"{stale.detail}; the kubeconfig's CA does not match the cluster. "
                f"Fix: {stale_kubeconfig_fix(self.conn)}",
                id=STALE_KUBECONFIG,
            )
            snapshot = self.builder.build()
            return self._result(snapshot, "", {}, stale)
        except ApiError as error:
            raise ClusterUnreachable(f"{self.conn.server}: discovery failed: {error}") from error
        except DeadlineExceeded as error:
            raise ClusterUnreachable(f"{self.conn.server}: no answer before --timeout: {error}") from error
        missing = [r for r in wanted if r not in served]
        absent_crds = [r for r in missing if not r.builtin]
        if absent_crds:
            self.builder.not_checked(
                "kinds not served by this cluster",
                "CRDs not installed: " + ", ".join(r.label for r in absent_crds) + " (nothing of them to check)",
            )
        for r in missing:
            if r.builtin:
                self.builder.not_checked(r.kind, f"{r.label} is not served by this API server")
        self._say(f"listing {len(served)} kinds")
        self._run(self._list_jobs(served))
        if not self.deadline.expired():
            targets = self._log_targets()
            self._say(f"reading {len(targets)} logs")
            self._run([(f"logs of {t[0]}/{t[1]}/{t[2]}", self._fetch_log, t) for t in targets])
        if self.partial:
            self.builder.note("partial result: the collection was cut short (see notChecked)")
        return self._result(self.builder.build(), server_version, {r.kind: v for r, v in served.items()}, None)

    def _list_jobs(self, served: dict[Resource, str]) -> list[tuple[str, Callable[..., None], Any]]:
        jobs: list[tuple[str, Callable[..., None], Any]] = []
        for resource, api_version in served.items():
            jobs.append((resource.kind, lambda pair: self._list(*pair), (resource, api_version)))
        return jobs

    def _run(self, jobs: Iterable[tuple[str, Callable[..., None], Any]]) -> None:
        """Run jobs on the bounded pool; a job's failure becomes notChecked, never the run's."""
        futures: list[tuple[str, Future[None]]] = []
        pool = ThreadPoolExecutor(max_workers=self.options.concurrency, thread_name_prefix="firstdomino-read")
        try:
            for what, fn, arg in jobs:
                futures.append((what, pool.submit(fn, arg)))
            for what, future in futures:
                try:
                    future.result()
                except DeadlineExceeded:
                    self.partial = True
                    with self._lock:
                        self.builder.not_checked(what, f"not read before the --timeout of {self.options.timeout:g}s")
                except ApiError as error:
                    with self._lock:
                        self.builder.not_checked(what, _forbidden(error, _label(what), "list") or _say_error(error))
                except ClusterUnreachable as error:
                    self.partial = True
                    with self._lock:
                        self.builder.not_checked(what, f"the API server stopped answering: {error}")
        except BaseException:
            # Ctrl-C or SIGTERM: do not wait for requests in flight (each is bounded by its own timeout)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)

    def _result(
        self, snapshot: Snapshot, server_version: str, served: dict[str, str], stale: StaleKubeconfig | None
    ) -> Collection:
        stats = self.transport.stats
        self.transport.close()
        return Collection(
            snapshot=snapshot,
            server_version=server_version,
            kinds=sorted(self.kinds_read),
            requests=stats.requests,
            retries=stats.retries,
            bytes=stats.bytes,
            logs=self.logs,
            partial=self.partial,
            stale=stale,
            served=served,
        )


def _label(kind: str) -> str:
    for resource in resources_for(frozenset({kind})):
        if resource.kind == kind:
            return resource.label
    return kind


def _forbidden(error: ApiError, resource: str, verb: str) -> str:
    if error.status != 403:
        return ""
    plural, _, group = resource.partition(".")
    return (
        f"forbidden (403): RBAC does not allow `{verb}` on {resource}; grant it with "
        f'`- apiGroups: ["{group}"]  resources: ["{plural}"]  verbs: ["{verb}"]` '
        "(deploy/rbac.yaml has the complete read-only ClusterRole)"
    )


def _say_error(error: ApiError) -> str:
    if error.status == 404:
        return "not served by this cluster (404): the CRD was removed during the read"
    return f"list failed: HTTP {error.status}: {error.message}"


def _continue_token(body: bytes) -> str:
    head = body[: body.find(b'"items"')] if b'"items"' in body[:4096] else b""
    if head:
        match = _CONTINUE.search(head)
        return match.group(1).decode() if match else ""
    try:
        meta = _LIST_META.decode(body).metadata
    except msgspec.DecodeError:
        return ""
    token = meta.get("continue")
    return token if isinstance(token, str) else ""


def _q(query: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in query.items() if k != "continue")


def _pod_key(pod: Pod) -> tuple[str, str]:
    return (pod.metadata.namespace, pod.metadata.name)


def _is_platform(pod: Pod) -> bool:
    ns = pod.metadata.namespace
    if ns in PLATFORM_NAMESPACES:
        return True
    return ns == "kube-system" and bool(_PLATFORM_KUBE_SYSTEM.match(pod.metadata.name))


def _failing_containers(pod: Pod) -> list[tuple[str, bool]]:
    """(container, previous) worth reading: restarted, crashing, failed, or running but not ready."""
    out: list[tuple[str, bool]] = []
    for init, statuses in ((True, pod.status.init_container_statuses), (False, pod.status.container_statuses)):
        for st in statuses:
            waiting = st.state.waiting
            terminated = st.state.terminated
            crashed = st.restart_count > 0 or st.last_state.terminated is not None
            failing = (
                crashed
                or (waiting is not None and waiting.reason in ("CrashLoopBackOff", "Error", "RunContainerError"))
                or (terminated is not None and terminated.exit_code != 0)
                or (not init and not st.ready and st.state.running is not None)
            )
            if not failing or (init and st.ready):
                continue
            out.append((st.name, False))
            if crashed:
                out.append((st.name, True))
    return out
