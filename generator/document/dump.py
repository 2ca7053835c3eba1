"""A plain-text dump of a document model (golden files, debugging: disclose dump)."""

from __future__ import annotations

from .model import Document, Heading, PageBreak, Paragraph, Table, TitlePage, Toc


def dump(doc: Document) -> str:
    out: list[str] = [f"= {doc.title} [{doc.format_name}]"]
    for b in doc.blocks:
        if isinstance(b, TitlePage):
            out.append(f"[封面] {b.title} / {b.subtitle} / {b.org} / {b.date}")
        elif isinstance(b, Toc):
            out.append(f"[目录] {b.title}")
            out += [f"  {'  ' * (e.level - 1)}{e.text}" for e in b.entries]
        elif isinstance(b, Heading):
            out.append(f"{'#' * b.level} {b.text}")
        elif isinstance(b, Paragraph):
            out.append(f"{'' if b.style == 'body' else f'({b.style}) '}{b.text}")
        elif isinstance(b, PageBreak):
            out.append("[分页]")
        elif isinstance(b, Table):
            flags = " 横向" if b.landscape else ""
            flags += " 空表" if b.empty else ""
            out.append(f"[表] {b.number} {b.title}{flags}")
            for line in [b.caption_left, *b.caption_lines, b.caption_right]:
                if line:
                    out.append(f"  ~ {line}")
            for row in b.header:
                out.append("  H " + " | ".join(_cell(c) for c in row))
            for row in b.body:
                out.append("  | " + " | ".join(_cell(c) for c in row))
            out += [f"  ! {n}" for n in b.notes]
    return "\n".join(out) + "\n"


def _cell(c) -> str:
    span = ""
    if c.colspan > 1:
        span += f"<{c.colspan}"
    if c.rowspan > 1:
        span += f"v{c.rowspan}"
    return f"{'*' if c.bold else ''}{c.text}{span}"
