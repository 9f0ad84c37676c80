"""Directive kinds, one module per subject. Importing this package registers every op.

- :mod:`.divisions`: divisions and pools;
- :mod:`.bodies`: establish, abolish, reclassify;
- :mod:`.names`: rename and signboards;
- :mod:`.quota`: approve, increase, cut, transfer, loans;
- :mod:`.posts`: leader posts;
- :mod:`.staffing`: staff, hiring plans, hire, depart, off-quota;
- :mod:`.restructure`: merge, split, function transfer, template, with the shared settlement;
- :mod:`.duties`: duty items;
- :mod:`.assertions`: balance assertions.
"""

from . import assertions, bodies, divisions, duties, names, posts, quota, staffing  # noqa: F401  (registers handlers)
from .registry import ALIASES, OPS, SAME_DAY_PHASES, OpSpec, lookup, op
from .restructure import function, merge, split, template  # noqa: F401

__all__ = ["ALIASES", "OPS", "SAME_DAY_PHASES", "OpSpec", "lookup", "op"]
