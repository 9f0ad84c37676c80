"""The one reference resolver: bodies (by name, signboard or ``区划/名称``), pools,
divisions (by code or unique name), and former names.

:meth:`Resolver.find` answers ``(target, None)`` or ``(None, reason)``, the reason being
a :class:`~orgmodel.state.records.Reason` (a Chinese message with its rule id);
:meth:`Resolver.require` does the same for a directive's field and reports the reason
as a finding there. Every op resolves through these.
"""

from __future__ import annotations

import itertools

from ..core.directive import Directive
from ..core.findings import CellSource
from .core import StateCore
from .names import DIVISIONS
from .records import Body, Division, Reason

BODY = "body"
POOL = "pool"
DIVISION = "division"
HOLDER = (POOL, BODY)  # a quota holder: a pool's name is tried first


class Resolver(StateCore):
    def find(self, ref: str, kinds=BODY, context: str | None = None):
        """Resolve ``ref`` to one of ``kinds`` (a kind or a tuple of kinds, tried in order).
        ``context`` is the division a bare body name is looked up in first."""
        kinds = (kinds,) if isinstance(kinds, str) else kinds
        why = None
        for kind in kinds:
            if kind == POOL:
                if ref in self._pools:
                    return self._pools[ref], None
                why = self._refused_reason(ref) or Reason(f"找不到编制池“{ref}”", "unknown-pool")
                if why.rule == "unknown-pool" and why != f"找不到编制池“{ref}”":
                    return None, why  # a pool the ledger tries to open: look there, not for a body
                continue
            target, why = self.find_division(ref) if kind == DIVISION else self.find_body(ref, context)
            if target is not None:
                return target, None
        return None, why

    def require(self, d: Directive, field: str, kinds=BODY, context: str | None = None, ref: str | None = None):
        """Resolve ``d``'s ``field`` (or ``ref``, a value found inside it); on failure report the
        reason as a finding at that field and return None."""
        ref = d.fields[field] if ref is None else ref
        if kinds == BODY:  # the common cases, kept short: replay resolves about one body per directive
            target, why = self.find_body(ref, context)
        elif kinds == DIVISION:
            target, why = self.find_division(ref)
        else:
            target, why = self.find(ref, kinds, context)
        if target is None:
            if why.rule in ("unknown-body", "unknown-division", "unknown-pool") and "没有设立成功" not in why:
                why = self._made_later_reason(d, ref, why) or why
            if context is not None and why.division is None:  # it was looked up in this division
                why = Reason(why, why.rule, context)
            self.error(why.rule, why, d, field, None if kinds == DIVISION or kinds == POOL else ref)
        return target

    def _made_later_reason(self, d: Directive, ref: str, why: Reason) -> Reason | None:
        """Why ``ref`` is missing when a directive later in the replay brings it into being: later
        the same day (the same-day order), or on a later date (the two dates disagree). A
        ``区划/名称`` reference whose division is missing is asked about the division."""
        name = ref.rsplit("/", 1)[0] if why.part == "division" else ref.rsplit("/", 1)[-1]
        division = ref.rsplit("/", 1)[0] if why.part != "division" and "/" in ref else None
        later = self._made_later(name, lambda made: division is None or self._same_division(made, division))
        if later is None:
            return None
        this, that = self._ops[d.op], self._ops[later.op]
        if later.date == d.date:
            return Reason(f"找不到“{name}”:它由同一天排在后面的“{that.label}”指令({later.source})设立或得名;"
                          f"同一天内“{this.label}”先于“{that.label}”执行(同日顺序,见台账格式说明第 8 节)。"
                          f"请把本指令的日期改到其后,或把这些内容写进那条指令(例如统一设置的模板条目可写 "
                          f"quota、posts、positions)", "same-day-order")
        return Reason(f"找不到“{name}”:它到 {later.date} 才由“{that.label}”指令({later.source})设立或得名,"
                      f"晚于本指令的日期 {d.date};请核对这两处的日期"
                      + ("(不填“日期”的行用“说明”表中的台账日期)" if isinstance(d.source, CellSource) else ""),
                      why.rule, why.division, why.part)

    def _same_division(self, made: Directive, division: str) -> bool:
        """Whether ``made`` (a directive that brings a name into being) may be making it in
        ``division`` (a code or name as written): a namesake made in another division is not
        what a ``区划/名称`` reference is missing."""
        where = made.fields.get("division")
        if not isinstance(where, str) or where == division:
            return True
        a, _ = self.find_division(where)
        b, _ = self.find_division(division)
        return a is not None and a is b

    REFERENCE_FIELDS = ("body", "to", "from", "lead", "name", "division")

    def _divisions_named_by(self, d: Directive) -> tuple[str, ...]:
        """The division a directive is about, from its own references (a body it names, or a
        division): where a finding with nothing else to place it is shown."""
        for key in self.REFERENCE_FIELDS:
            ref = d.fields.get(key)
            if not isinstance(ref, str):
                continue
            if "/" in ref or len(self._names.holders(ref)) <= 1:  # a shared bare name places nothing
                body, _ = self.find_body(ref)
                if body is not None:
                    return (body.division,)
            div, _ = self.find_division(ref.rsplit("/", 1)[0])
            if div is not None:
                return (div.code,)
        return ()

    # -- divisions ------------------------------------------------------------------
    def find_division(self, ref: str) -> tuple[Division | None, Reason | None]:
        """Division by code or unique name; (None, reason) when not found or ambiguous."""
        if ref in self._divisions:
            return self._divisions[ref], None
        codes = self._names.division_codes(ref)
        if len(codes) == 1:
            return self._divisions[codes[0]], None
        if codes:
            return None, Reason(f"区划名称“{ref}”不唯一(代码 {'、'.join(codes)}),请改用区划代码", "unknown-division")
        if (why := self._refused_reason(ref)) is not None:
            return None, why
        return None, Reason(f"未知的区划“{ref}”;请先设立该区划(YAML 中的 open_division 指令,或工作簿“区划”表中的一行)"
                            f"{self._did_you_mean(ref, DIVISIONS)}", "unknown-division")

    # -- bodies -------------------------------------------------------------------------
    def find_body(self, ref: str, context: str | None = None) -> tuple[Body | None, Reason | None]:
        """Body by name or signboard (``区划/名称`` qualifies); (None, reason) when not found."""
        if "/" in ref:
            div_ref, name = ref.rsplit("/", 1)
            div = self._divisions.get(div_ref)
            if div is None:
                div, why = self.find_division(div_ref)
                if div is None:
                    return None, Reason(why, "unknown-division", part="division")
            owner = self._names.owner_of((div.code, name))
            if owner is not None:
                return self._bodies[owner], None
            return None, self._missing_body(name, div)
        if context is not None:
            owner = self._names.owner_of((context, ref))
            if owner is not None:
                return self._bodies[owner], None
        ids = self._names.holders(ref)
        if len(ids) == 1:
            return self._bodies[next(iter(ids))], None
        if ids:
            where = "、".join(sorted(self._divisions[self._bodies[i].division].name for i in ids))
            return None, Reason(f"名称“{ref}”不唯一(在 {where} 都有),请写成“区划/名称”", "ambiguous-name")
        return None, self._missing_body(ref)

    def _missing_body(self, name: str, where: Division | None = None) -> Reason:
        """Why ``name`` names no body now: abolished, renamed away, or simply unknown."""
        code = where.code if where else None
        former = [self._bodies[i] for i in self._names.former(name)]
        gone = [b for b in former if not b.active]
        if gone and len(gone) == len(former):
            b = gone[-1]
            return Reason(f"机构“{name}”已于 {b.abolished} 撤销,不能再对其操作", "abolished-body", code)
        renamed = [b for b in former if b.active and b.name != name and any(n == name for _, n in b.names)]
        unhung = [b for b in former if b.active and b.name != name and name not in self.signboards(b)]
        if unhung and not renamed:
            b = unhung[-1]
            return Reason(f"“{name}”曾是“{b.name}”的牌子,已摘除;请改用机构名称“{b.name}”", "unknown-body", code)
        if renamed:
            b = renamed[-1]
            when = next((day for day, n in reversed(b.names) if n == b.name), "")
            div = self._divisions[b.division].name
            return Reason(f"“{name}”是{div}“{b.name}”的曾用名({when} 更名),请改用现名“{b.name}”", "unknown-body", code)
        if (why := self._refused_reason(name, where)) is not None:
            return why
        scope = f"在{where.name}" if where else ""
        return Reason(f"{scope}找不到机构或牌子“{name}”;请检查名称,或先设立该机构(“设立”指令,或工作簿“机构”表中的一行)"
                      f"{self._did_you_mean(name, code) if code else ''}", "unknown-body", code)

    REFUSED_KINDS = {"open_division": ("区划", "unknown-division"), "open_pool": ("编制池", "unknown-pool")}

    def _refused_reason(self, name: str, where: Division | None = None) -> Reason | None:
        """Why ``name`` is missing when the directive that would have created it was refused:
        it names that directive (a division's, a pool's or a body's), so that the clerk fixes
        the cause rather than this follow-on."""
        found = self.refused_at(name, where)
        if found is None:
            return None
        at, op = found
        what, rule = self.REFUSED_KINDS.get(op, ("机构", "unknown-body"))
        return Reason(f"{what}“{name}”没有设立成功:设立它的 {at} 未读入(原因见该处);请先修正那一处", rule,
                      where.code if where is not None else None)

    def _did_you_mean(self, name: str, scope: str) -> str:
        """``;是否是“北坪镇”?`` when a known name is close to a mistyped one: a division's name
        (``scope`` :data:`DIVISIONS`), else the name of an active body in division ``scope``.
        Found through an index of names by character (:class:`NameHints`), so a sheet of a
        million unknown references costs a million small look-ups, not a scan of every body each."""
        if scope == DIVISIONS:
            accept = self._names.division_codes
        else:
            def accept(candidate: str) -> bool:
                owner = self._names.owner_of((scope, candidate))
                body = self._bodies[owner] if owner is not None else None
                return body is not None and body.active and body.name == candidate
        close = self._names.hints().best(scope, name, accept)
        return f";是否是“{close}”?" if close else ""

    # -- former names ---------------------------------------------------------------
    def find_by_any_name(self, ref: str):
        """Resolve ``ref`` as the ledger would on the state's date: a pool, else a body by name,
        signboard or ``区划/名称`` (ambiguity gives (None, reason)). Only a name no body uses
        now falls back to former names (renamed or retired bodies); then the second value is
        a Chinese note saying which body it was and what it is called now. Returns
        ``(holder, None)``, ``(holder, note)`` or ``(None, reason)``."""
        if ref in self._pools:
            return self._pools[ref], None
        body, why = self.find_body(ref)
        if body is not None or self._ref_in_use(ref):
            return body, why
        former, problem = self._former_holder(ref)
        if former is None:
            return None, problem or why
        return former, self._former_note(former, ref)

    def _ref_in_use(self, ref: str) -> bool:
        """True when ``ref`` (``名称`` or ``区划/名称``) is a current name or signboard of some body."""
        if "/" not in ref:
            return self._names.in_use(ref)
        div, _ = self.find_division(ref.rsplit("/", 1)[0])
        return div is not None and self._names.owner(div.code, ref.rsplit("/", 1)[1]) is not None

    def _former_holder(self, ref: str):
        """The body that gave up the name in ``ref``; (None, None) when none, (None, reason)
        when bodies in several divisions did."""
        div_ref, _, name = ref.rpartition("/")
        div = self.find_division(div_ref)[0] if div_ref else None
        if div_ref and div is None:
            return None, None
        ids = list(dict.fromkeys(self._names.former(name)))
        found = [self._bodies[i] for i in ids if div is None or self._bodies[i].division == div.code]
        if len({b.division for b in found}) > 1:
            where = "、".join(sorted({self._divisions[b.division].name for b in found}))
            return None, Reason(f"曾用名“{name}”不唯一(在 {where} 都有),请写成“区划/名称”", "ambiguous-name")
        return (found[-1], None) if found else (None, None)

    def _former_note(self, body: Body, ref: str) -> str | None:
        """Chinese note when ``ref`` is a former name of ``body``: what the body is called now
        (None for a retired body asked for by its last name: the trace says it was retired)."""
        name = ref.rsplit("/", 1)[-1]
        div = self._divisions[body.division].name
        if body.active:
            return f"“{name}”是{div}“{body.name}”的曾用名,该机构现名“{body.name}”"
        if body.name == name:
            return None
        return f"“{name}”是{div}“{body.name}”的曾用名,该机构已于 {body.abolished} 撤销"

    def reference(self, holder) -> str:
        """How to name a body so that it cannot be taken for another: its name when that alone
        finds it (for a retired body: when no other body uses or used it), else ``区划/名称``
        (the division's code instead of its name when that is shared too). A pool is named
        by its name."""
        if not isinstance(holder, Body):
            return holder.name
        name = holder.name
        holders = self._names.holders(name)
        alone = holders == {holder.id} if holder.active else (not holders and self.ever_named(name) <= {holder.id})
        if alone:
            return name
        div = self._divisions[holder.division]
        prefix = div.name if len(self._names.division_codes(div.name)) == 1 else div.code
        return f"{prefix}/{name}"

    def named_by_several(self, name: str) -> bool:
        """Whether more than one body has ever been called ``name`` (as :meth:`ever_named`,
        but stopping at the second: a common name is held by thousands)."""
        found = set()
        for i in itertools.chain(self._names.holders(name), self._names.former(name)):
            if i not in found and any(n == name for _, n in self._bodies[i].names):
                found.add(i)
                if len(found) > 1:
                    return True
        return False

    def ever_named(self, name: str) -> set[int]:
        """Ids of the bodies that have ever been called ``name`` (not counting signboards)."""
        maybe = self._names.holders(name) | set(self._names.former(name))
        return {i for i in maybe if any(n == name for _, n in self._bodies[i].names)}
