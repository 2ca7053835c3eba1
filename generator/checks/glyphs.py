"""Every character a department typed must exist in the document fonts.

Run before rendering, over the YAML's own strings, so a missing glyph is named
with the character and the field it came from (file:line:col) instead of
printing a blank box (.notdef) in a published PDF.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any, Iterator

from ..errors import Location, Problem, Severity
from ..load.department import Loaded


def _strings(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for k, v in data.items():
            if isinstance(k, str):
                yield path + (k,), k
            yield from _strings(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _strings(v, path + (i,))


def missing_glyph_problems(loaded: Loaded) -> list[Problem]:
    from ..fonts import missing_glyphs

    problems = []
    for path, text in _strings(loaded.raw):
        missing = missing_glyphs(text)
        for ch in sorted(missing):
            try:
                uname = unicodedata.name(ch)
            except ValueError:
                uname = "未命名字符"
            problems.append(loaded.problem(
                "text.glyph",
                f"字符“{ch}”（U+{ord(ch):04X} {uname}）在文档字体中不存在，PDF 中会显示为空白方框：请删除或替换该字符",
                *path))
    return problems


@functools.lru_cache(maxsize=1)
def _missing_fonts() -> tuple[Problem, ...]:
    from ..fonts import environment_problems

    return tuple(p for p in environment_problems() if p.is_error)


def glyph_problems(loaded: Loaded) -> list[Problem]:
    """The glyph check as ``disclose check`` and ``disclose build`` both run it: without CJK
    fonts nothing can be checked (and no PDF made), which is said once as a warning."""
    missing_fonts = _missing_fonts()
    if missing_fonts:
        return [Problem("text.glyph-unchecked", "本机没有安装中文字体，无法检查文字中的字符能否打印（生成 PDF 也需要这些字体）："
                        + missing_fonts[0].message, Location(str(loaded.path)), Severity.WARNING)]
    return missing_glyph_problems(loaded)
