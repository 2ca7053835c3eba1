"""The prose context: every figure a format's sentences print, already formatted.

A format's body template (Jinja, in its folder) receives this context. It holds
strings and lists of strings only, so a template can arrange words but cannot
compute a number. Documented for format authors in docs/formats.md.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..figures import Figures, Node
from ..model import FISCAL_SOURCES, SOURCES
from ..money import ZERO, Change, fmt_percent, fmt_plain, largest_remainder

CN_NUM = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一, 101 → 一百零一, 10000 → 一万 (a list may have any length)."""
    if n < 0:
        return "负" + cn_number(-n)
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + CN_NUM[n - 10]
    if n >= 10 ** 8:
        return str(n)
    high, low = divmod(n, 10000)
    if not high:
        return _cn_below_10000(low)
    return cn_number(high) + "万" + (("零" if low < 1000 else "") + _cn_below_10000(low) if low else "")


def _cn_below_10000(n: int) -> str:
    out, pending_zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit % 10
        if digit:
            out += ("零" if pending_zero else "") + CN_NUM[digit] + name
            pending_zero = False
        elif out:
            pending_zero = True
    return out


def cn_date(text: str) -> str:
    """2020-01-25 → 2020年1月25日; other text unchanged."""
    parts = str(text).split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日"
    return str(text)


def w(v: Decimal) -> str:
    return fmt_plain(v)


def change_info(fig: Figures, key: str, this: Decimal, reason_keys: tuple[str, ...] = ()) -> dict[str, Any]:
    """{text, reason, has, verb, delta, pct, new} for a figure with a last-year value."""
    ch = fig.change(key, this)
    reasons = fig.dept.last_year.reasons
    reason = next((reasons[k].strip() for k in (key, *reason_keys) if reasons.get(k, "").strip()), "")
    if ch is None:
        return {"has": False, "text": "", "reason": reason, "last": ""}
    return {
        "has": True,
        "text": ch.describe(fig.dept.last_year.basis),
        "reason": reason.rstrip("。"),
        "verb": ch.verb,
        "trend": ch.trend,
        "delta": w(abs(ch.delta)),
        "pct": fmt_percent(abs(ch.pct)) if ch.pct is not None else "",
        "new": ch.is_new,
        "flat": ch.direction == 0,
        "last": w(ch.last_year),
    }


def item_change(this: Decimal, last: Decimal | None, basis: str, reason: str) -> dict[str, Any]:
    if last is None:
        return {"has": False, "text": "", "reason": reason.strip().rstrip("。"), "flat": False}
    ch = Change(this, last)
    return {"has": True, "text": ch.describe(basis), "reason": reason.strip().rstrip("。"),
            "verb": ch.verb, "delta": w(abs(ch.delta)), "pct": fmt_percent(abs(ch.pct)) if ch.pct is not None else "",
            "new": ch.is_new, "flat": ch.direction == 0, "last": w(last)}


def function_path_name(fig: Figures, code: str) -> str:
    """一般公共服务（类）党委办公厅（室）及相关机构事务（款）行政运行（项）."""
    parts = []
    for n, label in ((3, "类"), (5, "款"), (7, "项")):
        if len(code) >= n:
            name = fig.fcat.name(code[:n]) or code[:n]
            if label == "类" and name.endswith("支出"):
                name = name[:-2]
            parts.append(f"{name}（{label}）")
    return "".join(parts)


def _class_name(name: str) -> str:
    return name[:-2] if name.endswith("支出") else name


def _classes(fig: Figures, sources) -> list[dict[str, str]]:
    nodes = [n for n in fig.functions(sources) if len(n.code) == 3 and n.get("total")]
    shares = largest_remainder([n.get("total") for n in nodes])
    return [{"code": n.code, "name": n.name, "short": _class_name(n.name), "amount": w(n.get("total")),
             "share": fmt_percent(s)} for n, s in zip(nodes, shares)]


def _econ_items(fig: Figures, personnel: bool) -> list[dict[str, str]]:
    out = []
    for n in fig.economics("basic", ("一般公共预算拨款",)):
        if len(n.code) != 5:
            continue
        amount = n.get("personnel" if personnel else "public")
        if amount:
            out.append({"code": n.code, "name": n.name, "amount": w(amount)})
    return out


def _headcount(h) -> dict[str, Any]:
    if h.change > 0:
        text = f"增加{h.change}人"
    elif h.change < 0:
        text = f"减少{-h.change}人"
    else:
        text = "与上年持平"
    return {"count": h.count, "change": text}


