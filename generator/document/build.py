"""Build the document model from figures and a format folder.

The format's body template (``正文`` in the manifest: Jinja, sandboxed, read
confined to the format folder) is rendered with the prose context into a light
line markup, which is parsed into blocks:

    @封面 [日期]      title page            @目录        table of contents
    @分页             page break            @公开表      the manifest's tables, in order
    @表 名称 [序号]    one table of the manifest's 内嵌表格 (序号: which record)
    # 标题            part heading (new page, in the 目录)
    ## / ### / ####   section headings (in the 目录 as the manifest says)
    >> 文字           right-aligned (signature)    ^^ 文字  centred
    || 文字           paragraph without first-line indent
    other lines       body paragraphs

Literal text by construction: every value the template inserts (``{{ … }}``)
is replaced in the rendered text by an opaque token that stands for it; the
markup parser only ever sees the template's own text and tokens, and the
values are put back into the finished blocks. A department's text can never
become markup, whatever characters it starts with, and is never evaluated.
"""

from __future__ import annotations

import contextvars
import functools
import re
from pathlib import Path
from typing import Any

from jinja2 import TemplateError as JinjaError

from ..errors import Location, Problem, TemplateError
from ..figures import Figures
from ..formats import Format
from ..formats.phrases import fill
from ..formats.templating import sandbox
from .context import build_context, cn_number
from .kinds import make_table
from .model import Document, Heading, PageBreak, Paragraph, Table, TitlePage, Toc, TocEntry

_OPEN, _CLOSE = "\ue000", "\ue001"
_TOKEN = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_CURRENT: contextvars.ContextVar["_Values"] = contextvars.ContextVar("disclose_values")


