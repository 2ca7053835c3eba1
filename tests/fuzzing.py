"""Shared fuzzing pieces: mutations of the example departments and a harness that classifies one input.

Every mutation is driven by a ``random.Random``-like object, so the same code
serves the bounded Hypothesis suite (``st.randoms()``: reproducible, shrinkable)
and the long run in ``benchmarks/fuzz_long.py`` (``random.Random(seed)``).

``classify(raw, out_dir)`` runs the real ``build_department`` on the bytes and
returns one of

- ``"built"``: no error, the outputs exist inside the output folder, are valid
  (the DOCX is a zip of well-formed XML; the PDF, when rendered, starts with
  ``%PDF``) and no temporary file is left;
- ``"rejected"``: no output at all, and at least one error; every problem is a
  Chinese message at ``file:line:col`` (or a file-level problem) whose line
  lies inside the file;
- ``"other"``: anything else — an exception escaping ``build_department``, an
  ``internal`` problem, a message without position or without Chinese, an
  output written for an invalid input, an invalid output.

Full builds spend ~3 s in PDF layout, so unless ``full_pdf=True`` the harness
swaps the PDF renderer out: check, glyph check, document model, HTML render and
DOCX render all run for every input, and the files are written through the
real locking and atomic writer.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
import time
import traceback
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import yaml
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "departments").glob("*.yaml"))

PROBLEM_AT_LINE = re.compile(r"^.+:\d+:\d+: (错误|警告)\[[^\]]+\] ")
PROBLEM_AT_FILE = re.compile(r"^.+: (错误|警告)\[[^\]]+\] ")
CJK = re.compile(r"[\u4e00-\u9fff]")
QUOTED = re.compile(r"“[^”]*”|（实际是[^）]*）|“[^”]*$")
ENGLISH = re.compile(r"[A-Za-z]{2,} [a-z]{2,} [a-z]{2,}")  # an untranslated library message
META = ".disclose"  # the output folder's bookkeeping (locks, state, work); not output


# --------------------------------------------------------------------------
# YAML round trip (Decimal stays exact; a few raw scalars are written as given)
# --------------------------------------------------------------------------

class Raw(str):
    """A scalar written verbatim with a tag (``.inf`` as a float, ``0x1F`` as an int)."""

    tag = "tag:yaml.org,2002:str"

    def __new__(cls, text: str, tag: str = "tag:yaml.org,2002:str"):
        obj = super().__new__(cls, text)
        obj.tag = tag
        return obj


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # repeated rows are written out, never as &anchor/*alias
        return True


def _repr_decimal(dumper: yaml.SafeDumper, value: Decimal):
    text = format(value, "f") if value.is_finite() else str(value)
    if "." not in text and value.is_finite():
        return dumper.represent_scalar("tag:yaml.org,2002:int", text)
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


def _repr_raw(dumper: yaml.SafeDumper, value: Raw):
    return dumper.represent_scalar(value.tag, str(value))


_Dumper.add_representer(Decimal, _repr_decimal)
_Dumper.add_representer(Raw, _repr_raw)


def dump(data: Any) -> bytes:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096).encode("utf-8")


def load_example(path: Path) -> Any:
    from generator.load.yamlsafe import load_yaml_bytes

    data, _, problems = load_yaml_bytes(path.read_bytes(), str(path))
    assert not problems, problems
    return data


_BASES: list[tuple[bytes, Any]] | None = None


def bases() -> list[tuple[bytes, Any]]:
    """(original bytes, parsed data) of every example department."""
    global _BASES
    if _BASES is None:
        _BASES = [(p.read_bytes(), load_example(p)) for p in EXAMPLES]
    return _BASES


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------

# Texts that must print literally (they build) — or be refused by the glyph check.
SPECIAL_TEXTS = [
    "A & B < C > D \" E ' F",
    "{{ x }}", "{{ fig.dept.name }}", "{% if true %}执行了{% endif %}", "{% if %}", "{# 注释 #}", "{{7*7}}",
    "{_ x _} {_% y %_}", "${x} %(x)s {0} {x}",
    "<b>粗体</b><script>alert(1)</script>", "&amp; &lt; &#x41; &nbsp;",
    "# 像标题", "## 二级", "@封面", "@分页", "@表 项目绩效目标表 1", ">> 右对齐", "^^ 居中", "|| 无缩进",
    "\x1f插入标记", "文字\x1e换行标记", "第一行\n第二行\n\n第四行", "  前后空格  ", "\t制表符\t",
    "😀", "文字😀表情", "👨‍👩‍👧", "𠮷野家", "𠀀𪚥", "\u200b零宽\u200d字符\ufeff", "\u202e反向文字",
    "é ñ ü Å", "ＡＢＣ１２３", "①②③", "≥95% ≤5 ±1 ×2 ÷3 —— …… 《》「」",
    "Ω≈ç√∫", "\u00a0不换行空格", "ーー", "a" * 600, "长" * 600, "https://example.com/" + "x" * 400,
    "1234567890" * 60, "—" * 300, "", " ", "0", "null", "true", "~", "- 列表样", "key: value",
]
DEPT_NAMES = [
    "a/b", "a\\b", "..", "../..", "../../etc/passwd", "名:称", "星*号", "问?号", "<>|\"", "/绝对", ".隐藏",
    "局" * 200, "测试局\x00", "CON", "nul", " ", "...", "一/../二", "😀局", "𠮷局",
]
WRONG_TYPES: list[Any] = [
    None, True, False, [], {}, [1, 2], {"x": 1}, "文字", "", 0, -1, Decimal("1.5"), [[[]]], {"部门": "嵌套"},
]
NUMBERS: list[Any] = [
    0, -1, -0, Decimal("-0.01"), Decimal("0.001"), Decimal("1.005"), 10 ** 30, -(10 ** 30), 10 ** 400,
    Decimal("999999999999.99"), Decimal("1E+20"), Decimal("0.00"), 2 ** 63, 2 ** 64 + 1,
    "NaN", "nan", "inf", "-inf", "Infinity", "1,234.5", "1，234", "１２.５", "１２．５", "12.5万元", "12 万",
    " 12 ", "+5", "0x1F", "1e3", "二十", "",
    Raw(".inf", "tag:yaml.org,2002:float"), Raw("-.inf", "tag:yaml.org,2002:float"),
    Raw(".nan", "tag:yaml.org,2002:float"), Raw("0x1F", "tag:yaml.org,2002:int"),
    Raw("0o17", "tag:yaml.org,2002:int"), Raw("1_000", "tag:yaml.org,2002:int"),
    Raw("190:20:30", "tag:yaml.org,2002:int"), Raw("1e400", "tag:yaml.org,2002:float"),
    Raw("1.5e-400", "tag:yaml.org,2002:float"), Raw("12.5.3", "tag:yaml.org,2002:float"),
    Raw("2020-01-25", "tag:yaml.org,2002:timestamp"), Raw("abc", "tag:yaml.org,2002:int"),
    Raw("yes", "tag:yaml.org,2002:bool"), Raw("", "tag:yaml.org,2002:null"),
]
KEY_TYPOS = ["主要职责", "部 门", "部门 ", "Department", "项目支出", "金 额", "金额：", "金额 ", "", "1", "null", "true",
             "经济分类 ", "收入收入", "功能分类代码", "年", "\u200b部门"]
RAW_LINES = [
    "a: !!python/object/apply:os.system ['echo pwned']",
    "b: !!python/name:os.system", "c: !custom 1", "d: &anchor [1, 2]", "e: *anchor", "<<: {x: 1}",
    "? [complex, key]\n: 1", "%YAML 1.1\n---", "---\n部门: 第二个文档", "...", "f: {{ x }}", "g: [1, 2",
    "h: 'unclosed", 'i: "\\q"', "\t缩进: 1", "j: |\n  块\n  文字", "k: >-\n  折叠", "- 列表项", "!!binary aGVsbG8=",
    "l: !!set {a, b}", "m: !!omap [a: 1]", "n: ]", "o: @at", "p: `tick", "部门: 重复的部门",
]
JUNK_CHARS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "\ud7ff", "\U0010ffff", "😀", "𠮷", "\t", "\r",
              ":", "#", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`", "{", "}", "[", "]", ",", "?", "-"]


def _value(rng, kind: str, rows: int) -> Any:
    if kind == "wrong":
        return rng.choice(WRONG_TYPES)
    if kind == "number":
        return rng.choice(NUMBERS)
    if kind == "text":
        return rng.choice(SPECIAL_TEXTS)
    if kind == "deep":
        depth = rng.randint(20, 80)
        v: Any = rng.choice([1, "x", None])
        for _ in range(depth):
            v = [v] if rng.random() < 0.5 else {"k": v}
        return v
    if kind == "big":
        item = rng.choice(["行", 1, {"名称": "x", "金额": 1}, None])
        return [item] * rows
    raise ValueError(kind)


# --------------------------------------------------------------------------
# Structural mutations (on the parsed data)
# --------------------------------------------------------------------------

def _paths(data: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, path + (i,))
    return out


def _get(data: Any, path: tuple) -> Any:
    for p in path:
        data = data[p]
    return data


def _set(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    _get(data, path[:-1])[path[-1]] = value
    return data


def _pick(rng, data: Any, want: Callable[[Any], bool]) -> tuple | None:
    paths = [p for p in _paths(data) if p and want(_get(data, p))]
    return rng.choice(paths) if paths else None


def _is_leaf(v: Any) -> bool:
    return not isinstance(v, (dict, list))


TEXT_KEYS = ("主要职能", "名称", "政策依据", "总体目标", "指标值", "三级指标", "主要原因", "其他需说明的事项", "说明",
             "承担单位", "执行时间", "内设机构", "种类", "编制日期", "截至日期", "职能依据", "部门")


def mutate_data(rng, data: Any, rows: int = 10_000) -> tuple[str, Any]:
    op = rng.choice(["delete", "rename", "wrong", "number", "number", "text", "text", "text", "name", "deep",
                     "big", "dup-item", "swap", "unknown", "drop-section"])
    if op == "delete":
        p = _pick(rng, data, lambda v: isinstance(v, dict) and v)
        if p is None:
            return op, data
        d = _get(data, p)
        del d[rng.choice(list(d))]
    elif op == "rename":
        p = _pick(rng, data, lambda v: isinstance(v, dict) and v)
        if p is None:
            return op, data
        d = _get(data, p)
        old = rng.choice(list(d))
        new = rng.choice(KEY_TYPOS + [f"{old}x", f" {old}", str(old)[:-1] or "x", f"{old}\u3000"])
        items = [(new if k == old else k, v) for k, v in d.items()]
        d.clear()
        d.update(items)
    elif op in ("wrong", "number"):
        p = _pick(rng, data, (lambda v: True) if op == "wrong" else
                  (lambda v: isinstance(v, (int, Decimal)) and not isinstance(v, bool)))
        if p is None:
            return op, data
        data = _set(data, p, _value(rng, op, rows))
    elif op == "text":
        # 30 %: any text (codes, dates, names…); otherwise a text the document prints
        p = _pick(rng, data, lambda v: isinstance(v, str)) if rng.random() < 0.3 else None
        if p is None:
            p = _pick(rng, data, lambda v: isinstance(v, str))  # the fallback when nothing printed is textual
            textual = [q for q in _paths(data) if q and isinstance(_get(data, q), str)
                       and any(isinstance(x, str) and x in TEXT_KEYS for x in q)]
            if textual:
                p = rng.choice(textual)
        if p is None:
            return op, data
        parts = [rng.choice(SPECIAL_TEXTS) for _ in range(rng.randint(1, 3))]
        data = _set(data, p, (_get(data, p) if rng.random() < 0.5 else "") + "".join(parts))
    elif op == "name":
        data["部门"] = rng.choice(DEPT_NAMES) + (rng.choice(SPECIAL_TEXTS) if rng.random() < 0.2 else "")
    elif op in ("deep", "big"):
        rows = rows if rng.random() < 0.1 else min(rows, rng.choice([50, 500]))  # 10,000 rows: 5–150 s
        want = (lambda v: True) if op == "deep" else (lambda v: isinstance(v, list))
        p = _pick(rng, data, want)
        if p is None:
            return op, data
        if op == "big":
            cur = _get(data, p)
            if cur and rng.random() < 0.6:
                data = _set(data, p, [cur[0]] * rows)  # 10,000 copies of a real row
                return op, data
        data = _set(data, p, _value(rng, op, rows))
    elif op == "dup-item":
        p = _pick(rng, data, lambda v: isinstance(v, list) and v)
        if p is None:
            return op, data
        lst = _get(data, p)
        lst.insert(rng.randrange(len(lst) + 1), rng.choice(lst))
    elif op == "swap":
        a, b = _pick(rng, data, _is_leaf), _pick(rng, data, _is_leaf)
        if a is None or b is None or a == b:
            return op, data
        va, vb = _get(data, a), _get(data, b)
        data = _set(data, a, vb)
        data = _set(data, b, va)
    elif op == "unknown":
        p = _pick(rng, data, lambda v: isinstance(v, dict))
        if p is None:
            return op, data
        _get(data, p)[rng.choice(KEY_TYPOS + ["新键", 12345])] = rng.choice(WRONG_TYPES + SPECIAL_TEXTS)
    elif op == "drop-section":
        if isinstance(data, dict) and data:
            del data[rng.choice(list(data))]
    return op, data


# --------------------------------------------------------------------------
# Byte-level mutations (on the YAML text)
# --------------------------------------------------------------------------

_NUMBER_TOKEN = re.compile(rb"(?<=: )-?\d+(?:\.\d+)?(?=\s|$|,|})", re.M)


def mutate_bytes(rng, raw: bytes) -> tuple[str, bytes]:
    op = rng.choice(["bom", "crlf", "cr", "tab-indent", "tab-value", "truncate", "delete-line", "dup-line",
                     "swap-lines", "indent", "flip", "insert-char", "raw-line", "number-token", "gbk", "utf16",
                     "nul", "whole"])
    lines = raw.split(b"\n")
    n = len(lines)
    if op == "bom":
        return op, b"\xef\xbb\xbf" + raw
    if op == "crlf":
        return op, raw.replace(b"\n", b"\r\n")
    if op == "cr":
        return op, raw.replace(b"\n", b"\r")
    if op == "tab-indent":
        cands = [i for i, l in enumerate(lines) if l.startswith(b"  ")]
        if cands:
            i = rng.choice(cands)
            lines[i] = b"\t" + lines[i][2:]
        return op, b"\n".join(lines)
    if op == "tab-value":
        cands = [i for i, l in enumerate(lines) if b": " in l]
        if cands:
            i = rng.choice(cands)
            lines[i] = lines[i].replace(b": ", b":\t", 1) if rng.random() < 0.5 else lines[i] + b"\t"
        return op, b"\n".join(lines)
    if op == "truncate":
        return op, raw[: rng.randrange(len(raw) + 1)]
    if op == "delete-line":
        del lines[rng.randrange(n)]
        return op, b"\n".join(lines)
    if op == "dup-line":
        i = rng.randrange(n)
        lines.insert(i, lines[i])
        return op, b"\n".join(lines)
    if op == "swap-lines":
        i, j = rng.randrange(n), rng.randrange(n)
        lines[i], lines[j] = lines[j], lines[i]
        return op, b"\n".join(lines)
    if op == "indent":
        i = rng.randrange(n)
        lines[i] = (b" " * rng.choice([1, 2, 3, 4])) + lines[i] if rng.random() < 0.5 else lines[i].lstrip(b" ")
        return op, b"\n".join(lines)
    if op == "flip":
        if not raw:
            return op, raw
        b = bytearray(raw)
        for _ in range(rng.randint(1, 5)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return op, bytes(b)
    if op == "insert-char":
        text = raw.decode("utf-8", "replace")
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(text) + 1)
            text = text[:i] + rng.choice(JUNK_CHARS) + text[i:]
        return op, text.encode("utf-8", "surrogatepass")
    if op == "raw-line":
        lines.insert(rng.randrange(n + 1), rng.choice(RAW_LINES).encode())
        return op, b"\n".join(lines)
    if op == "number-token":
        matches = list(_NUMBER_TOKEN.finditer(raw))
        if not matches:
            return op, raw
        m = rng.choice(matches)
        rep = rng.choice(["1,234.5", "１２.５", "１２．５", ".inf", "-.inf", ".nan", "NaN", "inf", "0x1F", "0o17",
                          "1e400", "1_000", "12:30", "-0", "1" * 40, "-1", "0.001", "1.5e3", "~", "", "'12'",
                          "12.5万元", "!!str 12", "!!float x", "!!int 1.5", "[1]", "{a: 1}"])
        return op, raw[: m.start()] + rep.encode() + raw[m.end():]
    if op == "gbk":
        try:
            return op, raw.decode("utf-8").encode("gb18030")
        except UnicodeError:
            return op, raw
    if op == "utf16":
        return op, raw.decode("utf-8", "replace").encode("utf-16")
    if op == "nul":
        i = rng.randrange(len(raw) + 1)
        return op, raw[:i] + b"\x00" + raw[i:]
    # a whole-file replacement
    return op, rng.choice([
        b"", b" ", b"\n\n", b"---\n", b"~\n", b"null\n", b"[]\n", b"{}\n", b"- 1\n- 2\n", b"just text\n", b"42\n",
        b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf\xe9\x83\xa8\xe9\x97\xa8: x\n", bytes(range(256)),
        bytes(rng.randrange(256) for _ in range(rng.randint(1, 400))),
        bytes(rng.randrange(1, 128) for _ in range(rng.randint(1, 400))),
        b"[" * 200 + b"]" * 200, b"{a: " * 100 + b"1" + b"}" * 100, b"- " * 100 + b"x\n",
        b"a: &a [1]\nb: &b [*a, *a]\nc: [*b, *b]\n", b"\x85\xa0\xff\xfe",
    ])


def mutate(rng, rows: int = 10_000) -> tuple[str, bytes]:
    """One fuzz input: (a short description of what was done, the bytes)."""
    import copy

    base_raw, base_data = rng.choice(bases())
    ops: list[str] = []
    if rng.random() < 0.65:
        data = copy.deepcopy(base_data)
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            op, data = mutate_data(rng, data, rows)
            ops.append(op)
        try:
            raw = dump(data)
        except (yaml.YAMLError, RecursionError, ValueError) as exc:  # unrepresentable: keep the original
            ops.append(f"dump-failed:{type(exc).__name__}")
            raw = base_raw
        if rng.random() < 0.2:
            op, raw = mutate_bytes(rng, raw)
            ops.append(op)
    else:
        raw = base_raw
        for _ in range(rng.choice([1, 1, 2])):
            op, raw = mutate_bytes(rng, raw)
            ops.append(op)
    return "+".join(ops), raw


# --------------------------------------------------------------------------
# The harness
# --------------------------------------------------------------------------

@dataclass
class Outcome:
    kind: str  # built / rejected / other
    detail: str = ""
    seconds: float = 0.0


def _lite_render_all(checked, paths, data):
    """``render_all`` without the PDF: document model, HTML layout, the DOCX (and the open data)."""
    from generator.document.build import build_document
    from generator.renderers import load_all
    from generator.renderers.html import render_html

    from generator.renderers.pagination import Pages

    renderers = load_all()
    doc = build_document(checked.fig, checked.fmt)
    html = render_html(doc, checked.fmt)
    assert "<html" in html.lower()
    files = {paths["docx"]: renderers["docx"].render(doc, checked.fmt, Pages({}, 0))}
    if data:
        from generator.opendata import export
        for name, blob in export(doc, checked.fig).items():
            files[f"{paths['data']}/{name}"] = blob
    return files


@contextlib.contextmanager
def _without_pdf(enabled: bool):
    import generator.build as build_mod

    if not enabled:
        yield
        return
    saved = build_mod.render_all
    build_mod.render_all = _lite_render_all
    try:
        yield
    finally:
        build_mod.render_all = saved


without_pdf = _without_pdf  # ``with without_pdf(True): build_department(...)``: everything but the PDF


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def _check_problem(p, n_lines: int, source: Path) -> str:
    text = p.format()
    if p.rule == "internal":
        return f"internal error: {text}"
    if not (PROBLEM_AT_LINE.match(text) or (p.location.line == 0 and PROBLEM_AT_FILE.match(text))):
        return f"not at file:line: {text!r}"
    if not CJK.search(p.message):
        return f"message without Chinese: {text!r}"
    if ENGLISH.search(QUOTED.sub("", p.message)):
        return f"untranslated message: {text!r}"
    if p.location.file == str(source) and p.location.line > n_lines + 1:
        return f"line {p.location.line} past the end ({n_lines} lines): {text!r}"
    if "Traceback" in text:
        return f"traceback in a message: {text!r}"
    return ""


def _check_docx(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            if "word/document.xml" not in names:
                return "DOCX without word/document.xml"
            for name in names:
                if name.endswith(".xml") or name.endswith(".rels"):
                    etree.fromstring(z.read(name))
    except (zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        return f"invalid DOCX: {exc}"
    return ""


def chars_off_page(pdf: str | Path) -> str:
    """'' when every character lies inside its page box, else a description of the first that does not."""
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        for number, page in enumerate(doc.pages, 1):
            for c in page.chars:
                if c["x0"] < -0.5 or c["x1"] > page.width + 0.5 or c["top"] < -0.5 or c["bottom"] > page.height + 0.5:
                    return (f"text off the page on page {number}: {c['text']!r} at x {c['x0']:.0f}–{c['x1']:.0f}, "
                            f"y {c['top']:.0f}–{c['bottom']:.0f} (page {page.width:.0f}×{page.height:.0f})")
    return ""


def classify_detail(raw: bytes, out_dir: str | Path, full_pdf: bool = False, keep: bool = False) -> Outcome:
    """Build ``raw`` as a department file in a fresh folder under ``out_dir``; see the module doc."""
    from generator.build import build_department

    work = Path(tempfile.mkdtemp(prefix="fuzz-", dir=out_dir))
    src_dir, out = work / "src", work / "out"
    src_dir.mkdir()
    out.mkdir()
    source = src_dir / "部门.yaml"
    source.write_bytes(raw)
    n_lines = raw.count(b"\n") + raw.count(b"\r") + 1
    start = time.perf_counter()
    try:
        with _without_pdf(not full_pdf):
            result = build_department(source, out, force=True)
    except BaseException as exc:  # noqa: BLE001 - exactly what the harness looks for
        if isinstance(exc, KeyboardInterrupt):
            raise
        tb = traceback.format_exc(limit=-4)
        return Outcome("other", f"exception escaped build_department: {type(exc).__name__}: {exc}\n{tb}",
                       time.perf_counter() - start)
    finally:
        seconds = time.perf_counter() - start
    try:
        stray = [f for f in work.rglob("*") if f not in (src_dir, out, source) and out not in f.parents]
        if stray:
            return Outcome("other", f"written outside the output folder: {stray}", seconds)
        for p in result.problems:
            bad = _check_problem(p, n_lines, source)
            if bad:
                return Outcome("other", bad, seconds)
        files = _files(out)  # for a rejected input: nothing at all, not even bookkeeping
        if result.status == "failed":
            if not [p for p in result.problems if p.is_error]:
                return Outcome("other", "failed without an error", seconds)
            if files:
                return Outcome("other", f"output written for an invalid input: {files}", seconds)
            return Outcome("rejected", "\n".join(p.format() for p in result.problems if p.is_error), seconds)
        if result.status != "built":
            return Outcome("other", f"unexpected status {result.status}", seconds)
        if any(p.is_error for p in result.problems):
            return Outcome("other", "built despite an error", seconds)
        out_r = out.resolve()
        for o in result.outputs:
            if out_r not in Path(o).resolve().parents:
                return Outcome("other", f"output outside the output folder: {o}", seconds)
            if not Path(o).is_file():
                return Outcome("other", f"output missing: {o}", seconds)
        temps = _files(out / META / "work")
        if temps:
            return Outcome("other", f"temporary files left: {temps}", seconds)
        published = {f for f in files if META not in f.relative_to(out).parts}
        if published != {Path(o) for o in result.outputs}:
            return Outcome("other", f"published files differ from the reported ones: {sorted(published)}", seconds)
        docx = [o for o in result.outputs if str(o).endswith(".docx")]
        if not docx:
            return Outcome("other", "no DOCX written", seconds)
        bad = _check_docx(Path(docx[0]).read_bytes())
        if bad:
            return Outcome("other", bad, seconds)
        if full_pdf:
            pdf = [o for o in result.outputs if str(o).endswith(".pdf")]
            if not pdf or not Path(pdf[0]).read_bytes().startswith(b"%PDF-"):
                return Outcome("other", "no valid PDF written", seconds)
            bad = chars_off_page(pdf[0])
            if bad:
                return Outcome("other", bad, seconds)
        return Outcome("built", result.department, seconds)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def classify(raw: bytes, out_dir: str | Path, full_pdf: bool = False) -> str:
    """``"built"`` / ``"rejected"`` / ``"other"`` for one input (see the module doc)."""
    return classify_detail(raw, out_dir, full_pdf).kind


def reproduce(seed: int, rows: int = 10_000) -> tuple[str, bytes]:
    """The input of the long run's case number ``seed``."""
    import random

    return mutate(random.Random(seed), rows)


