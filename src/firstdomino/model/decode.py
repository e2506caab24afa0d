"""Bytes -> typed views, fast and lenient. Pure (no I/O): `sources` hands us bytes and a path.

Fast path: a JSON `FooList` as the API server writes it (`{"kind":"PodList",...}`) is decoded in one
pass straight into the partial views. Everything else (kubectl `kind: List`, bare arrays, single
objects, YAML) goes item by item. A field of the wrong type never loses the object: the lenient
decoder drops that one field, retries, and reports what it dropped (`Decoded.problems`).
"""

from __future__ import annotations

import mmap
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec
import yaml

from firstdomino.model.kinds import (
    VIEWS,
    VIEWS_BY_KIND,
    Condition,
    Container,
    FullPod,
    NameRef,
    Object,
    ObjectMeta,
    Pod,
    PodSpec,
    PodSpecSummary,
    PodStatus,
    Toleration,
    Volume,
    view_for,
)

#: Files larger than this are refused as YAML (the C parser runs at ~5 MB/s; big dumps are JSON).
MAX_YAML_BYTES = 64 * 1024 * 1024
#: A YAML document whose aliases would expand past this many nodes is refused (billion laughs).
MAX_YAML_EXPANDED_NODES = 2_000_000
#: How many bad fields the lenient decoder removes from one object before giving up on it.
MAX_REPAIRS = 25


@dataclass
class Decoded:
    """What one file held: (kind, view) pairs and the problems met, as (line, message).

    A typed list decoded in one go (the fast path) holds its objects as `uniform` (their kind) and
    `items`, without building a pair per object; `objects` and `by_kind()` read both forms."""

    pairs: list[tuple[str, Object]] = field(default_factory=list)
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    list_kind: str = ""
    uniform: str = ""
    items: list[Object] = field(default_factory=list)

    @property
    def objects(self) -> list[tuple[str, Object]]:
        if self.uniform:
            return [(self.uniform, item) for item in self.items]
        return self.pairs

    @property
    def empty(self) -> bool:
        return not self.items and not self.pairs

    def by_kind(self) -> dict[str, list[Object]]:
        if self.uniform:
            return {self.uniform: self.items} if self.items else {}
        grouped: dict[str, list[Object]] = {}
        for kind, obj in self.pairs:
            grouped.setdefault(kind, []).append(obj)
        return grouped


class _Head(msgspec.Struct, rename="camel"):
    kind: str = ""
    api_version: str = ""


class _Envelope(msgspec.Struct, rename="camel"):
    kind: str = ""
    api_version: str = ""
    items: list[msgspec.Raw] | None = None


_ENVELOPE: msgspec.json.Decoder[Any] = msgspec.json.Decoder(_Envelope | list[msgspec.Raw])
_HEAD = msgspec.json.Decoder(_Head)
_ANY = msgspec.json.Decoder()
_DECODERS: dict[type[Object], msgspec.json.Decoder[Any]] = {}
_LIST_DECODERS: dict[type[Object], msgspec.json.Decoder[Any]] = {}
_SNIFF = re.compile(rb'\A\s*\{\s*"kind"\s*:\s*"([A-Za-z0-9]+)List"\s*,\s*"apiVersion"\s*:\s*"([^"]*)"')
_BYTE = re.compile(r"\(byte (\d+)\)")
_AT_PATH = re.compile(r" - at `?\$((?:\.[A-Za-z0-9_-]+|\[\d+\])+)`?")


_DECODER_LOCK = threading.Lock()


def _decoder(view: type[Object]) -> msgspec.json.Decoder[Any]:
    found = _DECODERS.get(view)
    if found is None:
        with _DECODER_LOCK:
            found = _DECODERS.get(view)
            if found is None:
                found = msgspec.json.Decoder(view)
                found.decode(b"{}")  # builds msgspec's type information now, under the lock
                _DECODERS[view] = found
    return found


def _list_decoder(view: type[Object]) -> msgspec.json.Decoder[Any]:
    found = _LIST_DECODERS.get(view)
    if found is None:
        with _DECODER_LOCK:
            found = _LIST_DECODERS.get(view)
            if found is None:
                holder = msgspec.defstruct(
                    f"{view.__name__}List",
                    [("items", list[view] | None, None)],  # type: ignore[valid-type]
                    rename="camel",
                )
                found = msgspec.json.Decoder(holder)
                found.decode(b'{"items":[{}]}')
                _LIST_DECODERS[view] = found
    return found


