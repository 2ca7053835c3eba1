"""Roll a department forward a year: the author's own file, edited in place.

The file is read with ruamel.yaml in round-trip mode, so comments, key order, flow style and
quoting stay as the author wrote them; only these change:

- 年度 +1 (or the year asked for); 编制日期 and 国有资产.截至日期 move by the same number of years;
- 上年 holds this year's figures as leaf facts (收入 by source, 基本支出, 项目支出, 人员经费,
  公用经费, 机关运行经费, 功能分类 by 项) with 口径 上年预算数; 上年.文件 is dropped;
- each “三公” item's 上年 is this year's amount, each project's 上年金额 its 金额;
- per-year texts and numbers are moved out, into comments next to where they were, so nothing the
  author wrote is lost: 上年.主要原因, the “三公” 主要原因/总体原因, 核对数; 比上年增减 become 0.

Why the figures are written inline rather than as ``上年.文件: 去年.yaml``: the comparison base
is often 上年执行数, which last year's budget file does not hold, so the clerk overwrites these
numbers; and a published disclosure must not change when last year's file is later edited or
moved. The result is checked with ``disclose check`` before it is written.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from .errors import Location, Problem, UserError
from .money import round2


def _yaml() -> YAML:
    y = YAML()  # round-trip
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.ignore_aliases = lambda data: True  # never write &anchors / *aliases
    y.representer.add_representer(Decimal, lambda r, d: r.represent_scalar("tag:yaml.org,2002:float", f"{round2(d):.2f}"))
    return y


def comment_lines(node: Any) -> list[str]:
    """Every comment in a ruamel subtree, as text lines without the leading “#”."""
    out: list[str] = []

    def tokens(value: Any):
        if value is None:
            return
        if isinstance(value, list):
            for v in value:
                yield from tokens(v)
        else:
            yield value

    def walk(n: Any) -> None:
        ca = getattr(n, "ca", None)
        if ca is not None:
            for tok in tokens(ca.comment):
                out.extend(_lines(tok.value))
            for entry in ca.items.values():
                for tok in tokens(entry):
                    out.extend(_lines(tok.value))
        if isinstance(n, dict):
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    walk(node)
    return out


def _lines(text: str) -> list[str]:
    return [line.strip()[1:].strip() for line in text.split("\n") if line.strip().startswith("#")]


def _split(token_text: str) -> tuple[str, str]:
    """A trailing comment token → (its end-of-line comment, the comment lines after it)."""
    if not token_text or token_text.startswith("\n"):
        return "", token_text[1:] if token_text else ""
    first, _, rest = token_text.partition("\n")
    return first, rest


def _tail(parent: Any, key: Any) -> tuple[Any, Any]:
    """The (map or list, key or index) whose trailing comment ends ``parent[key]``'s block."""
    value = parent[key]
    if isinstance(value, dict) and value and not (hasattr(value, "fa") and value.fa.flow_style()):
        last = list(value.keys())[-1]
        return _tail(value, last)
    if isinstance(value, list) and value and not (hasattr(value, "fa") and value.fa.flow_style()):
        return _tail(value, len(value) - 1)
    return parent, key


def _token(node: Any, key: Any):
    entry = node.ca.items.get(key)
    return entry[2] if entry and len(entry) > 2 else None


def _set_token(node: Any, key: Any, text: str) -> None:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    entry = node.ca.items.setdefault(key, [None, None, None, None])
    while len(entry) < 4:
        entry.append(None)
    entry[2] = CommentToken(text, CommentMark(0), None)


