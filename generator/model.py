"""The department budget as authored: leaf facts only.

Field aliases are the Chinese keys a finance clerk writes in YAML; descriptions
feed ``disclose schema`` and the README's field reference. Nothing here is a
total: every total, share and change is derived in :mod:`generator.figures`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .load.describe import describe as _kind
from .money import CENT, D, TEN_THOUSAND, round2

# The income sources (资金来源), in the order the tables print them.
SOURCES: tuple[str, ...] = (
    "一般公共预算拨款",
    "政府性基金预算拨款",
    "国有资本经营预算拨款",
    "财政专户管理资金",
    "事业收入",
    "事业单位经营收入",
    "上级补助收入",
    "附属单位上缴收入",
    "其他收入",
    "上级专项收入",
    "用事业基金弥补收支差额",
    "上年结转结余",
)
FISCAL_SOURCES = ("一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款")
Source = Literal[SOURCES]  # type: ignore[valid-type]

THREE_PUBLIC_ITEMS = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
MEETING_TRAINING = ("会议费", "培训费")


def _number(value: Any) -> Decimal:
    """A finite decimal number as typed (int or decimal text), or a PydanticCustomError saying what was found."""
    if isinstance(value, bool) or value is None:
        raise PydanticCustomError("amount.type", "金额应为数字，实际是“{found}”", {"found": "空" if value is None else str(value).lower()})
    if isinstance(value, float):  # never produced by our loader; refuse rather than trust binary floats
        raise PydanticCustomError("amount.type", "金额应为十进制数字，实际是浮点数 {found}", {"found": repr(value)})
    if isinstance(value, str):
        hint = ""
        if re.search(r"[０-９．]", value):
            hint = "（请使用半角数字）"
        elif "," in value or "，" in value:
            hint = "（不要使用千位分隔符）"
        elif value.strip().lower() in ("nan", "inf", "-inf", ".nan", ".inf", "-.inf", "infinity"):
            hint = "（不是有限的数）"
        elif value.strip().endswith(("万元", "元", "万")):
            hint = "（只写数字，单位由“金额单位”统一规定）"
        elif value.strip().endswith(("%", "％")):
            hint = "（百分比只写数字，如 -13.63）"
        raise PydanticCustomError("amount.type", "金额应为数字，实际是文字“{found}”{hint}", {"found": value, "hint": hint})
    if not isinstance(value, (int, Decimal)):
        raise PydanticCustomError("amount.type", "金额应为数字，实际是{found}", {"found": _kind(value)})
    d = D(value)
    if abs(d) >= Decimal("1e12"):
        raise PydanticCustomError("amount.too-large", "金额过大：{found}", {"found": str(d)})
    return d


def _unit(info: ValidationInfo | None) -> str:
    return (info.context or {}).get("unit", "万元") if info is not None else "万元"


def _amount(value: Any, info: ValidationInfo) -> Decimal:
    d = _number(value)
    if d < 0:
        raise PydanticCustomError("amount.negative", "金额不能为负数，实际是 {found}", {"found": str(d)})
    unit = _unit(info)
    if d.as_tuple().exponent < -2:  # type: ignore[operator]
        raise PydanticCustomError("amount.decimals", "金额最多保留 2 位小数（{unit}），实际是 {found}", {"found": str(d), "unit": unit})
    if unit == "元":
        wan = round2(d / TEN_THOUSAND)
        diffs = (info.context or {}).setdefault("rounding", [])
        diffs.append(d - wan * TEN_THOUSAND)
        return wan
    return d


def _control_number(value: Any, info: ValidationInfo) -> Decimal:
    """A 核对数 as printed: an amount (in the file's 金额单位), or a signed change or percentage.

    Kept as typed (no conversion from 元): which it is depends on its key, so the
    check converts and refuses negatives where the key names an amount.
    """
    d = _number(value)
    if d.as_tuple().exponent < -2:  # type: ignore[operator]
        raise PydanticCustomError("amount.decimals", "金额最多保留 2 位小数（{unit}），实际是 {found}", {"found": str(d), "unit": _unit(info)})
    return d


Amount = Annotated[Decimal, BeforeValidator(_amount)]
ControlValue = Annotated[Decimal, BeforeValidator(_control_number)]
# One printed value, or several when a document prints the same figure differently in
# different places. Only the branch the input calls for is validated (no error from the
# other branch); the tags contain "[" so error locations skip them, like pydantic's own.
ControlValues = Annotated[
    Union[Annotated[ControlValue, Tag("value[]")], Annotated[list[ControlValue], Tag("list[]")],
          Annotated[None, Tag("none[]")]],
    Discriminator(lambda v: "list[]" if isinstance(v, list) else "none[]" if v is None else "value[]"),
]


def _code(value: Any) -> str:
    if isinstance(value, bool):
        raise PydanticCustomError("code.type", "科目代码应为数字代码，实际是“{found}”", {"found": str(value)})
    text = str(value).strip() if isinstance(value, (int, str)) else None
    if text is None or not re.fullmatch(r"[0-9]{3}([0-9]{2}){0,2}", text):
        raise PydanticCustomError("code.format", "科目代码应为 3、5 或 7 位数字（类/款/项），实际是“{found}”", {"found": str(value)})
    return text


Code = Annotated[str, BeforeValidator(_code)]


@dataclass(frozen=True)
class CodeLevels:
    """Which classification and which levels a code takes, for ``disclose schema`` and the field
    reference. The model accepts any level; the rule ``code.level`` enforces 项/款 where required."""

    kind: str  # "function" (支出功能分类) or "economic" (部门预算支出经济分类)
    levels: tuple[str, ...]  # of "类" (3 digits), "款" (5), "项" (7)


FunctionItemCode = Annotated[Code, CodeLevels("function", ("项",))]
FunctionCode = Annotated[Code, CodeLevels("function", ("类", "款", "项"))]
EconomicItemCode = Annotated[Code, CodeLevels("economic", ("款",))]
AnyCode = Annotated[Code, CodeLevels("any", ("类", "款", "项"))]


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise PydanticCustomError("text.type", "应为文字，实际是{found}", {"found": _kind(value)})
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


Text = Annotated[str, BeforeValidator(_text)]


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("count.type", "应为整数，实际是{found}", {"found": _kind(value)})
    return value


Count = Annotated[int, BeforeValidator(_count)]


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


@dataclass(frozen=True)
class EntryKeys:
    """A mapping that has exactly these keys ((key, description), ...), for the schema and the reference."""

    keys: tuple[tuple[str, str], ...]


GLOSSARY_KEYS = (("名词", "要解释的名词，如“机关运行经费”"), ("解释", "该名词的解释"))
GlossaryEntry = Annotated[dict[Text, Text], EntryKeys(GLOSSARY_KEYS)]


# ---------------------------------------------------------------- 概况
class Headcount(Base):
    count: Count = Field(alias="人数", ge=0, description="本年人数")
    change: Count = Field(0, alias="比上年增减", description="比上年增减的人数，减少写负数")


class Staffing(Base):
    authorized: Count = Field(alias="编制数", ge=0, description="核定编制数")
    actual: Count | None = Field(None, alias="实有人数", ge=0, description="实有人数（可选；不填则为在职 + 退休 + 离休，填写时应与之相等）")
    active: Headcount = Field(alias="在职", description="在职人员")
    retired: Headcount = Field(default_factory=lambda: Headcount(人数=0), alias="退休", description="退休人员")
    veteran: Headcount = Field(default_factory=lambda: Headcount(人数=0), alias="离休", description="离休人员")


class Unit(Base):
    name: Text = Field(alias="单位名称", description="纳入部门预算的单位全称")
    nature: Text = Field(alias="单位性质", description="行政、参公事业、事业等")
    rank: Text = Field("", alias="单位规格", description="正处级、正科级等")
    funding: Text = Field("", alias="经费保障形式", description="财政拨款、财政补助等")


class Overview(Base):
    functions: Text | list[Text] = Field(alias="主要职能", description="部门主要职能：一段文字，或逐条列出的职责")
    functions_basis: Text = Field("", alias="职能依据", description="职责的依据，如“根据《……规定》，……的主要职责是：”")
    offices: list[Text] = Field(default_factory=list, alias="内设机构", description="内设机构（处室）名称；个数自动统计")
    subunits: list[Text] = Field(default_factory=list, alias="下属预算单位", description="下属预算单位名称；没有则留空")
    units: list[Unit] = Field(default_factory=list, alias="机构设置", description="纳入部门预算的单位明细（2024 格式的机构设置表）")
    staffing: Staffing | None = Field(None, alias="人员", description="编制与实有人数")


# ---------------------------------------------------------------- spending
class BasicGroup(Base):
    function: FunctionItemCode = Field(alias="功能分类", description="支出功能分类“项”级科目代码（7 位）")
    source: Source = Field("一般公共预算拨款", alias="资金来源", description="资金来源，默认一般公共预算拨款")
    economic: dict[EconomicItemCode, Amount] = Field(alias="经济分类", description="部门预算支出经济分类“款”级代码（5 位）→ 金额")


class Allocation(Base):
    name: Text = Field(alias="名称", description="分配去向或用途")
    amount: Amount = Field(alias="金额", description="分配给这一去向的金额")


class Indicator(Base):
    level1: Text = Field(alias="一级指标", description="如：产出指标、效益指标、满意度指标")
    level2: Text = Field(alias="二级指标", description="如：数量指标、质量指标、时效指标、成本指标")
    level3: Text = Field(alias="三级指标", description="具体的指标名称")
    description: Text = Field("", alias="绩效指标描述", description="对指标的说明（可选）")
    value: Text = Field(alias="指标值", description="指标值（文字，含符号与单位，如“≥95%”）")
    basis: Text = Field("", alias="指标值确定依据", description="指标值的确定依据（可选）")


class Performance(Base):
    goal: Text = Field(alias="总体目标", description="项目总体绩效目标")
    indicators: list[Indicator] = Field(default_factory=list, alias="指标", description="绩效指标表")


class SpendingPlan(Base):
    march: Amount = Field(alias="3月底", description="截至 3 月底累计支出")
    june: Amount = Field(alias="6月底", description="截至 6 月底累计支出")
    october: Amount = Field(alias="10月底", description="截至 10 月底累计支出")
    december: Amount = Field(alias="12月底", description="截至 12 月底累计支出，应等于项目金额")


class Project(Base):
    name: Text = Field(alias="名称", description="项目名称：全文只写这一次，其他地方引用它")
    code: Text = Field("", alias="项目编码", description="预算系统中的项目编码")
    function: FunctionItemCode = Field(alias="功能分类", description="支出功能分类“项”级科目代码（7 位）")
    source: Source = Field("一般公共预算拨款", alias="资金来源", description="资金来源，默认一般公共预算拨款")
    amount: Amount = Field(alias="金额", description="项目预算金额")
    economic: dict[EconomicItemCode, Amount] = Field(default_factory=dict, alias="经济分类", description="经济分类“款”级代码（5 位）→ 金额；合计应等于项目金额")
    policy: Text = Field("", alias="政策依据", description="设立的政策依据")
    owner: Text = Field("", alias="承担单位", description="项目承担单位，默认本部门")
    allocation: list[Allocation] = Field(default_factory=list, alias="资金分配", description="资金分配明细，合计应等于项目金额")
    schedule: Text = Field("全年", alias="执行时间", description="资金执行时间")
    purpose: Text = Field("", alias="资金用途", description="资金用途（2024 格式的项目绩效目标表）")
    plan: SpendingPlan | None = Field(None, alias="资金支出计划", description="累计支出计划：3月底、6月底、10月底、12月底")
    performance: Performance | None = Field(None, alias="绩效目标", description="项目绩效目标：总体目标与绩效指标表")
    special_fund: bool = Field(False, alias="部门主管专项资金", description="是否属于部门主管的专项资金")
    last_year: Amount | None = Field(None, alias="上年金额", description="上年同一项目的金额（可选）")


class ThreePublicItem(Base):
    basic: Amount = Field(Decimal(0), alias="基本支出", description="基本支出中安排的该项经费")
    project: Amount = Field(Decimal(0), alias="项目支出", description="项目支出中安排的该项经费")
    source: Source = Field("一般公共预算拨款", alias="资金来源", description="资金来源，默认一般公共预算拨款")
    last_year: Amount | None = Field(None, alias="上年", description="上年同口径金额")
    reason: Text = Field("", alias="主要原因", description="与上年相比增减变化的主要原因")
    of_which: Amount | None = Field(None, alias="其中", description="“其中”一行的金额（因公出国：教学科研人员；会议费：省属高校业务性会议费）")


class ThreePublic(Base):
    abroad: ThreePublicItem = Field(default_factory=ThreePublicItem, alias="因公出国（境）费", description="因公出国（境）费：本年、上年与增减原因")
    car_purchase: ThreePublicItem = Field(default_factory=ThreePublicItem, alias="公务用车购置费", description="公务用车购置费：本年、上年与增减原因")
    car_running: ThreePublicItem = Field(default_factory=ThreePublicItem, alias="公务用车运行维护费", description="公务用车运行维护费：本年、上年与增减原因")
    reception: ThreePublicItem = Field(default_factory=ThreePublicItem, alias="公务接待费", description="公务接待费：本年、上年与增减原因")
    meeting: ThreePublicItem = Field(default_factory=ThreePublicItem, alias="会议费", description="会议费（与“三公”经费同表列示）")
    training: ThreePublicItem = Field(default_factory=ThreePublicItem, alias="培训费", description="培训费（与“三公”经费同表列示）")
    reason: Text = Field("", alias="总体原因", description="“三公”经费合计增减的主要原因")

    def items(self) -> list[tuple[str, ThreePublicItem]]:
        """(printed name, item) in table order; the first four are the “三公” proper."""
        return [(f.alias or n, getattr(self, n)) for n, f in type(self).model_fields.items()
                if f.annotation is ThreePublicItem]


class OperatingCost(Base):
    amount: Amount | None = Field(None, alias="金额", description="不填则等于公用经费")
    uses: Text = Field("", alias="主要用途", description="如“主要用于日常维修、办公用房水电费……”")
    admin_units: Count = Field(0, alias="下属行政单位数", description="本级之外，使用机关运行经费的下属行政单位个数")
    public_units: Count = Field(0, alias="下属事业单位数", description="本级之外，使用机关运行经费的下属事业单位个数")


class ProcurementItem(Base):
    project: Text = Field(alias="项目", description="所属项目名称（引用“项目”中的名称）或“基本支出”")
    item: Text = Field(alias="采购物品名称", description="采购的货物、工程或服务名称")
    catalog_no: Text = Field("", alias="政府采购目录序号", description="政府集中采购目录中的序号（可选）")
    unit: Text = Field("", alias="计量单位", description="如台、套、项")
    quantity: Count = Field(0, alias="数量", description="采购数量")
    price: Amount | None = Field(None, alias="单价", description="单价（可选）")
    amount: Amount = Field(alias="金额", description="采购预算金额")
    kind: Literal["货物", "工程", "服务"] = Field(alias="类别", description="货物、工程或服务")
    source: Source = Field("一般公共预算拨款", alias="资金来源", description="资金来源，默认一般公共预算拨款")
    sme: Amount = Field(Decimal(0), alias="预留中小企业份额", description="其中预留给中小企业的金额")


class Procurement(Base):
    goods: Amount = Field(Decimal(0), alias="货物", description="政府采购预算中货物类的金额")
    works: Amount = Field(Decimal(0), alias="工程", description="政府采购预算中工程类的金额")
    services: Amount = Field(Decimal(0), alias="服务", description="政府采购预算中服务类的金额")
    sme_reserved: Amount = Field(Decimal(0), alias="面向中小企业预留", description="面向中小企业预留的政府采购金额")
    small_reserved: Amount = Field(Decimal(0), alias="其中面向小微企业预留", description="面向中小企业预留中，面向小微企业预留的金额")
    items: list[ProcurementItem] = Field(default_factory=list, alias="明细", description="政府采购明细（2024 格式的政府采购预算表）；填写后货物/工程/服务由明细汇总，不必再写")


class Vehicle(Base):
    kind: Text = Field(alias="种类", description="一般公务用车、执法执勤用车、其他车辆等")
    count: Count = Field(alias="数量", ge=0, description="车辆数（辆）")
    value: Amount = Field(alias="价值", description="车辆价值")


class Holding(Base):
    count: Count = Field(0, alias="数量", ge=0, description="数量（房屋为面积，平方米）")
    value: Amount = Field(Decimal(0), alias="价值", description="资产价值")
    note: Text = Field("", alias="说明", description="补充说明（可选）")


class Purchases(Base):
    vehicles: Count = Field(0, alias="车辆", ge=0, description="本年拟购置车辆数（辆）")
    vehicle_amount: Amount = Field(Decimal(0), alias="车辆经费", description="拟购置车辆的经费")
    equipment_50: Count = Field(0, alias="50万元以上设备", ge=0, description="拟购置单价 50 万元以上设备的台（套）数")
    equipment_100: Count = Field(0, alias="100万元以上设备", ge=0, description="拟购置单价 100 万元以上设备的台（套）数")
    fixed_assets: Amount | None = Field(None, alias="固定资产总额", description="拟购置固定资产的总额（可选）")
    note: Text = Field("", alias="说明", description="补充说明（可选）")


class Assets(Base):
    as_of: Text = Field(alias="截至日期", description="资产数的截止日期，如 2019-12-31")
    buildings: Holding = Field(default_factory=Holding, alias="房屋", description="数量为面积（平方米）")
    vehicles: list[Vehicle] = Field(default_factory=list, alias="车辆", description="车辆，按种类逐项列出")
    furniture: Holding = Field(default_factory=Holding, alias="办公家具", description="办公家具")
    equipment_20: Holding = Field(default_factory=Holding, alias="单价20万元以上设备", description="单价 20 万元以上的设备")
    other: Holding = Field(default_factory=Holding, alias="其他资产", description="其他资产")
    large_50: Count = Field(0, alias="50万元以上大型设备", ge=0, description="单价 50 万元以上大型设备的台（套）数")
    large_100: Count = Field(0, alias="100万元以上大型设备", ge=0, description="单价 100 万元以上大型设备的台（套）数")
    purchases: Purchases = Field(default_factory=Purchases, alias="拟购置", description="本年拟购置的资产")


class SubGoal(Base):
    name: Text = Field(alias="名称", description="分项目标的名称")
    goal: Text = Field(alias="绩效目标", description="该分项的绩效目标")
    indicator: Text = Field(alias="绩效指标", description="该分项的绩效指标")


class Measure(Base):
    title: Text = Field(alias="标题", description="保障措施的标题")
    text: Text = Field(alias="内容", description="保障措施的内容")


class DepartmentPerformance(Base):
    goal: Text = Field(alias="总体目标", description="部门整体的绩效目标")
    sub_goals: list[SubGoal] = Field(default_factory=list, alias="分项目标", description="分项绩效目标")
    measures: list[Measure] = Field(default_factory=list, alias="保障措施", description="实现目标的保障措施")


# ---------------------------------------------------------------- last year
class LastYear(Base):
    basis: Literal["上年预算数", "上年执行数"] = Field("上年预算数", alias="口径", description="上年数的口径")
    file: Text = Field("", alias="文件", description="上年的 YAML 文件（相对本文件）；其推导数作为上年数")
    income: dict[Source, Amount] = Field(default_factory=dict, alias="收入", description="上年各来源收入")
    basic: Amount | None = Field(None, alias="基本支出", description="上年基本支出合计")
    project: Amount | None = Field(None, alias="项目支出", description="上年项目支出合计")
    personnel: Amount | None = Field(None, alias="人员经费", description="上年人员经费")
    public: Amount | None = Field(None, alias="公用经费", description="上年公用经费")
    operating: Amount | None = Field(None, alias="机关运行经费", description="上年机关运行经费")
    functions: dict[FunctionCode, Amount] = Field(default_factory=dict, alias="功能分类", description="上年功能分类科目金额（类/款/项代码 → 金额）")
    reasons: dict[Text, Text] = Field(default_factory=dict, alias="主要原因", description="增减变化的主要原因：收入合计、支出合计、基本支出、项目支出、机关运行经费、某项收入来源或功能分类代码 → 原因")


class Settings(Base):
    threshold: Amount = Field(Decimal(10), alias="原因阈值", description="增减幅度超过此百分比须说明原因，默认 10")
    catalog_files: list[Text] = Field(default_factory=list, alias="科目补充文件", description="财政局或部门补充科目代码与名称的文件（YAML、CSV 或 XLSX，相对本文件）")
    extra_codes: dict[Literal["支出功能分类", "部门预算支出经济分类"], dict[AnyCode, Text]] = Field(default_factory=dict, alias="科目补充", description="目录中没有的科目代码 → 名称（会给出警告）")


class Department(Base):
    name: Text = Field(alias="部门", description="部门全称")
    code: Text = Field("", alias="部门编码", description="预算系统中的部门编码（2024 格式表头）")
    year: Count = Field(alias="年度", ge=2000, le=2100, description="预算年度，如 2025")
    format: Text = Field("kezhou-2020", alias="格式", description="公开文本格式（templates/ 下的文件夹名），见 disclose formats")
    unit: Literal["万元", "元"] = Field("万元", alias="金额单位", description="填写金额所用单位；填“元”时每个金额先四舍五入到万元")
    date: Text = Field("", alias="编制日期", description="落款日期，如 2020-01-25")
    overview: Overview = Field(alias="概况", description="部门概况：职能、机构与人员")
    income: dict[Source, Amount] = Field(alias="收入", description="各来源收入预算")
    basic: list[BasicGroup] = Field(default_factory=list, alias="基本支出", description="按功能分类“项”×资金来源分组的基本支出经济分类明细")
    projects: list[Project] = Field(default_factory=list, alias="项目", description="项目支出，每个项目写一次")
    three_public: ThreePublic = Field(default_factory=ThreePublic, alias="三公经费", description="“三公”经费与会议费、培训费：本年、上年与增减原因")
    operating: OperatingCost = Field(default_factory=OperatingCost, alias="机关运行经费", description="机关运行经费的金额与用途")
    procurement: Procurement = Field(default_factory=Procurement, alias="政府采购", description="政府采购预算")
    assets: Assets | None = Field(None, alias="国有资产", description="国有资产占有使用及新增资产配置情况")
    performance: DepartmentPerformance | None = Field(None, alias="部门整体绩效目标", description="部门整体绩效目标与保障措施")
    special_funds_note: Text = Field("", alias="部门主管专项资金说明", description="部门主管专项资金的说明文字")
    other_matters: Text = Field("", alias="其他需说明的事项", description="情况说明中“其他需说明的事项”一节的文字")
    glossary_extra: list[GlossaryEntry] = Field(default_factory=list, alias="名词解释补充", description="补充的名词解释：每条写“名词”和“解释”")
    last_year: LastYear = Field(default_factory=LastYear, alias="上年", description="上年数及增减变化的主要原因")
    controls: dict[Text, ControlValues] = Field(default_factory=dict, alias="核对数", description="从预算系统或已印文本抄来的核对数：只用于核对，不打印。键为收入合计、支出合计、基本支出、项目支出、人员经费、公用经费、机关运行经费、三公经费、收入来源、功能分类.代码、经济分类.代码、基本支出经济分类.代码、三公经费.项目（及其.其中、.其他）；键后加“.上年”“.增减”“.增减率”核对上年数、增减额（减少写负数）、增减百分比。同一数印了几次不同的值时写成列表，逐个核对；也可以按表格中的一格写，如“表六.30201.公用经费”（disclose controls 列出本格式印出的每一格）；留空的项不核对（见 docs/核对预算数.md）")
    settings: Settings = Field(default_factory=Settings, alias="设置", description="本部门的设置：原因阈值、科目补充")

    @field_validator("glossary_extra")
    @classmethod
    def _glossary_keys(cls, v: list[dict[str, str]]) -> list[dict[str, str]]:
        want = {key for key, _ in GLOSSARY_KEYS}
        for entry in v:
            if set(entry) != want:
                raise PydanticCustomError("glossary.keys", "每条名词解释应当只有“名词”和“解释”两个键，实际是 {found}", {"found": "、".join(entry)})
        return v