def prepare_decoders() -> None:
    """Build every decoder and msgspec's type information up front, on one thread. msgspec builds a
    Struct type's decoding information on first use, and two threads doing that for the same type at
    once crashed the interpreter (a segfault seen in the live reader's concurrent lists): call this
    before decoding from several threads."""
    views: set[type[Object]] = {*VIEWS.values(), *VIEWS_BY_KIND.values(), Object}
    for view in views:
        _decoder(view)
        _list_decoder(view)
    for decoder, sample in (
        (_POD_SPLIT_LIST, b'{"items":[{}]}'),
        (_CONTAINERS, b"[]"),
        (_VOLUMES, b"[]"),
        (_NAME_REFS, b"[]"),
        (_TOLERATIONS, b"[]"),
        (_SPEC_FULL, b"{}"),
        (_STATUS, b"{}"),
        (_HEAD, b"{}"),
        (_ENVELOPE, b"{}"),
        (_ANY, b"{}"),
    ):
        decoder.decode(sample)


def pod_needs_detail(pod: Pod) -> bool:
    """A pod whose containers may explain something: not Ready (and not completed), or waiting.
    Runs once per pod of the cluster, hence the plain loops."""
    status = pod.status
    if status.phase == "Succeeded":
        return False
    for cond in status.conditions:
        if cond.type == "Ready":
            if cond.status != "True":
                return True
            break
    else:
        return True
    for st in status.container_statuses:
        if st.state.waiting is not None:
            return True
    for st in status.init_container_statuses:
        if st.state.waiting is not None:
            return True
    return False


def _summary(spec: PodSpec | _SpecSplit) -> PodSpecSummary:
    """The fields every pod keeps, from a full spec or from the one-pass split."""
    return PodSpecSummary(
        node_name=spec.node_name,
        service_account_name=spec.service_account_name,
        dns_policy=spec.dns_policy,
        host_network=spec.host_network,
    )


def finish_pod(full: FullPod) -> Pod:
    spec = full.spec
    summary = _summary(spec)
    return Pod(
        api_version=full.api_version,
        kind=full.kind,
        metadata=full.metadata,
        spec=summary,
        status=full.status,
        detail=spec,
    )


def _finish(obj: Object) -> Object:
    return finish_pod(obj) if isinstance(obj, FullPod) else obj


_NO_ITEMS = msgspec.Raw(b"[]")


