"""The graph layer: typed edges between objects, built once from a Snapshot by small edge builders,
plus the indexes rules need (labels, cluster IPs, owners, nodes). Pure; imports only `model`.
"""

from firstdomino.graph.graph import Edge, Graph, build_graph

__all__ = ["Edge", "Graph", "build_graph"]
