"""The rules. Each takes a Context and yields Problems."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable, Iterator

from ..catalogs import add_hint
from .cells import looks_like_cell
from ..errors import Problem, Severity
from ..figures import Figures
from ..load.department import Loaded
from ..load.yamlsafe import format_path
from ..model import SOURCES
from ..money import TEN_THOUSAND, ZERO, fmt_plain, percent, round2, total

W = Severity.WARNING


@dataclass
class Context:
    loaded: Loaded
    fig: Figures
    author_codes: dict[str, set[str]]  # kind → codes named by the author inline
    last_file: dict[str, Decimal] = field(default_factory=dict)  # figures of 上年.文件 (empty without one)

    @property
    def dept(self):
        return self.fig.dept

    def p(self, rule: str, message: str, *path, severity: Severity = Severity.ERROR) -> Problem:
        return Problem(rule, message, self.loaded.loc(*self._as_written(path)), severity, format_path(tuple(path)))

    def _as_written(self, path: tuple) -> tuple:
        """The path as the YAML spells it: a code written as a number is an int key in the file."""
        marks = self.loaded.marks
        out: list = []
        for part in path:
            if isinstance(part, str) and part.isdigit() and (*out, part) not in marks and (*out, int(part)) in marks:
                part = int(part)
            out.append(part)
        return tuple(out)


Rule = Callable[[Context], Iterator[Problem]]
RULES: dict[str, tuple[str, Rule]] = {}


def rule(rule_id: str, title: str):
    def deco(fn: Rule) -> Rule:
        RULES[rule_id] = (title, fn)
        return fn
    return deco


def _w(v: Decimal) -> str:
    return f"{fmt_plain(v)}万元"


# ------------------------------------------------------------------ codes
def _check_code(ctx: Context, kind: str, code: str, want: str, path: tuple) -> Iterator[Problem]:
    cat = ctx.fig.fcat if kind == "function" else ctx.fig.ecat
    label = "支出功能分类" if kind == "function" else "部门预算支出经济分类"
    try:
        level = cat.level(code)
    except ValueError:
        level = ""
    if level != want:
        digits = {"项": 7, "款": 5, "类": 3}[want]
        yield ctx.p("code.level", f"{label}科目应为“{want}”级（{digits} 位），实际“{code}”是{level or '无效'}级", *path)
        return
    if code in ctx.author_codes.get(kind, set()):
        yield ctx.p("code.author-named", f"{label}科目 {code} 不在内置目录（{cat.title}）中，使用作者在“设置.科目补充”给出的名称“{cat.name(code)}”，请核实", *path, severity=W)
        return
    if code not in cat:
        yield ctx.p("code.unknown", f"{label}科目 {code} 不在目录（{cat.title}，{cat.source}）中：请核对代码；{add_hint(cat, code, str(ctx.loaded.path))}", *path)
        return
    for n in (3, 5):
        if len(code) > n and code[:n] not in cat:
            yield ctx.p("code.unknown", f"{label}科目 {code} 的上级科目 {code[:n]} 不在目录中：请在“设置.科目补充”中写明其名称", *path)


@rule("code", "科目代码存在且级次正确")
def check_codes(ctx: Context) -> Iterator[Problem]:
    for gi, g in enumerate(ctx.dept.basic):
        yield from _check_code(ctx, "function", g.function, "项", ("基本支出", gi, "功能分类"))
        for code in g.economic:
            yield from _check_code(ctx, "economic", code, "款", ("基本支出", gi, "经济分类", code))
    for pi, p in enumerate(ctx.dept.projects):
        yield from _check_code(ctx, "function", p.function, "项", ("项目", pi, "功能分类"))
        for code in p.economic:
            yield from _check_code(ctx, "economic", code, "款", ("项目", pi, "经济分类", code))


# ------------------------------------------------------------------ balance
@rule("balance.income-spending", "收入等于支出（分资金来源）")
def check_balance(ctx: Context) -> Iterator[Problem]:
    spent = ctx.fig.spending_by_source()
    income = ctx.fig.income
    for s in SOURCES:
        if income[s] != spent[s]:
            path = ("收入", s) if s in ctx.dept.income else ("收入",)
            diff = income[s] - spent[s]
            yield ctx.p("balance.income-spending",
                        f"收支不平衡：{s}收入应等于以其安排的支出 {_w(spent[s])}，实际收入 {_w(income[s])}"
                        f"（差 {fmt_plain(diff)} 万元）", *path)
    if ctx.fig.income_total == ZERO and ctx.fig.spending_total == ZERO:
        yield ctx.p("balance.empty", "收入和支出都为 0：应至少填写一项收入和支出", "收入")


@rule("basic.duplicate", "基本支出同一功能分类×资金来源只写一组")
def check_basic_groups(ctx: Context) -> Iterator[Problem]:
    seen: dict[tuple[str, str], int] = {}
    for gi, g in enumerate(ctx.dept.basic):
        key = (g.function, g.source)
        if key in seen:
            yield ctx.p("basic.duplicate", f"基本支出中功能分类 {g.function}、资金来源 {g.source} 已在第 {seen[key] + 1} 组写过：应合并为一组，避免重复计算", "基本支出", gi)
        else:
            seen[key] = gi


# ------------------------------------------------------------------ projects
@rule("project", "项目：名称唯一，资金分配与经济分类合计等于项目金额，支出计划递增")
def check_projects(ctx: Context) -> Iterator[Problem]:
    names: dict[str, int] = {}
    for pi, p in enumerate(ctx.dept.projects):
        if p.name in names:
            yield ctx.p("project.duplicate-name", f"项目名称“{p.name}”与第 {names[p.name] + 1} 个项目重复：每个项目只写一次", "项目", pi, "名称")
        names.setdefault(p.name, pi)
        if p.amount == ZERO:
            yield ctx.p("project.zero", f"项目“{p.name}”金额为 0：没有预算的项目不应列出", "项目", pi, "金额", severity=W)
        if p.allocation:
            s = total(a.amount for a in p.allocation)
            if s != p.amount:
                yield ctx.p("project.allocation", f"项目“{p.name}”的资金分配合计应等于项目金额 {_w(p.amount)}，实际 {_w(s)}", "项目", pi, "资金分配")
        if p.economic:
            s = total(p.economic.values())
            if s != p.amount:
                yield ctx.p("project.economic", f"项目“{p.name}”的经济分类合计应等于项目金额 {_w(p.amount)}，实际 {_w(s)}", "项目", pi, "经济分类")
        if p.plan is not None:
            steps = [("3月底", p.plan.march), ("6月底", p.plan.june), ("10月底", p.plan.october), ("12月底", p.plan.december)]
            for (n1, a), (n2, b) in zip(steps, steps[1:]):
                if b < a:
                    yield ctx.p("project.plan", f"项目“{p.name}”的资金支出计划是累计数，{n2}应不小于{n1}的 {_w(a)}，实际 {_w(b)}", "项目", pi, "资金支出计划", n2)
            if p.plan.december != p.amount:
                yield ctx.p("project.plan", f"项目“{p.name}”12月底累计支出计划应等于项目金额 {_w(p.amount)}，实际 {_w(p.plan.december)}", "项目", pi, "资金支出计划", "12月底")


# ------------------------------------------------------------------ controls
# A 核对数 key names a figure: 收入合计, 功能分类.2013101, 基本支出经济分类.30201,
# 三公经费.会议费.其中 …; a suffix .上年 / .增减 / .增减率 names its last-year value,
# its change (signed, 万元) or its change in percent of last year (signed).
SUFFIXES = ("上年", "增减", "增减率")
TREES = ("功能分类", "经济分类", "基本支出经济分类", "项目支出经济分类")
_CODE = re.compile(r"[0-9]{3}([0-9]{2}){0,2}")
PERSONNEL_PREFIXES = ("301", "303")


# 三公 figures printed as sums of items: key → the items it adds up
THREE_PUBLIC = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
THREE_PUBLIC_SUMS = {
    "三公经费.公务用车购置及运行维护费": ("公务用车购置费", "公务用车运行维护费"),
    "三公经费.合计": (*THREE_PUBLIC, "会议费", "培训费"),  # the 2024 table's 合计: 三公 with 会议费 and 培训费
}


def control_figures(fig: Figures) -> dict[str, Decimal]:
    """This year's value of every figure a 核对数 key can name."""
    out = fig.current()
    for kind, family in (("basic", "基本支出经济分类"), ("project", "项目支出经济分类")):
        for node in fig.economics(kind):
            out[f"{family}.{node.code}"] = node.get("total")
    items = fig.three_public_items()
    for name, item in items.items():
        key = f"三公经费.{name}"
        out[key] = fig.item_total(item)
        out[f"{key}.基本支出"] = item.basic
        out[f"{key}.项目支出"] = item.project
        out[f"{key}.其中"] = item.of_which or ZERO
        out[f"{key}.其他"] = fig.item_total(item) - (item.of_which or ZERO)
    out["三公经费.基本支出"] = fig.three_public_total("basic")
    out["三公经费.项目支出"] = fig.three_public_total("project")
    for key, names in THREE_PUBLIC_SUMS.items():
        out[key] = total(fig.item_total(items[n]) for n in names)
    return out


