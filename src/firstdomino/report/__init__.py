"""The report layer: renderers that take a Diagnosis and return text. They never reach back into rules."""

from firstdomino.report.json import diagnosis_to_dict, render_json, render_yaml
from firstdomino.report.text import render_text

__all__ = ["diagnosis_to_dict", "render_json", "render_text", "render_yaml"]
