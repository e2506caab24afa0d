"""The kubeconfig path under hostile input: any YAML, any shape, gives a Connection or a clear
UsageError/ClusterUnreachable (exit 2/3), never a traceback. Exec plugins in generated configs run
`false` or a missing binary only."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firstdomino.errors import ClusterUnreachable, UsageError
from firstdomino.sources.kubeconfig import connect

EXAMPLES = int(os.environ.get("FIRSTDOMINO_FUZZ_EXAMPLES", "60"))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=20), st.just("https://127.0.0.1:1"), st.just("")
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)
cluster = st.fixed_dictionaries(
    {},
    optional={
        "server": st.one_of(st.just("https://127.0.0.1:1"), st.just("http://[::1"), values),
        "certificate-authority-data": st.one_of(st.just("bm90IGEgY2VydA=="), st.just("%%%"), values),
        "certificate-authority": st.one_of(st.just("/nonexistent/ca.crt"), values),
        "insecure-skip-tls-verify": values,
        "tls-server-name": values,
        "proxy-url": values,
    },
)
user = st.fixed_dictionaries(
    {},
    optional={
        "token": values,
        "tokenFile": st.one_of(st.just("/nonexistent/token"), values),
        "client-certificate-data": st.one_of(st.just("bm90IGEgY2VydA=="), values),
        "client-key-data": values,
        "username": values,
        "password": values,
        "exec": st.fixed_dictionaries(
            {"command": st.sampled_from(["false", "/nonexistent/plugin"])},
            optional={"apiVersion": st.sampled_from(["client.authentication.k8s.io/v1", "x/v0", ""]), "args": values},
        ),
        "auth-provider": st.fixed_dictionaries(
            {"name": st.sampled_from(["oidc", "gcp", "azure", "x"])}, optional={"config": values}
        ),
    },
)
named = lambda key, body: st.fixed_dictionaries({"name": st.sampled_from(["a", "b", ""]), key: body})  # noqa: E731
config = st.fixed_dictionaries(
    {},
    optional={
        "apiVersion": values,
        "kind": values,
        "clusters": st.one_of(st.lists(named("cluster", cluster | values), max_size=2), values),
        "users": st.one_of(st.lists(named("user", user | values), max_size=2), values),
        "contexts": st.one_of(
            st.lists(
                named(
                    "context",
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "cluster": st.sampled_from(["a", "b"]),
                            "user": st.sampled_from(["a", "b"]),
                            "namespace": values,
                        },
                    )
                    | values,
                ),
                max_size=2,
            ),
            values,
        ),
        "current-context": st.one_of(st.sampled_from(["a", "b"]), values),
    },
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.one_of(config, values), context=st.one_of(st.none(), st.sampled_from(["a", "b", "missing"])))
def test_any_kubeconfig_gives_a_connection_or_a_clear_error(tmp_path: Path, doc: object, context: str | None) -> None:
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(doc))
    try:
        conn = connect(str(path), context)
    except (UsageError, ClusterUnreachable) as error:
        assert str(error)
        return
    try:
        conn.authorization()
        assert isinstance(conn.server, str)
    finally:
        conn.close()


def test_binary_and_unparseable_kubeconfigs(tmp_path: Path) -> None:
    for name, data in (("binary", b"\x00\xff\xfe" * 100), ("yaml", b"clusters: [unclosed"), ("empty", b"")):
        path = tmp_path / name
        path.write_bytes(data)
        try:
            connect(str(path)).close()
        except (UsageError, ClusterUnreachable) as error:
            assert str(error)


def test_alias_bombs_and_odd_tags_are_refused_before_the_loader(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    for name, text in (("bomb", bomb), ("bool-tag", "clusters: !!bool x\n")):
        path = tmp_path / name
        path.write_text(text)
        try:
            connect(str(path)).close()
        except (UsageError, ClusterUnreachable) as error:
            assert str(path) in str(error)
        else:
            raise AssertionError(f"{name}: accepted")