class _SpecSplit(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """Decode-only: the spec summary decoded, the heavy lists kept raw (views into the page, no copy),
    in the same pass; they are decoded only for pods that need their detail."""

    node_name: str = ""
    service_account_name: str = ""
    dns_policy: str = ""
    host_network: bool = False
    containers: msgspec.Raw = _NO_ITEMS
    init_containers: msgspec.Raw = _NO_ITEMS
    volumes: msgspec.Raw = _NO_ITEMS
    image_pull_secrets: msgspec.Raw = _NO_ITEMS
    tolerations: msgspec.Raw = _NO_ITEMS


class _PodSplit(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """Decode-only: a pod whose status stays raw until we know whether it is healthy."""

    metadata: ObjectMeta = msgspec.field(default_factory=ObjectMeta)
    spec: _SpecSplit = msgspec.field(default_factory=_SpecSplit)
    status: msgspec.Raw = msgspec.Raw(b"{}")


_POD_SPLIT_LIST: msgspec.json.Decoder[Any] = msgspec.json.Decoder(
    msgspec.defstruct("PodSplitList", [("items", list[_PodSplit] | None, None)])
)
_CONTAINERS: msgspec.json.Decoder[list[Container]] = msgspec.json.Decoder(list[Container])
_VOLUMES: msgspec.json.Decoder[list[Volume]] = msgspec.json.Decoder(list[Volume])
_NAME_REFS: msgspec.json.Decoder[list[NameRef]] = msgspec.json.Decoder(list[NameRef])
_TOLERATIONS: msgspec.json.Decoder[list[Toleration]] = msgspec.json.Decoder(list[Toleration])
_SPEC_FULL: msgspec.json.Decoder[PodSpec] = msgspec.json.Decoder(PodSpec)
_STATUS: msgspec.json.Decoder[PodStatus] = msgspec.json.Decoder(PodStatus)
#: A healthy pod as the API server writes it (compact JSON, Go field order): Running, Ready True, no waiting
#: container (Kubernetes 1.33+ adds observedGeneration). Anything else — other formatting, other fields in
#: between — takes the full decode.
_READY = re.compile(
    rb'"type":"Ready",(?:"observedGeneration":\d+,)?"status":"True","lastProbeTime":(?:null|"[^"]*"),'
    rb'"lastTransitionTime":"([^"]+)"'
)
_POD_IP = re.compile(rb'"podIP":"([^"]+)"')


def _detail(spec: _SpecSplit) -> PodSpec:
    return PodSpec(
        node_name=spec.node_name,
        containers=_CONTAINERS.decode(spec.containers),
        init_containers=_CONTAINERS.decode(spec.init_containers),
        volumes=_VOLUMES.decode(spec.volumes),
        service_account_name=spec.service_account_name,
        dns_policy=spec.dns_policy,
        host_network=spec.host_network,
        image_pull_secrets=_NAME_REFS.decode(spec.image_pull_secrets),
        tolerations=_TOLERATIONS.decode(spec.tolerations),
    )


def _decode_pod_list(data: bytes | mmap.mmap) -> list[Object]:
    """One pass: every pod's metadata, spec summary and status; the spec's containers, volumes and the
    like are kept raw (views into `data`, no copy) and decoded only for pods that need them."""
    pods: list[Object] = []
    for item in _POD_SPLIT_LIST.decode(data).items or ():
        split = item.spec
        spec = _summary(split)
        raw_status = bytes(item.status)
        ready = _READY.search(raw_status)
        if ready is not None and b'"phase":"Running"' in raw_status and b'"waiting"' not in raw_status:
            # healthy: the status keeps the phase, the pod IP and the Ready condition only
            ip = _POD_IP.search(raw_status)
            status = PodStatus(
                phase="Running",
                pod_ip=ip.group(1).decode() if ip else "",
                conditions=[Condition(type="Ready", status="True", last_transition_time=ready.group(1).decode())],
            )
            pods.append(Pod(metadata=item.metadata, spec=spec, status=status))
            continue
        status = _STATUS.decode(raw_status)
        pod = Pod(metadata=item.metadata, spec=spec, status=status)
        if pod_needs_detail(pod):
            pod = Pod(metadata=item.metadata, spec=spec, status=status, detail=_detail(split))
        pods.append(pod)
    return pods


def line_of(data: bytes | mmap.mmap, offset: int) -> int:
    """1-based line number of a byte offset."""
    return bytes(data[: max(0, offset)]).count(b"\n") + 1


def _utf8_error_line(data: bytes | mmap.mmap) -> int | None:
    """The line of the first byte that is not UTF-8 (msgspec's error gives an offset inside one string)."""
    try:
        bytes(data).decode("utf-8")  # only on this error path
    except UnicodeDecodeError as error:
        return line_of(data, error.start)
    return None


def _json_error_line(data: bytes | mmap.mmap, error: Exception) -> int | None:
    match = _BYTE.search(str(error))
    if match:
        return line_of(data, int(match.group(1)))
    if "truncated" in str(error):
        return line_of(data, len(data))
    return None


def _item_kind(item_kind: str, list_kind: str, hint: str) -> str:
    if item_kind:
        return item_kind
    if list_kind.endswith("List") and list_kind != "List":
        return list_kind[: -len("List")]
    return hint


# --------------------------------------------------------------------------- lenient conversion
def _drop_path(obj: Any, path: list[str | int]) -> bool:
    """Remove the value at `path` inside nested dicts/lists. True when something was removed."""
    cursor = obj
    for step in path[:-1]:
        try:
            cursor = cursor[step]
        except (KeyError, IndexError, TypeError):
            return False
    last = path[-1]
    try:
        if isinstance(cursor, dict) and isinstance(last, str):
            del cursor[last]
            return True
        if isinstance(cursor, list) and isinstance(last, int):
            del cursor[last]
            return True
    except (KeyError, IndexError):
        return False
    return False


def _parse_path(text: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in re.findall(r"\.([A-Za-z0-9_-]+)|\[(\d+)\]", text):
        steps.append(part[0] if part[0] else int(part[1]))
    return steps


def convert_lenient(value: Any, view: type[Object]) -> tuple[Object | None, list[str]]:
    """Convert a plain value to a view, dropping fields of the wrong type one by one."""
    notes: list[str] = []
    if not isinstance(value, dict):
        return None, [f"expected an object, got {type(value).__name__}"]
    for _ in range(MAX_REPAIRS):
        try:
            return msgspec.convert(value, view, str_keys=True), notes
        except msgspec.ValidationError as error:
            message = str(error)
            match = _AT_PATH.search(message)
            path = _parse_path(match.group(1)) if match else []
            if not path or path[0] in ("kind", "apiVersion") or not _drop_path(value, path):
                return None, [*notes, message]
            notes.append(f"ignored field {'.'.join(map(str, path))}: {message.split(' - at ')[0]}")
        except (TypeError, ValueError, RecursionError) as error:
            return None, [*notes, str(error) or type(error).__name__]
    return None, [*notes, f"too many malformed fields (>{MAX_REPAIRS})"]


def _name_of(value: Any) -> str:
    if isinstance(value, dict):
        meta = value.get("metadata")
        if isinstance(meta, dict):
            ns, name = meta.get("namespace"), meta.get("name")
            if isinstance(name, str):
                return f"{ns}/{name}" if isinstance(ns, str) and ns else name
    return "?"


# --------------------------------------------------------------------------- JSON
def decode_json(data: bytes | mmap.mmap, kind_hint: str = "") -> Decoded:
    """Decode one JSON file: an object, a `*List`, or a bare array of objects."""
    out = Decoded()
    sniff = _SNIFF.match(data[:512])
    if sniff is not None:
        list_kind = sniff.group(1).decode()
        view = view_for(sniff.group(2).decode(errors="replace"), list_kind)
        if view is not Object:
            try:
                items = _decode_pod_list(data) if view is FullPod else _list_decoder(view).decode(data).items or []
            except (msgspec.DecodeError, UnicodeDecodeError):  # msgspec raises the latter for bad UTF-8
                items = None  # fall back to the careful path, which reports where
            if items is not None:
                out.list_kind = list_kind + "List"
                out.uniform, out.items = list_kind, items
                return out
    try:
        top = _ENVELOPE.decode(data)
    except msgspec.DecodeError as error:
        out.problems.append((_json_error_line(data, error), f"invalid JSON: {error}"))
        return out
    except RecursionError:
        out.problems.append((None, "invalid JSON: nested too deeply"))
        return out
    except UnicodeDecodeError:
        out.problems.append((_utf8_error_line(data), "not UTF-8 text"))
        return out
    if isinstance(top, list):
        raws, list_kind = top, ""
    elif top.items is not None:
        raws, list_kind = top.items, top.kind
    else:
        raws, list_kind = [msgspec.Raw(data)], ""
    out.list_kind = list_kind
    single = not isinstance(top, list) and top.items is None
    for index, raw in enumerate(raws):
        _decode_json_item(raw, index, list_kind, kind_hint, out, single)
    return out


def _decode_json_item(raw: msgspec.Raw, index: int, list_kind: str, hint: str, out: Decoded, single: bool) -> None:
    where = "" if single else f"items[{index}]: "
    try:
        head = _HEAD.decode(raw)
    except UnicodeDecodeError:
        out.problems.append((None, f"{where}not UTF-8 text"))
        return
    except (msgspec.DecodeError, RecursionError) as error:
        out.problems.append((None, f"{where}not an object: {error}"))
        return
    kind = _item_kind(head.kind, list_kind, hint)
    if not kind:
        out.problems.append((None, f"{where}object without a kind (and none can be inferred)"))
        return
    view = view_for(head.api_version, kind)
    try:
        out.pairs.append((kind, _finish(_decoder(view).decode(raw))))
        return
    except msgspec.ValidationError:
        pass
    except UnicodeDecodeError:
        out.problems.append((None, f"{where}not UTF-8 text"))
        return
    except (msgspec.DecodeError, RecursionError) as error:
        out.problems.append((None, f"{where}{error}"))
        return
    try:
        value = _ANY.decode(raw)
    except UnicodeDecodeError:  # met before the value of the wrong type that sent us here
        out.problems.append((None, f"{where}not UTF-8 text"))
        return
    _convert_into(out, value, view, kind, None, where)


# --------------------------------------------------------------------------- YAML
class LineDict(dict[Any, Any]):
    """A mapping that remembers the line (1-based) where it started in its YAML file."""

    __slots__ = ("line",)
    line: int


def _make_loader() -> type[yaml.SafeLoader]:
    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc]
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
            # SafeConstructor.construct_mapping, building the LineDict directly (no copy)
            if not isinstance(node, yaml.MappingNode):  # `!!map [a]`, `!!set x`: a mapping tag on another node
                raise yaml.constructor.ConstructorError(
                    None, None, f"expected a mapping node, but found {node.id}", node.start_mark
                )
            self.flatten_mapping(node)
            mapping = LineDict()
            mapping.line = node.start_mark.line + 1
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    hash(key)
                except TypeError as error:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark, "found unhashable key", key_node.start_mark
                    ) from error
                mapping[key] = self.construct_object(value_node, deep=deep)
            return mapping

    Loader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
        lambda loader, node: loader.construct_mapping(node, deep=True),
    )
    # Application tags (`!env_var`, `!Ref`, `!secret`) are not ours to interpret: read the plain value.
    Loader.add_multi_constructor("!", _construct_plain)
    # `=` is YAML 1.1's "value" type; Kubernetes (go-yaml) reads it as the string "=".
    Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))
    # A scalar that only looks like a timestamp or a number (`2025-13-45`, `2001-02-30`, 5,000 digits), or a
    # `!!int x`: PyYAML raises a bare ValueError/KeyError. Read it as the string it is (go-yaml, which
    # Kubernetes uses, keeps such plain scalars as strings).
    for tag in ("timestamp", "int", "float", "bool"):
        construct = getattr(yaml.constructor.SafeConstructor, f"construct_yaml_{tag}")
        Loader.add_constructor(f"tag:yaml.org,2002:{tag}", _or_string(construct))
    return Loader


