"""The rules. Each takes a Context and yields Problems."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterator

from ..catalogs import add_hint
from ..errors import Problem, Severity
from ..figures import Figures
from ..load.department import Loaded
from ..model import SOURCES
from ..money import ZERO, fmt_plain, round2, total

W = Severity.WARNING


@dataclass
class Context:
    loaded: Loaded
    fig: Figures
    author_codes: dict[str, set[str]]  # kind → codes named by the author inline

    @property
    def dept(self):
        return self.fig.dept

    def p(self, rule: str, message: str, *path, severity: Severity = Severity.ERROR) -> Problem:
        return self.loaded.problem(rule, message, *path, severity=severity)


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
@rule("control", "核对数等于推导数")
def check_controls(ctx: Context) -> Iterator[Problem]:
    current = ctx.fig.current()
    for key, expected in ctx.dept.controls.items():
        if key not in current:
            if key.startswith(("功能分类.", "经济分类.")):
                found = ZERO
            else:
                import difflib
                guess = difflib.get_close_matches(key, [k for k in current if "." not in k], n=1, cutoff=0.4)
                hint = f"；您是不是想写“{guess[0]}”？" if guess else ""
                yield ctx.p("control.unknown-key", f"未知的核对项“{key}”{hint}", "核对数", key)
                continue
        else:
            found = current[key]
        if round2(found) != round2(expected):
            yield ctx.p("control.mismatch", f"核对数不符：{key}按明细推导为 {_w(found)}，预算系统核对数为 {_w(expected)}（差 {fmt_plain(found - expected)} 万元）", "核对数", key)


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
