"""HTTP to the API server: GET only, bounded in time and size, retried where retrying is right.

- 429 (honouring `Retry-After`), 500/502/503/504, connection resets, truncated bodies and timeouts are
  retried with exponential backoff and jitter, at most `retries` times, never past the deadline.
- 401 runs the credential source again once (an exec plugin's token expired mid-run), then gives up.
- 403, 404 and 410 are answers, not failures: they come back as `ApiError` with the status for the
  caller to decide (not checked, not installed, restart the list).
- A TLS failure `certificate signed by unknown authority` is `StaleKubeconfig`: after a rebuild the
  cluster has a new CA and the kubeconfig still trusts the old one.
- A body larger than `max_body` is cut off and reported, so an endless stream cannot exhaust memory.
"""

from __future__ import annotations

import email.utils
import random
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import urllib3
from urllib3.exceptions import HTTPError, ProtocolError, SSLError, TimeoutError

from firstdomino.errors import ClusterUnreachable
from firstdomino.sources.kubeconfig import Connection

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
#: One response is never larger than this (a page of 500 big pods is about 5 MB).
MAX_BODY = 256 * 1024 * 1024


class ApiError(Exception):
    """An HTTP answer the caller handles (403, 404, 410, or a status retries could not fix)."""

    def __init__(self, status: int, path: str, message: str) -> None:
        super().__init__(f"{status} on {path}: {message}")
        self.status = status
        self.path = path
        self.message = message


class StaleKubeconfig(ClusterUnreachable):
    """TLS verification failed against the kubeconfig's CA."""

    def __init__(self, server: str, detail: str) -> None:
        super().__init__(f"{server}: TLS verification failed ({detail})")
        self.server = server
        self.detail = detail


class DeadlineExceeded(Exception):
    """The overall --timeout ran out."""


class Deadline:
    """A point in monotonic time; `remaining()` is never negative."""

    def __init__(self, seconds: float | None) -> None:
        self.end = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float:
        return float("inf") if self.end is None else max(0.0, self.end - time.monotonic())

    def expired(self) -> bool:
        return self.end is not None and time.monotonic() >= self.end


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Stats:
    requests: int = 0
    retries: int = 0
    bytes: int = 0


def _ssl_context(conn: Connection) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=conn.ca_file) if conn.verify else ssl._create_unverified_context()
    if not conn.verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if conn.cert_file and conn.key_file:
        ctx.load_cert_chain(conn.cert_file, conn.key_file)
    return ctx


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return None if parsed is None else max(0.0, parsed.timestamp() - time.time())


def _is_unknown_authority(error: BaseException) -> str:
    text = str(error)
    for marker in ("unable to get local issuer certificate", "self-signed certificate", "self signed certificate"):
        if marker in text:
            return "x509: certificate signed by unknown authority: " + marker
    if "CERTIFICATE_VERIFY_FAILED" in text and "hostname" not in text.lower():
        return "x509: certificate signed by unknown authority"
    return ""


