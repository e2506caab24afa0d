"""The diagnose layer: rules that read the snapshot and graph and return findings, and the runner
that links findings into root causes and cascades and decides the verdict. Pure.
"""

from firstdomino.diagnose.finding import Diagnosis, Evidence, Finding, Severity
from firstdomino.diagnose.runner import diagnose

__all__ = ["Diagnosis", "Evidence", "Finding", "Severity", "diagnose"]
