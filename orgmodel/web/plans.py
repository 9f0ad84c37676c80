"""Plans in the workbench: drafts written in forms, their live impact, import and export,
comparison side by side, and the scenario report.

Pages (GET) sit beside the balance pages under ``/at/<day>/`` so that the toolbar's links
hold (``plans.html``, ``plan-<id>.html``, ``plan-<id>-edit.html``, ``plans-compare.html``);
what changes a draft is a POST under ``/plans/<id>/…`` carrying the CSRF token and the
draft's version, answered by a redirect to the draft's page (or the form again, with its
errors at their fields). Drafting needs the role 经办; reading drafts, 查阅. Nothing here
writes the ledger: drafts are kept in their own file (:mod:`.drafts`).
"""

from __future__ import annotations

import getpass
import re
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from flask import Flask, Response, abort, current_app, g, redirect, request
from markupsafe import escape

from ..answers.orgchart import plan_charts as charts_of_plan
from ..answers.orgchart import touched_divisions
from ..answers.scenario import Simulation, scenario_as_of
from ..core.describe import fields_summary
from ..core.findings import SEVERITY_LABELS, Finding
from ..core.schema import MAX_NAME, parse_date, text_problem
from ..ops.registry import OPS, lookup
from ..report import charts
from ..report.audit_report import finding_groups
from ..report.scenario_report import CHARTS_SHOWN, change_groups, chart_pairs, sankey_flows, write_scenario_report
from ..report.site import records
from .downloads import XLSX, _attachment, _zipped
from .drafts import Draft, DraftError, Drafts
from .guard import READ, requires
from .pages import day_of, desk, render
from .plan_files import ImportRefused, changes_workbook, draft_label, import_plan, scenario_of, scenario_yaml
from .plan_form import DraftSource, check, field_errors, form_fields, kinds, path_label, paths_of, plain, raw_of

DRAFT = "经办"
CONTROL_INPUTS = frozenset({"csrf_token", "version", "n", "op", "more"})  # a form's inputs that are not fields
MAX_COMPARE = 4
IMPACT_INLINE = 100_000  # directives of a ledger up to which a plan's page waits for its simulation
SIMULATIONS_KEPT = 8
NAME_HINTS = 12
MAX_POST = 6 * 1024 * 1024  # bytes of a request: a plan file (5 MB at most) with its form


def drafts() -> Drafts:
    return current_app.config["DRAFTS"]


