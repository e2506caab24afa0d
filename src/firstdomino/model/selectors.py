"""Kubernetes label-selector semantics (pure), shared by the graph index and the lint rules."""

from __future__ import annotations

from collections.abc import Mapping

from firstdomino.model.kinds import LabelSelector


def matches_selector(labels: Mapping[str, str], selector: LabelSelector | None) -> bool:
    """Kubernetes label-selector semantics. A None selector matches nothing; an empty one, everything."""
    if selector is None:
        return False
    for key, value in selector.match_labels.items():
        if labels.get(key) != value:
            return False
    for req in selector.match_expressions:
        op = req.operator
        present = req.key in labels
        if op == "In" and (not present or labels[req.key] not in req.values):
            return False
        if op == "NotIn" and present and labels[req.key] in req.values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return True


def matches_map(labels: Mapping[str, str], selector: Mapping[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())
