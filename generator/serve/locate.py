"""Where a problem shows in the document: one function, :func:`locate`.

A problem names the YAML field it is about (``Problem.field``, e.g. ``项目[2].资金分配``)
and a rule (``project.allocation``). The document model does not (yet) say which YAML
field each block came from, so the field is matched to the block that prints it: a
table by its kind (``Table.key``) or the words of its title, a heading by its words, then, inside it, the
first element showing a given text (a project's name, then “资金分配”). When blocks
carry their origin, only this function changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..document.model import Document, Heading, Table


@dataclass(frozen=True)
class Target:
    """A place in the document: the element with id ``anchor`` (None: the first page),
    then the first element after it that shows each of ``texts`` in turn."""
    anchor: str | None
    texts: tuple[str, ...] = ()


def _parts(field: str) -> list[Any]:
    """``项目[2].资金分配`` → ``["项目", 1, "资金分配"]`` (list positions 0-based)."""
    out: list[Any] = []
    for piece in field.split("."):
        m = re.fullmatch(r"(.*?)((?:\[\d+\])*)", piece)
        name, idx = (m.group(1), m.group(2)) if m else (piece, "")
        if name:
            out.append(name)
        out += [int(i) - 1 for i in re.findall(r"\[(\d+)\]", idx)]
    return out


#: A project's fields printed in the 项目支出 narrative, and the words that introduce them there.
_PROJECT_TEXT = {"资金分配": "资金分配", "政策依据": "政策依据", "承担单位": "承担单位", "执行时间": "执行时间",
                 "资金支出计划": "支出计划"}
#: Fields printed in the project table.
_PROJECT_TABLE = {"金额", "经济分类", "功能分类", "名称", "上年金额"}
#: Top-level sections printed under a heading: field → heading words, most specific first.
_SECTIONS = {
    "机关运行经费": ("机关运行经费",),
    "政府采购": ("政府采购",),
    "国有资产": ("国有资产",),
    "其他需说明的事项": ("其他需说明", "其他需要说明", "其他重要事项"),
    "名词解释补充": ("名词解释",),
}
#: Totals and lines named in 核对数 / 上年.主要原因 → the table that prints them.
_TOTAL_TABLES = (
    (("三公",), ("三公",)),
    (("基本支出", "人员经费", "公用经费"), ("基本支出", "支出总体情况表", "支出总表")),
    (("项目支出",), ("项目支出情况表", "项目支出表", "支出总体情况表", "支出总表")),
    (("收入", "拨款", "资金"), ("收入总体情况表", "收入总表", "收支总表")),
    (("支出",), ("支出总体情况表", "支出总表", "收支总表")),
)
#: The same names → the narrative section that explains the change from last year.
_REASON_HEADINGS = (
    (("三公",), ("三公",)),
    (("机关运行经费",), ("机关运行经费",)),
    (("收入", "拨款"), ("收入预算情况", "收入说明", "比上年")),
    (("基本支出", "项目支出", "支出"), ("支出预算情况", "支出说明", "比上年")),
)


def locate(field: str, rule: str, doc: Document | None, fig: Any = None) -> Target | None:
    """The place in ``doc`` where the problem about ``field`` (rule ``rule``) shows; None
    when it does not show in the document (a YAML syntax error, an unknown key)."""
    if doc is None:
        return None
    tables = doc.tables()
    headings = [b for b in doc.blocks if isinstance(b, Heading)]

    def table(*kinds: str, texts: tuple[str, ...] = ()) -> Target | None:
        for kind in kinds:
            for t in tables:
                if kind in t.key or kind in t.title.replace(" ", ""):
                    return Target(t.anchor or None, tuple(x for x in texts if x))
        return None

    def heading(*words: str, texts: tuple[str, ...] = ()) -> Target | None:
        for word in words:
            for h in headings:
                if word in h.text and h.anchor:
                    return Target(h.anchor, tuple(x for x in texts if x))
        return None

    parts = _parts(field) if field else []
    top = parts[0] if parts else ""
    sub = parts[2] if len(parts) > 2 and isinstance(parts[1], int) else (parts[1] if len(parts) > 1 else None)

    if top == "项目" and len(parts) > 1 and isinstance(parts[1], int):
        i = parts[1]
        projects = getattr(getattr(fig, "dept", None), "projects", None) or []
        name = projects[i].name if 0 <= i < len(projects) else ""
        if isinstance(sub, str) and sub.startswith("绩效目标"):
            perf = [t for t in tables if "绩效" in t.key or "绩效目标" in t.title.replace(" ", "")]
            chosen = perf[i] if i < len(perf) else None  # one per project, in the projects' order
            if chosen is not None:
                return Target(chosen.anchor or None)
        if sub in _PROJECT_TEXT:
            found = heading("项目支出情况", "项目预算安排", "项目支出", texts=(name, _PROJECT_TEXT[sub]))
            if found:
                return found
        if sub in _PROJECT_TABLE or sub is None:
            found = table("项目支出情况表", "项目支出表", texts=(name,))
            if found:
                return found
        return Target(None, (name,)) if name else None
    if top == "基本支出":
        code = parts[3] if len(parts) > 3 and str(parts[2]) == "经济分类" else None
        label = ""
        if code is not None and fig is not None:
            try:
                label = fig.ecat.name(str(code))
            except Exception:  # an unknown code: the table, without a row
                label = ""
        return table("基本支出", "支出总体情况表", "支出总表", texts=(label,))
    if rule.startswith("balance."):  # income against spending: the summary table's two totals
        return table("收支总表", "收支总体情况表", "收入总体情况表", "收入总表", texts=("收入总计",))
    if top == "收入":
        return table("收入总体情况表", "收入总表", "收支总表", texts=(str(sub),) if isinstance(sub, str) else ())
    if top == "三公经费":
        return table("三公", texts=(str(sub),) if isinstance(sub, str) else ()) or heading("三公")
    if top == "概况":
        if sub == "主要职能":
            return heading("主要职能", "部门职责", "职责")
        if sub in ("内设机构", "下属预算单位"):
            return heading("机构设置", "概况")
        if sub == "人员":
            return heading("人员情况", "机构设置", "概况")
        return heading("概况", "机构设置")
    if top in _SECTIONS:
        return heading(*_SECTIONS[top])
    if top == "核对数":
        key = str(sub or "")
        for words, kinds in _TOTAL_TABLES:
            if any(w in key for w in words):
                return table(*kinds) or table("收支总表")
        return table("收支总表")
    if top == "上年":
        key = str(parts[-1]) if len(parts) > 1 else ""
        if re.fullmatch(r"\d{3,7}", key):
            return heading("具体使用情况", "一般公共预算当年拨款", "比上年")
        for words, heads in _REASON_HEADINGS:
            if any(w in key for w in words):
                return heading(*heads)
        return heading("比上年", "总体说明", "总体情况")
    if top in ("部门", "年度", "编制日期", "格式", "金额单位", "设置") or rule.startswith("format."):
        return Target(None)
    return None
