"""Leader posts (领导职数核定)."""

from __future__ import annotations

from ..core.schema import Field
from ..state import BODY, State
from .registry import op


@op("leader_posts", "职数核定", phase="posts", aliases=("领导职数",), needs_doc=True, fields={
    "body": Field("ref", True), "posts": Field("posts", True), "rank": Field("rank"),
})
def leader_posts(state: State, d) -> None:
    """Approve a body's leader posts by kind; ``rank`` (如 副科) is the posts' rank when the approval
    names one (增设副科级职数), else a post's rank follows the body's (see the leader table)."""
    body = state.require(d, "body", BODY)
    if body is not None:
        state.set_posts(d, body, d.fields["posts"], d.fields.get("rank"))
