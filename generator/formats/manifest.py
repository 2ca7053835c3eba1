"""The format manifest (``manifest.yaml``), validated as strictly as a department file.

Every key is Chinese (a bureau's IT person writes it); unknown keys, wrong types
and unknown table kinds are errors at manifest.yaml:line:col with did-you-mean.
Semantic checks (figure series, dataset fields, placeholders) are in
:mod:`generator.formats.validate`.

A table is one of five reusable *kinds*, each parameterised entirely here:

- 科目表   a 功能分类 or 经济分类 code tree (which levels, codes joined or split, columns
           chosen from named figure series, 合计 row first or last);
- 收支总表 a two-sided summary: income rows | 功能分类 classes, with total rows;
- 三公表   the “三公” table: rows and columns are items, spending kinds or sources;
- 列表     a list of records (projects, units, procurement items, assets…);
- 表单     one record as a form (a project's performance table), with indicator rows.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

Label = Annotated[list[str], BeforeValidator(lambda v: [v] if isinstance(v, str) else v)]
SeriesRef = Annotated[list[str], BeforeValidator(lambda v: [v] if isinstance(v, str) else v)]
Zero = Literal["空白", "0.00"]


def _bool_or_auto(v: Any) -> Any:
    if v is True:
        return "是"
    if v is False:
        return "否"
    return v


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Captions(Spec):
    left: str = Field("", alias="左", description="表格上方左侧，如“编制部门：{部门}”")
    lines: list[str] = Field(default_factory=list, alias="行", description="标题下居中的行，如“预算年度：{年度}”")
    right: str = Field("", alias="右", description="表格上方右侧，如“单位：万元”")


class TableBase(Spec):
    number: str = Field("", alias="编号", description="如“表一”；不编号则省略")
    title: str = Field(alias="标题", description="表格标题，可用 {部门}、{部门编码}、{年度}（表单还可用记录的字段）")
    toc_title: str = Field("", alias="目录标题", description="目录中的写法，默认“编号：标题”")
    landscape: Annotated[Literal["自动", "是", "否"], BeforeValidator(_bool_or_auto)] = Field(
        "自动", alias="横向", description="横向页面：自动（按列数和内容宽度判断）、是、否")
    captions: Captions | None = Field(None, alias="表头", description="覆盖清单的“表头”；写 {} 则不印表头")
    seq: bool = Field(False, alias="序号", description="首列印序号 1、2、3……")
    column_numbers: Literal["无", "全部列", "金额列"] = Field("无", alias="栏次", description="表头下加“栏次”行：给全部列或只给金额列编号")
    zero: Zero = Field("空白", alias="零值", description="金额为 0 时印空白还是 0.00")
    total_zero: Zero | None = Field(None, alias="合计零值", description="合计行金额为 0 时的印法，默认同“零值”")
    empty: str = Field("", alias="空表说明", description="表中没有数据时印在表下的说明，可用 {部门}、{年度}、{标题}；默认取固定文字“空表说明”")
    notes: Annotated[list[str], BeforeValidator(lambda v: [v] if isinstance(v, str) else v)] = Field(
        default_factory=list, alias="注", description="表下的注（总是印出）")
    widths: list[int] = Field(default_factory=list, alias="列宽", description="各列相对宽度；默认按列的内容估算")
    small: bool = Field(False, alias="小字号", description="用小一号的字（列很多的宽表）")
    keep: bool | None = Field(None, alias="不跨页", description="表格能放进一页时不拆开（默认：公开表否，情况说明中的表是）")


# ------------------------------------------------------------------ 科目表
class TreeColumn(Spec):
    content: Literal["编码", "名称", "金额"] = Field("金额", alias="内容", description="这一列印什么")
    title: Label = Field(alias="标题", description="列标题；列表表示多层表头，如 [功能分类科目, 科目编码]")
    split: bool = Field(False, alias="分列", description="编码列：分为类、款、项三列")
    with_code: bool = Field(False, alias="含编码", description="名称列：名称前加编码，如“201 一般公共服务支出”")
    series: SeriesRef = Field(default_factory=list, alias="系列", description="金额列：一个或几个系列（几个时为合计）")
    omit_zero: bool = Field(False, alias="无数不列", description="金额列：整列为 0 时不列这一列")


class TotalRow(Spec):
    position: Literal["首", "尾", "无"] = Field("尾", alias="位置", description="合计行在首行、末行，或不印")
    label: str = Field("合计", alias="标题")
    label_in: Literal["名称", "编码", "跨列"] = Field("跨列", alias="标题位置", description="“合计”印在名称列、编码列，或跨编码和名称列")


class TreeTable(TableBase):
    kind: Literal["科目表"] = Field(alias="种类")
    scheme: Literal["功能分类", "经济分类"] = Field("功能分类", alias="科目", description="哪一种科目")
    sources: SeriesRef = Field(default_factory=lambda: ["合计"], alias="资金来源", description="只汇总这些资金来源（或来源组）的支出，如 一般公共预算拨款")
    spending: Literal["合计", "基本支出", "项目支出"] = Field("合计", alias="支出类型", description="只汇总基本支出或项目支出")
    levels: list[Literal["类", "款", "项"]] = Field(default_factory=lambda: ["类", "款", "项"], alias="级次",
                                                 description="印哪几级（如只印项：[项]；印类和项：[类, 项]）")
    bold: list[Literal["类", "款", "项"]] = Field(default_factory=lambda: ["类"], alias="加粗级次", description="哪几级加粗")
    indent: bool = Field(True, alias="名称缩进", description="款、项的名称逐级缩进")
    total: TotalRow = Field(default_factory=TotalRow, alias="合计行", description="合计行（见下）")
    columns: list[TreeColumn] = Field(alias="列", description="各列，从左到右（见下）")


# ------------------------------------------------------------------ 收支总表
class SummaryColumn(Spec):
    content: Literal["收入项目", "收入金额", "支出项目", "支出金额"] = Field(alias="内容", description="这一列印什么")
    title: Label = Field(alias="标题", description="列标题（可多层）")
    series: SeriesRef = Field(default_factory=lambda: ["合计"], alias="系列", description="支出金额列的系列")
    omit_zero: bool = Field(False, alias="无数不列", description="支出金额列：整列为 0 时不列这一列")


class IncomeRow(Spec):
    label: str = Field(alias="标题", description="这一行左边的文字")
    series: SeriesRef = Field(alias="系列", description="收入来源或来源组，如 一般公共预算拨款、财政拨款、单位资金")
    indent: int = Field(0, alias="缩进", ge=0, le=3, description="缩进几级（“其中”的行）")
    omit_zero: bool = Field(False, alias="无数不列", description="金额为 0 时不列这一行")


class SpendingSide(Spec):
    classes: Literal["全部", "有数"] = Field("全部", alias="类", description="列出目录中的全部“类”，或只列有支出的类")
    label: str = Field("{编码} {名称}", alias="标签", description="每个类的写法，可用 {编码}、{名称}、{序号}（一、二、三）")
    extra: list[str] = Field(default_factory=list, alias="附加行", description="在各类之后另列的行（金额为空），如“人行科目”")


class SideCell(Spec):
    label: str = Field("", alias="标题", description="这一半的文字")
    series: SeriesRef = Field(default_factory=list, alias="系列", description="不写则金额留空")
    indent: int = Field(0, alias="缩进", ge=0, le=3, description="缩进几级")


class SummaryTotal(Spec):
    income: SideCell = Field(default_factory=SideCell, alias="收入", description="左半（收入）")
    spending: SideCell = Field(default_factory=SideCell, alias="支出", description="右半（支出）")
    bold: bool = Field(True, alias="粗体", description="粗体、标题居中（合计、总计行）")


class SummaryTable(TableBase):
    kind: Literal["收支总表"] = Field(alias="种类")
    sources: SeriesRef = Field(default_factory=lambda: ["合计"], alias="资金来源", description="只计这些资金来源（或来源组），如 财政拨款")
    income: list[IncomeRow] = Field(alias="收入", description="左边的收入行，按顺序（见下）")
    spending: SpendingSide = Field(default_factory=SpendingSide, alias="支出", description="右边的支出类（见下）")
    totals: list[SummaryTotal] = Field(default_factory=list, alias="合计行", description="表末的合计、结转、总计行（见下）")
    columns: list[SummaryColumn] = Field(alias="列", description="各列，从左到右（见下）")


# ------------------------------------------------------------------ 三公表
ThreeItem = Literal["合计", "三公经费", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置费",
                    "公务用车运行维护费", "公务接待费", "会议费", "培训费",
                    "因公出国（境）费.其中", "因公出国（境）费.其他", "会议费.其中", "会议费.其他",
                    "培训费.其中", "培训费.其他", "公务接待费.其中", "公务接待费.其他"]


class ThreeAxis(Spec):
    label: Label = Field(default_factory=list, alias="标题", description="行标题或列标题（列可多层）")
    item: ThreeItem | None = Field(None, alias="项目", description="“三公”项目或组")
    kind: Literal["合计", "基本支出", "项目支出"] | None = Field(None, alias="支出类型")
    source: SeriesRef | None = Field(None, alias="资金来源", description="资金来源（系列）")
    indent: int = Field(0, alias="缩进", ge=0, le=3, description="行：缩进几级")
    bold: bool = Field(False, alias="粗体", description="行：粗体（合计、小计）")
    align: Literal["左", "中", "右"] | None = Field(None, alias="对齐", description="行标题的对齐，默认靠左")
    content: Literal["行标题", "金额"] = Field("金额", alias="内容", description="列：行标题列或金额列")


class ThreeTable(TableBase):
    kind: Literal["三公表"] = Field(alias="种类")
    rows: list[ThreeAxis] = Field(alias="行", description="各行，从上到下（见下）")
    columns: list[ThreeAxis] = Field(alias="列", description="各列，从左到右；恰好一列是行标题列（见下）")


# ------------------------------------------------------------------ 列表
class ListColumn(Spec):
    title: Label = Field(alias="标题", description="列标题（可多层）")
    field: str = Field(alias="字段", description="记录的字段，见“数据集”一节")
    source: SeriesRef | None = Field(None, alias="资金来源", description="金额字段：只计资金来源属于这些系列的记录")
    split: bool = Field(False, alias="分列", description="编码字段：分为类、款、项三列")
    align: Literal["左", "中", "右"] | None = Field(None, alias="对齐", description="默认：文字靠左，金额、数量靠右")
    summed: bool = Field(True, alias="求和", description="合计行是否合计这一列（金额、数量字段；单价等写“否”）")


class ListRow(Spec):
    key: str = Field(alias="键", description="记录的键")
    label: str = Field(alias="标题", description="首列印的文字")


class ListTotal(Spec):
    position: Literal["首", "尾", "无"] = Field("尾", alias="位置", description="合计行在首行、末行，或不印")
    label: str = Field("合计", alias="标题", description="合计行的文字（跨到第一个求和列之前）")


class ListTable(TableBase):
    kind: Literal["列表"] = Field(alias="种类")
    dataset: Literal["项目", "机构设置", "政府采购", "固定资产", "车辆"] = Field(alias="数据", description="哪一组记录（见“数据集”）")
    rows: list[ListRow] = Field(default_factory=list, alias="行", description="只列这些记录（按“键”），并用“标题”作首列文字")
    group: list[Literal["类", "款"]] = Field(default_factory=list, alias="分组", description="项目按功能分类的类、款分组，加小计行")
    total: ListTotal = Field(default_factory=lambda: ListTotal(位置="无"), alias="合计行", description="合计行（默认不印）")
    columns: list[ListColumn] = Field(alias="列", description="各列，从左到右（见下）")


# ------------------------------------------------------------------ 表单
class FormCell(Spec):
    label: str | None = Field(None, alias="标签", description="粗体、居中的栏目名")
    text: str | None = Field(None, alias="文字", description="普通文字")
    field: str | None = Field(None, alias="字段", description="记录的字段")
    colspan: int = Field(1, alias="跨列", ge=1, le=40, description="占几列")
    rowspan: int = Field(1, alias="跨行", ge=1, le=40, description="占几行")
    align: Literal["左", "中", "右"] | None = Field(None, alias="对齐", description="默认：标签居中，其余靠左")
    zero: Zero | None = Field(None, alias="零值", description="金额字段为 0 时的印法，默认同表格")


class Indicators(Spec):
    columns: list[FormCell] = Field(alias="列", description="每条指标一行：各列的字段（一级指标、二级指标、三级指标、绩效指标描述、指标值、指标值确定依据）")
    merge: list[Literal["一级指标", "二级指标"]] = Field(default_factory=lambda: ["一级指标", "二级指标"], alias="合并",
                                                      description="相同的一级、二级指标向下合并")


class FormTable(TableBase):
    kind: Literal["表单"] = Field(alias="种类")
    dataset: Literal["项目"] = Field("项目", alias="数据", description="哪一组记录")
    rows: list[list[FormCell]] = Field(alias="行", description="网格：每行是若干格（见下）")
    indicators: Indicators | None = Field(None, alias="指标", description="指标行：列: [各列的格]，合并: [一级指标, 二级指标]")
    repeat: int | None = Field(None, alias="重复行数", ge=0, le=40,
                               description="跨页时在每页重复的开头行数；默认重复指标之前的全部行")


TableSpec = Annotated[Union[TreeTable, SummaryTable, ThreeTable, ListTable, FormTable],
                      Field(discriminator="kind")]
KINDS = ("科目表", "收支总表", "三公表", "列表", "表单")


class Requirement(Spec):
    field: str = Field(alias="字段", description="如“项目[].项目编码”；[] 表示列表的每一项")
    use: str = Field("", alias="用于")


class TocSpec(Spec):
    title: str = Field("目  录", alias="标题", description="可用 {年度}、{部门}")
    levels: list[int] = Field(default_factory=lambda: [1], alias="层级", description="进入目录的标题级别")
    tables: bool = Field(True, alias="包含公开表")


class Manifest(Spec):
    name: str = Field(alias="名称", description="格式名：与文件夹名相同；部门 YAML 的“格式”和 --format 用它", pattern=r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff._-]{0,63}$")
    description: str = Field("", alias="说明", description="一句话说明，disclose formats 显示")
    basis: str = Field("", alias="依据", description="版式依据的文件或公开文本")
    body: str = Field("body.j2", alias="正文", description="正文模板文件")
    html: str = Field("", alias="HTML模板", description="不写则用程序内置的版面")
    css: str = Field("", alias="样式表", description="附加样式（在由“版式”生成的样式之后）")
    docx: str = Field("", alias="Word模板", description="不写则用程序内置的 Word 模板")
    glossary: str = Field("glossary.yaml", alias="名词解释", description="名词解释文件（没有则不印默认名词）")
    phrases: str = Field("phrases.yaml", alias="固定文字", description="固定文字文件（只写要改的项）")
    typography: str = Field("typography.yaml", alias="版式", description="版式文件（只写要改的项）")
    toc: TocSpec = Field(default_factory=TocSpec, alias="目录", description="目录的标题和内容（见下）")
    captions: Captions = Field(default_factory=lambda: Captions(左="编制部门：{部门}", 右="单位：万元"), alias="表头",
                               description="每张公开表上方的说明行（见下）")
    tables: list[TableSpec] = Field(alias="公开表", description="部门预算公开表，按打印顺序；每张表见“表格”一节")
    inline: dict[str, TableSpec] = Field(default_factory=dict, alias="内嵌表格",
                                         description="情况说明中的表格：名称 → 表格；正文用“@表 名称 [序号]”放置")
    requires: list[Requirement] = Field(default_factory=list, alias="需要字段",
                                        description="本格式在通用内容之外需要的 YAML 字段，如 {字段: \"项目[].项目编码\", 用于: \"项目绩效目标表\"}；disclose check --format 逐项检查")