def register(app: Flask, drafts_path: str | Path, author: str | None = None) -> None:
    """Add the plans' routes to ``app``; drafts are kept in ``drafts_path``."""
    app.config["DRAFTS"] = Drafts(drafts_path)
    app.config["AUTHOR"] = author or _user()
    app.config["SIMULATIONS"] = OrderedDict()
    app.config["SIMULATIONS_LOCK"] = threading.Lock()
    app.config.setdefault("IMPACT_INLINE", IMPACT_INLINE)
    app.config["MAX_CONTENT_LENGTH"] = app.config.get("MAX_CONTENT_LENGTH") or MAX_POST

    @app.get("/at/<day>/plans.html")
    @requires(READ)
    def plans_page(day: str):
        sheet = desk().sheet(day_of(day))
        return render("web/plans.html", sheet, day, page="plans", drafts=drafts().list(), path=drafts().path,
                      max_compare=MAX_COMPARE, refused=None, refused_file="", signoff=[])

    @app.get("/at/<day>/plan-<int:draft_id>.html")
    @requires(READ)
    def plan_page(day: str, draft_id: int):
        """The plan: its directives, what it may become, and its impact, shown at once on a ledger
        of a county (a province's takes half a minute: the page then fetches it when ready)."""
        sheet = desk().sheet(day_of(day))
        draft = _draft(draft_id)
        if draft.committed:  # it is part of the ledger now: simulated again it would meet itself
            return render("web/plan.html", sheet, day, page="plan", draft=draft, rows=_rows(draft, []),
                          kinds=kinds(), sim=None)
        sim = simulated(draft)
        if sim is None and desk().book.ledger.count <= current_app.config["IMPACT_INLINE"]:
            sim = simulation(draft)
        if sim is None:
            pending = scenario_of(draft, desk().book.config).findings
            return render("web/plan.html", sheet, day, page="plan", draft=draft, rows=_rows(draft, pending),
                          kinds=kinds(), sim=None)
        return render("web/plan.html", sheet, day, page="plan", draft=draft, rows=_rows(draft, sim.findings),
                      kinds=kinds(), **impact(sim))

    @app.get("/at/<day>/plan-<int:draft_id>-impact")
    @requires(READ)
    def impact_fragment(day: str, draft_id: int):
        """The impact section, and each directive's problems (swapped in where they belong)."""
        day_of(day)
        draft = _draft(draft_id)
        sim = simulation(draft)
        env = current_app.config["TEMPLATES"]
        html = env.get_template("web/_partials/impact_fragment.html").render(
            draft=draft, rows=_rows(draft, sim.findings), **impact(sim))
        return Response(html, mimetype="text/html")

    @app.get("/at/<day>/plan-<int:draft_id>-edit.html")
    @requires(DRAFT)
    def edit_page(day: str, draft_id: int):
        sheet = desk().sheet(day_of(day))
        draft = _draft(draft_id)
        if not draft.editable:
            abort(409, description=f"方案“{draft.name}”{draft.status},不能修改")
        n = _position(request.args.get("n"), draft, allow_new=True)
        raw = draft.directives[n] if n < len(draft.directives) else None
        spec = lookup(raw["op"]) if raw else lookup(request.args.get("op") or "")
        if spec is None:
            abort(400, description="请选择指令类型")
        if raw is None:
            raw = {"date": _last(draft, "date") or draft.as_of or "", "doc": _last(draft, "doc") if spec.needs_doc else ""}
        return _form(sheet, day, draft, n, spec, raw, {})

    @app.post("/plans/new")
    @requires(DRAFT)
    def new_plan():
        name, problem = _line(request.form.get("name"), "方案名称")
        if problem:
            abort(400, description=problem)
        as_of = _as_of(request.form.get("as_of"))
        draft = drafts().create(name, g.get("user") or current_app.config["AUTHOR"], as_of=as_of)
        return redirect(f"/at/latest/plan-{draft.id}.html", code=303)

    @app.post("/plans/<int:draft_id>/meta")
    @requires(DRAFT)
    def plan_meta(draft_id: int):
        name, problem = _line(request.form.get("name"), "方案名称")
        description = (request.form.get("description") or "").strip()
        problem = problem or (text_problem(description, True, 2000) and f"方案说明{text_problem(description, True, 2000)}")
        if problem:
            abort(400, description=problem)
        as_of = _as_of(request.form.get("as_of"))

        def how(d: Draft):
            d.name, d.description, d.as_of = name, description, as_of
        return _changed(draft_id, how)

    @app.post("/at/<day>/plan-<int:draft_id>-save")
    @requires(DRAFT)
    def save_directive(day: str, draft_id: int):
        """Save the form as directive ``n`` (the form again, with its errors at their fields, if
        it has any); posted under the day so the form shown again keeps the toolbar's links."""
        day_of(day)
        draft, n, spec = _posted_directive(draft_id)
        raw, errors = validated(spec, draft, n)
        if request.form.get("more"):  # 增加一行: the same form again, one blank row more where all are filled
            return _form(desk().sheet(day_of(day)), day, draft, n, spec, plain(raw), {})
        if errors:
            return _form(desk().sheet(day_of(day)), day, draft, n, spec, plain(raw), errors, status=422)

        def how(d: Draft):
            if n < len(d.directives):
                d.directives[n] = plain(raw)
            else:
                d.directives.append(plain(raw))
        return _changed(draft_id, how, anchor=f"d{n + 1}")

    @app.post("/plans/<int:draft_id>/check")
    @requires(DRAFT)
    def check_directive(draft_id: int):
        """The errors of a form as it is filled (htmx): one out-of-band element per field."""
        draft, n, spec = _posted_directive(draft_id)
        _, errors = validated(spec, draft, n)
        shown = {""} | {".".join(name.split(".")[:i]) for name in request.form if name not in CONTROL_INPUTS
                        for i in range(1, name.count(".") + 2) if name.split(".")[i - 1] not in ("k", "v")}
        for path in [p for p in errors if p not in shown]:  # a field the page does not show: said at the top
            errors.setdefault("", []).extend(f"{path_label(path)}:{m}" for m in errors.pop(path))
        html = "".join(f'<span id="err-{escape(p)}" class="field-error" role="alert" hx-swap-oob="true">'
                       f'{escape("；".join(errors.get(p, [])))}</span>' for p in sorted(shown))
        return Response(html, mimetype="text/html")

    @app.post("/plans/<int:draft_id>/move")
    @requires(DRAFT)
    def move_directive(draft_id: int):
        draft = _draft(draft_id)
        n = _position(request.form.get("n"), draft)
        to = n - 1 if request.form.get("way") == "up" else n + 1
        if not 0 <= to < len(draft.directives):
            return redirect(f"/at/latest/plan-{draft_id}.html#d{n + 1}", code=303)

        def how(d: Draft):
            d.directives[n], d.directives[to] = d.directives[to], d.directives[n]
        return _changed(draft_id, how, anchor=f"d{to + 1}")

    @app.post("/plans/<int:draft_id>/remove")
    @requires(DRAFT)
    def remove_directive(draft_id: int):
        n = _position(request.form.get("n"), _draft(draft_id))
        return _changed(draft_id, lambda d: d.directives.pop(n))

    @app.post("/plans/<int:draft_id>/delete")
    @requires(DRAFT)
    def delete_plan(draft_id: int):
        if not _draft(draft_id).editable:
            abort(409, description="已提交、已批准或已入账的方案不能删除")
        drafts().delete(draft_id)
        return redirect("/at/latest/plans.html", code=303)

    @app.post("/at/<day>/plans-import")
    @requires(DRAFT)
    def import_page(day: str):
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            abort(400, description="请选择要导入的方案文件(YAML 或工作簿)")
        try:
            found = import_plan(upload.read(), upload.filename, desk().book.config)
        except ImportRefused as exc:
            sheet = desk().sheet(day_of(day))
            return render("web/plans.html", sheet, day, page="plans", drafts=drafts().list(), path=drafts().path,
                          max_compare=MAX_COMPARE, refused=exc.findings, refused_file=upload.filename[:100],
                          signoff=[])
        draft = drafts().create(found.name, g.get("user") or current_app.config["AUTHOR"], found.description, found.as_of,
                                found.directives)
        return redirect(f"/at/latest/plan-{draft.id}.html", code=303)

    @app.get("/plans/<int:draft_id>/<kind>")
    @requires(READ)
    def plan_download(draft_id: int, kind: str):
        draft = _draft(draft_id)
        stem = f"方案{draft.id}-{draft.name}"
        if kind == "scenario.yaml":
            return _attachment(scenario_yaml(draft).encode("utf-8"), f"{stem}.yaml", "application/x-yaml")
        with tempfile.TemporaryDirectory(prefix="orgmodel-plan-") as tmp:
            folder = Path(tmp)
            if kind == "changes.xlsx":
                path = changes_workbook(draft, desk().book.config, folder / "plan.xlsx")
                return _attachment(path.read_bytes(), f"{stem}(变动记录).xlsx", XLSX)
            if kind == "report.zip":
                write_scenario_report(simulation(draft), folder / "report")
                return _attachment(_zipped(folder / "report"), f"{stem}(方案报告).zip", "application/zip")
        abort(404, description="没有这种下载")

    @app.get("/at/<day>/plans-compare.html")
    @requires(READ)
    def compare_page(day: str):
        sheet = desk().sheet(day_of(day))
        ids = []
        for text in request.args.getlist("d")[: MAX_COMPARE + 1]:
            if not text.isdigit():
                abort(400, description="草稿编号应为数字")
            if int(text) not in ids:
                ids.append(int(text))
        if not 2 <= len(ids) <= MAX_COMPARE:
            abort(400, description=f"请选择 2 至 {MAX_COMPARE} 份草稿进行比较(已选 {len(ids)} 份)")
        chosen = [_draft(i) for i in ids]
        day_all = max((d for d in (scenario_as_of(desk().book.ledger, scenario_of(dr, desk().book.config))
                                   for dr in chosen) if d), default=None)
        sims = [simulation(dr, day_all) for dr in chosen]
        return render("web/plans_compare.html", sheet, day, page="plans", **comparison(chosen, sims))

    @app.get("/at/<day>/names")
    @requires(READ)
    def name_hints(day: str):
        """Names to pick from as a reference is typed (htmx fills the page's datalist): bodies as
        ``区划/名称`` where needed, divisions and pools; the query is the one value sent."""
        sheet = desk().sheet(day_of(day))
        query = next(iter(request.args.values()), "")[:100]
        hits, _ = sheet.search.find(query, limit=NAME_HINTS)
        state = sheet.state
        names = []
        for h in hits:
            m = re.fullmatch(r"body-(\d+)\.html", h.href)
            names.append(state.reference(state.bodies[int(m.group(1))]) if m else h.name)
        words = query.lower().split()
        names += [p.name for p in state.pools.values() if p.active and words and all(w in p.name.lower() for w in words)]
        html = "".join(f'<option value="{escape(n)}"></option>' for n in dict.fromkeys(names))
        return Response(html, mimetype="text/html")


