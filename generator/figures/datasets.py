"""Record lists a layout prints as lists or forms: projects, units, procurement items,
fixed assets, vehicles. Field names are the Chinese names a format's manifest uses.

Every amount a record holds is a leaf or derived here (a project's 财政资金 and
其他资金, a procurement item's amount by source, the 资产总额 of the rows a table
prints); a total row of a printed list is :meth:`Dataset.totals` over exactly
the records printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from ..model import FISCAL_SOURCES, Department
from ..money import ZERO, total
from . import series as S

#: dataset name → {field: kind} where kind is "金额" (amount), "数量" (count), "文字" (text),
#: "列表" (a nested list such as performance indicators). Documented in docs/formats.md.
FIELDS: dict[str, dict[str, str]] = {
    "项目": {
        "序号": "数量", "名称": "文字", "项目编码": "文字", "功能分类编码": "文字", "功能分类名称": "文字",
        "资金来源": "文字", "金额": "金额", "财政资金": "金额", "其他资金": "金额", "上年金额": "金额",
        "政策依据": "文字", "承担单位": "文字", "资金分配": "列表", "执行时间": "文字", "资金用途": "文字",
        "3月底": "金额", "6月底": "金额", "10月底": "金额", "12月底": "金额", "总体目标": "文字", "指标": "列表",
        "部门": "文字", "部门编码": "文字", "部门主管专项资金": "文字",
    },
    "机构设置": {"序号": "数量", "单位名称": "文字", "单位性质": "文字", "单位规格": "文字", "经费保障形式": "文字"},
    "政府采购": {
        "序号": "数量", "项目": "文字", "项目预算": "金额", "采购物品名称": "文字", "政府采购目录序号": "文字",
        "计量单位": "文字", "数量": "数量", "单价": "金额", "金额": "金额", "类别": "文字", "资金来源": "文字",
        "预留中小企业份额": "金额",
    },
    "固定资产": {"键": "文字", "数量": "数量", "价值": "金额", "说明": "文字"},
    "车辆": {"序号": "数量", "种类": "文字", "数量": "数量", "价值": "金额"},
}
_ECONOMIC_CLASS = re.compile(r"经济分类\.[0-9]{3}")


def field_kind(dataset: str, name: str) -> str | None:
    """金额 / 数量 / 文字 / 列表 for a field of a dataset; None when there is no such field.
    Projects also have ``经济分类.301`` … (the project's amount in each economic class)."""
    if dataset == "项目" and _ECONOMIC_CLASS.fullmatch(name):
        return "金额"
    return FIELDS.get(dataset, {}).get(name)


#: Keys of the rows of 固定资产 (a table picks and labels the ones it prints).
ASSET_KEYS = ("房屋", "车辆", "办公家具", "单价20万元以上设备", "其他资产", "其他固定资产")


@dataclass
class Dataset:
    name: str
    records: list[dict[str, Any]] = field(default_factory=list)

    def kind(self, name: str) -> str | None:
        return field_kind(self.name, name)

    def value(self, record: dict[str, Any], name: str, source: str | tuple[str, ...] | None = None) -> Any:
        """A field of a record; with ``source`` (a series), an amount counts only when the
        record's 资金来源 is in that series (0 otherwise; None when the record has no source)."""
        kind = self.kind(name)
        if kind == "金额" and name.startswith("经济分类.") and name not in record:
            return ZERO
        v = record.get(name)
        if source is None or kind != "金额" or v is None:
            return v
        rec_source = record.get("资金来源")
        if not rec_source:
            return None
        return v if rec_source in S.income_sources(source) else ZERO

    def totals(self, records: Iterable[dict[str, Any]], columns: Iterable[tuple[str, Any]]) -> list[Any]:
        """Column totals over ``records``: ``columns`` are (field, source-or-None) pairs.
        Amounts and counts are summed; text columns give None."""
        rows = list(records)
        out: list[Any] = []
        for name, source in columns:
            kind = self.kind(name)
            values = [self.value(r, name, source) for r in rows]
            if kind == "金额":
                out.append(total(v for v in values if v is not None))
            elif kind == "数量" and name != "序号":
                out.append(sum(int(v) for v in values if isinstance(v, int)))
            else:
                out.append(None)
        return out


def _fiscal_split(source: str, amount: Decimal) -> tuple[Decimal, Decimal]:
    fiscal = amount if source in FISCAL_SOURCES else ZERO
    return fiscal, amount - fiscal


def projects(dept: Department, fcat) -> Dataset:
    out = Dataset("项目")
    for i, p in enumerate(dept.projects, 1):
        fiscal, other = _fiscal_split(p.source, p.amount)
        by_class: dict[str, Decimal] = {}
        for code, amount in p.economic.items():
            by_class[code[:3]] = by_class.get(code[:3], ZERO) + amount
        plan = p.plan
        rec: dict[str, Any] = {
            "序号": i, "名称": p.name, "项目编码": p.code, "功能分类编码": p.function,
            "功能分类名称": fcat.name(p.function) or "", "资金来源": p.source, "金额": p.amount,
            "财政资金": fiscal, "其他资金": other, "上年金额": p.last_year, "政策依据": p.policy,
            "承担单位": p.owner or dept.name, "资金分配": [(a.name, a.amount) for a in p.allocation],
            "执行时间": p.schedule, "资金用途": p.purpose or p.name,
            "3月底": plan.march if plan else None, "6月底": plan.june if plan else None,
            "10月底": plan.october if plan else None, "12月底": plan.december if plan else None,
            "总体目标": p.performance.goal if p.performance else "",
            "指标": list(p.performance.indicators) if p.performance else [],
            "部门": dept.name, "部门编码": dept.code, "部门主管专项资金": "是" if p.special_fund else "",
        }
        for cls, amount in by_class.items():
            rec[f"经济分类.{cls}"] = amount
        out.records.append(rec)
    return out


def units(dept: Department) -> Dataset:
    return Dataset("机构设置", [
        {"序号": i, "单位名称": u.name, "单位性质": u.nature, "单位规格": u.rank, "经费保障形式": u.funding}
        for i, u in enumerate(dept.overview.units, 1)])


def procurement(dept: Department) -> Dataset:
    pr = dept.procurement
    amounts = {p.name: p.amount for p in dept.projects}
    out = Dataset("政府采购")
    for i, it in enumerate(pr.items, 1):
        out.records.append({
            "序号": i, "项目": it.project, "项目预算": amounts.get(it.project), "采购物品名称": it.item,
            "政府采购目录序号": it.catalog_no, "计量单位": it.unit, "数量": it.quantity or None, "单价": it.price,
            "金额": it.amount, "类别": it.kind, "资金来源": it.source, "预留中小企业份额": it.sme})
    if not pr.items:  # totals by kind only: no item list, no split by source
        for i, (kind, amount) in enumerate((("货物", pr.goods), ("工程", pr.works), ("服务", pr.services)), 1):
            if amount:
                out.records.append({"序号": i, "项目": "", "项目预算": None, "采购物品名称": kind, "政府采购目录序号": "",
                                    "计量单位": "", "数量": None, "单价": None, "金额": amount, "类别": kind,
                                    "资金来源": "", "预留中小企业份额": ZERO})
    return out


def fixed_assets(dept: Department) -> Dataset:
    out = Dataset("固定资产")
    a = dept.assets
    if a is None:
        return out
    vehicles_count = sum(v.count for v in a.vehicles)
    vehicles_value = total(v.value for v in a.vehicles)
    out.records = [
        {"键": "房屋", "数量": a.buildings.count, "价值": a.buildings.value, "说明": a.buildings.note},
        {"键": "车辆", "数量": vehicles_count, "价值": vehicles_value, "说明": ""},
        {"键": "办公家具", "数量": a.furniture.count, "价值": a.furniture.value, "说明": a.furniture.note},
        {"键": "单价20万元以上设备", "数量": a.equipment_20.count, "价值": a.equipment_20.value, "说明": a.equipment_20.note},
        {"键": "其他资产", "数量": a.other.count, "价值": a.other.value, "说明": a.other.note},
        {"键": "其他固定资产", "数量": a.other.count + a.furniture.count, "价值": a.other.value + a.furniture.value,
         "说明": a.other.note},
    ]
    return out


def vehicles(dept: Department) -> Dataset:
    a = dept.assets
    return Dataset("车辆", [{"序号": i, "种类": v.kind, "数量": v.count, "价值": v.value}
                          for i, v in enumerate(a.vehicles if a else [], 1)])


BUILDERS = {"项目": lambda fig: projects(fig.dept, fig.fcat), "机构设置": lambda fig: units(fig.dept),
            "政府采购": lambda fig: procurement(fig.dept), "固定资产": lambda fig: fixed_assets(fig.dept),
            "车辆": lambda fig: vehicles(fig.dept)}
