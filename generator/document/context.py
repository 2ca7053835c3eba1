"""The prose context: every figure a format's sentences print, already formatted.

A format's body template (Jinja, in its folder) receives this context. It holds
strings, numbers of people and lists of those, so a template can arrange words
but cannot compute an amount. Every amount comes from :mod:`generator.figures`;
every fixed phrase inside a sentence (增加/减少/持平/新增, 人数增减, 科目路径…)
comes from the format's ``phrases.yaml``. Documented in docs/formats.md.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..figures import Figures
from ..formats import Format
from ..formats.phrases import Phrases, fill
from ..model import FISCAL_SOURCES, SOURCES
from ..money import Change, fmt_percent, fmt_plain

CN_NUM = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一, 101 → 一百零一, 10000 → 一万 (a list may have any length)."""
    n = int(n)
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


def cn_date(text: str, phrases: Phrases | None = None) -> str:
    """2020-01-25 → 2020年1月25日 (the format's 日期 phrase); other text unchanged."""
    parts = str(text).split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        pattern = phrases["日期"] if phrases is not None else "{年}年{月}月{日}日"
        return fill(pattern, {"年": str(int(parts[0])), "月": str(int(parts[1])), "日": str(int(parts[2]))})
    return str(text)


def w(v: Decimal) -> str:
    return fmt_plain(v)


class Sentences:
    """Phrase assembly for one document (the format's phrases, the department's 口径)."""

    def __init__(self, fig: Figures, phrases: Phrases):
        self.fig, self.phrases = fig, phrases
        self.basis = fig.dept.last_year.basis

    def change_text(self, ch: Change, basis: str | None = None) -> str:
        basis = basis or self.basis
        p = self.phrases["增减"]
        if ch.last_year == 0 and ch.this_year == 0:
            key = "持平"
        elif ch.is_new:
            key = "新增"
        else:
            key = {1: "增加", -1: "减少", 0: "持平"}[ch.direction]
        pct = fmt_percent(abs(ch.pct)) if ch.pct is not None else ""
        return fill(p[key], {"口径": basis, "本年": w(ch.this_year), "上年": w(ch.last_year),
                             "差额": w(abs(ch.delta)), "百分比": pct})

    def change(self, this: Decimal, last: Decimal | None, reason: str = "", basis: str | None = None) -> dict[str, Any]:
        """{has, text, reason, verb, trend, delta, pct, new, flat, last} for a figure."""
        reason = reason.strip().rstrip("。")
        if last is None:
            return {"has": False, "text": "", "reason": reason, "flat": False, "last": ""}
        ch = Change(this, last)
        return {"has": True, "text": self.change_text(ch, basis), "reason": reason, "verb": ch.verb, "trend": ch.trend,
                "delta": w(abs(ch.delta)), "pct": fmt_percent(abs(ch.pct)) if ch.pct is not None else "",
                "new": ch.is_new, "flat": ch.direction == 0, "last": w(ch.last_year)}

    def keyed(self, key: str, this: Decimal, reason_keys: tuple[str, ...] = ()) -> dict[str, Any]:
        """The change of a figure whose last-year value is known by key (收入合计, 功能分类.2013101…)."""
        reasons = self.fig.dept.last_year.reasons
        reason = next((reasons[k].strip() for k in (key, *reason_keys) if reasons.get(k, "").strip()), "")
        return self.change(this, self.fig.last.get(key), reason)

    def headcount(self, change: int) -> str:
        p = self.phrases["人数增减"]
        key = "增加" if change > 0 else "减少" if change < 0 else "持平"
        return fill(p[key], {"人数": str(abs(change))})

    def function_path(self, code: str) -> str:
        """一般公共服务（类）党委办公厅（室）及相关机构事务（款）行政运行（项）."""
        p = self.phrases["科目路径"]
        parts = []
        for n, label in ((3, "类"), (5, "款"), (7, "项")):
            if len(code) >= n:
                name = self.fig.fcat.name(code[:n]) or code[:n]
                if label == "类" and p["类名去掉支出"] and name.endswith("支出"):
                    name = name[:-2]
                parts.append(fill(p[label], {"名称": name}))
        return "".join(parts)

    def allocation(self, name: str, allocation: list[tuple[str, Decimal]]) -> str:
        p = self.phrases["资金分配"]
        if not allocation:
            return name
        return p["分隔"].join(fill(p["每条"], {"名称": n, "金额": w(a)}) for n, a in allocation)


