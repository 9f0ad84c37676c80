"""orgmodel: a dated ledger of bodies and staffing quotas, replayed into a graph.

The pipeline is ledger → directives → replay → state (a networkx graph plus
quota books) → balance tables (pandas) → outputs.
"""

__version__ = "0.1.0"
