"""A quota trace (:func:`orgmodel.figures.provenance.trace`) in lines of Chinese: where each
unit of a body's quota came from, how a retired body's quota left it, and the check that the
trace adds up. ``orgmodel trace`` prints them; the workbench shows them on a body's page."""

from __future__ import annotations


def retirement_lines(t) -> list[str]:
    """For a retired body: when and by which document, and where its quota went."""
    r = t.retired
    if r is None:
        return []
    lines = [f"已于 {r.date} {r.kind.retired_verb}({r.doc or '无文号'},{r.source}):{r.text}"]
    for q in r.record(t.state)["quota_to"]:
        lines.append(f"  编制去向:{q['to']} {q['quota_type']} {q['amount']} 名 [{q['kind_label']}]")
    if not r.outflows:
        lines.append("  撤销时无核定编制")
    lines.append("撤销前所持编制来源:")
    return lines


def trace_lines(t, note: str | None = None) -> list[str]:
    """The provenance tree in Chinese, one step per line, then the check line.

    ``note`` (from ``State.find_by_any_name``) says the name asked for was a former name."""
    holder = t.holder
    div = t.state.divisions.get(holder.division)
    lines = [f"{div.name if div else ''}“{holder.name}”编制来源(截至 {t.state.as_of})"]
    if note:
        lines.append(f"注意:{note}")
    former = [n for _, n in getattr(holder, "names", [])[:-1]]
    if former:
        lines.append(f"曾用名:{'、'.join(former)}")
    lines += retirement_lines(t)
    for r in t.records():
        pad = "  " * (r["depth"] + 1) + ("└ " if r["depth"] else "")
        if r["date"] is None:
            lines.append(f"{pad}{r['quota_type']} {r['amount']} 名:无来源记录")
            continue
        cross = (f"(跨层级,经 {r['approved_by']} 批准)" if r["approved_by"] else "(跨层级)") if r["cross_level"] else ""
        lines.append(f"{pad}{r['date']} {r['doc'] or '无文号'} [{r['kind_label']}{cross}] "
                     f"{r['from']} → {r['to']} {r['quota_type']} {r['amount']} 名  ({r['source']})")
    out = t.outflow_records()
    if out:
        lines.append("调出(已不在本机构的编制):")
        lines += [f"  {r['date']} {r['doc'] or '无文号'} [{r['kind_label']}] → {r['to']} {r['quota_type']} {r['amount']} 名  ({r['source']})"
                  for r in out]
    return lines + [f"核对:{line}" for line in check_lines(t)]


def check_lines(t) -> list[str]:
    """Per quota type, whether the trace adds up to what the body holds (or gave up when it
    was retired): ``事业编制 追溯合计 5 名,核定 5 名,一致``."""
    what = "撤销时划出" if t.retired else "核定"
    lines = []
    for qt in sorted(set(t.approved) | set(t.roots)):
        got, want = t.traced(qt), t.approved.get(qt, 0)
        received, given = t.moved(qt)
        mark = "一致" if got == want else f"不一致,差 {want - got} 名"
        books = f"划入 {received} 名 − 调出 {given} 名 = {received - given} 名;" if given else ""
        lines.append(f"{qt} {books}追溯合计 {got} 名,{what} {want} 名,{mark}")
    if not t.approved:
        lines.append("撤销时无核定编制" if t.retired else "当前无核定编制")
    return lines
