"""Safe YAML loading with positions, duplicate-key detection and bounds.

PyYAML composes the node tree; this module constructs plain Python values from
it itself, so that:
- only the core tags are accepted (``!!python/...`` and any other tag is refused);
- numbers with a fraction become ``Decimal`` from their source text (never float);
- duplicate keys are reported instead of silently keeping the last one;
- anchors/aliases are refused (no billion-laughs expansion);
- nesting depth and file size are bounded;
- every mapping key and list item gets its (line, col), 1-based, by path.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..errors import Location, Problem, UserError

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_TEXT = 20_000  # characters in one value or key: far beyond any real 主要职能, bounded for layout
# a number with a fraction or an exponent is read exactly (Decimal); writing it out in full must stay
# cheap: 1.0e+999999999 would be a billion digits. The model gives the precise limits (金额过大, 小数位).
MAX_EXPONENT = 1000

Path_ = tuple  # a path into the data: ("项目", 2, "名称")


class Marks(dict):
    """(line, col), 1-based, of every mapping key and list item, by path; ``quoted``: the paths
    whose scalar value was written in quotes (so a quoted number can be named as such)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quoted: set[tuple] = set()

# Characters a document cannot print: C0/C1 controls but tab and line breaks, surrogates, non-characters.
# The YAML reader refuses them in the raw file; escapes in double quotes can still produce them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT_RE = re.compile(r"^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$")

_MESSAGES = [
    ("found character '\\t' that cannot start any token", "YAML 不允许用制表符（Tab）缩进，请改用空格"),
    ("mapping values are not allowed here", "此处不能出现“键: 值”：可能是缩进不对，或上一行的文字里含有“: ”（含冒号的文字请加引号）"),
    ("could not find expected ':'", "缺少冒号“:”，或上一行的引号没有闭合"),
    ("did not find expected key", "缩进不一致：同一层的键应当对齐"),
    ("did not find expected '-' indicator", "列表缩进不一致：同一列表的“- ”应当对齐"),
    ("found unexpected end of stream", "文件意外结束：引号或括号没有闭合"),
    ("alias refused", "不支持锚点与别名（&名称 / *名称）：请把内容直接写出"),
    ("found undefined alias", "使用了未定义的别名（*）"),
    ("found unknown escape character", "双引号文字中有无法识别的转义字符（\\），请改用单引号"),
    ("expected <block end>, but found", "缩进不一致或多余的内容"),
    ("expected ',' or '}'", "花括号 { } 中的内容有误：缺少逗号或右括号，或文字中含有“[”“:”等符号（请给文字加引号）"),
    ("expected ',' or ']'", "方括号 [ ] 中的内容有误：缺少逗号或右括号（含逗号的文字请加引号）"),
    ("found character '@' that cannot start", "“@”不能作为值的开头：请给这段文字加引号"),
    ("found character '`' that cannot start", "“`”不能作为值的开头：请给这段文字加引号"),
    ("while scanning a quoted scalar", "引号没有闭合"),
    ("found unacceptable character", "文件中含有不可打印的控制字符"),
    ("found character", "此处的字符（如“@”“`”“%”）不能开始一项内容：含这些符号的文字请加引号"),
    ("mapping keys are not allowed here", "此处不能出现“? ”开头的键：请检查缩进"),
    ("sequence entries are not allowed here", "此处不能出现列表项“- ”：请检查缩进，或给以“- ”开头的文字加引号"),
    ("expected escape sequence of", "双引号文字中的“\\x”“\\u”转义后面应是十六进制数字：不需要转义时请改用单引号"),
    ("expected the node content", "此处缺少内容：含“:”“[”“{”“,”等符号的文字请加引号"),
    ("but found another document", "一个文件只能有一份数据：请删除多余的“---”分隔线及其后的内容"),
    ("expected a single document", "一个文件只能有一份数据：请删除多余的“---”分隔线及其后的内容"),
    ("expected '<document start>'", "“%”开头的 YAML 指令或“---”分隔线用法有误：请删除这些行"),
    ("found unexpected document separator", "引号里的文字中有一行以“---”或“...”开头：请改写该行"),
    ("expected alphabetic or numeric character", "“&”“*”“!”后面应是名称：含这些符号的文字请加引号"),
    ("invalid indentation or unclosed", "缩进不对，或“[”“{”没有闭合"),
    ("expected a comment or a line break", "此处应当换行：同一行后面有多余的内容"),
    ("indentation indicator", "块文字标记“|”“>”后面只能跟“-”“+”或一位数字"),
    ("chomping", "块文字标记“|”“>”后面只能跟“-”“+”或一位数字"),
    ("duplicate anchor", "不支持锚点与别名（&名称 / *名称）：请把内容直接写出"),
    ("tag handle", "YAML 标签（以“!”开头）写法有误：请删除标签，以“!”开头的文字请加引号"),
    ("non-specific tag", "YAML 标签（以“!”开头）写法有误：请删除标签，以“!”开头的文字请加引号"),
    ("expected URI", "YAML 标签（以“!”开头）写法有误：请删除标签，以“!”开头的文字请加引号"),
    ("expected '!'", "YAML 标签（以“!”开头）写法有误：请删除标签，以“!”开头的文字请加引号"),
    ("expected '>'", "YAML 标签（以“!”开头）写法有误：请删除标签，以“!”开头的文字请加引号"),
    ("YAML document", "“%”开头的 YAML 指令有误：请删除该行，以“%”开头的文字请加引号"),
    ("YAML directive", "“%”开头的 YAML 指令有误：请删除该行，以“%”开头的文字请加引号"),
    ("expected a digit", "“%”开头的 YAML 指令有误：请删除该行，以“%”开头的文字请加引号"),
    ("expected ' ', but found", "此处应有一个空格：请检查“%”指令或“!”标签的写法，或给文字加引号"),
]


