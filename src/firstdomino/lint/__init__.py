"""The lint layer (core, beside `diagnose`): rules that read a GitOps `Repository` and predict bootstrap
failures before apply. Pure; imports only `model`."""

from firstdomino.lint.finding import LintFinding, LintResult, Related
from firstdomino.lint.runner import lint

__all__ = ["LintFinding", "LintResult", "Related", "lint"]