def _or_string(construct: Any) -> Any:
    def checked(loader: Any, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, KeyError, AttributeError, OverflowError):
            return loader.construct_scalar(node)

    return checked


def _construct_plain(loader: Any, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


def rename_duplicate_anchors(text: str) -> str:
    """YAML lets an anchor be defined again (an alias refers to the latest definition); PyYAML refuses.
    Give every definition a unique name and point each alias at the definition before it."""
    edits: list[tuple[int, int, str]] = []
    latest: dict[str, str] = {}
    count = 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, yaml.AnchorToken):
            count += 1
            latest[token.value] = f"{token.value}__{count}"
            edits.append((token.start_mark.index, token.end_mark.index, "&" + latest[token.value]))
        elif isinstance(token, yaml.AliasToken) and token.value in latest:
            edits.append((token.start_mark.index, token.end_mark.index, "*" + latest[token.value]))
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text


_LOADER = _make_loader()
_COMPOSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int = 0) -> int:
    if depth > 5000:
        raise RecursionError("YAML nested too deeply")
    key = id(node)
    if key in memo:
        return memo[key]
    size = 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            size += _expanded_size(v, memo, depth + 1)
    memo[key] = size
    return size


def _check_aliases(text: str) -> str | None:
    """Refuse documents whose aliases would expand past the limit. Only runs when anchors exist."""
    if "&" not in text or "*" not in text:
        return None
    for node in yaml.compose_all(text, Loader=_COMPOSER):
        if node is not None and _expanded_size(node, {}) > MAX_YAML_EXPANDED_NODES:
            return f"YAML aliases expand to more than {MAX_YAML_EXPANDED_NODES:,} nodes (an alias bomb?)"
    return None


