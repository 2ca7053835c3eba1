"""Derive every printed figure from a department's leaf facts.

Totals are sums of leaves (which carry at most two decimals), so a printed total
always equals the sum of its printed parts. Rollups up the 功能分类 (类/款/项) and
经济分类 (类/款) code trees are one walk each.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable

from ..catalogs import Catalog
from ..model import FISCAL_SOURCES, SOURCES, Department, ThreePublicItem
from ..money import ZERO, Change, largest_remainder, total
from . import series as S
from .datasets import BUILDERS as DATASETS, Dataset
from .trees import Tree, build_tree, code_nodes

PERSONNEL_CLASSES = ("301", "303")  # 工资福利支出, 对个人和家庭的补助 → 人员经费
THREE_PUBLIC_GROUPS = {
    "合计": ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费", "会议费", "培训费"),
    "三公经费": ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费"),
    "公务用车购置及运行费": ("公务用车购置费", "公务用车运行维护费"),
}


@dataclass(frozen=True)
class Line:
    """One leaf of spending: 功能分类 项 × 经济分类 款 × 资金来源 → amount."""

    function: str
    economic: str  # "" when a project gives no economic breakdown
    source: str
    kind: str  # "basic" or "project"
    amount: Decimal
    project: str = ""

    @property
    def personnel(self) -> bool:
        return self.kind == "basic" and self.economic[:3] in PERSONNEL_CLASSES

    @property
    def cell(self) -> tuple[str, bool, str]:
        """(kind, personnel, source): what a printed column can select (see figures.series)."""
        return (self.kind, self.personnel, self.source)


@dataclass
class Node:
    """A row of a rolled-up code tree."""

    code: str
    name: str
    level: str  # 类 / 款 / 项
    amounts: dict[str, Decimal] = field(default_factory=dict)

    def get(self, column: str) -> Decimal:
        return self.amounts.get(column, ZERO)

    def add(self, column: str, amount: Decimal) -> None:
        self.amounts[column] = self.amounts.get(column, ZERO) + amount

    @property
    def parts(self) -> tuple[str, str, str]:
        """(类, 款, 项) two-digit parts for tables that print codes in three columns."""
        c = self.code
        return c[:3], c[3:5], c[5:7]


Columns = Callable[[Line], Iterable[str]]


def rollup(lines: Iterable[Line], key: Callable[[Line], str], columns: Columns, catalog: Catalog,
           levels: tuple[int, ...]) -> list[Node]:
    """Sum ``lines`` into a code tree in one walk.

    ``key`` gives the leaf code of a line; ``levels`` are the code lengths of the
    tree (3, 5, 7 for 功能分类; 3, 5 for 经济分类). Each line adds its amount to every
    column ``columns(line)`` names, at each level. Rows come out in code order,
    each parent before its children.
    """
    nodes: dict[str, Node] = {}
    for line in lines:
        code = key(line)
        if not code:
            continue
        cols = list(columns(line))
        for node in code_nodes(nodes, code, levels,
                               lambda c, _: Node(c, catalog.name(c) or "", _level_name(catalog, c))):
            for col in cols:
                node.add(col, line.amount)
    return [nodes[c] for c in sorted(nodes)]


def _level_name(catalog: Catalog, code: str) -> str:
    try:
        return catalog.level(code)
    except ValueError:
        return ""


@dataclass
class ProjectFigures:
    name: str
    amount: Decimal
    function: str
    source: str
    by_class: dict[str, Decimal]  # economic 类 → amount
    model: object


@dataclass
class Figures:
    dept: Department
    fcat: Catalog
    ecat: Catalog
    lines: list[Line]
    last: dict[str, Decimal] = field(default_factory=dict)  # last-year figures by key
    last_functions: dict[str, Decimal] = field(default_factory=dict)
    _trees: dict = field(default_factory=dict, repr=False, compare=False)
    _datasets: dict = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------ income
    @property
    def income(self) -> "OrderedDict[str, Decimal]":
        return OrderedDict((s, self.dept.income.get(s, ZERO)) for s in SOURCES)

    @property
    def income_total(self) -> Decimal:
        return total(self.income.values())

    def income_share(self) -> dict[str, Decimal]:
        """Each source's share of income, as printed together (sum exactly 100.00)."""
        names = [s for s, v in self.income.items() if v]
        return dict(zip(names, largest_remainder([self.income[s] for s in names])))

    # ------------------------------------------------------------ spending
    def spending(self, kind: str | None = None, sources: Iterable[str] | None = None) -> Decimal:
        srcs = set(sources) if sources is not None else None
        return total(l.amount for l in self.lines
                     if (kind is None or l.kind == kind) and (srcs is None or l.source in srcs))

    @property
    def spending_total(self) -> Decimal:
        return self.spending()

    @property
    def basic_total(self) -> Decimal:
        return self.spending("basic")

    @property
    def project_total(self) -> Decimal:
        return self.spending("project")

    def spending_by_source(self) -> dict[str, Decimal]:
        out = {s: ZERO for s in SOURCES}
        for l in self.lines:
            out[l.source] += l.amount
        return out

    def basic_split(self) -> dict[str, Decimal]:
        """Shares of 基本支出 and 项目支出 in 支出合计 (sum exactly 100.00)."""
        shares = largest_remainder([self.basic_total, self.project_total])
        return {"basic": shares[0], "project": shares[1]}

    def personnel(self, sources: Iterable[str] | None = None) -> Decimal:
        srcs = set(sources) if sources is not None else None
        return total(l.amount for l in self.lines if l.personnel and (srcs is None or l.source in srcs))

    def public(self, sources: Iterable[str] | None = None) -> Decimal:
        srcs = set(sources) if sources is not None else None
        return total(l.amount for l in self.lines
                     if l.kind == "basic" and not l.personnel and (srcs is None or l.source in srcs))

    # ------------------------------------------------------------ trees
    def functions(self, sources: Iterable[str] | None = None,
                  columns: Columns | None = None) -> list[Node]:
        """功能分类 tree (类/款/项). Default columns: total, basic, project and each source."""
        srcs = set(sources) if sources is not None else None
        lines = [l for l in self.lines if srcs is None or l.source in srcs]
        cols = columns or (lambda l: ("total", l.kind, l.source))
        return rollup(lines, lambda l: l.function, cols, self.fcat, (3, 5, 7))

    def economics(self, kind: str | None = "basic", sources: Iterable[str] | None = None) -> list[Node]:
        """经济分类 tree (类/款) with columns total, personnel, public."""
        srcs = set(sources) if sources is not None else None
        lines = [l for l in self.lines if (kind is None or l.kind == kind) and (srcs is None or l.source in srcs)]
        return rollup(lines, lambda l: l.economic,
                      lambda l: ("total", "personnel" if l.personnel else "public"), self.ecat, (3, 5))

    def class_shares(self, sources: Iterable[str] | None = None) -> list[tuple[Node, Decimal]]:
        """Each 功能分类 类 with its share of the whole (sum exactly 100.00)."""
        classes = [n for n in self.functions(sources) if n.level == "类" or len(n.code) == 3]
        shares = largest_remainder([n.get("total") for n in classes])
        return list(zip(classes, shares))

    def class_items(self, sources: Iterable[str] | None = None) -> list[tuple[Node, Decimal]]:
        """Each 功能分类 类 with spending, and its share of the whole (sum exactly 100.00)."""
        nodes = [n for n in self.functions(sources) if len(n.code) == 3 and n.get("total")]
        return list(zip(nodes, largest_remainder([n.get("total") for n in nodes])))

    def economic_items(self, sources: Iterable[str] | None, personnel: bool) -> list[tuple[Node, Decimal]]:
        """经济分类 款 of basic spending with their 人员经费 (or 公用经费) amount, where nonzero."""
        out = []
        for n in self.economics("basic", sources):
            if len(n.code) == 5:
                amount = n.get("personnel" if personnel else "public")
                if amount:
                    out.append((n, amount))
        return out

    def income_items(self) -> list[tuple[str, Decimal, Decimal]]:
        """(source, amount, share) of every source with income, shares summing to 100.00."""
        names = [s for s, v in self.income.items() if v]
        return list(zip(names, [self.income[s] for s in names], largest_remainder([self.income[s] for s in names])))

    # ------------------------------------------------------------ projects
    def projects(self) -> list[ProjectFigures]:
        out = []
        for p in self.dept.projects:
            by_class: dict[str, Decimal] = {}
            for code, amount in p.economic.items():
                by_class[code[:3]] = by_class.get(code[:3], ZERO) + amount
            out.append(ProjectFigures(p.name, p.amount, p.function, p.source, by_class, p))
        return out

    # ------------------------------------------------------------ 三公
    def three_public_items(self) -> "OrderedDict[str, ThreePublicItem]":
        """The items as authored; an item without an inline 上年 takes last year's file's figure
        (on a copy: the authored model is never changed)."""
        out: "OrderedDict[str, ThreePublicItem]" = OrderedDict()
        for name, item in self.dept.three_public.items():
            if item.last_year is None and f"三公.{name}" in self.last:
                item = item.model_copy(update={"last_year": self.last[f"三公.{name}"]})
            out[name] = item
        return out

    @staticmethod
    def item_total(item: ThreePublicItem) -> Decimal:
        return item.basic + item.project

    def three_public_total(self, column: str = "all") -> Decimal:
        """因公出国 + 公务用车购置 + 公务用车运行 + 公务接待 (the “三公” proper)."""
        items = list(self.three_public_items().values())[:4]
        if column == "basic":
            return total(i.basic for i in items)
        if column == "project":
            return total(i.project for i in items)
        return total(self.item_total(i) for i in items)

    def three_public_last(self) -> Decimal | None:
        """Last year's “三公” total (the four items), when every item's last year is known."""
        lasts = [self.three_public_last_of(name) for name in THREE_PUBLIC_GROUPS["三公经费"]]
        if any(v is None for v in lasts):
            return None
        return total(lasts)  # type: ignore[arg-type]

    # ------------------------------------------------------------ printed tables
    def tree(self, scheme: str, sources: str | tuple[str, ...] = "合计", kind: str = "合计") -> Tree:
        """The 功能分类 or 经济分类 tree of the leaves whose source is in ``sources`` (a series
        or union of series) and whose kind is ``kind`` (合计, 基本支出 or 项目支出)."""
        key = (scheme, sources, kind)
        cached = self._trees.get(key)
        if cached is None:
            prefix = f"{scheme}."
            last = {k[len(prefix):]: v for k, v in self.last.items() if k.startswith(prefix)}
            if "支出合计" in self.last:
                last[""] = self.last["支出合计"]
            cells = S.cells(sources) & S.cells(kind)
            scoped = cells != S.cells("合计")
            cached = self._trees[key] = build_tree(scheme, self.lines, self.fcat if scheme == "功能分类" else self.ecat,
                                                   cells, last, scoped)
        return cached

    def income_of(self, series: str | tuple[str, ...], scope: str | tuple[str, ...] = "合计") -> Decimal:
        """Income from the sources of ``series`` that are also in ``scope``."""
        sources = set(S.income_sources(series)) & set(S.income_sources(scope))
        return total(v for s, v in self.income.items() if s in sources)

    def three_public_value(self, item: str = "合计", kind: str = "合计",
                           source: str | tuple[str, ...] = "合计") -> Decimal | None:
        """A cell of a “三公” table: ``item`` is an item name, a group (合计: all six;
        三公经费: the four proper; 公务用车购置及运行费) or ``<item>.其中`` / ``<item>.其他``
        (the item less its 其中); ``kind`` is 合计, 基本支出 or 项目支出; ``source`` a series.
        None where the facts can't say (a 其中 split by kind)."""
        items = self.three_public_items()
        sources = set(S.income_sources(source))
        part = ""
        if item.endswith((".其中", ".其他")):
            item, part = item.rsplit(".", 1)
            if kind != "合计":
                return None
        names = THREE_PUBLIC_GROUPS.get(item, (item,))
        out = ZERO
        for name in names:
            it = items[name]
            if it.source not in sources:
                continue
            whole = {"合计": it.basic + it.project, "基本支出": it.basic, "项目支出": it.project}[kind]
            of_which = it.of_which or ZERO
            out += {"": whole, "其中": of_which, "其他": whole - of_which}[part]
        return out

    def three_public_last_of(self, name: str) -> Decimal | None:
        """Last year's amount of one “三公” item: typed inline, or from last year's file."""
        item = self.three_public_items()[name]
        if item.last_year is not None:
            return item.last_year
        return self.last.get(f"三公.{name}")

    def dataset(self, name: str) -> Dataset:
        cached = self._datasets.get(name)
        if cached is None:
            cached = self._datasets[name] = DATASETS[name](self)
        return cached

    # ------------------------------------------------------------ other
    @property
    def operating(self) -> Decimal:
        """机关运行经费: given, or 公用经费 of 财政拨款."""
        if self.dept.operating.amount is not None:
            return self.dept.operating.amount
        return self.public(FISCAL_SOURCES)

    @property
    def procurement(self) -> dict[str, Decimal]:
        p = self.dept.procurement
        if p.items:
            kinds = {"货物": ZERO, "工程": ZERO, "服务": ZERO}
            for it in p.items:
                kinds[it.kind] += it.amount
            return kinds
        return {"货物": p.goods, "工程": p.works, "服务": p.services}

    @property
    def procurement_total(self) -> Decimal:
        return total(self.procurement.values())

    @property
    def staff_actual(self) -> int:
        s = self.dept.overview.staffing
        if s is None:
            return 0
        return s.active.count + s.retired.count + s.veteran.count

    # ------------------------------------------------------------ year over year
    def change(self, key: str, this_year: Decimal) -> Change | None:
        last = self.last.get(key)
        if last is None:
            return None
        return Change(this_year, last)

    def current(self) -> dict[str, Decimal]:
        """The figures that have last-year counterparts, by key (also used by 核对数)."""
        out: dict[str, Decimal] = {
            "收入合计": self.income_total,
            "支出合计": self.spending_total,
            "基本支出": self.basic_total,
            "项目支出": self.project_total,
            "人员经费": self.personnel(),
            "公用经费": self.public(),
            "机关运行经费": self.operating,
            "三公经费": self.three_public_total(),
            "政府采购": self.procurement_total,
        }
        for s, v in self.income.items():
            out[s] = v
        for node in self.functions():
            out[f"功能分类.{node.code}"] = node.get("total")
        for node in self.economics(kind=None):
            out[f"经济分类.{node.code}"] = node.get("total")
        return out