# --------------------------------------------------------------------------
# Publishing races: kill -9 at a random step of publishing → the old set or the new one
# --------------------------------------------------------------------------

def fake_render(checked, paths, data):
    """Small files whose content depends on the YAML: what publishing is tested with."""
    import hashlib

    tag = hashlib.sha256(checked.loaded.path.read_bytes()).hexdigest()[:16]
    files = {paths["pdf"]: f"%PDF-fake {tag}".encode(), paths["docx"]: f"PK-fake {tag}".encode()}
    if data:
        files[f"{paths['data']}/01-表一.csv"] = f"csv {tag}".encode()
        files[f"{paths['data']}/数据.json"] = f'{{"tag": "{tag}"}}'.encode()
    return files


FS_CALLS = ("open", "mkdir", "link", "rename", "replace", "fsync", "unlink", "symlink", "listdir")


def tree(folder: Path) -> dict[str, dict[str, bytes]]:
    """Every published department folder of an output folder: {folder: {relative path: bytes}}."""
    out: dict[str, dict[str, bytes]] = {}
    if not folder.is_dir():
        return out
    for d in sorted(folder.iterdir()):
        if d.name == META:
            continue
        entries = {}
        for p in sorted(d.rglob("*")) if d.is_dir() and not d.is_symlink() else [d]:
            key = str(p.relative_to(d)) if p != d else "."
            entries[key] = (b"->" + os.readlink(p).encode()) if p.is_symlink() else \
                p.read_bytes() if p.is_file() else b"<dir>"
        out[d.name] = entries
    return out


