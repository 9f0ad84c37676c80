"""Leader posts (领导职数核定)."""

from __future__ import annotations

from ..core.schema import Field
from ..state import BODY, State
from .registry import op


@op("leader_posts", "职数核定", phase="posts", aliases=("领导职数",), needs_doc=True, fields={
    "body": Field("ref", True), "posts": Field("posts", True),
})
def leader_posts(state: State, d) -> None:
    body = state.require(d, "body", BODY)
    if body is not None:
        state.set_posts(d, body, d.fields["posts"])
