"""The generated rule index is up to date with the rules' docstrings."""

from __future__ import annotations

import importlib.util

from .conftest import ROOT


def test_rules_index_is_generated_from_the_code() -> None:
    spec = importlib.util.spec_from_file_location("rules_index", ROOT / "scripts" / "rules_index.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "rules.md").read_text() == module.render(), "run: python scripts/rules_index.py"
