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

Path_ = tuple  # a path into the data: ("项目", 2, "名称")
Marks = dict[tuple, tuple[int, int]]

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
    marks: Marks = {}
    problems: list[Problem] = []
    data = _Builder(filename, marks, problems).build(node, (), 0)
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
    marks: Marks = {}
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(filename, mark.line + 1, mark.column + 1) if mark else Location(filename)
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
    data = _Builder(filename, marks, problems).build(node, (), 0)
    return data, marks, problems


def load_yaml_bytes(raw: bytes, filename: str) -> tuple[Any, Marks, list[Problem]]:
    text, problems = decode(raw, filename)
    if text is None:
        return None, {}, problems
    return load_yaml_text(text, filename)


def load_yaml_file(path: str | Path) -> tuple[Any, Marks]:
    """Load a trusted-format YAML file (manifests, catalogs); raise UserError on problems."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(problems=[Problem("file.read", f"无法读取文件：{exc.strerror or exc}", Location(str(path)))]) from None
    data, marks, problems = load_yaml_bytes(raw, str(path))
    if problems:
        raise UserError(problems=problems)
    return data, marks


class _Builder:
    def __init__(self, filename: str, marks: Marks, problems: list[Problem]):
        self.filename = filename
        self.marks = marks
        self.problems = problems
        self.seen: set[int] = set()

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
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self._err("yaml.merge", "不支持合并键“<<”：请把内容直接写出", key_node, path)
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    self._err("yaml.key", "键应为文字或代码，不能是列表或映射", key_node, path)
                    continue
                key = self.scalar(key_node, path)
                if isinstance(key, Decimal) or key is None or isinstance(key, bool):
                    key = key_node.value
                if key in result:
                    first = self.marks.get(path + (key,), (0, 0))
                    self._err("yaml.duplicate-key", f"键“{key}”重复：第 {first[0]} 行已经写过；应只写一次，否则前一个值会被悄悄丢掉", key_node, path + (key,))
                    continue
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
            return d
        if tag == "tag:yaml.org,2002:timestamp":
            return value  # dates stay as written
        self._err("yaml.tag", f"不允许的 YAML 标签“{_short(tag)}”：只接受普通的文字、数字和日期", node, path)
        return None


def _short(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def format_path(path: tuple) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out
