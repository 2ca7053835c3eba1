"""click in Chinese: its own texts translated, help laid out by display width.

click's texts ("Usage:", "Options:", "Show this message and exit.", "No such option", ...) go
through ``gettext`` names that each click module imports; they are pointed at a table here, so
a message click has not got a translation for stays English and shows up in the help test.
click measures columns in code points; Chinese characters take two columns on a terminal, so
the help formatter measures and wraps by display width (East Asian Width W/F = 2).
"""

from __future__ import annotations

import re
import sys
import unicodedata

import click
import click.formatting
import click.types

ZH = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看用法。",
    "Aborted!": "已中断。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Missing command.": "缺少命令。",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such option: {name}": "没有选项：{name}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "数字",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 之内。",
    "{value!r} is not one of {choices}.": "{value!r} 不是以下之一：{choices}。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "default: {default}": "默认：{default}",
    "default": "默认",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Value must be an iterable.": "值应为列表。",
    "%(prog)s, version %(version)s": "%(prog)s %(version)s",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
}
ZH_PLURAL = {
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Did you mean {possibility}?": "您是不是想写 {possibility}？",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，实际给了 1 个。",
}
ZH_PLURAL_OTHER = {
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "(Did you mean one of: {possibilities}?)": "（您是不是想写以下之一：{possibilities}？）",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，实际给了 {len} 个。",
}


def gettext(message: str) -> str:
    return ZH.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if n == 1:
        return ZH_PLURAL.get(singular, singular)
    return ZH_PLURAL_OTHER.get(plural, plural)


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal."""
    w = 0
    for ch in click.unstyle(text):
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def wrap(text: str, limit: int) -> list[str]:
    """Break ``text`` into lines of at most ``limit`` columns: at spaces, or between CJK characters."""
    lines: list[str] = []
    for para in text.split("\n"):
        line, w = "", 0
        for ch in para:
            cw = width(ch)
            if w + cw > limit and line:
                cut = line.rfind(" ")
                if cut > 0 and all(width(c) == 1 for c in line[cut:]):
                    lines.append(line[:cut].rstrip())
                    line = line[cut + 1:]
                else:
                    lines.append(line.rstrip())
                    line = ""
                w = width(line)
                if ch == " " and not line:
                    continue
            line += ch
            w += cw
        lines.append(line.rstrip())
    return lines


_RANGES = [
    (re.compile(r"\[(-?\d+～-?\d+)\]"), r"（取值 \1）"),
    (re.compile(r"\[(不[小大]于 -?\d+)\]"), r"（\1）"),
]


class HelpFormatter(click.HelpFormatter):
    """click's formatter, measuring display width instead of code points."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for line in wrap(text, max(self.width - self.current_indent, 20)):
            self.write(f"{indent}{line}\n" if line else "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((width(r[0]) for r in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            for pattern, repl in _RANGES:
                second = pattern.sub(repl, second)
            second = second.replace("  （", "（")
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - self.current_indent - 2, 20)
            lines = wrap(second, text_width)
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


def short_help(help_text: str, limit: int = 60) -> str:
    """The first sentence of a command's help, cut by display width."""
    first = help_text.split("。")[0].split("\n")[0]
    if width(first) <= limit:
        return first + ("。" if help_text.strip() != first else "")
    out = ""
    for ch in first:
        if width(out + ch) > limit - 1:
            break
        out += ch
    return out + "…"


def install() -> None:
    """Point every click module's gettext names at the Chinese table."""
    for name, module in list(sys.modules.items()):
        if name == "click" or name.startswith("click."):
            if hasattr(module, "_"):
                module._ = gettext  # type: ignore[attr-defined]
            if hasattr(module, "ngettext"):
                module.ngettext = ngettext  # type: ignore[attr-defined]
    click.Context.formatter_class = HelpFormatter


    def describe_range(self) -> str:
        lo = "" if self.min is None else f"{self.min}"
        hi = "" if self.max is None else f"{self.max}"
        if lo and hi:
            return f"{lo}～{hi}"
        return f"不小于 {lo}" if lo else f"不大于 {hi}"

    click.types._NumberRangeBase._describe_range = describe_range  # type: ignore[attr-defined]