def _killed_publish(source: Path, out: Path, n: int) -> None:
    """In a forked child: build ``source`` (fake renderer) and SIGKILL at the nth file-system call after rendering."""
    import signal

    import generator.build as build_mod
    import generator.output as output_mod

    state = {"armed": False, "calls": 0}

    def wrap(real):
        def wrapped(*a, **k):
            if state["armed"]:
                state["calls"] += 1
                if state["calls"] >= n:
                    os.kill(os.getpid(), signal.SIGKILL)
            return real(*a, **k)
        return wrapped

    for name in FS_CALLS:
        setattr(output_mod.os, name, wrap(getattr(os, name)))
    output_mod._renameat2 = wrap(output_mod._renameat2)

    def render(*a):
        files = fake_render(*a)
        state["armed"] = True
        return files
    build_mod.render_all = render
    result = build_mod.build_department(source, out, data=True)
    os._exit(0 if result.status != "failed" else 1)


def race(rng, raw: bytes, work_dir: str | Path) -> Outcome:
    """Publish an example department (the old set), then ``raw`` in a child killed at a random step of
    publishing: every department folder must hold its old set or its new set (built for reference)."""
    import random
    import signal

    import generator.build as build_mod
    from generator.output import recover

    work = Path(tempfile.mkdtemp(prefix="race-", dir=work_dir))
    start = time.perf_counter()
    saved = build_mod.render_all
    build_mod.render_all = fake_render
    try:
        src = work / "src" / "部门.yaml"
        src.parent.mkdir()
        out, ref = work / "out", work / "ref"
        src.write_bytes(rng.choice(bases())[0])
        if build_mod.build_department(src, out, data=True).status != "built":
            return Outcome("other", "race: the example did not build", time.perf_counter() - start)
        old = tree(out)
        shutil.copytree(out, ref, symlinks=True)
        src.write_bytes(raw)
        build_mod.build_department(src, ref, data=True)
        new = tree(ref)
        n = (rng if isinstance(rng, random.Random) else random.Random(0)).randint(1, 60)  # ~55 calls in all
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                _killed_publish(src, out, n)
            finally:
                os._exit(2)
        _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        now = tree(out)
        for folder in set(old) | set(new) | set(now):
            if now.get(folder) not in (old.get(folder), new.get(folder)):
                return Outcome("other", f"mixed set in {folder!r} after a kill at step {n}", time.perf_counter() - start)
        for folder in now:
            recover(out, folder)
        again = tree(out)
        for folder in set(old) | set(new) | set(again):
            if again.get(folder) not in (old.get(folder), new.get(folder)):
                return Outcome("other", f"mixed set in {folder!r} after recovery (step {n})", time.perf_counter() - start)
        return Outcome("race-killed" if killed else "race-finished", f"step {n}", time.perf_counter() - start)
    finally:
        build_mod.render_all = saved
        shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------
