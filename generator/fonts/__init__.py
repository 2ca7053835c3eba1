"""Fonts: the fontconfig aliases, the environment check and glyph coverage.

Chinese government documents name 宋体, 仿宋_GB2312, 黑体 and 楷体. Few Linux
machines have those, so ``fonts.conf`` (shipped next to this file) makes
fontconfig accept Noto Serif CJK SC / Noto Sans CJK SC right after each of
those names: the real font wins where it is installed, Noto everywhere else.

Importing this module points ``FONTCONFIG_FILE`` at that file unless the
variable is already set; it must happen before WeasyPrint (and so fontconfig)
is loaded, which is why ``renderers.pdf`` imports this module first.

Only fonts of :data:`ALLOWED_FONTS` may end up in a PDF (``font_allowed``),
and :func:`missing_glyphs` tells which characters none of them can draw.
"""

from __future__ import annotations

import bisect
import ctypes
import ctypes.util
import functools
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from ..errors import EnvironmentProblem, Location, Problem, Severity

CONF_PATH = Path(__file__).resolve().parent / "fonts.conf"


def ensure_fontconfig() -> None:
    """Point fontconfig at the shipped alias file unless the user chose one."""
    if not os.environ.get("FONTCONFIG_FILE") and CONF_PATH.is_file():
        os.environ["FONTCONFIG_FILE"] = str(CONF_PATH)


ensure_fontconfig()


# --- the allow-list ------------------------------------------------------------

#: The only fonts a PDF may embed (family names as fontconfig reports them).
ALLOWED_FONTS = frozenset({
    "Noto Serif CJK SC", "Noto Sans CJK SC", "SimSun", "SimHei", "FangSong", "FangSong_GB2312", "KaiTi",
    "LXGW WenKai",  # 霞鹜文楷 (fonts-lxgw-wenkai): the free 楷体
})
# The weights of Noto Serif CJK SC from fonts-noto-cjk-extra (Light for 仿宋, SemiBold for 小标宋)
# carry the weight in their family name ("Noto Serif CJK SC Light"); the style words below
# are stripped before the allow-list is consulted, so they are allowed with the family.
# The same fonts under their Chinese family names (the real fonts carry both).
_ALLOWED_ALIASES = {"宋体": "SimSun", "黑体": "SimHei", "仿宋": "FangSong", "仿宋_GB2312": "FangSong_GB2312",
                    "楷体": "KaiTi", "楷体_GB2312": "KaiTi", "KaiTi_GB2312": "KaiTi"}
_STYLE_WORDS = {"regular", "bold", "light", "medium", "semibold", "semi", "demi", "extra", "ultra", "black", "thin", "extralight", "demilight",
                "heavy", "book", "normal", "italic", "oblique"}


def _squash(name: str) -> str:
    return re.sub(r"[\s\-_]+", "", name).casefold()


_ALLOWED_SQUASHED = {_squash(n) for n in ALLOWED_FONTS} | {_squash(n) for n in _ALLOWED_ALIASES}


def font_allowed(name: str, extra: frozenset[str] | tuple[str, ...] = ()) -> bool:
    """True for an allow-listed family (or one of ``extra``: the families a format's
    typography names), also as a PDF font name (``ABCDEF+Noto-Serif-CJK-SC-Bold``)."""
    name = name.strip().lstrip("/")
    if re.match(r"^[A-Z]{6}\+", name):
        name = name[7:]
    parts = [p for p in re.split(r"[\s\-,]+", name) if p]
    while parts and parts[-1].casefold() in _STYLE_WORDS:
        parts.pop()
    squashed = _squash("".join(parts))
    return squashed in _ALLOWED_SQUASHED or squashed in {_squash(n) for n in extra}


# --- the CSS font stacks (kept in step with the templates' style.css) ------------

SERIF_BODY = ("仿宋_GB2312", "FangSong", "仿宋", "Noto Serif CJK SC Light", "Noto Serif CJK SC")
SERIF_TABLE = ("宋体", "SimSun", "Noto Serif CJK SC")
SANS_HEADING = ("黑体", "SimHei", "Noto Sans CJK SC")
KAI = ("楷体_GB2312", "KaiTi", "楷体", "LXGW WenKai", "Noto Serif CJK SC")
STACKS = {"正文": SERIF_BODY, "表格": SERIF_TABLE, "标题": SANS_HEADING, "楷体": KAI}


# --- fontconfig queries --------------------------------------------------------

class _FcFontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.POINTER(ctypes.c_void_p))]