def _class_name(name: str) -> str:
    return name[:-2] if name.endswith("支出") else name


def _classes(fig: Figures, sources) -> list[dict[str, str]]:
    return [{"code": n.code, "name": n.name, "short": _class_name(n.name), "amount": w(n.get("total")),
             "share": fmt_percent(s)} for n, s in fig.class_items(sources)]


def build_context(fig: Figures, fmt: Format, glossary: list[dict[str, str]]) -> dict[str, Any]:
    d = fig.dept
    say = Sentences(fig, fmt.phrases)
    sep = fmt.phrases["顿号"]
    inc = fig.income
    gpb = ("一般公共预算拨款",)
    gf = ("政府性基金预算拨款",)
    soe = ("国有资本经营预算拨款",)
    staffing = d.overview.staffing
    income_items = fig.income_items()

    projects = []
    for rec in fig.dataset("项目").records:
        projects.append({
            "index": rec["序号"], "name": rec["名称"], "code": rec["项目编码"], "amount": w(rec["金额"]),
            "function": rec["功能分类编码"], "function_name": rec["功能分类名称"], "source": rec["资金来源"],
            "fiscal": w(rec["财政资金"]), "other": w(rec["其他资金"]), "policy": rec["政策依据"],
            "owner": rec["承担单位"], "allocation": say.allocation(rec["名称"], rec["资金分配"]),
            "schedule": rec["执行时间"], "purpose": rec["资金用途"], "special": bool(rec["部门主管专项资金"]),
            "goal": rec["总体目标"], "anchor": f"perf-{rec['序号']}",
        })

    three = []
    for name, item in fig.three_public_items().items():
        amount = fig.three_public_value(name)
        three.append({"name": name, "amount": w(amount),
                      "change": say.change(amount, fig.three_public_last_of(name), item.reason, "上年")})
    three_total = fig.three_public_value("三公经费")

    assets = d.assets
    assets_ctx: dict[str, Any] = {"has": assets is not None}
    if assets is not None:
        rows = {r["键"]: r for r in fig.dataset("固定资产").records}
        keys = ("房屋", "车辆", "单价20万元以上设备", "其他固定资产")
        total_value = fig.dataset("固定资产").totals([rows[k] for k in keys], [("价值", None), ("数量", None)])
        purchases = assets.purchases
        assets_ctx.update({
            "as_of": assets.as_of, "as_of_cn": cn_date(assets.as_of, fmt.phrases), "as_of_year": assets.as_of[:4],
            "buildings": {"area": assets.buildings.count, "value": w(assets.buildings.value), "note": assets.buildings.note},
            "vehicles": [{"kind": v.kind, "count": v.count, "value": w(v.value)} for v in assets.vehicles],
            "vehicle_count": rows["车辆"]["数量"], "vehicle_value": w(rows["车辆"]["价值"]),
            "furniture": w(assets.furniture.value), "furniture_note": assets.furniture.note,
            "equipment_20": {"count": assets.equipment_20.count, "value": w(assets.equipment_20.value)},
            "other": w(assets.other.value), "other_count": assets.other.count,
            "large_50": assets.large_50, "large_100": assets.large_100,
            "total_value": w(total_value[0]), "total_count": str(total_value[1]),
            "purchases": {"vehicles": purchases.vehicles, "vehicle_amount": w(purchases.vehicle_amount),
                          "equipment_50": purchases.equipment_50, "equipment_100": purchases.equipment_100,
                          "fixed_assets": w(purchases.fixed_assets) if purchases.fixed_assets is not None else "",
                          "note": purchases.note},
            "purchase": w(purchases.fixed_assets) if purchases.fixed_assets is not None else "",
            "purchase_note": purchases.note,
        })

    perf = d.performance
    functions = d.overview.functions
    basis_short = fill(fmt.phrases["口径简称"][d.last_year.basis], {"上年度": str(d.year - 1)})
    gpb_items = [n for n in fig.functions(gpb) if len(n.code) == 7]
    ctx: dict[str, Any] = {
        "dept": d.name,
        "dept_code": d.code,
        "year": d.year,
        "last_year": d.year - 1,
        "date": cn_date(d.date, fmt.phrases) if d.date else "",
        "basis": d.last_year.basis,
        "basis_short": basis_short,
        "phrases": fmt.phrases.as_dict(),
        "overview": {
            "functions": functions if isinstance(functions, str) else "",
            "function_list": list(functions) if isinstance(functions, list) else [],
            "functions_basis": d.overview.functions_basis,
            "offices": d.overview.offices,
            "offices_count": len(d.overview.offices),
            "offices_text": sep.join(d.overview.offices),
            "subunits": d.overview.subunits,
            "subunits_count": len(d.overview.subunits),
            "subunits_text": sep.join(d.overview.subunits),
            "units": [{"name": u.name, "nature": u.nature, "rank": u.rank, "funding": u.funding} for u in d.overview.units],
            "has_units": bool(d.overview.units),
            "staffing": None if staffing is None else {
                "authorized": staffing.authorized, "actual": fig.staff_actual,
                "active": {"count": staffing.active.count, "change": say.headcount(staffing.active.change)},
                "retired": {"count": staffing.retired.count, "change": say.headcount(staffing.retired.change)},
                "veteran": {"count": staffing.veteran.count, "change": say.headcount(staffing.veteran.change)}},
        },
        "income": {
            "total": w(fig.income_total),
            "items": [{"name": s, "amount": w(v), "share": fmt_percent(share),
                       "change": say.keyed(s, v, ("收入合计",) if len(income_items) == 1 else ())}
                      for s, v, share in income_items],
            "by_source": {s: w(inc[s]) for s in SOURCES},
            "has": {s: bool(inc[s]) for s in SOURCES},
            "fiscal": w(fig.income_of("财政拨款")),
            "unit_funds": w(fig.income_of("单位资金")),
            "change": say.keyed("收入合计", fig.income_total),
        },
        "spending": {
            "total": w(fig.spending_total),
            "basic": w(fig.basic_total), "basic_share": fmt_percent(fig.basic_split()["basic"]),
            "basic_change": say.keyed("基本支出", fig.basic_total),
            "project": w(fig.project_total), "project_share": fmt_percent(fig.basic_split()["project"]),
            "project_change": say.keyed("项目支出", fig.project_total),
            "change": say.keyed("支出合计", fig.spending_total),
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
            "change": say.keyed("一般公共预算拨款", inc["一般公共预算拨款"], ("收入合计",)),
            "classes": _classes(fig, gpb),
            "items": [{"code": n.code, "path": say.function_path(n.code), "name": n.name, "amount": w(n.get("total")),
                       "change": say.keyed(f"功能分类.{n.code}", n.get("total"), (n.code,))} for n in gpb_items],
            "personnel": w(fig.personnel(gpb)), "public": w(fig.public(gpb)),
            "personnel_items": [{"code": n.code, "name": n.name, "amount": w(a)} for n, a in fig.economic_items(gpb, True)],
            "public_items": [{"code": n.code, "name": n.name, "amount": w(a)} for n, a in fig.economic_items(gpb, False)],
        },
        "gf": {"total": w(fig.spending(sources=gf)), "has": bool(fig.functions(gf)),
               "basic": w(fig.spending("basic", gf)), "project": w(fig.spending("project", gf)),
               "classes": _classes(fig, gf)},
        "soe": {"total": w(fig.spending(sources=soe)), "has": bool(fig.functions(soe))},
        "projects": projects,
        "projects_count": len(projects),
        "projects_total": w(fig.project_total),
        "special_projects": [p for p in projects if p["special"]],
        "special_funds_note": d.special_funds_note,
        "three_public": {
            "total": w(three_total), "items": three[:4], "meeting": three[4], "training": three[5],
            "change": say.change(three_total, fig.three_public_last(), d.three_public.reason, "上年"),
            "with_meeting_total": w(fig.three_public_value("合计")),
        },
        "operating": {
            "amount": w(fig.operating),
            "change": say.keyed("机关运行经费", fig.operating),
            "uses": d.operating.uses,
            "admin_units": d.operating.admin_units, "public_units": d.operating.public_units,
        },
        "procurement": {
            "total": w(fig.procurement_total), "goods": w(fig.procurement["货物"]), "works": w(fig.procurement["工程"]),
            "services": w(fig.procurement["服务"]), "sme": w(d.procurement.sme_reserved),
            "small": w(d.procurement.small_reserved), "has": fig.procurement_total > 0,
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
    return ctx
