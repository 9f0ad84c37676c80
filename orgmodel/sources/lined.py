"""The mapping type every reader produces: a dict that remembers its lines."""


class LinedDict(dict):
    """A dict that remembers the line it started on and the line of each key."""

    line: int = 0
    lines: dict
