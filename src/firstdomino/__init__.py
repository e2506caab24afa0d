"""firstdomino: find the first domino when a freshly built Kubernetes cluster does not come up.

Layers (see DESIGN.md and `.importlinter`): a pure core `model` <- `graph` <- `diagnose` <- `report`,
and an imperative shell: `sources` (all I/O) and `cli`.
"""

__version__ = "0.1.0"
