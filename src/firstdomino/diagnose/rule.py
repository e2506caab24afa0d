"""The rule contract. A rule is one module in `diagnose.rules` whose docstring is its documentation
(sections What it detects / Why it matters / Example / Fix / References) and which defines
`RULE = Rule(...)` with its metadata and its `check(ctx)` function.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from firstdomino.diagnose.finding import Finding, Severity

if TYPE_CHECKING:
    from firstdomino.diagnose.context import Context

DOC_SECTIONS = ("What it detects", "Why it matters", "Example", "Fix", "References")

#: Layers order same-subject findings: a lower layer explains a higher one on the same object.
LAYER_CONFIG = 0
LAYER_CONTROL_PLANE = 1
LAYER_CNI = 2
LAYER_NODE = 3
LAYER_PLATFORM = 4
LAYER_GITOPS = 5
LAYER_LEAF = 6
LAYER_STATUS = 7


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: Severity
    layer: int
    kinds: tuple[str, ...]
    check: Callable[[Context], Iterable[Finding]]
    module: str
    docs: tuple[str, ...] = ()
    fix: str = ""
    hazard: bool = False
    symptoms: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        module = sys.modules.get(self.module)
        return (module.__doc__ or "").strip() if module is not None else ""
