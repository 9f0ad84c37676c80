"""Sealed cache files: what orgmodel writes in its cache folder, and all it ever reads back.

Every file in the cache (a ledger file's validated directives, a year-end checkpoint, a
remembered snapshot or digest) ends with an HMAC-SHA256 over its bytes and its own name in
the folder, keyed by a secret kept in the user's profile folder
(:func:`orgmodel.core.profile.cache_secret`), not in the cache. So a file that someone else
put there, another user's, a copy of another entry (another ledger's, another day's,
another kind), or a damaged one is refused as a miss before anything in it is read; results
are then computed again. What passes the seal is unpickled by :class:`SafeUnpickler`,
which builds only orgmodel's own data classes and a short list of plain types (dates, sets,
pandas frames, a networkx graph): a file that asks for anything else (a function to call,
a module to import) is refused even if its seal were good.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import hmac
import importlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import BinaryIO

from ..core.profile import cache_secret

MAGIC = b"orgmodel-sealed 1\n"
MARK = b"\n#hmac-sha256 "
TRAILER = len(MARK) + 64
CHUNK = 1 << 20


def _mac(secret: bytes, name: str) -> hmac.HMAC:
    h = hmac.new(secret, digestmod=hashlib.sha256)
    h.update(name.encode("utf-8", "surrogatepass") + b"\0")
    return h


class _Tee:
    """A file that also feeds what is written to an HMAC."""

    def __init__(self, fh, mac):
        self.fh, self.mac = fh, mac

    def write(self, data) -> int:
        self.mac.update(data)
        return self.fh.write(data)


def write(path: Path, name: str, header: bytes = b"", value=None, data: bytes | None = None) -> bool:
    """Write ``header`` then ``value`` pickled (or the bytes ``data``) to ``path``, sealed under
    ``name`` (its place in the cache folder), through a temporary file renamed into place;
    False when nothing was written (no profile secret, a folder that cannot be written)."""
    secret = cache_secret()
    if secret is None:
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except Exception:  # noqa: BLE001 - the cache is an optimisation only
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            out = _Tee(fh, _mac(secret, name))
            out.write(MAGIC + header)
            if data is not None:
                out.write(data)
            else:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            fh.write(MARK + out.mac.hexdigest().encode("ascii"))
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - the cache is an optimisation only
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    return True


def open_sealed(path: Path, name: str) -> BinaryIO | None:
    """``path`` opened at its first byte after the seal's magic line when orgmodel sealed it
    under ``name`` for this user (the caller closes it), else None. The whole file is read
    once to check the seal, before anything in it is used."""
    secret = cache_secret()
    if secret is None:
        return None
    try:
        fh = open(path, "rb")  # noqa: SIM115 - handed to the caller
    except OSError:
        return None
    try:
        size = os.fstat(fh.fileno()).st_size
        if size < len(MAGIC) + TRAILER or fh.read(len(MAGIC)) != MAGIC:
            raise ValueError
        fh.seek(size - TRAILER)
        trailer = fh.read(TRAILER)
        if not trailer.startswith(MARK):
            raise ValueError
        mac = _mac(secret, name)
        mac.update(MAGIC)
        left = size - TRAILER - len(MAGIC)
        fh.seek(len(MAGIC))
        while left > 0:
            chunk = fh.read(min(CHUNK, left))
            if not chunk:
                raise ValueError
            mac.update(chunk)
            left -= len(chunk)
        if not hmac.compare_digest(mac.hexdigest().encode("ascii"), trailer[len(MARK):]):
            raise ValueError
        fh.seek(len(MAGIC))
        return fh
    except Exception:  # noqa: BLE001 - not ours, damaged or unreadable: a miss
        fh.close()
        return None


def read_bytes(path: Path, name: str) -> bytes | None:
    """The bytes sealed in ``path`` under ``name``, or None."""
    fh = open_sealed(path, name)
    if fh is None:
        return None
    with fh:
        size = os.fstat(fh.fileno()).st_size
        return fh.read(size - TRAILER - len(MAGIC))


def load(fh: BinaryIO):
    """Unpickle one value from ``fh`` with :class:`SafeUnpickler`."""
    return SafeUnpickler(fh).load()


# What a cache file may hold besides orgmodel's own data classes (module, name).
ALLOWED = {
    *(("builtins", n) for n in ("set", "frozenset", "slice", "range", "complex", "bytearray", "object")),
    *(("datetime", n) for n in ("date", "datetime", "time", "timedelta", "timezone")),
    *(("collections", n) for n in ("OrderedDict", "defaultdict", "deque", "Counter")),
    *(("networkx.classes." + m, c) for m, c in (("graph", "Graph"), ("digraph", "DiGraph"),
                                                  ("multigraph", "MultiGraph"), ("multidigraph", "MultiDiGraph"))),
    *((core + ".multiarray", n) for core in ("numpy.core", "numpy._core") for n in ("_reconstruct", "scalar")),
    *((core + ".numeric", "_frombuffer") for core in ("numpy.core", "numpy._core")),
    ("numpy", "dtype"), ("numpy", "ndarray"),
    *(("numpy.dtypes", n) for n in ("ObjectDType", "Int64DType", "Float64DType", "BoolDType", "StrDType")),
    *(("pandas", n) for n in ("DataFrame", "Series", "Index", "RangeIndex", "StringDtype", "CategoricalDtype",
                              "Categorical", "MultiIndex")),
    ("pandas.core.frame", "DataFrame"), ("pandas.core.series", "Series"),
    ("pandas.core.indexes.base", "Index"), ("pandas.core.indexes.base", "_new_Index"),
    ("pandas.core.indexes.range", "RangeIndex"), ("pandas.core.indexes.multi", "MultiIndex"),
    ("pandas.core.internals.managers", "BlockManager"), ("pandas.core.internals.managers", "SingleBlockManager"),
    ("pandas._libs.internals", "_unpickle_block"), ("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked"),
    ("pandas.arrays", "StringArray"), ("pandas.core.arrays.string_", "StringArray"),
    ("pandas.core.arrays.string_", "StringDtype"), ("pandas.core.arrays.categorical", "Categorical"),
    ("pandas.core.dtypes.dtypes", "CategoricalDtype"),
}
# orgmodel's modules whose classes are plain data (no class there touches a file when built)
DATA_MODULES = ("orgmodel.core", "orgmodel.state", "orgmodel.answers.snapshot", "orgmodel.reading.validate")


class SafeUnpickler(pickle.Unpickler):
    """Builds only orgmodel's data classes and the types in :data:`ALLOWED`."""

    def find_class(self, module: str, name: str):
        if (module, name) == ("builtins", "getattr"):  # how an enum member or a bound method is pickled
            return _attribute
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        if "." not in name and any(module == m or module.startswith(m + ".") for m in DATA_MODULES):
            found = getattr(importlib.import_module(module), name, None)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"不允许的对象 {module}.{name}")


# methods of plain containers that a pickled state may hold bound (``key=index.get``)
CONTAINER_METHODS = frozenset({"get", "__getitem__", "__contains__", "keys", "values", "items", "index", "count"})


def _attribute(obj, name, *default):
    """``getattr`` for what pickles use it for: an enum's member, a container's method."""
    if isinstance(name, str):
        if isinstance(obj, type) and issubclass(obj, enum.Enum) and not name.startswith("_"):
            return getattr(obj, name)
        if type(obj) in (dict, list, tuple, set, frozenset, str) and name in CONTAINER_METHODS:
            return getattr(obj, name)
    raise pickle.UnpicklingError("不允许的属性")