class _Loader(yaml.SafeLoader):
    """Composer only; we never call its constructor. Aliases are refused as they come."""

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "alias refused", event.start_mark)
        return super().compose_node(parent, index)


def _translate(exc: yaml.YAMLError) -> str:
    text = str(getattr(exc, "problem", "") or exc)
    for needle, chinese in _MESSAGES:
        if needle in text:
            return chinese
    return f"YAML 语法错误（{text}）"


def decode(raw: bytes, filename: str) -> tuple[str | None, list[Problem]]:
    """Bytes → text. UTF-8 (with or without BOM); anything else is an error."""
    if len(raw) > MAX_BYTES:
        return None, [Problem("yaml.too-large", f"文件过大：应不超过 {MAX_BYTES // 1024 // 1024} MB，实际 {len(raw) / 1024 / 1024:.1f} MB", Location(filename))]
    utf16 = _utf16(raw)
    if utf16:
        return None, [Problem("yaml.encoding", f"文件是 {utf16} 编码：应为 UTF-8。请在编辑器中“另存为”并选择 UTF-8 编码"
                              "（记事本：编码选“UTF-8”；WPS/Excel 导出时选“UTF-8”）", Location(filename, 1, 1))]
    if b"\x00" in raw:
        return None, [Problem("yaml.encoding", "文件不是文本（含有 NUL 字节），应为 UTF-8 编码的 YAML 文件", Location(filename, 1, 1))]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = "（看起来是 GBK/GB18030 编码，请在编辑器中另存为 UTF-8）"
        except UnicodeDecodeError:
            pass
        return None, [Problem("yaml.encoding", f"文件应为 UTF-8 编码，第 {exc.start + 1} 个字节无法解码{hint}", Location(filename, line, col))]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def _utf16(raw: bytes) -> str:
    """"UTF-16"/"UTF-32" when the bytes look like that (a BOM, or text that decodes cleanly)."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    if b"\x00" not in raw[:4096]:
        return ""
    head = raw[:4096]
    for name, encodings in (("UTF-32", ("utf-32-le", "utf-32-be")), ("UTF-16", ("utf-16-le", "utf-16-be"))):
        width = 4 if name == "UTF-32" else 2
        for enc in encodings:
            try:
                text = head[: len(head) - len(head) % width].decode(enc)
            except UnicodeDecodeError:
                continue
            controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r")
            if text and (":" in text or "\n" in text) and controls * 100 <= len(text):
                return name
    return ""


_CLoader = getattr(yaml, "CSafeLoader", None)
_STRICT_ONLY = ("\t", "\ufeff", "?", "\x85", "\u2028", "\u2029")


def _fast(text: str, filename: str) -> tuple[Any, Marks] | None:
    """The happy path through libyaml's composer (about 10× faster than PyYAML's).

    Returns None whenever anything is off (a syntax error, an alias, a tag, a
    duplicate key, an unusual shape): the strict pure-Python path then runs and
    is the one that reports, so messages and positions never depend on libyaml.
    """
    if _CLoader is None or "&" in text and "*" in text:
        return None
    # where libyaml and PyYAML read differently (a tab after “key:”, a stray U+FEFF, “?” in flow
    # mappings, Unicode line breaks), the strict path decides: validity never depends on the path
    if any(ch in text for ch in _STRICT_ONLY):
        return None
    # bound what reaches the C composer: deep flow or block nesting goes the strict way
    if text.count("[") + text.count("{") > 2000 or max(map(len, text.split("\n")), default=0) > 2000:
        return None
    try:
        loader = _CLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except Exception:  # noqa: BLE001 - any failure: let the strict path explain it
        return None
    if node is None:
        return None
    marks = Marks()
    problems: list[Problem] = []
    data = _Builder(filename, marks, problems, text).build(node, (), 0)
    return None if problems else (data, marks)


def load_yaml_text(text: str, filename: str) -> tuple[Any, Marks, list[Problem]]:
    """Parse YAML text into (data, marks, problems). Never raises for bad input."""
    fast = _fast(text, filename)
    if fast is not None:
        return fast[0], fast[1], []
    return load_yaml_strict(text, filename)


def load_yaml_strict(text: str, filename: str) -> tuple[Any, Marks, list[Problem]]:
    """The position-tracking pure-Python path: refuses aliases as they come, reports everything."""
    problems: list[Problem] = []
    marks = Marks()
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(filename, mark.line + 1, mark.column + 1) if mark else Location(filename)
        slips = explain_slips(text, filename)
        if slips:
            return None, marks, slips
        return None, marks, [Problem("yaml.syntax", _translate(exc), loc)]
    except yaml.reader.ReaderError as exc:  # a control character in the file: name it and where it is
        pos = max(0, min(exc.position, len(text)))
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        return None, marks, [Problem("yaml.syntax", f"文件中含有不可打印的控制字符 U+{code:04X}：请删除该字符",
                                     Location(filename, line, col))]
    except yaml.YAMLError as exc:
        return None, marks, [Problem("yaml.syntax", _translate(exc), Location(filename))]
    except RecursionError:
        return None, marks, [Problem("yaml.too-deep", f"嵌套层数过深：应不超过 {MAX_DEPTH} 层", Location(filename))]
    if node is None:
        return None, marks, []
    data = _Builder(filename, marks, problems, text).build(node, (), 0)
    return data, marks, problems


def load_yaml_bytes(raw: bytes, filename: str) -> tuple[Any, Marks, list[Problem]]:
    text, problems = decode(raw, filename)
    if text is None:
        return None, {}, problems
    return load_yaml_text(text, filename)


def load_yaml_file(path: str | Path) -> tuple[Any, Marks]:
    """Load a trusted-format YAML file (manifests, catalogs); raise UserError on problems."""
    from .files import read_regular

    path = Path(path)
    raw, problem = read_regular(path, "文件", Location(str(path)), limit=MAX_BYTES + 1, rule="file.read")
    if problem is not None:
        raise UserError(problems=[problem])
    data, marks, problems = load_yaml_bytes(raw, str(path))
    if problems:
        raise UserError(problems=problems)
    return data, marks


class _Builder:
    def __init__(self, filename: str, marks: Marks, problems: list[Problem], text: str = ""):
        self.filename = filename
        self.marks = marks
        self.problems = problems
        self.seen: set[int] = set()
        self.lines = text.split("\n") if text else []

    def _line_start(self, node: yaml.Node) -> bool:
        """True when only spaces (or a list dash) precede ``node`` on its line."""
        m = node.start_mark
        if m.line >= len(self.lines):
            return False
        return self.lines[m.line][: m.column].strip(" -") == ""

    def _key_slip(self, key_node: yaml.ScalarNode, value_node: yaml.Node) -> Problem | None:
        """A keyboard slip that still parses: full-width space indentation, or “键:值”/“键：值”
        read as a key with an empty value."""
        if key_node.style:  # PyYAML: None, libyaml: "" for plain scalars
            return None
        text = key_node.value
        m = key_node.start_mark
        if text.startswith("\u3000") and self._line_start(key_node):
            return slip_problem("fullwidth-space", self.filename, m.line + 1, m.column + 1)
        empty = isinstance(value_node, yaml.ScalarNode) and value_node.value == "" and not value_node.style
        if empty:
            hit = re.search(r"：|:(?=\S)", text)
            if hit:
                kind = "fullwidth-colon" if hit.group() == "：" else "colon-space"
                col = m.column + 1 + hit.start()
                return slip_problem(kind, self.filename, m.line + 1, col)
        return None

    def _loc(self, node: yaml.Node) -> Location:
        m = node.start_mark
        return Location(self.filename, m.line + 1, m.column + 1)

    def _err(self, rule: str, message: str, node: yaml.Node, path: tuple) -> None:
        self.problems.append(Problem(rule, message, self._loc(node), field=format_path(path)))

    def build(self, node: yaml.Node, path: tuple, depth: int) -> Any:
        if depth > MAX_DEPTH:
            self._err("yaml.too-deep", f"嵌套层数过深：应不超过 {MAX_DEPTH} 层", node, path)
            return None
        if id(node) in self.seen:
            self._err("yaml.alias", "不支持锚点与别名（&名称 / *名称）：请把内容直接写出", node, path)
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            if node.tag not in ("tag:yaml.org,2002:map",):
                self._err("yaml.tag", f"不允许的 YAML 标签“{_short(node.tag)}”：只接受普通的映射、列表和值", node, path)
                return None
            result: dict[Any, Any] = {}
            canon_keys: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self._err("yaml.merge", "不支持合并键“<<”：请把内容直接写出", key_node, path)
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    self._err("yaml.key", "键应为文字或代码，不能是列表或映射", key_node, path)
                    continue
                slip = self._key_slip(key_node, value_node)
                if slip is not None:
                    self.problems.append(slip)
                    continue
                key = self.scalar(key_node, path)
                if isinstance(key, Decimal) or key is None or isinstance(key, bool):
                    key = key_node.value
                # compared as the program will use them: 30101 and "30101" are the same code
                canon = str(key).strip()
                if canon in canon_keys:
                    first_key = canon_keys[canon]
                    first = self.marks.get(path + (first_key,), (0, 0))
                    self._err("yaml.duplicate-key", f"键“{canon}”重复：第 {first[0]} 行已经写过；应只写一次，否则前一个值会被悄悄丢掉", key_node, path + (key,))
                    continue
                canon_keys[canon] = key
                m = key_node.start_mark
                self.marks[path + (key,)] = (m.line + 1, m.column + 1)
                result[key] = self.build(value_node, path + (key,), depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag not in ("tag:yaml.org,2002:seq",):
                self._err("yaml.tag", f"不允许的 YAML 标签“{_short(node.tag)}”：只接受普通的映射、列表和值", node, path)
                return None
            items = []
            for i, item in enumerate(node.value):
                m = item.start_mark
                self.marks[path + (i,)] = (m.line + 1, m.column + 1)
                items.append(self.build(item, path + (i,), depth + 1))
            return items
        return self.scalar(node, path)

    def scalar(self, node: yaml.ScalarNode, path: tuple) -> Any:
        tag, value = node.tag, node.value
        if len(value) > MAX_TEXT:
            self._err("yaml.text-too-long", f"文字过长：一项内容应不超过 {MAX_TEXT} 个字符，实际 {len(value)} 个字符"
                      "（多半是误粘贴了大量内容）", node, path)
            return ""
        if node.style in ("'", '"'):
            self.marks.quoted.add(path)
        bad = sorted(set(_UNPRINTABLE.findall(value)))
        if bad:  # only an escape ("\x1f", "\ud800") in double quotes can put one here
            codes = "、".join(f"U+{ord(ch):04X}" for ch in bad)
            self._err("yaml.unprintable", f"文字中含有无法打印的字符 {codes}（控制字符或无效的 Unicode 代理码位，"
                      "多半来自双引号里的“\\x”“\\u”转义）：请删除", node, path)
            return ""
        if tag == "tag:yaml.org,2002:str":
            return value
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return value.lower() in ("true", "yes", "on", "y")
        if tag == "tag:yaml.org,2002:int":
            text = value.replace("_", "")
            if _INT_RE.match(value) or re.match(r"^[-+]?[0-9]+$", text):
                try:
                    return int(text, 10)
                except ValueError:
                    pass
            return value  # octal/hex/sexagesimal forms: keep the text, the model rejects it
        if tag == "tag:yaml.org,2002:float":
            text = value.replace("_", "")
            try:
                d = Decimal(text)
            except InvalidOperation:
                return value
            if not d.is_finite():
                return value  # ".inf"/".nan": keep as text, the model rejects it
            exponent = d.as_tuple().exponent
            assert isinstance(exponent, int)
            if abs(d.adjusted()) > MAX_EXPONENT or abs(exponent) > MAX_EXPONENT:
                shown = value if len(value) <= 40 else value[:40] + "…"
                self._err("yaml.number-range", f"数字“{shown}”超出范围：应为直接写出的普通数字（如 271.11），"
                          f"指数不能超过 {MAX_EXPONENT}", node, path)
                return None
            return d
        if tag == "tag:yaml.org,2002:timestamp":
            return value  # dates stay as written
        self._err("yaml.tag", f"不允许的 YAML 标签“{_short(tag)}”：只接受普通的文字、数字和日期", node, path)
        return None


def _short(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def locate(marks: Marks, file: str | Path, path: tuple) -> Location:
    """Best position for a YAML path: the deepest prefix that has a mark (else line 1)."""
    p = tuple(path)
    while p:
        if p in marks:
            line, col = marks[p]
            return Location(str(file), line, col)
        p = p[:-1]
    return Location(str(file), 1, 1)


def format_path(path: tuple) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


# ---------------------------------------------------------------- keyboard slips
# A Chinese input method types “：”, “，” and “　” where YAML needs “: ”, “, ” and spaces; a paste
# from Excel leaves a tab at the end of a line. PyYAML then reports a generic error, often on the
# next line. Each message below names the character where it is.

_SLIPS = {
    "fullwidth-colon": "第 {line} 行第 {col} 列是全角冒号“：”，请改为半角冒号“:”并在其后加空格",
    "colon-space": "第 {line} 行第 {col} 列的冒号“:”后面缺少空格：请在冒号后加一个空格（如“部门: 青山县”）",
    "fullwidth-comma": "第 {line} 行第 {col} 列是全角逗号“，”，请改为半角逗号“,”并在其后加空格",
    "fullwidth-space": "第 {line} 行第 {col} 列是全角空格“　”：缩进只能用半角空格，请切换到半角输入后重新缩进",
    "trailing-tab": "第 {line} 行第 {col} 列的行尾有制表符（Tab，多半是从 Excel 复制带来的）：请删除",
    "tab": "第 {line} 行第 {col} 列有制表符（Tab）：请改为空格",
    "tab-indent": "第 {line} 行第 {col} 列用了制表符（Tab）缩进：YAML 不允许用制表符（Tab）缩进，请改用空格",
}
MAX_SLIPS = 50
MAX_TRIAL_TEXT = 300_000
MAX_TRIALS = 12


def slip_problem(kind: str, filename: str, line: int, col: int) -> Problem:
    return Problem(f"yaml.syntax.{kind}", _SLIPS[kind].format(line=line, col=col), Location(filename, line, col))


def _first_error(text: str) -> tuple[int, int, int] | None:
    """(line, col, events parsed before it), 0-based, of the first syntax error; None when it parses."""
    events = 0
    try:
        for _ in yaml.parse(text, Loader=yaml.SafeLoader):  # the strict parser's verdict
            events += 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return (mark.line, mark.column, events) if mark else (0, 0, events)
    except (yaml.YAMLError, RecursionError):
        return (0, 0, events)
    return None


def _progress(before: tuple[int, int, int], after: tuple[int, int, int] | None) -> bool:
    """A correction helped: the error is gone, or the parser now stops elsewhere having read more."""
    if after is None:
        return True
    moved = after[:2] != before[:2]
    return moved and (after[:2] > before[:2] or after[2] > before[2])


def _candidates(lines: list[str], err_line: int, err_col: int) -> list[tuple[str, int, int, str]]:
    """Possible slips near an error, nearest first: (kind, line, col, replacement), 0-based."""
    out: list[tuple[str, int, int, str]] = []
    for ln in range(err_line, max(-1, err_line - 4), -1):
        if ln >= len(lines):
            continue
        text = lines[ln]
        stripped = text.lstrip()
        if stripped.startswith("#"):
            continue
        limit = err_col + 1 if ln == err_line else len(text)
        here: list[tuple[str, int, int, str]] = []
        indent = len(text) - len(text.lstrip(" \u3000"))
        for i, ch in enumerate(text[:limit]):
            if ch == "#" and (i == 0 or text[i - 1] in " \t"):
                break
            if ch == "：":
                here.append(("fullwidth-colon", ln, i, ": "))
            elif ch == "，":
                here.append(("fullwidth-comma", ln, i, ", "))
            elif ch == ":" and i + 1 < len(text) and text[i + 1] not in " \t\n":
                here.append(("colon-space", ln, i, ": "))
            elif ch == "\u3000" and i < indent and not any(c[0] == "fullwidth-space" for c in here):
                here.append(("fullwidth-space", ln, i, "  "))
                here.append(("fullwidth-space", ln, i, " "))
        out += sorted(here, key=lambda c: -c[2])  # stable: “　” as two spaces is tried first
    return out


def _apply(lines: list[str], kind: str, ln: int, col: int, repl: str) -> list[str]:
    fixed = list(lines)
    text = fixed[ln]
    if kind == "fullwidth-space":
        n = len(text) - len(text.lstrip("\u3000 "))
        fixed[ln] = text[:n].replace("\u3000", repl) + text[n:]
    else:
        fixed[ln] = text[:col] + repl + text[col + 1:]
    return fixed


def _column_map(edits: list[tuple[int, int, int]], line: int, col: int) -> int:
    """A column in the edited text → the column in the original (edits: (line, col, added chars))."""
    for ln, c, added in sorted(edits, key=lambda e: -e[1]):
        if ln == line and col > c:
            col -= added
    return col


def explain_slips(text: str, filename: str) -> list[Problem]:
    """Keyboard slips that explain a syntax error, each where it is (empty when none explains it).

    A candidate near the error (a full-width colon, comma or space, a colon without a space, a
    tab) counts only when correcting it lets the parser get past the error; corrections then
    accumulate so that every slip in the file is reported at once.
    """
    lines = text.split("\n")
    problems: list[Problem] = []
    edits: list[tuple[int, int, int]] = []
    err = _first_error(text)
    while err is not None and len(problems) < MAX_SLIPS:
        err_line, err_col, _ = err
        cur = lines[err_line] if err_line < len(lines) else ""
        if err_col < len(cur) and cur[err_col] == "\t":
            before, after = cur[:err_col], cur[err_col + 1:]
            kind = "tab-indent" if before.strip(" ") == "" else "trailing-tab" if after.strip() == "" else "tab"
            col0 = _column_map(edits, err_line, err_col)
            problems.append(slip_problem(kind, filename, err_line + 1, col0 + 1))
            lines[err_line] = before + ("  " if kind == "tab-indent" else "" if kind == "trailing-tab" else " ") + after
            edits.append((err_line, err_col, {"tab-indent": 1, "trailing-tab": -1, "tab": 0}[kind]))
            err = _first_error("\n".join(lines))
            continue
        fixed_by = None
        if len(text) > MAX_TRIAL_TEXT:
            break  # each trial parses the whole file again: only for files of a normal size
        for kind, ln, col, repl in _candidates(lines, err_line, err_col)[:MAX_TRIALS]:
            trial = _apply(lines, kind, ln, col, repl)
            after_err = _first_error("\n".join(trial))
            if _progress(err, after_err) and fixed_by is None:
                fixed_by = (kind, ln, col, repl, trial, after_err)
            if after_err is None:  # a correction that clears every error wins
                fixed_by = (kind, ln, col, repl, trial, after_err)
                break
        if fixed_by is None:
            break
        kind, ln, col, repl, lines, err = fixed_by
        orig_col = _column_map(edits, ln, col)
        if kind == "fullwidth-space":
            count = len(lines[ln]) - len(lines[ln].lstrip(" "))
            edits.append((ln, 0, count - count // len(repl)))
        else:
            edits.append((ln, col, 1))
        problems.append(slip_problem(kind, filename, ln + 1, orig_col + 1))
    if err is None and problems:
        # the corrected text parses: slips that still parse (a “　” indentation) are named too
        marks, found = Marks(), []
        try:
            node = yaml.compose("\n".join(lines), Loader=yaml.SafeLoader)
            if node is not None:
                _Builder(filename, marks, found, "\n".join(lines)).build(node, (), 0)
        except Exception:  # noqa: BLE001 - only for extra messages
            found = []
        for p in found:
            if p.rule.startswith("yaml.syntax."):
                col = _column_map(edits, p.location.line - 1, p.location.col - 1) + 1
                problems.append(slip_problem(p.rule[len("yaml.syntax."):], filename, p.location.line, col))
        problems.sort(key=lambda p: (p.location.line, p.location.col))
    if err is not None and problems:
        # something else is wrong too: say so in the usual words, at its original place
        err_line, err_col, _ = err
        try:
            loader = _Loader("\n".join(lines))
            try:
                loader.get_single_node()
            finally:
                loader.dispose()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            if mark is not None:
                problems.append(Problem("yaml.syntax", _translate(exc), Location(
                    filename, mark.line + 1, _column_map(edits, mark.line, mark.column) + 1)))
        except Exception:  # noqa: BLE001 - only for the message; the slips above stand
            pass
    return problems