def control_last(fig: Figures) -> dict[str, Decimal]:
    """Last year's value of every figure that has one, by 核对数 key."""
    out = dict(fig.last)
    items = fig.three_public_items()
    for name, item in items.items():
        if item.last_year is not None:
            out[f"三公经费.{name}"] = item.last_year
    for key, names in THREE_PUBLIC_SUMS.items():
        if all(items[n].last_year is not None for n in names):
            out[key] = total(items[n].last_year for n in names)  # type: ignore[misc]
    return out


def control_families(figures: dict[str, Decimal]) -> set[str]:
    """The first parts of the figure keys (收入合计, 功能分类, 三公经费 …): a 核对数 key that starts
    with anything else and has three parts names a printed cell."""
    return {k.split(".", 1)[0] for k in figures} | set(TREES)


def split_key(key: str) -> tuple[str, str]:
    """'基本支出.增减' → ('基本支出', '增减'); '基本支出' → ('基本支出', '')."""
    base, _, last = key.rpartition(".")
    if base and last in SUFFIXES:
        return base, last
    return key, ""


def _tree_key(key: str) -> tuple[str, str] | None:
    family, _, code = key.partition(".")
    if family in TREES and _CODE.fullmatch(code):
        return family, code
    return None


def _values(v: Decimal | list[Decimal]) -> list[Decimal]:
    return list(v) if isinstance(v, list) else [v]