# The hostile inputs of issue 10, through the command line
# --------------------------------------------------------------------------

SECRET = "SECRET-MARKER-9f2c41"  # in files outside the department's folder: must never be echoed or printed
ENV_MARKER = "ENV-MARKER-5d07e3"  # in the environment of every hostile run: a template must not reach it


def _pdf_text(path: Path) -> str:
    import subprocess

    if not shutil.which("pdftotext"):
        return path.read_bytes().decode("latin-1")
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True).stdout
KEZHOU = ROOT / "departments" / "克州机要保密局-2020.yaml"


@dataclass
class Case:
    """One hostile run: a case folder with src/, out/, outside/ (must stay as it is), and a canary path
    that a command run from a template would create."""

    root: Path

    @property
    def src(self) -> Path:
        return self.root / "src"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def outside(self) -> Path:
        return self.root / "outside"

    @property
    def canary(self) -> Path:
        return self.root / "CANARY"

    def dept(self, text: str | bytes, name: str = "部门.yaml") -> Path:
        p = self.src / name
        p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return p


@dataclass
class Hostile:
    name: str
    setup: Callable[[Case], list[str]]  # → the arguments of ``disclose`` (paths inside the case)
    expect: str  # rejected / built / either
    check: Callable[[Case, Any], str] | None = None  # extra check of the finished run: '' or what is wrong