# -- what the routes share ---------------------------------------------------------------
def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "本机用户"


def _draft(draft_id: int) -> Draft:
    draft = drafts().get(draft_id)
    if draft is None:
        abort(404, description=f"没有编号为 {draft_id} 的草稿(可能已被删除)")
    return draft


def _position(text, draft: Draft, allow_new: bool = False) -> int:
    """The 0-based place of a directive in ``draft`` from a form's ``n`` (absent: a new one at the end)."""
    last = len(draft.directives) if allow_new else len(draft.directives) - 1
    if text in (None, "") and allow_new:
        return len(draft.directives)
    if not str(text).isdigit() or not 0 <= int(text) <= last:
        abort(400, description=f"方案中没有第 {str(text)[:10]} 条指令;请重新打开草稿")
    return int(text)


def _version() -> int:
    text = request.form.get("version") or ""
    if not text.isdigit():
        abort(400, description="缺少草稿的版本号;请重新打开草稿后再改")
    return int(text)


def _changed(draft_id: int, how, anchor: str = "") -> Response:
    """Change the draft's text (only while it is a 草稿 or was returned)."""
    def edit(d: Draft):
        if not d.editable:
            raise DraftError(f"方案“{d.name}”{d.status},不能修改" + ("" if d.status == "已入账" else ";请审核人退回后再改"))
        how(d)
    try:
        drafts().change(draft_id, _version(), edit)
    except DraftError as exc:
        abort(409, description=str(exc))
    return redirect(f"/at/latest/plan-{draft_id}.html" + (f"#{anchor}" if anchor else ""), code=303)