def _signed(v: Decimal, unit: str = "万元") -> str:
    if round2(v) == ZERO:
        return "持平"
    return f"{'增加' if v > 0 else '减少'}{fmt_plain(abs(v))}{unit}"


def _signed_pct(v: Decimal) -> str:
    if round2(v) == ZERO:
        return "持平"
    return f"{'增长' if v > 0 else '下降'}{fmt_plain(abs(v))}%"


def _pct_hint(expected: Decimal, delta: Decimal, base: str, this: dict[str, Decimal],
              last: dict[str, Decimal]) -> str:
    """Name the wrong base a printed percentage was computed on, when one fits."""
    def fits(whole: Decimal | None) -> bool:
        p = percent(delta, whole) if whole else None
        return p is not None and round2(p) == round2(expected)
    if fits(this.get(base)):
        return "：该百分比是增减额除以本年数得出的，增减率应除以上年数"
    for label, figures in (("本年数", this), ("上年数", last)):
        for key, whole in figures.items():
            if key != base and "." not in key and fits(whole):
                return f"：该百分比是增减额除以{key}的{label} {fmt_plain(whole)}万元得出的，应除以{base}的上年数"
    return ""


@rule("control", "核对数等于推导数")
def check_controls(ctx: Context) -> Iterator[Problem]:
    this = control_figures(ctx.fig)
    last = control_last(ctx.fig)
    in_yuan = ctx.dept.unit == "元"
    families = control_families(this)
    for key, given in ctx.dept.controls.items():
        if given is None:
            continue  # not filled in yet
        if looks_like_cell(key, families):
            continue  # a printed cell (表六.30201.公用经费): checked against the document, see checks.cells
        base, suffix = split_key(key)
        if base not in this and _tree_key(base) is None:
            candidates = [k for k in this if "." not in k or k.startswith("三公经费.")]
            guess = difflib.get_close_matches(key, candidates, n=1, cutoff=0.4)
            hint = f"；您是不是想写“{guess[0]}”？" if guess else ""
            yield ctx.p("control.unknown-key", f"未知的核对项“{key}”{hint}（可用的写法见 docs/核对预算数.md）", "核对数", key)
            continue
        values = _values(given)
        if not values:
            yield ctx.p("control.empty", f"核对项“{key}”是空列表：应写一个数，或印了几次不同的值时写成 [值1, 值2]", "核对数", key)
            continue
        many = len(values) > 1
        now = this.get(base, ZERO)
        before = last.get(base)
        if suffix and before is None:
            yield ctx.p("control.no-last-year", f"核对项“{key}”需要{base}的上年数：应在“上年”中填写（或用“上年.文件”），否则无法核对", "核对数", key)
            continue
        for i, expected in enumerate(values):
            where = ("核对数", key, i) if many else ("核对数", key)
            nth = f"（第 {i + 1} 个值）" if many else ""
            if suffix == "增减率":
                assert before is not None
                found = percent(now - before, before)
                if found is None:
                    yield ctx.p("control.mismatch", f"核对数不符：{base}上年为 0，没有增减率（本年{_signed(now - before)}，为新增），核对数{nth}为{_signed_pct(expected)}", *where)
                elif round2(found) != round2(expected):
                    hint = _pct_hint(expected, now - before, base, this, last)
                    yield ctx.p("control.mismatch", f"核对数不符：{base}比上年按明细推导为{_signed_pct(found)}（{_signed(now - before)} ÷ 上年 {fmt_plain(before)}万元），核对数{nth}为{_signed_pct(expected)}（差 {fmt_plain(round2(found) - round2(expected))} 个百分点）{hint}", *where)
                continue
            if suffix != "增减" and expected < ZERO:
                yield ctx.p("amount.negative", f"金额不能为负数，实际是 {expected}（只有“.增减”“.增减率”核对项可以写负数）", *where)
                continue
            if in_yuan:
                expected = round2(expected / TEN_THOUSAND)
            if suffix == "增减":
                assert before is not None
                found = now - before
                if round2(found) != round2(expected):
                    yield ctx.p("control.mismatch", f"核对数不符：{base}比上年按明细推导为{_signed(found)}（本年 {fmt_plain(now)} − 上年 {fmt_plain(before)}），核对数{nth}为{_signed(expected)}（差 {fmt_plain(found - expected)} 万元）", *where)
                continue
            found = before if suffix == "上年" else now
            assert found is not None
            label = f"{base}的上年数" if suffix == "上年" else key
            if round2(found) != round2(expected):
                yield ctx.p("control.mismatch", f"核对数不符：{label}按明细推导为 {_w(found)}，预算系统核对数{nth}为 {_w(expected)}（差 {fmt_plain(found - expected)} 万元）", *where)


