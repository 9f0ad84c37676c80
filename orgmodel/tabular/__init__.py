"""Ledgers as tables: workbooks (xlsx) and CSV folders in, formatted workbooks out.

- :mod:`.layout`: the sheets and columns, one table for the template, the readers and
  ``export --state``;
- :mod:`.headers`, :mod:`.cells`: finding headers and reading cells as real files write them;
- :mod:`.reader`: grids to located directives; :mod:`.xlsx`, :mod:`.csv_files`: files to grids;
- :mod:`.template`, :mod:`.export`: workbooks out.

Importing this package registers the two readers with :mod:`orgmodel.sources`.
"""

from __future__ import annotations

from ..sources import register_reader
from . import csv_files, xlsx

register_reader(xlsx.SUFFIXES, xlsx.read)
register_reader(csv_files.SUFFIXES, csv_files.read)