def _line(value, what: str) -> tuple[str, str | None]:
    text = (value or "").strip()
    if not text:
        return "", f"请填写{what}"
    problem = text_problem(text, False, MAX_NAME)
    return text, (f"{what}{problem}" if problem else None)


def _as_of(value) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    day = parse_date(text)
    if day is None:
        abort(400, description=f"模拟日期“{escape(text[:20])}”无效;应为 YYYY-MM-DD 的真实日期")
    return day.isoformat()


def _last(draft: Draft, key: str) -> str:
    """The last directive's ``key`` (a new directive starts with the date and 文号 of the one before)."""
    return next((d.get(key) for d in reversed(draft.directives) if d.get(key)), "")


def validated(spec, draft: Draft, n: int) -> tuple[dict, dict[str, list[str]]]:
    """The submitted form as a raw directive and its errors ``{field path: [messages]}``."""
    config = desk().book.config
    raw, problems = raw_of(spec, request.form, config)
    errors = {p: [m] for p, m in problems.items()}
    if not raw.get("date") and "date" not in errors:
        errors["date"] = ["请填写日期(YYYY-MM-DD)"]
    _, findings = check(raw, config, draft_label(draft), n + 1)
    found = field_errors(findings)
    if "date" in errors:  # said at the field; the validation's own word for it is about the directive
        found[""] = [m for m in found.get("", []) if "date(日期)" not in m]
    for path, messages in found.items():
        if path not in problems:  # a value the form refused is not judged again (it was left out)
            errors.setdefault(path, []).extend(messages)
    return raw, errors


def _form(sheet, day: str, draft: Draft, n: int, spec, raw: dict, errors: dict, status: int = 200) -> Response:
    fields = form_fields(spec, desk().book.config, raw)
    known = set(paths_of(fields))
    loose = [m for p, ms in errors.items() if p not in known for m in ms]
    response = render("web/plan_form.html", sheet, day, page="plan", draft=draft, n=n, spec=spec, fields=fields,
                      errors=errors, loose=loose, new=n >= len(draft.directives), signoff=[])
    response.status_code = status
    return response


def simulated(draft: Draft, as_of=None) -> Simulation | None:
    """The draft's simulation if it was made already for this version and ledger."""
    book = desk().book
    book.refresh()
    with current_app.config["SIMULATIONS_LOCK"]:
        return current_app.config["SIMULATIONS"].get((book.stamp, draft.id, draft.version, as_of))


def simulation(draft: Draft, as_of=None) -> Simulation:
    """The draft simulated on the ledger as it is now (kept per draft version and day)."""
    book = desk().book
    book.refresh()
    key = (book.stamp, draft.id, draft.version, as_of)
    cache, lock = current_app.config["SIMULATIONS"], current_app.config["SIMULATIONS_LOCK"]
    with lock:
        if key in cache:
            return cache[key]
    sim = book.simulate(scenario_of(draft, book.config), as_of)
    with lock:
        cache[key] = sim
        while len(cache) > SIMULATIONS_KEPT:
            cache.popitem(last=False)
    return sim


