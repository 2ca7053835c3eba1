"""Rules about how a file was written: text left from a starter, a year rolled forward but not updated."""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..errors import Problem, Severity
from ..load.yamlsafe import format_path
from .rules import Context, rule

# Every placeholder a starter writes reads “（在此填写……）”; older starters wrote these lines verbatim.
PLACEHOLDER = re.compile(r"（在此填写[^）]*）")
_LEGACY_LINES = {
    "内设机构: [综合科]       # 处室名称，个数自动统计": ("概况", "内设机构"),
}


def _texts(data: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _texts(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _texts(v, path + (i,))
    elif isinstance(data, str):
        yield path, data


@rule("starter.placeholder", "模板中的占位文字已改写")
def check_placeholders(ctx: Context) -> Iterator[Problem]:
    for path, text in _texts(ctx.loaded.raw, ()):
        hit = PLACEHOLDER.search(text)
        if hit:
            yield ctx.p("starter.placeholder", f"“{format_path(path)}”仍是模板中的占位文字“{hit.group()}”：请改为实际内容", *path)
    try:
        lines = ctx.loaded.path.read_text(encoding="utf-8-sig").split("\n") if ctx.loaded.path.is_file() else []
    except (OSError, UnicodeDecodeError):
        lines = []
    for line in lines:
        where = _LEGACY_LINES.get(line.strip())
        if where:
            yield ctx.p("starter.placeholder", f"“{format_path(where)}”仍是模板中的示例“综合科”：请改为本部门的处室名称", *where)


@rule("last-year.unchanged", "本年数不应与上年数完全相同")
def check_unchanged(ctx: Context) -> Iterator[Problem]:
    fig = ctx.fig
    current = fig.current()
    if "收入合计" not in fig.last or "支出合计" not in fig.last:
        return  # across the board: income and spending both compared
    pairs = [(current[k], v) for k, v in fig.last.items() if k in current]
    pairs += [(fig.item_total(i), i.last_year) for i in fig.dept.three_public.__dict__.values()
              if hasattr(i, "last_year") and i.last_year is not None]
    pairs += [(p.amount, p.last_year) for p in fig.dept.projects if p.last_year is not None]
    if len(pairs) >= 3 and any(a for a, _ in pairs) and all(a == b for a, b in pairs):
        yield ctx.p("last-year.unchanged",
                    f"本年的 {len(pairs)} 项金额与上年数逐项相同（收入、支出、“三公”经费……）：多半是结转到新年度后还没有填写本年数，"
                    "请逐项更新本年金额", "上年", severity=Severity.WARNING)