class _Editor:
    """Edits that never lose a comment: what a removed or replaced value carried moves next to it."""

    def __init__(self, doc: CommentedMap):
        self.doc = doc
        self.orphans: list[str] = []

    def _carried(self, parent: CommentedMap, key: Any, note: list[str]) -> tuple[list[str], str]:
        """(comment lines to keep, the comment text that followed the block) of ``parent[key]``."""
        tail_node, tail_key = _tail(parent, key)
        tail = _token(tail_node, tail_key)
        eol, rest = _split(tail.value if tail is not None else "")
        if tail is not None:
            tail_node.ca.items[tail_key][2] = None
        lines = list(note) + (_lines(eol) if eol else [])
        own = _token(parent, key) if (tail_node, tail_key) != (parent, key) else None
        if own is not None:
            lines += _lines(own.value)
            parent.ca.items[key][2] = None
        value = parent[key]
        if isinstance(value, (dict, list)):
            lines += comment_lines(value)
        return lines, rest

    @staticmethod
    def _block(lines: list[str], indent: int) -> str:
        return "".join(" " * indent + "# " + line + "\n" for line in lines)

    def replace(self, parent: CommentedMap, key: Any, value: Any, depth: int, note: list[str]) -> None:
        """``parent[key] = value`` (a one-line value); the old value's texts become comments below it."""
        lines, rest = self._carried(parent, key, note)
        parent[key] = value
        _set_token(parent, key, "\n" + self._block(lines, 2 * depth) + rest)

    def remove(self, parent: CommentedMap, key: Any, depth: int, note: list[str] | None = None) -> None:
        """Delete ``key``; its texts and comments move to where it was."""
        if key not in parent:
            return
        lines, rest = self._carried(parent, key, note or [])
        keys = list(parent.keys())
        idx = keys.index(key)
        parent.ca.items.pop(key, None)
        del parent[key]
        block = self._block(lines, 2 * depth) + rest
        if not block:
            return
        if idx > 0:
            node, k = _tail(parent, keys[idx - 1])
            tok = _token(node, k)
            text = tok.value if tok is not None else "\n"
            _set_token(node, k, (text if text.endswith("\n") else text + "\n") + block)
        elif len(keys) > 1:
            parent.yaml_set_comment_before_after_key(keys[1], before="\n".join(lines + _lines(rest)), indent=2 * depth)
        else:
            self.orphans.extend(lines + _lines(rest))


def _shift_date(value: Any, years: int) -> Any:
    """A date written as 2019-12-31 (quoted or not) moved by ``years``; anything else unchanged."""
    if isinstance(value, date):
        try:
            return value.replace(year=value.year + years)
        except ValueError:  # 29 February
            return value.replace(year=value.year + years, day=28)
    if isinstance(value, str):
        m = re.fullmatch(r"(\d{4})([-./年].*)", value.strip())
        if m:
            return type(value)(f"{int(m.group(1)) + years}{m.group(2)}") if type(value) is not str else f"{int(m.group(1)) + years}{m.group(2)}"
    return value


def _flow_map(items: dict | None = None) -> CommentedMap:
    m = CommentedMap(items or {})
    m.fa.set_flow_style()
    return m


def _set(parent: CommentedMap, key: str, value: Any, after: str | None = None) -> None:
    """Set ``key`` (kept in place when present; else after ``after``, else at the end)."""
    if key in parent:
        parent[key] = value
        return
    keys = list(parent.keys())
    if after in keys:
        parent.insert(keys.index(after) + 1, key, value)
    else:
        parent[key] = value


