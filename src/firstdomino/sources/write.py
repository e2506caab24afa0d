"""Write what a live read saw as a snapshot directory (DESIGN.md format) or `.tar.gz`, atomically.

Everything goes to a temporary sibling first and is renamed into place at the end, so an interrupted
run (Ctrl-C, SIGTERM, a full disk) leaves no half snapshot: the temporary tree is removed on the way out.

Layout: `meta.json`; `<plural>[.<group>].json`, each a `List` whose items carry `kind`/`apiVersion`;
`logs/<ns>/<pod>/<container>[.previous].log`. Secrets are metadata only (they were listed as
`PartialObjectMetadataList`; a `data`/`stringData` field is dropped anyway). `managedFields` keep
manager, operation and time only.

`--redact` replaces, by stable tokens (`redacted:<12 hex>`, the same value gives the same token within
one snapshot, and across snapshots when FIRSTDOMINO_REDACT_KEY is set): container env values (except
a few connection settings the rules read, `REDACT_KEEP_ENV`), ConfigMap data (except the CNI, DNS and
kube-proxy configuration the rules read, `REDACT_KEEP_CONFIGMAPS`) and annotations whose key looks
secret-like (token, password, secret, key, credential, auth, cert).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec

from firstdomino.errors import UsageError
from firstdomino.sources.live import Collection, Page

REDACT_KEEP_ENV = frozenset(
    {"KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "K8S_NODE_NAME", "CILIUM_K8S_NAMESPACE", "GOMEMLIMIT"}
)
REDACT_KEEP_CONFIGMAPS = frozenset(
    {("kube-system", "cilium-config"), ("kube-system", "coredns"), ("kube-system", "kube-proxy")}
)
_SECRET_KEY = re.compile(r"(token|passw|secret|private|key|credential|auth|cert|cookie|session)", re.I)


class Redactor:
    def __init__(self) -> None:
        env_key = os.environ.get("FIRSTDOMINO_REDACT_KEY", "")
        self._key = env_key.encode() if env_key else secrets.token_bytes(32)

    def token(self, value: str) -> str:
        return "redacted:" + hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()[:12]

    def item(self, kind: str, item: dict[str, Any]) -> None:
        meta = item.get("metadata")
        if isinstance(meta, dict) and isinstance(meta.get("annotations"), dict):
            for key, value in list(meta["annotations"].items()):
                if isinstance(value, str) and _SECRET_KEY.search(key):
                    meta["annotations"][key] = self.token(value)
        if kind == "ConfigMap":
            ns = meta.get("namespace", "") if isinstance(meta, dict) else ""
            name = meta.get("name", "") if isinstance(meta, dict) else ""
            if (ns, name) not in REDACT_KEEP_CONFIGMAPS:
                for field in ("data", "binaryData"):
                    data = item.get(field)
                    if isinstance(data, dict):
                        item[field] = {k: self.token(v) if isinstance(v, str) else v for k, v in data.items()}
        for spec in _pod_specs(kind, item):
            for group in ("containers", "initContainers", "ephemeralContainers"):
                for container in spec.get(group) or []:
                    if not isinstance(container, dict):
                        continue
                    for env in container.get("env") or []:
                        if isinstance(env, dict) and isinstance(env.get("value"), str):
                            if env.get("name") not in REDACT_KEEP_ENV:
                                env["value"] = self.token(env["value"])


def _pod_specs(kind: str, item: dict[str, Any]) -> Iterator[dict[str, Any]]:
    spec = item.get("spec")
    if not isinstance(spec, dict):
        return
    if kind == "Pod":
        yield spec
        return
    template = spec.get("template")
    if isinstance(template, dict) and isinstance(template.get("spec"), dict):
        yield template["spec"]
    job = spec.get("jobTemplate")
    if isinstance(job, dict):
        inner = (job.get("spec") or {}).get("template") or {}
        if isinstance(inner, dict) and isinstance(inner.get("spec"), dict):
            yield inner["spec"]


def _clean(kind: str, api_version: str, item: dict[str, Any]) -> dict[str, Any]:
    item.setdefault("kind", kind)
    item.setdefault("apiVersion", api_version)
    if kind == "Secret":
        for field in ("data", "stringData"):
            item.pop(field, None)
    meta = item.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("managedFields"), list):
        meta["managedFields"] = [
            {k: m[k] for k in ("manager", "operation", "time") if k in m}
            for m in meta["managedFields"]
            if isinstance(m, dict)
        ]
    if isinstance(meta, dict) and isinstance(meta.get("annotations"), dict):
        # the last-applied annotation is a full copy of the object (a Secret's data included)
        meta["annotations"].pop("kubectl.kubernetes.io/last-applied-configuration", None)
    return item


class SnapshotWriter:
    """Receives pages as the collector reads them and writes them into a temporary directory."""

    def __init__(self, target: str, redact: bool) -> None:
        self.target = Path(target)
        self.archive = self.target.name.endswith((".tar.gz", ".tgz"))
        if self.target.exists() and (self.archive or self.target.is_file() or any(self.target.iterdir())):
            raise UsageError(f"{self.target}: already exists; give a new path (a snapshot is never overwritten)")
        parent = self.target.parent if str(self.target.parent) else Path(".")
        if not parent.is_dir():
            raise UsageError(f"{parent}: no such directory")
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.partial-", dir=parent))
        self.redactor = Redactor() if redact else None
        self._files: dict[str, list[bytes]] = {}
        self._counts: dict[str, int] = {}

    def page(self, page: Page) -> None:
        """Called from collector threads for each page of a finished list."""
        try:
            doc = msgspec.json.decode(page.body)
        except msgspec.DecodeError:
            return  # the collector reported it; nothing to keep
        items = doc.get("items") if isinstance(doc, dict) else None
        if not isinstance(items, list):
            return
        name = page.resource.plural + (f".{page.resource.group}" if page.resource.group else "") + ".json"
        encoded: list[bytes] = []
        for item in items:
            if not isinstance(item, dict):
                continue
            item = _clean(page.resource.kind, page.api_version, item)
            if self.redactor is not None:
                self.redactor.item(page.resource.kind, item)
            encoded.append(msgspec.json.encode(item))
        with open(self.tmp / (name + ".part"), "ab") as handle:
            for chunk in encoded:
                handle.write(chunk + b"\n")
        self._counts[name] = self._counts.get(name, 0) + len(encoded)

    def finish(self, collection: Collection) -> Path:
        """Assemble the list files, logs and meta.json, then move the snapshot into place."""
        snapshot = collection.snapshot
        meta = {
            "capturedAt": snapshot.captured_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "context": snapshot.context,
            "serverVersion": collection.server_version,
            "kinds": collection.kinds,
            "notChecked": [n.as_dict() for n in snapshot.not_checked],
            "source": "firstdomino snapshot",
            "redacted": self.redactor is not None,
            "partial": collection.partial,
        }
        for part in sorted(self.tmp.glob("*.part")):
            final = part.with_suffix("")
            with open(part, "rb") as src, open(final, "wb") as out:
                out.write(b'{"apiVersion":"v1","kind":"List","items":[')
                first = True
                for line in src:
                    if not first:
                        out.write(b",")
                    out.write(line.rstrip(b"\n"))
                    first = False
                out.write(b"]}\n")
            part.unlink()
        for (ns, pod, container, previous), text in sorted(snapshot.logs.items()):
            folder = self.tmp / "logs" / _safe(ns) / _safe(pod)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{_safe(container)}{'.previous' if previous else ''}.log").write_text(text, encoding="utf-8")
        with open(self.tmp / "meta.json", "w", encoding="utf-8") as handle:
            json.dump(meta, handle, indent=2, sort_keys=True)
            handle.write("\n")
        if self.archive:
            staged = self.target.with_name(self.tmp.name + ".tar.gz")
            with tarfile.open(staged, "w:gz") as tar:
                tar.add(self.tmp, arcname=_stem(self.target.name))
            shutil.rmtree(self.tmp, ignore_errors=True)
            os.replace(staged, self.target)
        else:
            if self.target.exists():
                self.target.rmdir()  # empty (checked at start)
            os.replace(self.tmp, self.target)
        return self.target

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
        for staged in self.target.parent.glob(f"{self.tmp.name}*"):
            staged.unlink(missing_ok=True)


def _safe(part: str) -> str:
    cleaned = part.replace("/", "_").replace("\\", "_")
    return cleaned if cleaned not in ("", ".", "..") else "_"


def _stem(name: str) -> str:
    for suffix in (".tar.gz", ".tgz"):
        if name.endswith(suffix):
            return name[: -len(suffix)] or "snapshot"
    return name


@contextmanager
def writing(target: str, redact: bool) -> Iterator[SnapshotWriter]:
    """A writer whose temporary tree is removed unless `finish` moved it into place."""
    writer = SnapshotWriter(target, redact)
    try:
        yield writer
    finally:
        writer.abort()