class _Values:
    """The values inserted by one rendering, each behind a token."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def finalize(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            value = "是" if value else "否"
        self.items.append(str(value))
        return f"{_OPEN}{len(self.items) - 1}{_CLOSE}"

    def put_back(self, text: str, newline: str = "\n") -> str:
        return _TOKEN.sub(lambda m: self.items[int(m.group(1))].replace("\r\n", "\n").replace("\n", newline), text)


def glossary_for(fig: Figures, fmt: Format) -> list[dict[str, str]]:
    entries = [{"名词": n, "解释": e} for n, e in fmt.glossary]
    names = {e["名词"] for e in entries}
    for extra in fig.dept.glossary_extra:
        if extra["名词"] in names:
            entries = [dict(extra) if e["名词"] == extra["名词"] else e for e in entries]
        else:
            entries.append(dict(extra))
    return entries


def _template_problem(fmt: Format, name: str, exc: Exception) -> TemplateError:
    lineno = getattr(exc, "lineno", 0) or 0
    message = getattr(exc, "message", None) or str(exc)
    return TemplateError(problems=[Problem("format.template", f"格式模板出错：{message}",
                                           Location(str(fmt.folder / name), lineno, 1))])


def build_document(fig: Figures, fmt: Format) -> Document:
    ctx = build_context(fig, fmt, glossary_for(fig, fmt))
    values = _Values()
    body_name = fmt.spec.body
    env = _env(str(fmt.folder), fmt.digest)
    try:
        template = env.get_template(body_name)
        text = _render(template, ctx, values)
    except JinjaError as exc:
        raise _template_problem(fmt, body_name, exc) from None
    d = fig.dept
    doc = Document(title=f"{d.name}{d.year}年部门预算公开", department=d.name, year=d.year,
                   format_name=fmt.name, author=d.name)
    _Parser(doc, fig, fmt, values, body_name).parse(text)
    _fill_toc(doc)
    return doc


def _render(template, ctx: dict[str, Any], values: _Values) -> str:
    """Render with ``finalize`` bound to this rendering's value store (the environment is
    shared and cached; its finalize looks the store up in a context variable)."""
    token = _CURRENT.set(values)
    try:
        return template.render(**ctx)
    finally:
        _CURRENT.reset(token)


def _finalize(value: Any) -> Any:
    return _CURRENT.get().finalize(value)


@functools.lru_cache(maxsize=16)
def _env(folder: str, digest: str):
    return sandbox([Path(folder)], autoescape=False, finalize=_finalize, filters={"cn": cn_number}, trim_blocks=False)


class _Parser:
    def __init__(self, doc: Document, fig: Figures, fmt: Format, values: _Values, body_name: str):
        self.doc, self.fig, self.fmt, self.values, self.body_name = doc, fig, fmt, values, body_name
        self.counter = 0
        self.levels = set(fmt.spec.toc.levels)
        self.lineno = 0

    def error(self, message: str) -> TemplateError:
        return TemplateError(problems=[Problem("format.template", message,
                                               Location(str(self.fmt.folder / self.body_name), self.lineno, 1))])

    def parse(self, text: str) -> None:
        for self.lineno, raw in enumerate(text.split("\n"), 1):
            line = raw.strip(" \t\r\u3000")
            if not line:
                continue
            if line.startswith("@"):
                self.command(line)
            elif line.startswith("#"):
                self.heading(line)
            else:
                for prefix, style in ((">>", "signature"), ("^^", "center"), ("||", "plain")):
                    if line.startswith(prefix):
                        self.paragraphs(line[len(prefix):], style)
                        break
                else:
                    self.paragraphs(line, "body")

    def paragraphs(self, text: str, style: str) -> None:
        for part in self.values.put_back(text).split("\n"):
            part = part.strip()
            if part:
                self.doc.blocks.append(Paragraph(part, style=style))  # type: ignore[arg-type]

    def heading(self, line: str) -> None:
        hashes = len(line) - len(line.lstrip("#"))
        title = self.values.put_back(line[hashes:], newline=" ").strip()
        self.counter += 1
        level = min(hashes, 4)
        self.doc.blocks.append(Heading(title, level, anchor=f"h{self.counter}", toc=level in self.levels,
                                       page_break_before=level == 1, align="center" if level == 1 else "left"))

    def command(self, line: str) -> None:
        cmd, *args = line[1:].split()
        args = [self.values.put_back(a, newline=" ").strip() for a in args]
        fig, fmt = self.fig, self.fmt
        if cmd == "封面":
            d = fig.dept
            self.doc.blocks.append(TitlePage(d.name, f"{d.year}年部门预算公开", d.name, " ".join(args)))
        elif cmd == "目录":
            self.doc.blocks.append(Toc(title=fill(fmt.spec.toc.title, {"部门": fig.dept.name, "年度": str(fig.dept.year)})))
        elif cmd == "分页":
            self.doc.blocks.append(PageBreak())
        elif cmd == "公开表":
            group = " ".join(args)
            for i, spec in enumerate(fmt.spec.tables, 1):
                t = self.table(spec, "", f"t{i}")
                t.toc = fmt.spec.toc.tables
                t.toc_group = group
                if spec.toc_title:
                    t.toc_text = fill(spec.toc_title, {"部门": fig.dept.name, "年度": str(fig.dept.year)})
                self.doc.blocks.append(t)
        elif cmd == "表":
            name = args[0] if args else ""
            spec = fmt.spec.inline.get(name)
            if spec is None:
                known = "、".join(fmt.spec.inline) or "（无）"
                raise self.error(f"正文放置的表格“{name}”不在清单的“内嵌表格”中（清单中有：{known}）")
            self.counter += 1
            t = self.table(spec, args[1] if len(args) > 1 else "", f"x{self.counter}")
            t.toc = False
            self.doc.blocks.append(t)
        else:
            raise self.error(f"正文使用了未知的指令“@{cmd}”（可用：@封面、@目录、@分页、@公开表、@表）")

    def table(self, spec, arg: str, anchor: str) -> Table:
        try:
            t = make_table(self.fig, self.fmt, spec, arg)
        except KeyError as exc:
            raise self.error(str(exc.args[0]) if exc.args else "表格参数无效") from None
        t.anchor = anchor
        return t


def _fill_toc(doc: Document) -> None:
    toc = doc.toc()
    if toc is None:
        return
    for b in doc.blocks:
        if isinstance(b, Heading) and b.toc:
            toc.entries.append(TocEntry(b.text, b.anchor, b.level))
        elif isinstance(b, Table) and b.toc:
            toc.entries.append(TocEntry(b.toc_title, b.anchor, 2))