def _kz(old: str = "", new: str = "", text: str | None = None) -> str:
    text = KEZHOU.read_text(encoding="utf-8") if text is None else text
    if old:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _settings(extra: str) -> str:
    return _kz("设置:\n", "设置:\n" + extra)


def _build(c: Case, text: str, *more: str) -> list[str]:
    return ["build", str(c.dept(text)), "-o", str(c.out), "--time-limit", "60", *more]


def _fifo(c: Case, name: str) -> Path:
    p = c.src / name
    os.mkfifo(p)
    return p


def _evil_format(c: Case, edit: Callable[[Path], None]) -> list[str]:
    """A copy of a built-in format folder, renamed and edited by ``edit``; built with the 克州 example."""
    from generator.formats import builtin_templates_dir

    base = builtin_templates_dir() / "kezhou-2020"
    fmt = c.root / "formats" / "evil"
    shutil.copytree(base, fmt)
    # the shared layout and Word template as the format's own (manifest keys HTML模板, Word模板), so edits reach them
    for name, key in (("document.html.j2", "HTML模板"), ("template.docx", "Word模板")):
        if not (fmt / name).exists() and (builtin_templates_dir() / "_base" / name).exists():
            shutil.copy(builtin_templates_dir() / "_base" / name, fmt / name)
    manifest = fmt / "manifest.yaml"
    text = re.sub(r"^名称: .*$", "名称: evil", manifest.read_text(encoding="utf-8"), count=1, flags=re.M)
    for name, key in (("document.html.j2", "HTML模板"), ("template.docx", "Word模板")):
        if f"\n{key}:" not in text and (fmt / name).exists():
            text = text.replace("\n正文:", f"\n{key}: {name}\n正文:", 1)
    manifest.write_text(text, encoding="utf-8")
    edit(fmt)
    return _build(c, _kz()) + ["--templates", str(fmt.parent), "--format", "evil"]