def _plain_controls(ctx: Context, suffix: str) -> dict[str, Decimal]:
    """Amount controls given once (several values are reported by control.mismatch), in 万元."""
    out: dict[str, Decimal] = {}
    for key, given in ctx.dept.controls.items():
        base, sfx = split_key(key)
        if given is None or sfx != suffix or isinstance(given, list) and len(given) != 1:
            continue
        v = _values(given)[0]
        if v < ZERO:
            continue
        out[base] = round2(v / TEN_THOUSAND) if ctx.dept.unit == "元" else v
    return out


class CodeTree:
    """The code keys given in ``values`` (功能分类.201, 基本支出经济分类.30101 …), each under its
    nearest given ancestor: the parts of a code are the given codes below it with no given code between."""

    def __init__(self, values: Iterable[str]):
        self.below: dict[tuple[str, str], list[str]] = {}
        given = {t for t in map(_tree_key, values) if t}
        for family, code in sorted(given):
            parent = next((code[:n] for n in (5, 3) if n < len(code) and (family, code[:n]) in given), "")
            self.below.setdefault((family, parent), []).append(f"{family}.{code}")

    def parts(self, family: str, under: str = "", prefixes: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> list[str]:
        """Given codes of ``family`` directly below ``under`` ("" for the top), optionally by code prefix."""
        keys = self.below.get((family, under), [])
        return [k for k in keys if (not prefixes or k.split(".", 1)[1].startswith(prefixes))
                and not (exclude and k.split(".", 1)[1].startswith(exclude))]


def decompositions(values: dict[str, Decimal], tree: CodeTree, key: str) -> list[tuple[list[str], bool]]:
    """Ways ``key`` splits into parts named in ``values``: (part keys, closed).

    A closed split names every part (the parts must add up to the whole); an
    open one names some of them (together they cannot exceed the whole).
    """
    code = _tree_key(key)
    if code:
        return [(tree.parts(*code), False)]
    out: list[tuple[list[str], bool]] = []
    if key == "收入合计":
        out.append(([s for s in SOURCES if s in values], False))
    elif key == "支出合计":
        out += [(["基本支出", "项目支出"], True), (tree.parts("功能分类"), False), (tree.parts("经济分类"), False)]
    elif key == "基本支出":
        out += [(["人员经费", "公用经费"], True), (tree.parts("基本支出经济分类"), False)]
    elif key == "项目支出":
        out.append((tree.parts("项目支出经济分类"), False))
    elif key == "人员经费":
        out.append((tree.parts("基本支出经济分类", prefixes=PERSONNEL_PREFIXES), False))
    elif key == "公用经费":
        out.append((tree.parts("基本支出经济分类", exclude=PERSONNEL_PREFIXES), False))
    elif key == "三公经费":
        out += [([f"三公经费.{n}" for n in THREE_PUBLIC], True), (["三公经费.基本支出", "三公经费.项目支出"], True),
                (["三公经费.因公出国（境）费", "三公经费.公务用车购置及运行维护费", "三公经费.公务接待费"], True)]
    elif key == "三公经费.合计":
        out.append((["三公经费", "三公经费.会议费", "三公经费.培训费"], True))
    elif key in THREE_PUBLIC_SUMS:
        out.append(([f"三公经费.{n}" for n in THREE_PUBLIC_SUMS[key]], True))
    elif key.startswith("三公经费.") and key.count(".") == 1 and key not in ("三公经费.基本支出", "三公经费.项目支出"):
        out += [([f"{key}.其中", f"{key}.其他"], True), ([f"{key}.基本支出", f"{key}.项目支出"], True)]
    return out


def _part_names(whole: str, parts: list[str]) -> list[str]:
    """How parts are named in a message: 其中 for 三公经费.会议费.其中; a code family once (功能分类 201、208)."""
    out, family = [], ""
    for part in parts:
        tree = _tree_key(part)
        if part.startswith(whole + "."):
            out.append(part[len(whole) + 1:])
        elif tree:
            out.append(tree[1] if tree[0] == family else f"{tree[0]} {tree[1]}")
            family = tree[0]
        else:
            out.append(part)
    return out


@rule("control.parts", "核对数之间不自相矛盾（组成部分不超过整体）")
def check_control_parts(ctx: Context) -> Iterator[Problem]:
    for suffix in ("", "上年"):
        values = _plain_controls(ctx, suffix)
        tree = CodeTree(values)
        label = "的上年数" if suffix else ""
        for key, whole in values.items():
            for parts, closed in decompositions(values, tree, key):
                given = [p for p in parts if p in values]
                if not given:
                    continue
                s = total(values[p] for p in given)
                names = _part_names(key, given)
                listed = "、".join(f"{n} {fmt_plain(values[p])}" for n, p in zip(names[:10], given)) + ("等" if len(given) > 10 else "")
                where = ("核对数", f"{key}.{suffix}" if suffix else key)
                if s > whole:
                    yield ctx.p("control.parts", f"核对数自相矛盾：{key}{label}的组成部分（{listed}）合计 {_w(s)}，超过{key}{label}的核对数 {_w(whole)}（多 {fmt_plain(s - whole)} 万元）", *where)
                    break
                if closed and len(given) == len(parts) and s != whole:
                    yield ctx.p("control.parts", f"核对数自相矛盾：{key}{label}应等于{'、'.join(_part_names(key, parts))}之和 {_w(s)}，核对数为 {_w(whole)}（差 {fmt_plain(s - whole)} 万元）", *where)
                    break


# ------------------------------------------------------------------ staffing
@rule("staffing", "人员数合理")
def check_staffing(ctx: Context) -> Iterator[Problem]:
    s = ctx.dept.overview.staffing
    if s is None:
        return
    for key, hc in (("在职", s.active), ("退休", s.retired), ("离休", s.veteran)):
        if hc.count < 0:
            yield ctx.p("staffing.negative", f"{key}人数不能为负数，实际 {hc.count}", "概况", "人员", key, "人数")
        if hc.count - hc.change < 0:
            yield ctx.p("staffing.change", f"{key}人数比上年增减 {hc.change} 意味着上年人数为 {hc.count - hc.change}，不能为负数", "概况", "人员", key, "比上年增减")
    if s.active.count > s.authorized:
        yield ctx.p("staffing.over", f"在职人数 {s.active.count} 超过编制数 {s.authorized}：请核实", "概况", "人员", "在职", "人数", severity=W)
    parts = s.active.count + s.retired.count + s.veteran.count
    if s.actual is not None and s.actual != parts:
        yield ctx.p("staffing.actual", f"实有人数应等于在职 {s.active.count} + 退休 {s.retired.count} + 离休 {s.veteran.count} = {parts} 人，实际写的是 {s.actual} 人", "概况", "人员", "实有人数")


# ------------------------------------------------------------------ last year
def _last_where(ctx: Context, key: str) -> tuple:
    """The YAML node a last-year figure was written at (inline), else 上年.文件."""
    ly = ctx.dept.last_year
    inline = {"基本支出": ly.basic, "项目支出": ly.project, "人员经费": ly.personnel, "公用经费": ly.public,
              "机关运行经费": ly.operating}
    if inline.get(key) is not None:
        return ("上年", key)
    if key == "收入合计" and ly.income:
        return ("上年", "收入")
    if key in ly.income:
        return ("上年", "收入", key)
    if key == "支出合计" and ly.basic is not None and ly.project is not None:
        return ("上年", "基本支出")
    if key.startswith("功能分类.") and key.split(".", 1)[1] in ly.functions:
        return ("上年", "功能分类", key.split(".", 1)[1])
    if key == "三公经费" and not ly.file:
        return ("三公经费",)
    return ("上年", "文件") if ly.file else ("上年",)


def _last_name(key: str) -> str:
    return key.replace("功能分类.", "功能分类 ")


@rule("last-year.balance", "上年收入等于上年支出")
def check_last_year_balance(ctx: Context) -> Iterator[Problem]:
    last = ctx.fig.last
    if "收入合计" in last and "支出合计" in last and last["收入合计"] != last["支出合计"]:
        inc, out = last["收入合计"], last["支出合计"]
        parts = "、".join(f"{s} {fmt_plain(last[s])}" for s in SOURCES if last.get(s))
        yield ctx.p("last-year.balance",
                    f"上年收支不平衡：上年收入合计（{parts or '无'}）{_w(inc)}应等于上年支出合计 {_w(out)}"
                    f"（基本支出 {fmt_plain(last.get('基本支出', ZERO))} + 项目支出 {fmt_plain(last.get('项目支出', ZERO))}），差 {fmt_plain(inc - out)} 万元"
                    f"（上年有结转结余安排的支出时，请在“上年.收入”中写明“上年结转结余”）", *_last_where(ctx, "收入合计"))


def _last_parents(last: dict[str, Decimal]) -> Iterator[tuple[str, list[str]]]:
    """(parent key, part keys) for every last-year figure that has parts given."""
    for whole, parts in (("支出合计", ["基本支出"]), ("支出合计", ["项目支出"]), ("支出合计", ["三公经费"]),
                         ("基本支出", ["人员经费"]), ("基本支出", ["公用经费"]),
                         ("收入合计", [s for s in SOURCES if s in last])):
        yield whole, parts
    tree = CodeTree(k for k in last if k.startswith("功能分类."))
    yield "支出合计", tree.parts("功能分类")
    for key in last:
        code = _tree_key(key)
        if code and code[0] == "功能分类":
            yield key, tree.parts(*code)


@rule("last-year.exceeds", "上年数不超过其所属的上年数")
def check_last_year_exceeds(ctx: Context) -> Iterator[Problem]:
    last = ctx.fig.last
    for whole, parts in _last_parents(last):
        given = [p for p in parts if p in last]
        if whole not in last or not given:
            continue
        s = total(last[p] for p in given)
        if s > last[whole]:
            if len(given) == 1:
                what = f"上年{_last_name(given[0])} {_w(last[given[0]])}"
                where = _last_where(ctx, given[0])
            else:
                what = f"上年{'、'.join(_last_name(p) for p in given)}合计 {_w(s)}"
                where = _last_where(ctx, whole)
            yield ctx.p("last-year.exceeds", f"{what}超过了它所属的上年{_last_name(whole)} {_w(last[whole])}（多 {fmt_plain(s - last[whole])} 万元）：部分不能大于整体", *where)


@rule("last-year.parts", "上年人员经费与公用经费之和等于上年基本支出")
def check_last_year_parts(ctx: Context) -> Iterator[Problem]:
    last = ctx.fig.last
    if all(k in last for k in ("人员经费", "公用经费", "基本支出")):
        s = last["人员经费"] + last["公用经费"]
        if s != last["基本支出"]:
            yield ctx.p("last-year.parts", f"上年人员经费 {fmt_plain(last['人员经费'])} + 上年公用经费 {fmt_plain(last['公用经费'])} = {_w(s)}，应等于上年基本支出 {_w(last['基本支出'])}（差 {fmt_plain(s - last['基本支出'])} 万元）", *_last_where(ctx, "人员经费"))


@rule("last-year.disagrees", "写在此处的上年数与上年文件一致")
def check_last_year_file(ctx: Context) -> Iterator[Problem]:
    file = ctx.last_file
    ly = ctx.dept.last_year
    if not file:
        return
    inline: list[tuple[str, Decimal, tuple]] = []
    for key, v in (("基本支出", ly.basic), ("项目支出", ly.project), ("人员经费", ly.personnel),
                   ("公用经费", ly.public), ("机关运行经费", ly.operating)):
        if v is not None:
            inline.append((key, v, ("上年", key)))
    if ly.income:
        inline += [(s, v, ("上年", "收入", s)) for s, v in ly.income.items()]
        # the sources written here replace the file's income: its total differs when a source is left out
        if all(round2(file.get(s, ZERO)) == round2(v) for s, v in ly.income.items()):
            inline.append(("收入合计", total(ly.income.values()), ("上年", "收入")))
    inline += [(f"功能分类.{c}", v, ("上年", "功能分类", c)) for c, v in ly.functions.items()]
    for name, item in ctx.dept.three_public.items():
        if item.last_year is not None and f"三公.{name}" in file:
            inline.append((f"三公.{name}", item.last_year, ("三公经费", name, "上年")))
    # a budget file gives last year's budget: it cannot disagree with 上年预算数, but
    # 上年执行数 written here may rightly differ from it
    severity = Severity.ERROR if ly.basis == "上年预算数" else W
    for key, v, where in inline:
        found = file.get(key, ZERO)
        if round2(found) != round2(v):
            name = key.replace("三公.", "“三公”经费").replace("功能分类.", "功能分类 ")
            yield ctx.p("last-year.disagrees", f"上年数不一致：此处写的上年{name}为 {_w(v)}，上年文件“{ly.file}”推导为 {_w(found)}（差 {fmt_plain(v - found)} 万元）：删去此处的上年数，或改正上年文件", *where, severity=severity)


# ------------------------------------------------------------------ reasons
def _needs_reason(ctx: Context, key: str, this: Decimal) -> bool:
    ch = ctx.fig.change(key, this)
    if ch is None or ch.direction == 0:
        return False
    if ch.pct is None:
        return True
    return abs(ch.pct) > ctx.dept.settings.threshold


@rule("reason", "增减变化须说明原因")
def check_reasons(ctx: Context) -> Iterator[Problem]:
    reasons = ctx.dept.last_year.reasons
    threshold = ctx.dept.settings.threshold
    current = ctx.fig.current()
    for key in ("收入合计", "支出合计", "基本支出", "项目支出", "机关运行经费", *SOURCES):
        if key in ctx.fig.last and _needs_reason(ctx, key, current[key]) and not reasons.get(key, "").strip():
            ch = ctx.fig.change(key, current[key])
            yield ctx.p("reason.missing", f"{key}{ch.describe()}，变化超过 {fmt_plain(threshold)}%：应在“上年.主要原因.{key}”中说明主要原因", "上年")
    for code, last in ctx.dept.last_year.functions.items():
        key = f"功能分类.{code}"
        if _needs_reason(ctx, key, current.get(key, ZERO)) and not (reasons.get(code, "") or reasons.get(key, "")).strip():
            ch = ctx.fig.change(key, current.get(key, ZERO))
            yield ctx.p("reason.missing", f"功能分类 {code} {ch.describe()}，变化超过 {fmt_plain(threshold)}%：应在“上年.主要原因.{code}”中说明主要原因", "上年", "功能分类", code)
    for name, item in ctx.fig.three_public_items().items():
        if item.last_year is None:
            continue
        if ctx.fig.item_total(item) != item.last_year and not item.reason.strip():
            yield ctx.p("reason.three-public", f"“三公”经费{name}与上年不同（本年 {_w(ctx.fig.item_total(item))}，上年 {_w(item.last_year)}）：每项“三公”经费的增减都应在“主要原因”中说明", "三公经费", name)
    known = set(current) | set(SOURCES) | set(ctx.dept.last_year.functions) | {f"功能分类.{c}" for c in ctx.dept.last_year.functions}
    for key in reasons:
        if key not in known:
            yield ctx.p("reason.unknown-key", f"“上年.主要原因”中的“{key}”没有对应的上年数，不会被引用：应为 收入合计、支出合计、基本支出、项目支出、机关运行经费、收入来源或“上年.功能分类”中的代码", "上年", "主要原因", key, severity=W)


# ------------------------------------------------------------------ texts
@rule("text", "必填文字")
def check_texts(ctx: Context) -> Iterator[Problem]:
    if not ctx.dept.name.strip():  # the title, the cover and the file names all need it
        yield ctx.p("text.required", "“部门”（部门全称）不能为空", "部门")
    f = ctx.dept.overview.functions
    if (isinstance(f, str) and not f.strip()) or (isinstance(f, list) and not any(x.strip() for x in f)):
        yield ctx.p("text.required", "“主要职能”不能为空", "概况", "主要职能")
    for pi, p in enumerate(ctx.dept.projects):
        if not p.name.strip():
            yield ctx.p("text.required", "项目“名称”不能为空", "项目", pi, "名称")


# ------------------------------------------------------------------ procurement
@rule("procurement", "政府采购预留份额与引用")
def check_procurement(ctx: Context) -> Iterator[Problem]:
    pr = ctx.dept.procurement
    tot = ctx.fig.procurement_total
    if pr.sme_reserved > tot:
        yield ctx.p("procurement.sme", f"面向中小企业预留 {_w(pr.sme_reserved)} 不能超过政府采购预算合计 {_w(tot)}", "政府采购", "面向中小企业预留")
    if pr.small_reserved > pr.sme_reserved:
        yield ctx.p("procurement.sme", f"面向小微企业预留 {_w(pr.small_reserved)} 是中小企业预留的一部分，不能超过 {_w(pr.sme_reserved)}", "政府采购", "其中面向小微企业预留")
    names = {p.name for p in ctx.dept.projects} | {"基本支出"}
    for i, it in enumerate(pr.items):
        if it.project not in names:
            yield ctx.p("procurement.project", f"政府采购明细引用的项目“{it.project}”不存在：应为“项目”中的某个名称或“基本支出”", "政府采购", "明细", i, "项目")
        if it.sme > it.amount:
            yield ctx.p("procurement.item-sme", f"“{it.item}”的预留中小企业份额 {_w(it.sme)} 是其采购金额的一部分，不能超过采购金额 {_w(it.amount)}", "政府采购", "明细", i, "预留中小企业份额")
    if pr.items and (pr.goods or pr.works or pr.services):
        yield ctx.p("procurement.double", "已填写政府采购明细，货物/工程/服务由明细汇总：请删除直接填写的货物/工程/服务金额", "政府采购", severity=W)


# ------------------------------------------------------------------ 三公 vs spending
@rule("three-public", "“三公”经费不超过对应支出")
def check_three_public(ctx: Context) -> Iterator[Problem]:
    basic = ctx.fig.basic_total
    project = ctx.fig.project_total
    if ctx.fig.three_public_total("basic") > basic:
        yield ctx.p("three-public.exceeds", f"基本支出中的“三公”经费 {_w(ctx.fig.three_public_total('basic'))} 超过基本支出合计 {_w(basic)}", "三公经费")
    if ctx.fig.three_public_total("project") > project:
        yield ctx.p("three-public.exceeds", f"项目支出中的“三公”经费 {_w(ctx.fig.three_public_total('project'))} 超过项目支出合计 {_w(project)}", "三公经费")
    for name, item in ctx.fig.three_public_items().items():
        if item.of_which is not None and item.of_which > ctx.fig.item_total(item):
            yield ctx.p("three-public.of-which", f"{name}的“其中”金额 {_w(item.of_which)} 不能超过{name} {_w(ctx.fig.item_total(item))}", "三公经费", name, "其中")


def run_checks(ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    for _rid, (_title, fn) in RULES.items():
        problems.extend(fn(ctx))
    return problems