def build_context(fig: Figures, fmt_phrases: dict[str, Any], glossary: list[dict[str, str]]) -> dict[str, Any]:
    d = fig.dept
    inc = fig.income
    income_total = fig.income_total
    nonzero = [s for s in SOURCES if inc[s]]
    shares = dict(zip(nonzero, largest_remainder([inc[s] for s in nonzero])))
    split = fig.basic_split()
    gpb = ("一般公共预算拨款",)
    gpb_nodes = fig.functions(gpb)
    gpb_items = [n for n in gpb_nodes if len(n.code) == 7]
    staffing = d.overview.staffing

    projects = []
    for i, p in enumerate(d.projects, 1):
        projects.append({
            "index": i,
            "name": p.name,
            "code": p.code,
            "amount": w(p.amount),
            "function": p.function,
            "function_name": fig.fcat.name(p.function) or "",
            "source": p.source,
            "fiscal": w(p.amount) if p.source in FISCAL_SOURCES else "0.00",
            "other": w(p.amount) if p.source not in FISCAL_SOURCES else "0.00",
            "policy": p.policy,
            "owner": p.owner or d.name,
            "allocation": "；".join(f"{a.name}{w(a.amount)}万元" for a in p.allocation) if p.allocation else p.name,
            "schedule": p.schedule,
            "purpose": p.purpose or p.name,
            "special": p.special_fund,
            "goal": p.performance.goal if p.performance else "",
            "anchor": f"perf-{i}",
        })

    three = []
    for name, item in fig.three_public_items().items():
        amount = fig.item_total(item)
        three.append({"name": name, "amount": w(amount),
                      "change": item_change(amount, item.last_year, "上年", item.reason)})
    three_total = fig.three_public_total()
    three_last = fig.three_public_last()

    gf_nodes = fig.functions(("政府性基金预算拨款",))
    soe_nodes = fig.functions(("国有资本经营预算拨款",))

    assets = d.assets
    assets_ctx: dict[str, Any] = {"has": assets is not None}
    if assets is not None:
        vehicles = [{"kind": v.kind, "count": v.count, "value": w(v.value)} for v in assets.vehicles]
        v_count = sum(v.count for v in assets.vehicles)
        v_value = sum((v.value for v in assets.vehicles), ZERO)
        fixed = [("1、房屋（平方米）", assets.buildings.count, assets.buildings.value),
                 ("2、车辆（台、辆）", v_count, v_value),
                 ("3、单价在 20 万元以上的设备", assets.equipment_20.count, assets.equipment_20.value),
                 ("4、其他固定资产", assets.other.count, assets.other.value)]
        total_value = assets.buildings.value + v_value + assets.furniture.value + assets.equipment_20.value + assets.other.value
        assets_ctx.update({
            "as_of": assets.as_of, "as_of_cn": cn_date(assets.as_of), "as_of_year": assets.as_of[:4],
            "buildings": {"area": assets.buildings.count, "value": w(assets.buildings.value), "note": assets.buildings.note},
            "vehicles": vehicles, "vehicle_count": v_count, "vehicle_value": w(v_value),
            "furniture": w(assets.furniture.value), "furniture_note": assets.furniture.note,
            "equipment_20": {"count": assets.equipment_20.count, "value": w(assets.equipment_20.value)},
            "other": w(assets.other.value), "other_count": assets.other.count,
            "large_50": assets.large_50, "large_100": assets.large_100,
            "total_value": w(total_value),
            "purchases": {"vehicles": assets.purchases.vehicles, "vehicle_amount": w(assets.purchases.vehicle_amount),
                          "equipment_50": assets.purchases.equipment_50, "equipment_100": assets.purchases.equipment_100,
                          "fixed_assets": w(assets.purchases.fixed_assets) if assets.purchases.fixed_assets is not None else "",
                          "note": assets.purchases.note},
        })

    perf = d.performance
    functions = d.overview.functions
    ctx: dict[str, Any] = {
        "dept": d.name,
        "dept_code": d.code,
        "year": d.year,
        "last_year": d.year - 1,
        "date": cn_date(d.date) if d.date else "",
        "basis": d.last_year.basis,
        "phrases": fmt_phrases,
        "overview": {
            "functions": functions if isinstance(functions, str) else "",
            "function_list": list(functions) if isinstance(functions, list) else [],
            "functions_basis": d.overview.functions_basis,
            "offices": d.overview.offices,
            "offices_count": len(d.overview.offices),
            "offices_text": "、".join(d.overview.offices),
            "subunits": d.overview.subunits,
            "subunits_count": len(d.overview.subunits),
            "subunits_text": "、".join(d.overview.subunits),
            "units": [{"name": u.name, "nature": u.nature, "rank": u.rank, "funding": u.funding} for u in d.overview.units],
            "staffing": None if staffing is None else {
                "authorized": staffing.authorized, "actual": fig.staff_actual,
                "active": _headcount(staffing.active), "retired": _headcount(staffing.retired),
                "veteran": _headcount(staffing.veteran)},
        },
        "income": {
            "total": w(income_total),
            "items": [{"name": s, "amount": w(inc[s]), "share": fmt_percent(shares[s]),
                       "change": change_info(fig, s, inc[s], ("收入合计",) if len(nonzero) == 1 else ())}
                      for s in nonzero],
            "by_source": {s: w(inc[s]) for s in SOURCES},
            "has": {s: bool(inc[s]) for s in SOURCES},
            "fiscal": w(inc["一般公共预算拨款"] + inc["政府性基金预算拨款"] + inc["国有资本经营预算拨款"]),
            "unit_funds": w(sum((inc[s] for s in SOURCES if s not in FISCAL_SOURCES and s not in ("财政专户管理资金", "上年结转结余")), ZERO)),
            "change": change_info(fig, "收入合计", income_total),
        },
        "spending": {
            "total": w(fig.spending_total),
            "basic": w(fig.basic_total), "basic_share": fmt_percent(split["basic"]),
            "basic_change": change_info(fig, "基本支出", fig.basic_total),
            "project": w(fig.project_total), "project_share": fmt_percent(split["project"]),
            "project_change": change_info(fig, "项目支出", fig.project_total),
            "change": change_info(fig, "支出合计", fig.spending_total),
            "personnel": w(fig.personnel()), "public": w(fig.public()),
            "classes": _classes(fig, None),
        },
        "fiscal": {
            "total": w(fig.spending(sources=FISCAL_SOURCES)),
            "classes": _classes(fig, FISCAL_SOURCES),
            "personnel": w(fig.personnel(FISCAL_SOURCES)), "public": w(fig.public(FISCAL_SOURCES)),
            "project": w(fig.spending("project", FISCAL_SOURCES)),
            "gpb": w(inc["一般公共预算拨款"]), "gf": w(inc["政府性基金预算拨款"]), "soe": w(inc["国有资本经营预算拨款"]),
            "has_gf": bool(inc["政府性基金预算拨款"]), "has_soe": bool(inc["国有资本经营预算拨款"]),
        },
        "gpb": {
            "total": w(fig.spending(sources=gpb)),
            "basic": w(fig.spending("basic", gpb)),
            "project": w(fig.spending("project", gpb)),
            "change": change_info(fig, "一般公共预算拨款", inc["一般公共预算拨款"], ("收入合计",)),
            "classes": _classes(fig, gpb),
            "items": [{"code": n.code, "path": function_path_name(fig, n.code), "name": n.name,
                       "amount": w(n.get("total")),
                       "change": change_info(fig, f"功能分类.{n.code}", n.get("total"), (n.code,))}
                      for n in gpb_items],
            "personnel": w(fig.personnel(gpb)), "public": w(fig.public(gpb)),
            "personnel_items": _econ_items(fig, True), "public_items": _econ_items(fig, False),
        },
        "gf": {"total": w(fig.spending(sources=("政府性基金预算拨款",))), "has": bool(gf_nodes),
               "basic": w(fig.spending("basic", ("政府性基金预算拨款",))), "project": w(fig.spending("project", ("政府性基金预算拨款",))),
               "classes": _classes(fig, ("政府性基金预算拨款",))},
        "soe": {"total": w(fig.spending(sources=("国有资本经营预算拨款",))), "has": bool(soe_nodes)},
        "projects": projects,
        "projects_count": len(projects),
        "projects_total": w(fig.project_total),
        "special_projects": [p for p in projects if p["special"]],
        "special_funds_note": d.special_funds_note,
        "three_public": {
            "total": w(three_total), "items": three[:4], "meeting": three[4], "training": three[5],
            "change": item_change(three_total, three_last, "上年", d.three_public.reason),
            "with_meeting_total": w(three_total + fig.item_total(d.three_public.meeting) + fig.item_total(d.three_public.training)),
        },
        "operating": {
            "amount": w(fig.operating),
            "change": change_info(fig, "机关运行经费", fig.operating),
            "uses": d.operating.uses,
            "admin_units": d.operating.admin_units, "public_units": d.operating.public_units,
        },
        "procurement": {
            "total": w(fig.procurement_total), "goods": w(fig.procurement["货物"]), "works": w(fig.procurement["工程"]),
            "services": w(fig.procurement["服务"]), "sme": w(d.procurement.sme_reserved),
            "small": w(d.procurement.small_reserved), "has": fig.procurement_total > ZERO,
        },
        "assets": assets_ctx,
        "performance": None if perf is None else {
            "goal": perf.goal,
            "sub_goals": [{"name": g.name, "goal": g.goal, "indicator": g.indicator} for g in perf.sub_goals],
            "measures": [{"title": m.title, "text": m.text} for m in perf.measures],
        },
        "other_matters": d.other_matters,
        "glossary": glossary,
    }
    from .context_national import extend_context; extend_context(ctx, fig)  # noqa: E702
    return ctx
