"""The stylesheet of a format: the shared base rules, then rules made from the
format's typography (fonts, sizes, spacing, margins, footer), then the format's
own additions. The Word renderer makes its styles from the same typography.
"""

from __future__ import annotations

from decimal import Decimal

from ..formats import Format
from ..formats.files import read_text
from ..formats.typography import Style, Typography

#: Where each typography style applies in the HTML layout.
SELECTORS = {
    "正文": "html",
    "封面标题": ".cover-title, .cover-subtitle",
    "封面落款": ".cover-foot",
    "目录标题": ".toc-title",
    "目录": ".toc li",
    "目录一级": ".toc-l1",
    "标题1": "h1",
    "标题2": "h2",
    "标题3": "h3",
    "标题4": "h4, h5, h6",
    "表号": ".table-number",
    "表格标题": ".table-title",
    "内嵌表格标题": ".table-block.inline .table-title",
    "表格": ".table-block",
    "表头": "th",
    "小表格": ".table-block.small",
    "表注": ".table-note",
    "落款": ".p-signature",
}
_ALIGN = {"左": "left", "中": "center", "右": "right", "两端": "justify"}


def css_string(text: str) -> str:
    """A CSS string literal holding ``text`` exactly (quotes, backslashes, newlines escaped)."""
    out = []
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def font_stack(t: Typography, logical: str | None) -> str:
    return ", ".join(css_string(f) for f in t.families(logical))


def _declarations(t: Typography, s: Style, *, indent_here: bool = True) -> list[str]:
    out = []
    if s.font:
        out.append(f"font-family: {font_stack(t, s.font)}")
    if s.size:
        out.append(f"font-size: {s.size}")
    if s.line:
        out.append(f"line-height: {s.line}")
    if s.bold is not None:
        out.append(f"font-weight: {'bold' if s.bold else 'normal'}")
    if s.indent is not None and indent_here:
        out.append(f"text-indent: {_num(s.indent)}em")
    if s.align:
        out.append(f"text-align: {_ALIGN[s.align]}")
    if s.before:
        out.append(f"margin-top: {s.before}")
    if s.after:
        out.append(f"margin-bottom: {s.after}")
    if s.letter:
        out.append(f"letter-spacing: {s.letter}")
    return out


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f")


def _margins(m) -> str:
    return f"{m.top} {m.right} {m.bottom} {m.left}"


def footer_content(text: str) -> str:
    """“第 {页码} 页 共 {总页数} 页” → a CSS content value with page counters."""
    parts: list[str] = []
    rest = text
    while rest:
        i = min((rest.find(k) for k in ("{页码}", "{总页数}") if k in rest), default=-1)
        if i < 0:
            parts.append(css_string(rest))
            break
        if i:
            parts.append(css_string(rest[:i]))
        if rest.startswith("{页码}", i):
            parts.append("counter(page)")
            rest = rest[i + len("{页码}"):]
        else:
            parts.append("target-counter(url(#document-end), page)")
            rest = rest[i + len("{总页数}"):]
    return " ".join(parts) or '""'


def typography_css(t: Typography) -> str:
    rules = []
    for family, _file in sorted(t.font_files.items()):
        rules.append(f"@font-face {{ font-family: {css_string(family)}; src: url({css_string(_file)}); }}")
    f = t.footer
    rules.append(
        f"@page {{ margin: {_margins(t.margins)};\n"
        f"  @bottom-center {{ content: {footer_content(f.text)}; font-family: {font_stack(t, f.font)}; "
        f"font-size: {f.size}; vertical-align: top; padding-top: {f.gap}; }} }}")
    rules.append(f"@page landscape {{ margin: {_margins(t.landscape_margins)}; }}")
    # where a 公开表 starts (公开表起页); a table right after its part heading never breaks
    if t.table_start == "另起一页":
        rules.append(".table-block { break-before: page; }")
    else:
        rules.append(".table-block { margin-top: 8mm; }")
    rules.append("h1 + .table-block, .cover + .table-block, .toc + .table-block { break-before: auto; margin-top: 0; }")
    # the running head of a table's continuation pages: “表三 部门支出总体情况表（续）”
    table = t.style("表格")
    rules.append(f"@page {{ @top-center {{ content: string(table-continued, start); "
                 f"font-family: {font_stack(t, t.style('表号').font or table.font)}; font-size: {table.size or '10.5pt'}; "
                 f"vertical-align: bottom; padding-bottom: 5mm; }} }}")
    body = t.style("正文")
    for key, selector in SELECTORS.items():
        s = t.style(key)
        decls = _declarations(t, s, indent_here=key != "正文")
        if key == "正文":
            para = []
            if s.indent is not None:
                para.append(f"text-indent: {_num(s.indent)}em")
            if s.align:
                para.append(f"text-align: {_ALIGN[s.align]}")
            decls = [d for d in decls if not d.startswith("text-align")]
            if para:
                rules.append(f".p-body, .p-list {{ {'; '.join(para)}; }}")
        if decls:
            rules.append(f"{selector} {{ {'; '.join(decls)}; }}")
    if body.font:
        rules.append(f".toc a::after {{ font-family: {font_stack(t, body.font)}; }}")
    return "\n".join(rules) + "\n"


def stylesheet(fmt: Format) -> str:
    """The whole stylesheet of a format (base + typography + the format's own 样式表)."""
    from ..formats import builtin_templates_dir

    base = read_text(builtin_templates_dir() / "_base", "base.css") or ""
    extra = read_text(fmt.folder, fmt.spec.css) if fmt.spec.css else ""
    return base + "\n/* ---- typography (typography.yaml) ---- */\n" + typography_css(fmt.typography) + (
        "\n/* ---- the format's own rules ---- */\n" + extra if extra else "")