def _yaml_error(error: yaml.YAMLError) -> tuple[int | None, str]:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return line, f"invalid YAML: {problem}"


def iter_yaml(text: str) -> Iterator[Any]:
    """Documents of a YAML stream, as plain values (mappings are `LineDict`)."""
    yield from yaml.load_all(text, Loader=_LOADER)


def decode_yaml(data: bytes, kind_hint: str = "") -> Decoded:
    """Decode one YAML file: single objects, multi-document streams, `kind: List` / `*List`."""
    out = Decoded()
    if len(data) > MAX_YAML_BYTES:
        out.problems.append((None, f"YAML file larger than {MAX_YAML_BYTES // (1024 * 1024)} MiB: not read"))
        return out
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        out.problems.append((line_of(data, error.start), "not UTF-8 text"))
        return out
    try:
        bomb = _check_aliases(text)
        if bomb:
            out.problems.append((None, bomb))
            return out
        documents = list(iter_yaml(text))
    except yaml.YAMLError as error:
        out.problems.append(_yaml_error(error))
        return out
    except (RecursionError, MemoryError):
        out.problems.append((None, "YAML nested too deeply"))
        return out
    for document in documents:
        _decode_value(document, kind_hint, out)
    return out


def _decode_value(document: Any, kind_hint: str, out: Decoded) -> None:
    if document is None:
        return
    if isinstance(document, list):
        for item in document:
            _decode_item(item, "", kind_hint, out)
        return
    if not isinstance(document, dict):
        out.problems.append((None, f"document is a {type(document).__name__}, not a Kubernetes object"))
        return
    kind = document.get("kind")
    items = document.get("items")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
        out.list_kind = kind
        for item in items:
            _decode_item(item, kind, kind_hint, out)
        return
    if items is not None and not isinstance(items, list) and isinstance(kind, str) and kind.endswith("List"):
        out.problems.append((getattr(document, "line", None), f"{kind}: items is not a list"))
        return
    _decode_item(document, "", kind_hint, out)


