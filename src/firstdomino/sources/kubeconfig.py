"""Where the cluster is and how to authenticate: kubectl's rules, read by the official client's loader.

`kubernetes.config` (the official Python client's kubeconfig code) does the parsing and the
authentication: `KUBECONFIG` with several files merged as kubectl does, contexts, client certificates,
bearer tokens and token files, exec credential plugins (`client.authentication.k8s.io/v1` and `v1beta1`,
as Talos/Omni, EKS, GKE and OIDC kubeconfigs use), `auth-provider` (oidc, gcp), and the in-cluster
service account. Only its configuration code is used: requests go through our own transport
(`sources.http`) and responses are decoded by `model.decode`, never through its generated models
(docs/design.md "Live cluster" explains the choice with the measurements).

Read-only: the loader is told never to write the kubeconfig back (`persist_config=False`). Key and
certificate data are written to files only in a private temporary directory that `close()` removes.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from firstdomino.errors import ClusterUnreachable, UsageError
from firstdomino.model.decode import parse_yaml_documents

SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


class _Captured(logging.Handler):
    """Collects what the loader logs (it logs exec-plugin failures instead of raising them)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _capture_log() -> Iterator[_Captured]:
    handler = _Captured()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@dataclass
class Connection:
    """An authenticated endpoint: what the transport needs, refreshable credentials included."""

    server: str
    context: str
    namespace: str
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    verify: bool = True
    tls_server_name: str | None = None
    proxy: str | None = None
    in_cluster: bool = False
    exec_command: str = ""
    warnings: list[str] = field(default_factory=list)
    _config: Any = None
    _loader: Any = None
    _tmp: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    generation: int = 0

    def authorization(self) -> str | None:
        """The Authorization header value, renewed when an exec credential or token file expires."""
        config = self._config
        if config is None:
            return None
        with self._lock:
            hook = getattr(config, "refresh_api_key_hook", None)
            if hook is not None:
                hook(config)
            token = config.api_key.get("BearerToken") or config.api_key.get("authorization")
        if not token:
            return None
        token = str(token)
        return token if " " in token else f"Bearer {token}"

    def refresh(self, seen: int | None = None) -> bool:
        """Run the credential source again (exec plugin, token file) after a 401. True when it may help.
        `seen` is the generation the refused request used: when another thread has renewed the
        credentials since, they are used as they are (concurrent 401s run the plugin once)."""
        if self._loader is None:
            return False
        with self._lock, _capture_log() as log:
            if seen is not None and seen != self.generation:
                return True
            try:
                self._loader.load_and_set(self._config)
            except Exception as error:  # the loader raises bare ConfigException and plugin errors
                self.warnings.append(f"credential refresh failed: {error}")
                return False
            self.warnings.extend(log.messages)
            self._copy_tls(self._config)
            self.generation += 1
        return True

    def _copy_tls(self, config: Any) -> None:
        self.ca_file = getattr(config, "ssl_ca_cert", None) or None
        self.cert_file = getattr(config, "cert_file", None) or None
        self.key_file = getattr(config, "key_file", None) or None
        self.verify = bool(getattr(config, "verify_ssl", True))
        self.tls_server_name = getattr(config, "tls_server_name", None) or None
        self.proxy = getattr(config, "proxy", None) or None

    def close(self) -> None:
        """Remove the private directory of key and certificate files."""
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = ""
        try:
            from kubernetes.config import kube_config

            kube_config._cleanup_temp_files()  # its cache of file names would point into our removed dir
        except (ImportError, AttributeError):
            pass


def _in_cluster_available() -> bool:
    return bool(os.environ.get("KUBERNETES_SERVICE_HOST")) and os.path.isfile(
        os.path.join(SERVICE_ACCOUNT_DIR, "token")
    )


def _paths(kubeconfig: str | None) -> list[str]:
    if kubeconfig:
        return [os.path.expanduser(kubeconfig)]
    env = os.environ.get("KUBECONFIG", "")
    if env:
        return [os.path.expanduser(p) for p in env.split(os.pathsep) if p]
    return [os.path.expanduser("~/.kube/config")]