def _payloads(c: Case) -> list[str]:
    touch = f"touch {c.canary}"
    return [
        f"{{{{ cycler.__init__.__globals__.os.popen('{touch}').read() }}}}",
        f"{{{{ lipsum.__globals__['os'].popen('{touch}').read() }}}}",
        f"{{{{ joiner.__init__.__globals__.os.system('{touch}') }}}}",
        "{{ ''.__class__.__mro__[1].__subclasses__() | map(attribute='__init__') | list | length }}",
        f"{{{{ self.__init__.__globals__.__builtins__.open('{c.outside / 'secret.yaml'}').read() }}}}",
        "{% include '../../outside/secret.yaml' %}",
        "{{ lipsum.__globals__.os.environ }}",
    ]


PROBE = "{{ 7*7 }}探针"  # a harmless payload: proves an edited template really is the one rendered ("49探针")


def _payload(c: Case, index: int) -> str:
    return PROBE if index < 0 else _payloads(c)[index]


def _probe_printed(where: str) -> Callable[[Case, Any], str]:
    def check(c: Case, proc: Any) -> str:
        if where == "pdf":
            pdf = next(iter(sorted(c.out.glob("*/*.pdf"))), None)
            text = re.sub(r"\s+", "", _pdf_text(pdf)) if pdf else ""
        else:
            text = _docx_text(c)
        return "" if "49探针" in text else f"the edited template was not the one rendered ({where})"
    return check


def _append_to_templates(suffix: str, payload_index: int) -> Callable[[Case], list[str]]:
    def setup(c: Case) -> list[str]:
        payload = _payload(c, payload_index)
        if payload_index < 0 and suffix == ".html.j2":
            payload = f"<p>{payload}</p>"

        def edit(fmt: Path) -> None:
            for t in fmt.glob(f"*{suffix}"):
                text = t.read_text(encoding="utf-8")
                if suffix == ".html.j2" and "</body>" in text:
                    text = text.replace("</body>", payload + "</body>", 1)
                else:
                    text += "\n" + payload + "\n"
                t.write_text(text, encoding="utf-8")
        return _evil_format(c, edit)
    return setup


def _rewrite_zip(path: Path, edit: Callable[[str, bytes], bytes]) -> None:
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            z.writestr(info, edit(info.filename, data))


def _docx_payload(payload_index: int) -> Callable[[Case], list[str]]:
    def setup(c: Case) -> list[str]:
        payload = _payload(c, payload_index).replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;")

        def edit(fmt: Path) -> None:
            def change(name: str, data: bytes) -> bytes:
                if name == "word/document.xml":
                    return data.replace(b"<w:body>", f"<w:body><w:p><w:r><w:t>{payload}</w:t></w:r></w:p>".encode(), 1)
                return data
            _rewrite_zip(fmt / "template.docx", change)
        return _evil_format(c, edit)
    return setup


def _docx_external(c: Case) -> list[str]:
    def edit(fmt: Path) -> None:
        def change(name: str, data: bytes) -> bytes:
            if name == "word/_rels/document.xml.rels":
                return data.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdEvil1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/hyperlink" Target="http://canary.invalid/x" TargetMode="External"/>'
                    b'<Relationship Id="rIdEvil2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/image" Target="file://///canary.invalid/share/x.png" TargetMode="External"/>'
                    b"</Relationships>"))
            if name == "word/settings.xml":
                return data.replace(b"<w:zoom", b'<w:attachedTemplate r:id="rIdEvil3"/><w:zoom', 1)
            return data
        _rewrite_zip(fmt / "template.docx", change)
        with zipfile.ZipFile(fmt / "template.docx", "a") as z:
            if "word/_rels/settings.xml.rels" not in z.namelist():
                z.writestr("word/_rels/settings.xml.rels", (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
                    'openxmlformats.org/package/2006/relationships"><Relationship Id="rIdEvil3" Type="http://schemas.'
                    'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
                    'Target="\\\\canary.invalid\\share\\t.dotm" TargetMode="External"/></Relationships>'))
    return _evil_format(c, edit)


def _manifest_path(key: str, target: Callable[[Case], str]) -> Callable[[Case], list[str]]:
    def setup(c: Case) -> list[str]:
        def edit(fmt: Path) -> None:
            m = fmt / "manifest.yaml"
            text = m.read_text(encoding="utf-8")
            text = re.sub(rf"^{key}: .*$", f"{key}: '{target(c)}'", text, count=1, flags=re.M)
            if f"{key}:" not in text:
                text += f"\n{key}: '{target(c)}'\n"
            m.write_text(text, encoding="utf-8")
        return _evil_format(c, edit)
    return setup


def _symlinked_glossary(c: Case) -> list[str]:
    def edit(fmt: Path) -> None:
        (fmt / "glossary.yaml").unlink()
        (fmt / "glossary.yaml").symlink_to(c.outside / "glossary.yaml")
    return _evil_format(c, edit)


def _output_symlink(what: str) -> Callable[[Case], list[str]]:
    def setup(c: Case) -> list[str]:
        from generator.output import _key_hash

        c.out.mkdir(exist_ok=True)
        key = _key_hash("克州机要保密局")
        if what == "folder":
            (c.out / "克州机要保密局").symlink_to(c.outside, target_is_directory=True)
        elif what == "meta":
            (c.out / META).symlink_to(c.outside, target_is_directory=True)
        elif what == "lock":
            (c.out / META / "locks").mkdir(parents=True)
            (c.out / META / "locks" / f"{key}.lock").symlink_to(c.outside / "keep.txt")
        elif what == "state":
            (c.out / META / "state").mkdir(parents=True)
            (c.out / META / "state" / f"{key}.json").symlink_to(c.outside / "keep.txt")
        elif what == "work":
            (c.out / META / "work").mkdir(parents=True)
            (c.out / META / "work" / f"{key}.old").symlink_to(c.outside, target_is_directory=True)
        else:  # a published file
            (c.out / "克州机要保密局").mkdir()
            (c.out / "克州机要保密局" / "克州机要保密局2020年部门预算公开.docx").symlink_to(c.outside / "keep.txt")
        return _build(c, _kz())
    return setup