def roll_forward_text(source: Path, text: str, checked, new_year: int, target: Path) -> str:
    """The rolled-forward YAML text of ``source`` (already checked clean as ``checked``)."""
    fig = checked.fig
    old_year = fig.dept.year
    years = new_year - old_year
    y = _yaml()
    doc = y.load(text)
    if not isinstance(doc, CommentedMap):
        raise UserError(problems=[Problem("new.from", "顶层应为映射，无法结转", Location(str(source), 1, 1))])
    ed = _Editor(doc)
    cur = fig.current()

    doc["年度"] = new_year
    if "编制日期" in doc and doc["编制日期"]:
        doc["编制日期"] = _shift_date(doc["编制日期"], years)
    assets = doc.get("国有资产")
    if isinstance(assets, CommentedMap) and assets.get("截至日期"):
        assets["截至日期"] = _shift_date(assets["截至日期"], years)
    staff = (doc.get("概况") or {}).get("人员") if isinstance(doc.get("概况"), dict) else None
    if isinstance(staff, dict):
        for group in ("在职", "退休", "离休"):
            if isinstance(staff.get(group), dict) and "比上年增减" in staff[group]:
                staff[group]["比上年增减"] = 0

    # “三公” items: this year's amount becomes 上年; reasons move into comments
    three = doc.get("三公经费")
    if isinstance(three, CommentedMap):
        for name, item in fig.three_public_items().items():
            node = three.get(name)
            if not isinstance(node, CommentedMap):
                continue
            _set(node, "上年", fig.item_total(item), after="项目支出" if "项目支出" in node else "基本支出")
            if "主要原因" in node:
                ed.remove(node, "主要原因", 2, [f"{old_year} 年的主要原因（已不适用）：{node['主要原因']}"])
        if "总体原因" in three:
            ed.remove(three, "总体原因", 1, [f"{old_year} 年的总体原因（已不适用）：{three['总体原因']}"])

    for p in doc.get("项目") or []:
        if isinstance(p, CommentedMap) and "金额" in p:
            _set(p, "上年金额", p["金额"], after="金额")

    controls = doc.get("核对数")
    if isinstance(controls, CommentedMap) and controls:
        note = [f"{old_year} 年的核对数（已不适用，请按 {new_year} 年预算系统的数填写）："]
        note += [f"  {k}: {v}" for k, v in controls.items()]
        ed.replace(doc, "核对数", _flow_map(), 0, note)

    # 上年: this year's leaf figures
    last = doc.get("上年")
    if not isinstance(last, CommentedMap):
        last = CommentedMap()
        doc["上年"] = last
    if "文件" in last:
        ed.remove(last, "文件", 1, [f"上年数原来取自 {last['文件']}，已改为直接写出"])
    _set(last, "口径", "上年预算数")
    income = {s: v for s, v in fig.income.items() if v}
    _update_map(ed, last, "收入", income, after="口径")
    prev = "收入"
    for key in ("基本支出", "项目支出", "人员经费", "公用经费", "机关运行经费"):
        _set(last, key, cur[key], after=prev)
        prev = key
    functions = {int(k.split(".")[1]): v for k, v in cur.items() if k.startswith("功能分类.") and len(k) == 12}
    _update_map(ed, last, "功能分类", functions, after=prev)
    reasons = last.get("主要原因")
    if isinstance(reasons, dict) and reasons:
        note = [f"{old_year} 年的增减原因（已不适用，供参考）："] + [f"  {k}: {v}" for k, v in reasons.items()]
        ed.replace(last, "主要原因", _flow_map(), 1, note)
    else:
        _set(last, "主要原因", _flow_map())

    # files named relative to the source stay the same files when the target is elsewhere
    settings = doc.get("设置")
    if isinstance(settings, CommentedMap) and isinstance(settings.get("科目补充文件"), list):
        files = settings["科目补充文件"]
        for i, name in enumerate(files):
            moved = _relative((source.parent / str(name)), target.parent)
            if moved is not None and moved != str(name):
                files[i] = moved

    buf = io.StringIO()
    y.dump(doc, buf)
    out = buf.getvalue()
    # a safety net: any comment the edits could not keep in place is kept at the end
    kept = set(_all_comments(out))  # parsed once: inside the comprehension it was once per comment
    missing = [c for c in _all_comments(text) if c not in kept] + ed.orphans
    if missing:
        out = out.rstrip("\n") + "\n\n# ---- 结转时移出的内容（原注释与上年的文字，供参考）\n" + "".join(f"# {c}\n" for c in missing)
    header = (f"# {fig.dept.name} {new_year} 年部门预算：由 {source.name}（{old_year} 年）结转生成。\n"
              f"# 上年数已填入“上年”与各项“上年”“上年金额”；本年金额仍是 {old_year} 年的数，请逐项更新，\n"
              f"# 并在“上年.主要原因”中说明增减原因。\n")
    return header + out


def _relative(path: Path, folder: Path) -> str | None:
    import os
    try:
        return os.path.relpath(path.resolve(), folder.resolve())
    except ValueError:
        return None


def _update_map(ed: _Editor, parent: CommentedMap, key: str, values: dict, after: str) -> None:
    """Make ``parent[key]`` hold exactly ``values``, editing the existing map in place."""
    node = parent.get(key)
    if not isinstance(node, CommentedMap):
        node = CommentedMap()
        _set(parent, key, node, after=after)
    wanted = {str(k): (k, v) for k, v in values.items()}
    for existing in list(node.keys()):
        if str(existing) not in wanted:
            ed.remove(node, existing, 2)
    present = {str(k): k for k in node.keys()}
    new_keys = []
    for text_key, (k, v) in wanted.items():
        if text_key in present:
            node[present[text_key]] = v
        else:
            new_keys.append((k, v))
    for i, (k, v) in enumerate(new_keys):  # new keys first: the last key carries the comments that follow the map
        node.insert(i, k, v)


def _all_comments(text: str) -> list[str]:
    """Comment texts of a YAML file (full-line and end-of-line), via ruamel's own tokens."""
    y = YAML()
    return comment_lines(y.load(text))