@functools.lru_cache(maxsize=1)
def _fontconfig():
    """libfontconfig through ctypes (always present where Pango is), or None."""
    name = ctypes.util.find_library("fontconfig")
    for candidate in filter(None, (name, "libfontconfig.so.1")):
        try:
            lib = ctypes.CDLL(candidate)
        except OSError:
            continue
        lib.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
        lib.FcNameParse.restype = ctypes.c_void_p
        lib.FcNameParse.argtypes = [ctypes.c_char_p]
        lib.FcObjectSetCreate.restype = ctypes.c_void_p
        lib.FcObjectSetAdd.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.FcFontList.restype = ctypes.POINTER(_FcFontSet)
        lib.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        lib.FcPatternGetString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                           ctypes.POINTER(ctypes.c_char_p)]
        lib.FcPatternGetInteger.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                            ctypes.POINTER(ctypes.c_int)]
        lib.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FcFontSet)]
        lib.FcPatternDestroy.argtypes = [ctypes.c_void_p]
        lib.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
        config = lib.FcInitLoadConfigAndFonts()
        if config:
            return lib, config
    return None


def _fc_escape(family: str) -> str:
    return re.sub(r"([\\\-:,=])", r"\\\1", family)


@functools.lru_cache(maxsize=None)
def font_files(family: str) -> tuple[tuple[str, int, str], ...]:
    """Installed faces of exactly ``family``: (file, index in collection, style), regular first."""
    found: list[tuple[str, int, str]] = []
    fc = _fontconfig()
    if fc is not None:
        lib, config = fc
        pattern = lib.FcNameParse(f":family={_fc_escape(family)}".encode())
        objects = lib.FcObjectSetCreate()
        for name in (b"file", b"index", b"style"):
            lib.FcObjectSetAdd(objects, name)
        fontset = lib.FcFontList(config, pattern, objects)
        try:
            for i in range(fontset.contents.nfont if fontset else 0):
                pat = fontset.contents.fonts[i]
                file, style, index = ctypes.c_char_p(), ctypes.c_char_p(), ctypes.c_int(0)
                if lib.FcPatternGetString(pat, b"file", 0, ctypes.byref(file)) != 0:
                    continue
                lib.FcPatternGetString(pat, b"style", 0, ctypes.byref(style))
                lib.FcPatternGetInteger(pat, b"index", 0, ctypes.byref(index))
                found.append((file.value.decode(), index.value, (style.value or b"").decode()))
        finally:
            if fontset:
                lib.FcFontSetDestroy(fontset)
            lib.FcObjectSetDestroy(objects)
            lib.FcPatternDestroy(pattern)
    elif shutil.which("fc-list"):
        out = subprocess.run(["fc-list", f":family={_fc_escape(family)}", "--format", "%{file}|%{index}|%{style}\n"],
                             capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            file, _, rest = line.partition("|")
            index, _, style = rest.partition("|")
            if file:
                found.append((file, int(index or 0), style.split(",")[0]))
    found.sort(key=lambda f: (0 if "regular" in f[2].casefold() or f[2] in ("Book", "Normal") else 1, f))
    return tuple(found)


def font_installed(family: str) -> bool:
    return bool(font_files(family))


# --- environment check -----------------------------------------------------------

def harfbuzz_subset_available() -> bool:
    if ctypes.util.find_library("harfbuzz-subset"):
        return True
    for name in ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll"):
        try:
            ctypes.CDLL(name)
            return True
        except OSError:
            pass
    return False


_ENV = Location("运行环境")


def environment_problems() -> list[Problem]:
    """What this machine lacks for PDF output: missing CJK fonts (errors), slow subsetting (warning)."""
    problems: list[Problem] = []
    if not any(font_installed(f) for f in ("Noto Serif CJK SC", "SimSun", "FangSong", "FangSong_GB2312")):
        problems.append(Problem(
            "env.cjk-font",
            "未找到中文衬线字体 Noto Serif CJK SC（宋体、仿宋的替代字体），无法生成 PDF。"
            "请安装 Noto CJK 字体：sudo apt-get install fonts-noto-cjk", _ENV))
    if not any(font_installed(f) for f in ("Noto Sans CJK SC", "SimHei")):
        problems.append(Problem(
            "env.cjk-font",
            "未找到中文黑体字体 Noto Sans CJK SC（黑体的替代字体），无法生成 PDF。"
            "请安装 Noto CJK 字体：sudo apt-get install fonts-noto-cjk", _ENV))
    if not harfbuzz_subset_available():
        problems.append(Problem(
            "env.harfbuzz-subset",
            "未找到 libharfbuzz-subset（HarfBuzz 字体子集库）：仍可生成 PDF，但每份需要 15–20 秒，"
            "而不是约 1 秒。请安装：sudo apt-get install libharfbuzz-subset0", _ENV, Severity.WARNING))
    return problems


def check_environment() -> list[str]:
    """Chinese messages, one per finding, each starting with “错误：” (PDF impossible) or “警告：”."""
    return [f"{p.severity.value}：{p.message}" for p in environment_problems()]


_fonts_ok = False


def require_fonts() -> None:
    """Raise ``EnvironmentProblem`` when the CJK fonts are missing (checked once per process)."""
    global _fonts_ok
    if _fonts_ok:
        return
    errors = [p for p in environment_problems() if p.is_error]
    if errors:
        raise EnvironmentProblem(problems=errors)
    _fonts_ok = True


# --- glyph coverage ----------------------------------------------------------------

def _cmap_ranges(data: bytes) -> list[tuple[int, int]] | None:
    """Covered code point ranges from a raw ``cmap`` table (formats 12 and 4), or None."""
    import struct

    nsub = struct.unpack_from(">H", data, 2)[0]
    offsets = {}
    for i in range(nsub):
        pid, eid, off = struct.unpack_from(">HHI", data, 4 + 8 * i)
        offsets[(pid, eid)] = off
    for key in ((3, 10), (0, 4), (0, 6)):
        if key in offsets and struct.unpack_from(">H", data, offsets[key])[0] == 12:
            off = offsets[key]
            ngroups = struct.unpack_from(">I", data, off + 12)[0]
            return [(start, end) for start, end, gid in struct.iter_unpack(">III", data[off + 16: off + 16 + 12 * ngroups])
                    if gid or start != end]
    for key in ((3, 1), (0, 3)):
        if key in offsets and struct.unpack_from(">H", data, offsets[key])[0] == 4:
            off = offsets[key]
            segx2 = struct.unpack_from(">H", data, off + 6)[0]
            n = segx2 // 2
            ends = struct.unpack_from(f">{n}H", data, off + 14)
            starts = struct.unpack_from(f">{n}H", data, off + 16 + segx2)
            return [(a, b) for a, b in zip(starts, ends) if a != 0xFFFF]
    return None


@functools.lru_cache(maxsize=None)
def _cmap(file: str, index: int) -> tuple[tuple[int, int], ...]:
    """Sorted, merged code point ranges the font maps (read once per process)."""
    from fontTools.ttLib import TTFont

    with TTFont(file, fontNumber=index, lazy=True) as font:
        ranges = _cmap_ranges(font.reader["cmap"])
        if ranges is None:  # an unusual cmap layout: let fontTools decode it
            ranges = [(cp, cp) for cp in (font["cmap"].getBestCmap() or {})]
    return _merge(ranges)


def _merge(ranges) -> tuple[tuple[int, int], ...]:
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((a, b) for a, b in merged)


def _covers(ranges: tuple[tuple[int, int], ...], cp: int) -> bool:
    i = bisect.bisect_right(ranges, (cp, 0x10FFFF + 1)) - 1
    return i >= 0 and ranges[i][0] <= cp <= ranges[i][1]


@functools.lru_cache(maxsize=None)
def _stack_coverage(stack: tuple[str, ...], own: tuple[tuple[str, str], ...] = ()) -> tuple[tuple[int, int], ...]:
    ranges: list[tuple[int, int]] = []
    seen: set[tuple[str, int]] = set()
    own_files = dict(own)
    for family in stack:
        files = ((own_files[family], 0, family),) if family in own_files else font_files(family)
        if files and (files[0][0], files[0][1]) not in seen:
            seen.add((files[0][0], files[0][1]))
            ranges.extend(_cmap(files[0][0], files[0][1]))
    return _merge(ranges)


@functools.lru_cache(maxsize=1 << 16)
def _covered(ch: str, stacks: tuple[tuple[str, ...], ...], own: tuple[tuple[str, str], ...]) -> bool:
    """Every font stack of the stylesheet can draw ``ch`` (cached: the same few thousand
    characters recur in every department of a batch)."""
    cp = ord(ch)
    return all(_covers(_stack_coverage(stack, own), cp) for stack in stacks)


def _is_variation_selector(ch: str) -> bool:
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or 0x180B <= cp <= 0x180D


def missing_glyphs(text: str, stacks: tuple[tuple[str, ...], ...] | None = None,
                   own: tuple[tuple[str, str], ...] = ()) -> set[str]:
    """The characters of ``text`` that some font stack (default: the built-in ones; a
    format passes its typography's stacks and its own font files) can't draw.

    Control characters (line breaks, tabs) and variation selectors are ignored. With no CJK font
    installed every printable character is missing; ``require_fonts`` reports
    that case first.
    """
    stacks = tuple(STACKS.values()) if stacks is None else stacks
    missing = set()
    for ch in set(text):
        if unicodedata.category(ch) == "Cc" or _is_variation_selector(ch) or _covered(ch, stacks, own):
            continue
        missing.add(ch)
    return missing


def describe_char(ch: str) -> str:
    """“😀”（U+1F600 GRINNING FACE）, for error messages."""
    name = unicodedata.name(ch, "")
    return f"“{ch}”（U+{ord(ch):04X}{' ' + name if name else ''}）"