class Transport:
    """A pooled, thread-safe GET client for one API server."""

    def __init__(
        self,
        conn: Connection,
        deadline: Deadline,
        *,
        request_timeout: float = 30.0,
        retries: int = 5,
        backoff: float = 0.2,
        pool_size: int = 8,
        max_body: int = MAX_BODY,
    ) -> None:
        self.conn = conn
        self.deadline = deadline
        self.request_timeout = request_timeout
        self.retries = retries
        self.backoff = backoff
        self.pool_size = pool_size
        self.max_body = max_body
        self.stats = Stats()
        self._lock = threading.Lock()
        self._pool: urllib3.PoolManager | None = None
        self._generation = -1
        base = urlsplit(conn.server)
        self._prefix = base.path.rstrip("/")

    def _manager(self) -> urllib3.PoolManager:
        with self._lock:
            if self._pool is None or self._generation != self.conn.generation:
                if self._pool is not None:
                    self._pool.clear()
                kwargs: dict[str, Any] = {"maxsize": self.pool_size, "retries": False, "block": False}
                if self.conn.server.startswith("https"):
                    kwargs["ssl_context"] = _ssl_context(self.conn)
                    if self.conn.tls_server_name:
                        kwargs["server_hostname"] = self.conn.tls_server_name
                    if not self.conn.verify:
                        kwargs["cert_reqs"] = "CERT_NONE"
                        kwargs["assert_hostname"] = False
                if self.conn.proxy:
                    self._pool = urllib3.ProxyManager(self.conn.proxy, **kwargs)
                else:
                    self._pool = urllib3.PoolManager(**kwargs)
                self._generation = self.conn.generation
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.clear()
                self._pool = None

    def url(self, path: str, query: dict[str, str] | None = None) -> str:
        base = self.conn.server.rstrip("/")
        return base + path + ("?" + urlencode(query) if query else "")

    def get(self, path: str, query: dict[str, str] | None = None, accept: str = "application/json") -> Response:
        """GET with retries; raises ApiError, StaleKubeconfig, ClusterUnreachable or DeadlineExceeded."""
        url = self.url(path, query)
        refreshed = False
        attempt = 0
        while True:
            if self.deadline.expired():
                raise DeadlineExceeded(path)
            generation = self.conn.generation
            headers = {"Accept": accept, "User-Agent": "firstdomino (read-only)"}
            auth = self.conn.authorization()
            if auth:
                headers["Authorization"] = auth
            wait: float | None = None
            try:
                response = self._once(url, headers)
            except SSLError as error:
                unknown = _is_unknown_authority(error)
                if unknown:
                    raise StaleKubeconfig(self.conn.server, unknown) from error
                failure: BaseException = error
            except (TimeoutError, ProtocolError, HTTPError, OSError) as error:
                failure = error
            else:
                if response.status < 300:
                    return response
                if response.status == 401 and not refreshed:
                    refreshed = True
                    if self.conn.refresh(seen=generation):
                        continue
                if response.status == 401:
                    raise ClusterUnreachable(
                        f"{self.conn.server}: 401 Unauthorized: the credentials of context "
                        f"{self.conn.context or '(current)'} were refused"
                        + (f" ({'; '.join(self.conn.warnings[-2:])})" if self.conn.warnings else "")
                        + "; log in again or fetch a fresh kubeconfig"
                    )
                if response.status not in RETRY_STATUS:
                    raise ApiError(response.status, path, _status_message(response.body))
                failure = ApiError(response.status, path, _status_message(response.body))
                wait = _retry_after(response.headers.get("retry-after"))
            attempt += 1
            if attempt > self.retries:
                if isinstance(failure, ApiError):
                    raise failure
                raise ClusterUnreachable(f"{self.conn.server}: {_describe(failure)} (after {self.retries} retries)")
            with self._lock:
                self.stats.retries += 1
            delay = wait if wait is not None else self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random())
            delay = min(delay, 30.0)
            if delay >= self.deadline.remaining():
                raise DeadlineExceeded(f"{path} (last error: {_describe(failure)})")
            time.sleep(delay)

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        timeout = min(self.request_timeout, max(0.05, self.deadline.remaining()))
        with self._lock:
            self.stats.requests += 1
        response = self._manager().request(
            "GET",
            url,
            headers=headers,
            preload_content=False,
            timeout=urllib3.Timeout(connect=min(timeout, 10.0), read=timeout),
            redirect=False,
        )
        try:
            body = self._body(response)
        finally:
            response.release_conn()
        with self._lock:
            self.stats.bytes += len(body)
        return Response(response.status, {k.lower(): v for k, v in response.headers.items()}, body)

    def _body(self, response: urllib3.BaseHTTPResponse) -> bytes:
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) <= min(self.max_body, 64 * 1024 * 1024):
            # a page of a list: its size is announced and bounded, so read it in one call (the
            # per-recv timeout still applies; a short body raises ProtocolError)
            return response.read()
        chunks: list[bytes] = []
        size = 0
        for chunk in response.stream(1024 * 1024):
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_body:
                raise ProtocolError(f"response larger than {self.max_body:,} bytes: cut off")
            if self.deadline.expired():
                raise TimeoutError("overall --timeout reached while reading a response")
        return b"".join(chunks)


def _status_message(body: bytes) -> str:
    """The `message` of a metav1.Status body, else the start of the body."""
    import json

    try:
        doc = json.loads(body[:65536])
    except ValueError:
        return body[:200].decode("utf-8", "replace").strip()
    if isinstance(doc, dict) and isinstance(doc.get("message"), str):
        return str(doc["message"])
    return body[:200].decode("utf-8", "replace").strip()


def _describe(error: BaseException) -> str:
    text = str(error)
    for needle, say in (
        ("Connection refused", "connection refused"),
        ("Name or service not known", "host name does not resolve"),
        ("nodename nor servname", "host name does not resolve"),
        ("timed out", "timed out"),
        ("Read timed out", "timed out"),
    ):
        if needle in text:
            return say
    return f"{type(error).__name__}: {text[:300]}"