def lines_of(dept: Department) -> list[Line]:
    lines: list[Line] = []
    for group in dept.basic:
        for code, amount in group.economic.items():
            lines.append(Line(group.function, code, group.source, "basic", amount))
    for p in dept.projects:
        if p.economic:
            for code, amount in p.economic.items():
                lines.append(Line(p.function, code, p.source, "project", amount, p.name))
            rest = p.amount - total(p.economic.values())
            if rest > ZERO:  # reported by checks; keep the project amount whole
                lines.append(Line(p.function, "", p.source, "project", rest, p.name))
        else:
            lines.append(Line(p.function, "", p.source, "project", p.amount, p.name))
    return lines


def derive(dept: Department, fcat: Catalog, ecat: Catalog,
           last: dict[str, Decimal] | None = None) -> Figures:
    """All figures of one department. ``last`` holds last-year figures by key
    (from the inline 上年 block and/or last year's YAML)."""
    ly = dept.last_year
    merged: dict[str, Decimal] = dict(last or {})
    inline = {
        "基本支出": ly.basic, "项目支出": ly.project, "人员经费": ly.personnel,
        "公用经费": ly.public, "机关运行经费": ly.operating,
    }
    for k, v in inline.items():
        if v is not None:
            merged[k] = v
    for s, v in ly.income.items():
        merged[s] = v
    if ly.income:
        merged["收入合计"] = total(ly.income.values())
    if ly.basic is not None and ly.project is not None:
        merged["支出合计"] = ly.basic + ly.project
    for code, v in ly.functions.items():
        merged[f"功能分类.{code}"] = v
    fig = Figures(dept, fcat, ecat, lines_of(dept), merged)
    three_last = fig.three_public_last()
    if three_last is not None:
        merged.setdefault("三公经费", three_last)
    return fig
