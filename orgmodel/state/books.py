"""The books: quota moves and pool loans, staff counts, leader posts, hiring plans and
off-quota staff. Every change of approved quota is a flow, in the journal and on the graph.
"""

from __future__ import annotations

import datetime as dt

from ..core.directive import Directive
from ..core.findings import CellSource
from ..core.kinds import Fact, FlowKind
from .core import StateCore
from .records import Body, Division, Flow, Loan, PlanIssued, Pool, Secondment, StaffMove

# Enum members cost a descriptor lookup each time; the hot paths use these module constants.
_ACTUAL = Fact.ACTUAL
_APPROVED = Fact.APPROVED
_COUNTS = Fact.COUNTS
_POSITIONS = Fact.POSITIONS
_HIRE = Fact.HIRE
_OVER = Fact.OVER
_LEADERS = Fact.LEADERS
_OFF_QUOTA = Fact.OFF_QUOTA
_PLAN = Fact.PLAN
_POSTS = Fact.POSTS
_LED_BY = Fact.LED_BY
EARMARKED = "earmarked"  # the kind of pool whose quota keeps its purpose (专项编制专户)


class Books(StateCore):
    # -- quota -------------------------------------------------------------------
    def higher_node(self, holder) -> tuple:
        """The graph node of the level above ``holder``'s jurisdiction (where 核定/核增 come from)."""
        return ("higher", self.root_of(holder.division))

    def move_quota(self, src, dst, qtype: str, amount: int, d: Directive, kind: FlowKind,
                   field: str | None = "amount", cross_level: bool = False) -> bool:
        """Move ``amount`` of ``qtype`` from holder ``src`` to ``dst`` (either may be None for
        the higher level). Refuses, with a finding, to take more than ``src`` holds."""
        if src is not None:
            held = src.approved.get(qtype, 0)
            if amount > held:
                self.error("insufficient-quota", f"“{self.reference(src)}”只有{qtype} {held} 名,不能调出 {amount} 名(差 {amount - held} 名)", d, field, src)
                return False
            src.approved[qtype] = held - amount
        if dst is not None:
            dst.approved[qtype] = dst.approved.get(qtype, 0) + amount
        mark = (self._seq, d.source)
        fact = (self._seq, d.where(field)) if field and d.spots and type(d.source) is CellSource else mark
        for holder in (src, dst):
            if holder is not None:
                holder.facts[(_APPROVED, qtype)] = fact  # a sheet's row: the cell that holds the amount
                self._touch(holder, mark)
        if amount and src is not None and type(src) is Body:
            self._widened(src, qtype, fact)
        if amount:
            self._carry_earmark(src, dst, qtype, amount)
        kind = kind if type(kind) is FlowKind else FlowKind(kind)
        flow = Flow(d.date, d.doc, d.source, kind, src.node if src else None, dst.node if dst else None,
                    qtype, amount, cross_level, len(self._flows), d.fields.get("approved_by"))
        self._flows.append(flow)
        if amount:
            u = src.node if src is not None else self.higher_node(dst)
            v = dst.node if dst is not None else self.higher_node(src)
            self._graph.add_edge(u, v, key=flow.seq, flow=flow)
        return True

    def _carry_earmark(self, src, dst, qtype: str, amount: int) -> None:
        """Quota from an earmarked account (专户) keeps its earmark on the body it goes to until a
        hire uses it; earmarked quota moved on from a body takes its earmark along (first), and
        loses it only when it goes back to a pool or to the level above."""
        if type(src) is Pool:
            carried = {src.name: amount} if src.kind == EARMARKED else {}
        elif type(src) is Body and src.earmarks.get(qtype):
            carried, left, marks = {}, amount, src.earmarks[qtype]
            for account in list(marks):
                take = min(left, marks[account])
                if take:
                    carried[account] = take
                    marks[account] -= take
                    left -= take
                if not marks[account]:
                    del marks[account]
            if not marks:
                del src.earmarks[qtype]
        else:
            return
        if carried and type(dst) is Body:
            into = dst.earmarks.setdefault(qtype, {})
            for account, n in carried.items():
                into[account] = into.get(account, 0) + n

    def _use_earmark(self, body: Body, qtype: str, people: int) -> None:
        """``people`` who joined ``body`` take up its earmarked quota of ``qtype`` first."""
        marks = body.earmarks.get(qtype)
        if not marks or people <= 0:
            return
        used = body.earmarks_used.setdefault(qtype, {})
        for account in list(marks):
            take = min(people, marks[account])
            marks[account] -= take
            used[account] = used.get(account, 0) + take
            people -= take
            if not marks[account]:
                del marks[account]
        if not marks:
            del body.earmarks[qtype]

    def _widened(self, body: Body, qtype: str, mark) -> None:
        """A change (``mark``) took from ``body``'s approved quota of ``qtype`` or added to its
        people: when that leaves it over quota, it is the change an over-quota finding points
        at (a change that narrows the excess, as quota given to a body already over, is not)."""
        if body.actual.get(qtype, 0) > body.approved.get(qtype, 0):
            body.facts[(_OVER, qtype)] = mark

    def quota_edges(self):
        """``(u, v, flow)`` for every flow that moved quota, in journal order: the graph's flow
        edges (a move of 0 has none), with ``("higher", jurisdiction)`` for the level above,
        read from the journal rather than from the whole graph."""
        bodies, pools = self._bodies, self._pools
        for fl in self._flows:
            if not fl.amount:
                continue
            u, v = fl.src, fl.dst
            if u is None:
                u = self.higher_node(bodies[v[1]] if v[0] == "body" else pools[v[1]])
            if v is None:
                v = self.higher_node(bodies[u[1]] if u[0] == "body" else pools[u[1]])
            yield u, v, fl

    # -- loans from turnover pools ---------------------------------------------------
    def lend(self, d: Directive, pool: Pool, body: Body, qtype: str, amount: int, due: dt.date | None,
             cross_level: bool = False) -> bool:
        """Lend quota from a turnover pool to a body (a flow of kind ``loan``) until ``due``."""
        if not self.move_quota(pool, body, qtype, amount, d, FlowKind.LOAN, cross_level=cross_level):
            return False
        loan = Loan(len(self._loans) + 1, pool.name, body.id, qtype, amount, d.date, due, d.doc, d.source)
        self._loans.append(loan)
        self._open_loans.setdefault((body.id, pool.name, qtype), []).append(loan)
        return True

    def open_loans(self, body: Body, pool: Pool, qtype: str) -> list[Loan]:
        """``body``'s loans of ``qtype`` from ``pool`` not yet wholly returned, oldest first."""
        return [ln for ln in self._open_loans.get((body.id, pool.name, qtype), []) if ln.outstanding]

    def repay(self, d: Directive, body: Body, pool: Pool, qtype: str, amount: int, field: str | None = "amount") -> bool:
        """Return ``amount`` of loaned quota to ``pool`` (a flow of kind ``return``), paying
        the oldest open loans first. The caller checks that no more than is owed is returned."""
        if not self.move_quota(body, pool, qtype, amount, d, FlowKind.RETURN, field):
            return False
        key = (body.id, pool.name, qtype)
        for ln in self._open_loans.get(key, []):
            paid = min(amount, ln.outstanding)
            ln.returned += paid
            amount -= paid
        self._open_loans[key] = [ln for ln in self._open_loans.get(key, []) if ln.outstanding]
        return True

    # -- people ------------------------------------------------------------------------
    def set_staff(self, d: Directive, body: Body, actual: dict[str, int], leaders: dict[str, int] | None) -> None:
        """Record the actual staff (实有) of some types and, if given, the leaders in post."""
        mark = (self._seq, d.source)
        before = {t: body.actual.get(t, 0) for t in actual}
        body.actual.update(actual)
        facts = body.facts
        cells = d.spots and type(d.source) is CellSource  # a sheet's row: each figure has its own cell
        for t, n in actual.items():
            facts[(_ACTUAL, t)] = fact = (self._seq, d.where(f"actual/{t}")) if cells else mark
            if n > before.get(t, 0):
                self._widened(body, t, fact)
                self._use_earmark(body, t, n - before.get(t, 0))
        if leaders is not None:
            body.leaders.update(leaders)
            facts[(_LEADERS, None)] = mark
            if cells:
                for k in leaders:
                    facts[(_LEADERS, k)] = (self._seq, d.where(f"leaders/{k}"))
        self._touch(body, mark)

    def hire(self, d: Directive, body: Body, qtype: str, count: int) -> None:
        """``count`` people join; they use up the hiring plan of that type as far as it goes."""
        body.actual[qtype] = body.actual.get(qtype, 0) + count
        self._use_earmark(body, qtype, count)
        if qtype in body.planned:
            body.planned[qtype] -= min(count, body.planned[qtype])
        mark = self._mark(d)
        body.facts[(_ACTUAL, qtype)] = mark
        body.facts[(_HIRE, qtype)] = mark
        if count:
            self._widened(body, qtype, mark)
        self._touch(body, mark)
        self._moves.append(StaffMove(d.date, d.source, "hire", None, body.id, qtype, count))

    def depart(self, d: Directive, body: Body, qtype: str, count: int) -> None:
        """``count`` people leave (the caller checks that so many are there)."""
        body.actual[qtype] = body.actual.get(qtype, 0) - count
        body.facts[(_ACTUAL, qtype)] = mark = self._mark(d)
        self._touch(body, mark)
        self._moves.append(StaffMove(d.date, d.source, "depart", body.id, None, qtype, count))

    def move_staff(self, d: Directive, src: Body, dst: Body, qtype: str, count: int) -> None:
        """People move with their quota or function (人随编走)."""
        mark = self._mark(d)
        src.actual[qtype] -= count
        dst.actual[qtype] = dst.actual.get(qtype, 0) + count
        src.facts[(_ACTUAL, qtype)] = mark
        dst.facts[(_ACTUAL, qtype)] = mark
        if count:
            self._widened(dst, qtype, mark)
        self._touch(src, mark)
        self._touch(dst, mark)
        self._moves.append(StaffMove(d.date, d.source, "move", src.id, dst.id, qtype, count))

    def hand_over(self, d: Directive, src: Body, dst: Body) -> None:
        """The leaders in post, the posts (岗位) and the named counts of ``src`` pass to ``dst`` (a merge)."""
        mark = self._mark(d)
        for attr, fact in (("leaders", _LEADERS), ("positions", _POSITIONS), ("counts", _COUNTS)):
            book = getattr(src, attr)
            if book:
                into = getattr(dst, attr)
                for kind, n in book.items():
                    into[kind] = into.get(kind, 0) + n
                book.clear()
                dst.facts[(fact, None)] = mark
                self._touch(dst, mark)

    def set_posts(self, d: Directive, body: Body, posts: dict[str, int], rank: str | None = None) -> None:
        """Approve leader posts (领导职数) by kind, at ``rank`` (副科 …) when the approval names one."""
        body.posts.update(posts)
        if rank is not None:
            body.post_ranks.update(dict.fromkeys(posts, rank))
        body.facts[(_POSTS, None)] = mark = self._mark(d)
        if d.spots and type(d.source) is CellSource:  # a sheet's row: each kind has its own cell
            for k in posts:
                body.facts[(_POSTS, k)] = (self._seq, d.where(f"posts/{k}"))
        self._touch(body, mark)

    def set_plan(self, d: Directive, body: Body, qtype: str, places: int) -> None:
        """Set the hiring plan (用编进人计划) of one type, replacing an earlier one; the plan issued
        is kept in the journal of plans (``state.plans``) as well."""
        body.planned[qtype] = places
        self._plans.append(PlanIssued(d.date, d.source, body.id, qtype, places))
        body.facts[(_PLAN, qtype)] = mark = self._mark(d)
        self._touch(body, mark)

    def set_off_quota(self, d: Directive, division: Division, staff: dict[str, int], grids: int | None,
                      of_whom: dict[str, dict[str, int]] | None = None, grid_kinds: dict[str, int] | None = None) -> None:
        """Record off-quota staff by kind (and of whom, by sub-kind) and, if given, the
        number of grids of a division, or its grids by kind (the number is then their sum)."""
        division.off_quota.update(staff)
        for kind, subs in (of_whom or {}).items():
            division.of_whom.setdefault(kind, {}).update(subs)
        if grid_kinds:
            division.grid_kinds.update(grid_kinds)
            division.grids = sum(division.grid_kinds.values())
        elif grids is not None:
            division.grids = grids
            division.grid_kinds.clear()  # a plain number replaces the kinds it no longer adds up to
        division.facts[(_OFF_QUOTA, None)] = mark = self._mark(d)
        self._touch(division, mark)

    def set_counts(self, d: Directive, holder: Division | Body, counts: dict[str, int]) -> None:
        """Record named counts that are not people (网格党支部 6900, 教学现场 110) on a division or body."""
        holder.counts.update(counts)
        holder.facts[(_COUNTS, None)] = mark = self._mark(d)
        self._touch(holder, mark)

    def second(self, d: Directive, src: Body, dst: Body, qtype: str, count: int, until: dt.date | None) -> None:
        """``count`` people of ``src`` (in its ``qtype`` staff) work at ``dst`` until ``until``: neither
        body's quota nor staff changes (people move, quota stays)."""
        self._secondments.append(Secondment(d.date, until, d.source, src.id, dst.id, qtype, count))
        mark = self._mark(d)
        for body in (src, dst):
            self._touch(body, mark)

    def seconded_out(self, body: Body, qtype: str, day: dt.date) -> int:
        """How many of ``body``'s ``qtype`` staff are seconded elsewhere on ``day``."""
        return sum(s.count for s in self._secondments
                   if s.src == body.id and s.quota_type == qtype and s.date <= day and (s.until is None or s.until >= day))

    def relate(self, d: Directive, body: Body, relation: str, whom: str | None) -> None:
        """Record a leading relation of ``body`` beside its 主管 (直属 市委, 归口 市委政法委); None ends it."""
        if whom is None:
            body.relations.pop(relation, None)
        else:
            body.relations[relation] = whom
        body.facts[(_LED_BY, None)] = mark = self._mark(d)
        self._touch(body, mark)

    def set_measure(self, d: Directive, holder: Division | Body, name: str, value, unit: str) -> None:
        """Record a measure that is not a count (网格员补贴 400 元/人·月, 办结率 99.4%) on a division or
        body; a later one of the same name replaces it. Measures are never added up."""
        holder.measures[name] = (value, unit)
        holder.facts[(_COUNTS, None)] = mark = self._mark(d)
        self._touch(holder, mark)

    def set_positions(self, d: Directive, body: Body, positions: dict[str, int]) -> None:
        """Set up posts (岗位) inside a body, by name and count; a count of 0 removes the post."""
        for name, n in positions.items():
            if n:
                body.positions[name] = n
            else:
                body.positions.pop(name, None)
        body.facts[(_POSITIONS, None)] = mark = self._mark(d)
        self._touch(body, mark)