def _check_shape(path: str) -> None:
    """A kubeconfig must be a mapping whose clusters/users/contexts are lists of named mappings: say
    which part is wrong, with the file, before the loader trips over it."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(16 * 1024 * 1024)
    except OSError as error:
        raise UsageError(f"{path}: cannot read kubeconfig: {error}") from error
    # the guarded reader of every other YAML input (alias bombs, nesting, odd tags), before the
    # official loader parses the file again with plain yaml.safe_load
    docs, problems = parse_yaml_documents(data)
    if problems:
        line, message = problems[0]
        raise UsageError(f"{path}{':' + str(line) if line else ''}: cannot read kubeconfig: {message}")
    doc = docs[0] if docs else None
    if doc is None:
        raise UsageError(f"{path}: the kubeconfig is empty")
    if not isinstance(doc, dict):
        raise UsageError(f"{path}: a kubeconfig is a YAML mapping, not {type(doc).__name__}")
    for section, body in (("clusters", "cluster"), ("users", "user"), ("contexts", "context")):
        entries = doc.get(section)
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise UsageError(f"{path}: `{section}` must be a list")
        for index, entry in enumerate(entries):
            if (
                not isinstance(entry, dict)
                or not isinstance(entry.get("name"), str)
                or not isinstance(entry.get(body, {}), dict)
            ):
                raise UsageError(f"{path}: {section}[{index}] must be a mapping with a `name` and a `{body}` mapping")
    if "current-context" in doc and not isinstance(doc["current-context"], str | None):
        raise UsageError(f"{path}: `current-context` must be a string")


def connect(kubeconfig: str | None = None, context: str | None = None) -> Connection:
    """Resolve the connection kubectl would use. Raises UsageError for a bad kubeconfig or context,
    ClusterUnreachable when there is no configuration at all."""
    paths = _paths(kubeconfig)
    existing = [p for p in paths if os.path.isfile(p)]
    if kubeconfig and not existing:
        raise UsageError(f"--kubeconfig {kubeconfig}: no such file")
    if not existing:
        if _in_cluster_available() and not context:
            return _connect_in_cluster()
        raise ClusterUnreachable(
            "no kubeconfig found (looked at "
            + ", ".join(paths)
            + "): give --kubeconfig, set KUBECONFIG, or run inside a pod with a service account"
        )
    from kubernetes.client import Configuration
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.kube_config import KubeConfigLoader, KubeConfigMerger

    for path in existing:
        _check_shape(path)
    tmp = tempfile.mkdtemp(prefix="firstdomino-auth-")
    try:
        try:
            merged = KubeConfigMerger(os.pathsep.join(existing))
        except ConfigException as error:
            raise UsageError(f"{', '.join(existing)}: {error}") from error
        except Exception as error:  # an untyped library on untrusted input: any failure is a bad kubeconfig
            raise UsageError(f"{', '.join(existing)}: cannot read kubeconfig: {error}") from error
        if merged.config is None:
            raise UsageError(f"{', '.join(existing)}: no configuration found in the kubeconfig")
        config = Configuration()
        with _capture_log() as log:
            try:
                loader = KubeConfigLoader(config_dict=merged.config, active_context=context, temp_file_path=tmp)
                loader.load_and_set(config)
            except ConfigException as error:
                raise UsageError(f"kubeconfig ({', '.join(existing)}): {error}") from error
            except Exception as error:  # see above
                raise UsageError(
                    f"kubeconfig ({', '.join(existing)}): malformed: {type(error).__name__}: {error}"
                ) from error
        ctx = loader.current_context or {}
        ctx_body = ctx.get("context") or {}
        user = getattr(loader, "_user", None)
        exec_cfg = user.safe_get("exec") if user is not None and hasattr(user, "safe_get") else None
        exec_cfg = getattr(exec_cfg, "value", exec_cfg)
        command = str(exec_cfg.get("command") or "") if isinstance(exec_cfg, dict) else ""
        conn = Connection(
            server=str(config.host),
            context=str(ctx.get("name") or ""),
            namespace=str(ctx_body.get("namespace") or "default"),
            exec_command=command,
            warnings=list(log.messages),
            _config=config,
            _loader=loader,
            _tmp=tmp,
        )
        conn._copy_tls(config)
        return conn
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _connect_in_cluster() -> Connection:
    from kubernetes.client import Configuration
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.incluster_config import InClusterConfigLoader

    config = Configuration()
    loader = InClusterConfigLoader(
        token_filename=os.path.join(SERVICE_ACCOUNT_DIR, "token"),
        cert_filename=os.path.join(SERVICE_ACCOUNT_DIR, "ca.crt"),
    )
    try:
        loader.load_and_set(config)
    except ConfigException as error:
        raise ClusterUnreachable(f"in-cluster configuration: {error}") from error
    namespace = "default"
    try:
        with open(os.path.join(SERVICE_ACCOUNT_DIR, "namespace")) as handle:
            namespace = handle.read().strip() or "default"
    except OSError:
        pass
    conn = Connection(
        server=str(config.host), context="in-cluster", namespace=namespace, in_cluster=True, _config=config
    )
    conn._loader = loader
    conn._copy_tls(config)
    return conn


def stale_kubeconfig_fix(conn: Connection) -> str:
    """The command that fetches a fresh kubeconfig, by what the current one looks like."""
    command = os.path.basename(conn.exec_command)
    if command in ("aws", "aws-iam-authenticator"):
        return "aws eks update-kubeconfig --name <cluster> (the cluster was recreated with a new CA)"
    if command == "gke-gcloud-auth-plugin":
        return "gcloud container clusters get-credentials <cluster>"
    if command == "kubelogin":
        return "az aks get-credentials --resource-group <rg> --name <cluster> --overwrite-existing"
    if "omni" in conn.server:
        return "omnictl kubeconfig --force (or download it again from Omni)"
    if conn.context.startswith("admin@") or ":6443" in conn.server:
        return (
            "talosctl kubeconfig --force -n <control-plane-ip> (a rebuilt Talos cluster has a new CA; "
            "for kubeadm: copy /etc/kubernetes/admin.conf again; for k3s: /etc/rancher/k3s/k3s.yaml)"
        )
    return "fetch the kubeconfig again from the cluster's provisioner (the cluster has a new CA)"