def _rows(draft: Draft, findings: list[Finding]) -> list[dict]:
    """Each directive of the draft as a line of the plan, with the problems among ``findings``
    it causes (those of its own fields, and once simulated, those of the replay and the rules)."""
    mine: dict[int, list[Finding]] = {}
    for f in findings:
        if isinstance(f.source, DraftSource) and f.source.file == draft_label(draft):
            mine.setdefault(f.source.line, []).append(f)
    rows = []
    for i, raw in enumerate(draft.directives, 1):
        spec = OPS.get(raw.get("op"))
        rest = {k: v for k, v in raw.items() if k not in ("date", "op", "doc", "note")}
        rows.append({"n": i - 1, "date": raw.get("date"), "label": spec.label if spec else raw.get("op"),
                     "doc": raw.get("doc"), "summary": fields_summary(rest, 200, raw.get("op")), "note": raw.get("note"),
                     "problems": [(f.severity, SEVERITY_LABELS.get(f.severity, ""),
                                   (path_label(f.source.field) + ":" if f.source.field else "") + f.message)
                                  for f in mine.get(i, [])]})
    return rows


def _posted_directive(draft_id: int):
    """``(draft, position, op)`` of a posted directive form (400 without a kind of directive)."""
    draft = _draft(draft_id)
    n = _position(request.form.get("n"), draft, allow_new=True)
    spec = lookup(request.form.get("op") or "")
    if spec is None:
        abort(400, description="请选择指令类型")
    return draft, n, spec


def impact(sim: Simulation) -> dict:
    """What the draft's page shows of its simulation: before and after for every body and
    township it touches, the totals, the findings it causes, the changes and the 编制流向."""
    findings = sim.findings
    return {
        "sim": sim, "totals": records(sim.totals), "townships": records(sim.township_diff),
        "bodies": records(sim.balance_diff), "leaders": records(sim.leader_diff),
        "changes": change_groups(sim.changes), "change_count": len(sim.changes),
        "groups": finding_groups(sim.after, findings, prefix=""),
        "counts": {sev: sum(f.severity == sev for f in findings) for sev in SEVERITY_LABELS},
        "labels": SEVERITY_LABELS, "sankey": charts.sankey(sankey_flows(sim.flows)),
        "attribute_changes": sim.attribute_changes, "inherited_total": len(sim.inherited),
        **before_after_charts(sim),
    }


def before_after_charts(sim: Simulation) -> dict:
    """The before and after org charts of each division the plan changes (the scenario
    report's, the first few drawn on the page)."""
    codes = touched_divisions(sim)
    return {"orgcharts": chart_pairs(charts_of_plan(sim, codes[:CHARTS_SHOWN])), "orgchart_count": len(codes)}


def comparison(chosen: list[Draft], sims: list[Simulation]) -> dict:
    """2–4 drafts side by side on one day: the jurisdiction's totals after each, every body
    and type any of them changes, and what each causes."""
    types = list(dict.fromkeys(t for s in sims for t in s.totals["quota_type"]))
    totals = []
    for t in types:
        rows = [s.totals[s.totals["quota_type"] == t].to_dict("records") for s in sims]
        first = next(r[0] for r in rows if r)
        totals.append({"quota_type": t, "before": first["before_total"], "before_approved": first["before_approved"],
                       "after": [r[0]["after_total"] if r else None for r in rows],
                       "after_approved": [r[0]["after_approved"] if r else None for r in rows]})
    bodies: dict[tuple, dict] = {}
    for i, s in enumerate(sims):
        for r in records(s.balance_diff):
            key = (r["division"], r["body"], r["quota_type"])
            row = bodies.setdefault(key, {"division": r["division"], "body": r["body"], "quota_type": r["quota_type"],
                                          "before": r["before_approved"], "after": [None] * len(sims)})
            row["after"][i] = (r["after_approved"], r["status"])
    summary = [{"draft": d, "as_of": s.as_of, "changes": len(s.changes),
                "counts": {sev: sum(f.severity == sev for f in s.findings) for sev in SEVERITY_LABELS}}
               for d, s in zip(chosen, sims)]
    return {"chosen": chosen, "summary": summary, "totals": totals, "bodies": list(bodies.values()),
            "labels": SEVERITY_LABELS, "as_of": sims[0].as_of if sims else None,
            "sankeys": [charts.sankey(sankey_flows(s.flows)) for s in sims]}