def _two_files(c: Case) -> list[str]:
    c.dept(_kz(), "甲.yaml")
    c.dept(_kz(), "乙.yaml")
    return ["build", str(c.src), "-o", str(c.out), "-j", "2", "--time-limit", "60"]


def _fifo_in_batch(c: Case) -> list[str]:
    c.dept(_kz(), "甲.yaml")
    _fifo(c, "管道.yaml")
    return ["build", str(c.src), "-o", str(c.out), "-j", "2", "--time-limit", "20"]


def _docx_text(c: Case) -> str:
    docx = next(iter(sorted(c.out.glob("*/*.docx"))), None)
    if docx is None:
        return ""
    with zipfile.ZipFile(docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return re.sub(r"\s+", "", "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml)))


def _literal(text: str) -> Callable[[Case, Any], str]:
    import html as _html

    def check(c: Case, proc: Any) -> str:
        if proc.returncode != 0:
            return ""
        printed = _html.unescape(_docx_text(c))
        return "" if re.sub(r"\s+", "", text) in printed else f"the text {text!r} is not printed literally in the DOCX"
    return check


def _body_field(value: str) -> str:
    return _kz("其他需说明的事项: 无其他说明事项。", f"其他需说明的事项: '{value}'")


HOSTILE: list[Hostile] = [
    # ---- numbers and sizes (issue 10.4, 10.5)
    Hostile("amount 1.0e+999999999", lambda c: _build(c, _kz("30101: 57.91", "30101: 1.0e+999999999")), "rejected"),
    Hostile("name 1.0e+99999999999", lambda c: _build(c, _kz("部门: 克州机要保密局", "部门: 1.0e+99999999999")), "rejected"),
    Hostile("name 1.0e+999999999", lambda c: _build(c, _kz("部门: 克州机要保密局", "部门: 1.0e+999999999")), "rejected"),
    Hostile("quoted duplicate key", lambda c: _build(c, _kz("      30101: 57.91    # 基本工资\n",
                                                              "      30101: 57.91\n      \"30101\": 10.00\n")), "rejected"),
    Hostile("4.8 MB text field", lambda c: _build(c, _body_field("很长的说明文字。" * 200_000)) + ["--time-limit", "20"],
            "rejected"),
    # ---- files a department file names (issue 10.4, 10.7)
    Hostile("科目补充文件 /dev/zero", lambda c: _build(c, _settings("  科目补充文件: [/dev/zero]\n")), "rejected"),
    Hostile("科目补充文件 FIFO", lambda c: (_fifo(c, "科目.yaml"), _build(c, _settings("  科目补充文件: [科目.yaml]\n")))[1],
            "rejected"),
    Hostile("科目补充文件 outside", lambda c: _build(c, _settings("  科目补充文件: [../outside/secret.yaml]\n")), "rejected"),
    Hostile("科目补充文件 /etc/shadow", lambda c: _build(c, _settings("  科目补充文件: [/etc/shadow]\n")), "rejected"),
    Hostile("上年.文件 outside", lambda c: _build(c, _kz("上年:\n", "上年:\n  文件: ../outside/secret.yaml\n")), "rejected"),
    Hostile("上年.文件 /etc/passwd", lambda c: _build(c, _kz("上年:\n", "上年:\n  文件: /etc/passwd\n")), "rejected"),
    Hostile("UTF-16 file", lambda c: ["build", str(c.dept(_kz().encode("utf-16"))), "-o", str(c.out)], "either"),
    # ---- text that must stay text (issue 10.2, 10.6)
    *[Hostile(f"body field {v!r}", (lambda v: lambda c: _build(c, _body_field(v)))(v), "built", _literal(v))
      for v in ("@分页", "@封面", "# 像标题", "## 二级", ">> 右对齐", "^^ 居中", "|| 无缩进", "@表 项目支出表")],
    Hostile("department '# 标题'", lambda c: _build(c, _kz("部门: 克州机要保密局", "部门: '# 克州机要保密局'")), "built",
            _literal("# 克州机要保密局")),
    Hostile("formula in open data", lambda c: _build(c, _kz("  - 名称: 密码业务经费", "  - 名称: '=HYPERLINK(\"http://canary.invalid\",\"x\")'")
                                                  .replace("- {名称: 密码业务经费, 金额: 13.50}",
                                                           "- {名称: '=HYPERLINK(\"http://canary.invalid\",\"x\")', 金额: 13.50}"),
                                                  "--data"), "either"),
    # ---- department names as folder names (issue 10.8)
    *[Hostile(f"department name {n!r}", (lambda n: lambda c: _build(c, _kz("部门: 克州机要保密局", f"部门: \"{n}\"")))(n),
              "either") for n in ("CON", "AUX", "nul.局", "COM1", "..", "...", "名称.", "x\\ty", "x\\ny", "../../outside")],
    # ---- format folders (issue 10.1); first three controls: an edited template is the one rendered
    Hostile("control: edited body.j2 is rendered", _append_to_templates("body.j2", -1), "built", _probe_printed("docx")),
    Hostile("control: edited document.html.j2 is rendered", _append_to_templates(".html.j2", -1), "built",
            _probe_printed("pdf")),
    Hostile("control: edited template.docx is rendered", _docx_payload(-1), "built", _probe_printed("docx")),
    *[Hostile(f"template body.j2 payload {i}", _append_to_templates("body.j2", i), "either") for i in range(7)],
    *[Hostile(f"template document.html.j2 payload {i}", _append_to_templates(".html.j2", i), "either") for i in range(7)],
    *[Hostile(f"template.docx payload {i}", _docx_payload(i), "either") for i in (0, 1, 4)],
    Hostile("template.docx external relationships", _docx_external, "either"),
    Hostile("manifest 样式表 /etc/passwd", _manifest_path("样式表", lambda c: "/etc/passwd"), "either"),
    Hostile("manifest 名词解释 ../../outside", _manifest_path("名词解释", lambda c: "../../outside/glossary.yaml"), "either"),
    Hostile("manifest 名词解释 absolute", _manifest_path("名词解释", lambda c: str(c.outside / "glossary.yaml")), "either"),
    Hostile("manifest 正文 outside", _manifest_path("正文", lambda c: "../../outside/body.j2"), "either"),
    Hostile("symlink in the format folder", _symlinked_glossary, "either"),
    # ---- the output folder (issue 10.3, 10.8)
    *[Hostile(f"output symlink: {w}", _output_symlink(w), "rejected" if w in ("folder", "meta", "lock") else "built")
      for w in ("folder", "meta", "lock", "state", "work", "file")],
    Hostile("two files for one department (-j 2)", _two_files, "rejected"),
    Hostile("a FIFO in a batch folder", _fifo_in_batch, "rejected"),
]


def _outside_files(c: Case) -> None:
    c.outside.mkdir(parents=True)
    (c.outside / "keep.txt").write_text("unchanged")
    (c.outside / "secret.yaml").write_text(f"# {SECRET}\n部门: {SECRET}\n年度: 2019\n支出功能分类:\n  2010101: {SECRET}\n",
                                           encoding="utf-8")
    (c.outside / "glossary.yaml").write_text(f"名词解释:\n  - {{名词: {SECRET}, 解释: {SECRET}}}\n", encoding="utf-8")
    (c.outside / "body.j2").write_text(f"# {SECRET}\n", encoding="utf-8")


def _snapshot_outside(c: Case) -> dict[str, bytes]:
    return {str(p.relative_to(c.root)): p.read_bytes() if p.is_file() else b"<dir>"
            for p in sorted(c.root.rglob("*")) if c.out not in p.parents and p != c.out and not p.is_fifo()}


_FORMULA = re.compile(r"^[=+@\-\t\r]")
_NUMBER_CELL = re.compile(r"^-?\d[\d,]*(\.\d+)?%?$")


def judge(h: Hostile, c: Case, proc: Any, before: dict[str, bytes], seconds: float) -> Outcome:
    """The four promises — no traceback, nothing written outside the output folder, no command run
    from a template, no mixed set — and then the expected outcome."""
    err = (proc.stdout or "") + (proc.stderr or "")
    if "Traceback" in err:
        return Outcome("other", f"traceback: {err[-1500:]}", seconds)
    if c.canary.exists():
        return Outcome("other", "canary: a command from a template ran", seconds)
    after = _snapshot_outside(c)
    if after != before:
        changed = sorted(set(after.items()) ^ set(before.items()))
        return Outcome("other", f"written outside the output folder: {[k for k, _ in changed][:5]}", seconds)
    secrets = [SECRET]
    for system_file in ("/etc/passwd", "/etc/shadow"):
        with contextlib.suppress(OSError):
            secrets += [line for line in Path(system_file).read_text(errors="replace").splitlines() if len(line) > 8]
    if any(s in err for s in secrets + [ENV_MARKER]):
        return Outcome("other", "a file outside the department's folder was echoed in a message", seconds)
    published = [p for p in c.out.rglob("*") if META not in p.relative_to(c.out).parts and p.is_file()]
    for p in published:
        data = p.read_bytes()
        if p.suffix == ".docx":
            with zipfile.ZipFile(p) as z:
                for name in z.namelist():
                    part = z.read(name)
                    if name.endswith(".rels") and b'TargetMode="External"' in part:
                        return Outcome("other", f"external relationship in the published DOCX ({name})", seconds)
                    if SECRET.encode() in part or ENV_MARKER.encode() in part:
                        return Outcome("other", "a file outside or the environment was printed in the DOCX", seconds)
        elif p.suffix == ".pdf":
            text = _pdf_text(p)
            for marker in (SECRET, ENV_MARKER):
                if marker in text:
                    return Outcome("other", f"a file outside or the environment was printed in {p.name}", seconds)
        elif SECRET.encode() in data or ENV_MARKER.encode() in data:
            return Outcome("other", f"a file outside or the environment was printed in {p.name}", seconds)
        if p.suffix == ".csv":
            import csv

            for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
                for cell in row:
                    if _FORMULA.match(cell) and not _NUMBER_CELL.match(cell):
                        return Outcome("other", f"a formula cell in open data: {cell[:60]!r}", seconds)
    for d in (x for x in c.out.iterdir() if x.name != META) if c.out.is_dir() else ():
        name = d.name
        if (name.startswith(".") or name.endswith((".", " ")) or set(name) & set('\\/:*?"<>|')
                or name.split(".")[0].upper() in ("CON", "PRN", "AUX", "NUL", "COM1", "LPT1")):
            return Outcome("other", f"unsafe folder name {name!r}", seconds)
    if proc.returncode not in (0, 1):
        return Outcome("other", f"exit status {proc.returncode}: {err[-800:]}", seconds)
    kind = "built" if proc.returncode == 0 else "rejected"
    if kind == "rejected":
        lines = [line for line in err.splitlines() if "错误[" in line]
        if not lines or not all(CJK.search(line) for line in lines):
            return Outcome("other", f"refused without a Chinese error: {err[-800:]}", seconds)
    if h.expect != "either" and kind != h.expect:
        return Outcome("other", f"expected {h.expect}, got {kind}: {err[-800:]}", seconds)
    if h.check is not None:
        bad = h.check(c, proc)
        if bad:
            return Outcome("other", bad, seconds)
    return Outcome(kind, err.strip().splitlines()[-1] if err.strip() else "", seconds)


def run_hostile(h: Hostile, work_dir: str | Path, timeout: float = 240) -> Outcome:
    """Run one hostile case through the real command line (a subprocess, in a fresh case folder)."""
    import subprocess
    import sys

    c = Case(Path(tempfile.mkdtemp(prefix="hostile-", dir=work_dir)))
    try:
        c.src.mkdir()
        _outside_files(c)
        args = h.setup(c)
        before = _snapshot_outside(c)
        start = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True,
                                  cwd=c.root, timeout=timeout,
                                  env={**os.environ, "NO_COLOR": "1", "DISCLOSE_FUZZ_CANARY": ENV_MARKER})
        except subprocess.TimeoutExpired:
            return Outcome("other", f"hang: still running after {timeout:.0f} s", time.perf_counter() - start)
        return judge(h, c, proc, before, time.perf_counter() - start)
    finally:
        shutil.rmtree(c.root, ignore_errors=True)


if __name__ == "__main__":  # python tests/fuzzing.py SEED → classify one long-run case
    import sys

    sys.path.insert(0, str(ROOT))
    what, data = reproduce(int(sys.argv[1]))
    with tempfile.TemporaryDirectory() as d:
        o = classify_detail(data, d, full_pdf="--pdf" in sys.argv)
    print(what, o.kind, f"{o.seconds:.2f}s", o.detail[:2000], sep="\n")
