"""The document model: words and numbers, produced once, laid out twice.

Renderers (HTML/PDF and DOCX) walk ``Document.blocks`` and only lay them out;
every string here is final text, every number already formatted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Union

Align = Literal["left", "center", "right"]


@dataclass
class Cell:
    text: str = ""
    colspan: int = 1
    rowspan: int = 1
    align: Align = "left"
    bold: bool = False
    indent: int = 0  # hierarchy level for names (类/款/项)
    value: Decimal | None = None  # the unformatted amount (tests; open data is Table.data)
    nowrap: bool = False  # codes and amounts never break across lines

    @classmethod
    def amount(cls, value: Decimal | None, text: str, bold: bool = False) -> "Cell":
        return cls(text=text, align="right", bold=bold, value=value, nowrap=True)


Row = list[Cell]


@dataclass(frozen=True)
class Datum:
    """One printed amount, as open data: which row (code, level, label), which column."""

    row: str  # the row's label: 科目名称, 项目名称, 行标题
    code: str  # 科目编码 ("" when the row has none)
    level: str  # 类 / 款 / 项 / 合计 / 小计 / "" (rows that are not part of a code tree)
    column: str  # the column's header labels joined with "/"
    value: Decimal


@dataclass
class Table:
    anchor: str  # stable id, e.g. "t1"
    key: str  # the table kind, e.g. "income_expense_summary"
    number: str  # "表一" or "" when the format does not number tables
    title: str
    caption_left: str = ""  # "编制部门：克州机要保密局"
    caption_right: str = "单位：万元"
    caption_lines: list[str] = field(default_factory=list)  # extra lines (预算年度：2024)
    header: list[Row] = field(default_factory=list)
    body: list[Row] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)  # relative column widths
    landscape: bool = False
    notes: list[str] = field(default_factory=list)
    empty: bool = False
    toc: bool = True
    toc_group: str = ""
    font_size: str = "normal"  # "normal" or "small" for very wide tables
    keep: bool = False  # keep the table on one page when it fits
    data: list[Datum] = field(default_factory=list)  # every printed amount, for open data
    origin: str = ""  # the YAML field the table shows (e.g. "项目[2]"), for pointers from problems
    toc_text: str = ""  # the 目录 entry when it differs from "编号：标题"

    @property
    def ncols(self) -> int:
        return sum(c.colspan for c in self.header[0]) if self.header else (
            sum(c.colspan for c in self.body[0]) if self.body else 0)

    @property
    def toc_title(self) -> str:
        return self.toc_text or f"{self.number}{'：' if self.number else ''}{self.title}"


@dataclass
class Heading:
    text: str
    level: int = 1  # 1 = 部分, 2 = 一、, 3 = （一）
    anchor: str = ""
    toc: bool = False
    toc_group: str = ""
    page_break_before: bool = False
    align: Align = "left"


@dataclass
class Paragraph:
    text: str
    style: Literal["body", "plain", "center", "right", "note", "signature", "list"] = "body"
    bold: bool = False


@dataclass
class PageBreak:
    pass


@dataclass
class TitlePage:
    title: str  # 克州机要保密局
    subtitle: str  # 2020年部门预算公开
    org: str = ""
    date: str = ""


@dataclass
class TocEntry:
    text: str
    anchor: str
    level: int = 1


@dataclass
class Toc:
    title: str = "目  录"
    entries: list[TocEntry] = field(default_factory=list)


Block = Union[Heading, Paragraph, Table, PageBreak, TitlePage, Toc]


@dataclass
class Document:
    title: str  # "克州机要保密局2020年部门预算公开"
    department: str
    year: int
    format_name: str
    author: str = ""
    lang: str = "zh-CN"
    blocks: list[Block] = field(default_factory=list)
    css: str = ""  # the format's stylesheet text (HTML renderer)

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def toc(self) -> Toc | None:
        for b in self.blocks:
            if isinstance(b, Toc):
                return b
        return None
