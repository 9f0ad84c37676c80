"""Duty items (责任事项): each has a lead body and supporting bodies; indexed by body,
so that asking for a body's duties costs what that body has."""

from __future__ import annotations

from ..core.directive import Directive
from .core import StateCore
from .records import Body, Duty


class DutyBooks(StateCore):
    def duties_of(self, body: Body, lead_only: bool = False) -> dict[str, str]:
        """Keys of the duty items ``body`` leads (or also supports), mapped to their names,
        in the order the items were first recorded."""
        keys = sorted(self._duty_keys.get(body.id, ()), key=self._duty_order.__getitem__)
        return {k: self._duties[k].name for k in keys
                if self._duties[k].lead == body.id or (not lead_only and body.id in self._duties[k].support)}

    def has_duties(self, body: Body) -> bool:
        return bool(self._duty_keys.get(body.id))

    def add_duty(self, d: Directive, name: str, category: str | None, lead: Body, support: list[Body],
                 time_limit: str | None = None, closing_standard: str | None = None) -> Duty:
        """Record a duty item of ``lead``'s division (replacing an item of the same name there),
        with its time limit (处理时限) and closing standard (结案标准) when the list gives them."""
        key = f"{lead.division}/{name}"
        if key in self._duties:  # replaced in place: it keeps its position
            self._unindex(self._duties[key])
        else:
            self._duty_order[key] = self._duty_next
            self._duty_next += 1
        duty = Duty(key, name, category, lead.id, [s.id for s in support], d.source, lead.division, time_limit,
                    closing_standard)
        self._duties[key] = duty
        self._index(duty)
        for body in (lead, *support):
            self._touch(body)
        return duty

    def move_duty(self, key: str, old: Body, target: Body | None) -> None:
        """``old`` gives up its part in duty ``key``: to ``target``, or dropped (a duty it led is deleted)."""
        duty = self._duties[key]
        self._unindex(duty)
        self._touch(old)
        if target is not None:
            self._touch(target)
        if target is None:
            if duty.lead == old.id:
                del self._duties[key]
                del self._duty_order[key]
                return
            duty.support = [x for x in duty.support if x != old.id]
        else:
            if duty.lead == old.id:
                duty.lead = target.id
            support = [target.id if x == old.id else x for x in duty.support]
            duty.support = [x for i, x in enumerate(support) if x != duty.lead and x not in support[:i]]
        self._index(duty)

    def _index(self, duty: Duty) -> None:
        for body_id in (duty.lead, *duty.support):
            self._duty_keys.setdefault(body_id, {})[duty.key] = None

    def _unindex(self, duty: Duty) -> None:
        for body_id in (duty.lead, *duty.support):
            keys = self._duty_keys.get(body_id)
            if keys is not None:
                keys.pop(duty.key, None)
                if not keys:
                    del self._duty_keys[body_id]