def _decode_item(item: Any, list_kind: str, hint: str, out: Decoded) -> None:
    line = getattr(item, "line", None)
    if not isinstance(item, dict):
        out.problems.append((line, f"list item is a {type(item).__name__}, not an object"))
        return
    raw_kind = item.get("kind")
    api_version = item.get("apiVersion")
    kind = _item_kind(raw_kind if isinstance(raw_kind, str) else "", list_kind, hint)
    if not kind:
        out.problems.append((line, "object without a kind (and none can be inferred)"))
        return
    view = view_for(api_version if isinstance(api_version, str) else "", kind)
    _convert_into(out, item, view, kind, line, "")


def _convert_into(out: Decoded, value: Any, view: type[Object], kind: str, line: int | None, where: str) -> None:
    """Lenient conversion of one plain value; what was dropped is reported against the object."""
    obj, notes = convert_lenient(value, view)
    label = f"{where}{kind} {_name_of(value)}: "
    for note in notes:
        out.problems.append((line, label + note))
    if obj is not None:
        out.pairs.append((kind, _finish(obj)))


def looks_binary(data: bytes) -> bool:
    """A NUL byte near the start means this is not a text file."""
    return b"\x00" in data[:8192]


class _Bomb(Exception):
    """A document whose aliases expand past the limit."""


def _parse_checked(text: str) -> list[Any]:
    bomb = _check_aliases(text)
    if bomb:
        raise _Bomb(bomb)
    return [d for d in iter_yaml(text) if d is not None]


def parse_yaml_documents(data: bytes) -> tuple[list[Any], list[tuple[int | None, str]]]:
    """Every document of a YAML file as plain values (mappings are `LineDict`, with `.line`), with the
    same guards as the snapshot reader (size, UTF-8, alias bombs, nesting). For the repository reader."""
    problems: list[tuple[int | None, str]] = []
    if len(data) > MAX_YAML_BYTES:
        return [], [(None, f"YAML file larger than {MAX_YAML_BYTES // (1024 * 1024)} MiB: not read")]
    if looks_binary(data):
        return [], [(None, "binary file, not YAML")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [], [(line_of(data, error.start), "not UTF-8 text")]
    try:
        try:
            return _parse_checked(text), problems
        except yaml.composer.ComposerError as error:
            if "second occurrence" not in str(error):
                raise
            return _parse_checked(rename_duplicate_anchors(text)), problems
    except _Bomb as bomb:
        return [], [(None, str(bomb))]
    except yaml.YAMLError as error:
        return [], [_yaml_error(error)]
    except (RecursionError, MemoryError):
        return [], [(None, "YAML nested too deeply")]
