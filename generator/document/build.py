"""Build the document model from figures and a format folder.

The format's body template (``正文`` in the manifest, Jinja, sandboxed) is
rendered with the prose context into a light line markup, which is parsed into
blocks:

    @封面            title page            @目录        table of contents
    @分页            page break            @公开表      the manifest's tables, in order
    @表 种类 [参数]   one inline table (e.g. ``@表 项目绩效目标表 2``)
    # 标题           part heading (new page, in the 目录)
    ## / ### / ####  section headings (## in the 目录 when the manifest says so)
    >> 文字          right-aligned (signature)    ^^ 文字  centred
    || 文字          paragraph without first-line indent
    other lines      body paragraphs

Values inserted by the template are marked so that a department's own text can
never be read as markup (a line of 主要职能 starting with “#” stays text) and is
never evaluated as a template.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError as JinjaError
from jinja2.sandbox import SandboxedEnvironment

from ..errors import Location, Problem, TemplateError
from ..figures import Figures
from ..formats import Format, TableSpec
from .context import build_context, cn_number
from .inline import INLINE
from .model import Document, Heading, PageBreak, Paragraph, Table, TitlePage, Toc, TocEntry
from .tables import TABLES, fill

MARK = "\x1f"  # starts every inserted value
NL = "\x1e"  # a newline inside an inserted value


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return MARK + value.replace("\r\n", "\n").replace("\n", NL)
    return value


@functools.lru_cache(maxsize=16)
def _env(folder: str) -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=FileSystemLoader(folder), autoescape=False, undefined=StrictUndefined,
                               finalize=_finalize, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["cn"] = cn_number
    return env


def glossary_for(fig: Figures, fmt: Format) -> list[dict[str, str]]:
    entries = [dict(e) for e in fmt.glossary]
    names = {e["名词"] for e in entries}
    for extra in fig.dept.glossary_extra:
        if extra["名词"] in names:
            entries = [extra if e["名词"] == extra["名词"] else e for e in entries]
        else:
            entries.append(dict(extra))
    return entries


def build_document(fig: Figures, fmt: Format) -> Document:
    ctx = build_context(fig, fmt.phrases, glossary_for(fig, fmt))
    body_name = fmt.manifest.get("正文", "body.j2")
    try:
        text = _env(str(fmt.folder)).get_template(body_name).render(**ctx)
    except JinjaError as exc:
        lineno = getattr(exc, "lineno", 0) or 0
        raise TemplateError(problems=[Problem("format.template", f"格式模板出错：{exc}",
                                              Location(str(fmt.folder / body_name), lineno, 1))]) from None
    doc = Document(title=f"{fig.dept.name}{fig.dept.year}年部门预算公开", department=fig.dept.name,
                   year=fig.dept.year, format_name=fmt.name, author=fig.dept.name)
    _parse(text, doc, fig, fmt)
    _fill_toc(doc, fmt)
    return doc


def _clean(s: str) -> str:
    return s.replace(MARK, "")


def _paragraphs(body: str, style: str) -> list[Paragraph]:
    return [Paragraph(_clean(part).strip(), style=style) for part in body.split(NL) if _clean(part).strip()]  # type: ignore[arg-type]


def _parse(text: str, doc: Document, fig: Figures, fmt: Format) -> None:
    counter = 0
    toc_levels = set(fmt.manifest.get("目录层级", [1]))
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or line == MARK:
            continue
        if line.startswith("@"):
            cmd, *args = line[1:].split()
            if cmd == "封面":
                doc.blocks.append(TitlePage(fig.dept.name, f"{fig.dept.year}年部门预算公开", fig.dept.name,
                                            _clean(" ".join(args))))
            elif cmd == "目录":
                doc.blocks.append(Toc(title=fill(str(fmt.manifest.get("目录标题", "目  录")), fig)))
            elif cmd == "分页":
                doc.blocks.append(PageBreak())
            elif cmd == "公开表":
                group = _clean(" ".join(args))
                for i, spec in enumerate(fmt.tables, 1):
                    t = _make_table(spec, fig, fmt)
                    t.anchor = f"t{i}"
                    t.toc = 2 in toc_levels or fmt.manifest.get("目录包含表格", True)
                    t.toc_group = group
                    doc.blocks.append(t)
            elif cmd == "表":
                kind = _clean(args[0]) if args else ""
                arg = _clean(args[1]) if len(args) > 1 else ""
                if kind in INLINE:
                    t = INLINE[kind](fig, fmt, arg)
                elif kind in TABLES:
                    t = _make_table(TableSpec(kind, "", kind), fig, fmt)
                else:
                    raise TemplateError(f"格式“{fmt.name}”的正文使用了未知的表格种类“{kind}”")
                counter += 1
                t.anchor = t.anchor or f"x{counter}"
                t.toc = False
                doc.blocks.append(t)
            else:
                raise TemplateError(f"格式“{fmt.name}”的正文使用了未知的指令“@{cmd}”")
            continue
        if line.startswith("#"):
            hashes = len(line) - len(line.lstrip("#"))
            title = _clean(line[hashes:]).strip().replace(NL, "")
            counter += 1
            level = min(hashes, 4)
            doc.blocks.append(Heading(title, level, anchor=f"h{counter}", toc=level in toc_levels,
                                      page_break_before=level == 1,
                                      align="center" if level == 1 else "left"))
            continue
        for prefix, style in ((">>", "signature"), ("^^", "center"), ("||", "plain")):
            if line.startswith(prefix):
                doc.blocks.extend(_paragraphs(line[len(prefix):], style))
                break
        else:
            doc.blocks.extend(_paragraphs(line, "body"))


def _make_table(spec: TableSpec, fig: Figures, fmt: Format) -> Table:
    builder = TABLES.get(spec.kind)
    if builder is None:
        known = "、".join(sorted(TABLES))
        raise TemplateError(f"格式“{fmt.name}”的清单中有未知的表格类型“{spec.kind}”。可用的类型：{known}")
    return builder(fig, spec, fmt)


def _fill_toc(doc: Document, fmt: Format) -> None:
    toc = doc.toc()
    if toc is None:
        return
    for b in doc.blocks:
        if isinstance(b, Heading) and b.toc:
            toc.entries.append(TocEntry(b.text, b.anchor, b.level))
        elif isinstance(b, Table) and b.toc:
            toc.entries.append(TocEntry(b.toc_title, b.anchor, 2))
