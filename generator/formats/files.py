"""Reading the files of a format folder, confined.

A format folder may come from anyone (a provincial office, a colleague's USB
stick). Every file it names is read through :func:`read_confined`: the name is
relative, stays inside the folder, no component is a symbolic link, the target
is a regular file (no FIFO, device or directory) and it is no larger than its
cap — checked before a byte is read, on the opened descriptor.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from ..errors import Location, Problem, TemplateError

#: Size caps by purpose (bytes).
CAPS = {
    "manifest": 1 << 20,
    "text": 2 << 20,  # body, HTML template, stylesheet, glossary, phrases, typography
    "docx": 20 << 20,
    "font": 64 << 20,
}


def _fail(folder: Path, name: str, message: str, where: Location | None) -> TemplateError:
    return TemplateError(problems=[Problem("format.file", message, where or Location(str(folder / "manifest.yaml")))])


def confined_path(folder: Path, name: str, where: Location | None = None) -> Path:
    """``folder/name`` after checking ``name`` is a plain relative path inside the folder
    with no symbolic link on the way. Does not require the file to exist."""
    text = str(name)
    pure = PurePosixPath(text.replace("\\", "/"))
    if not text or pure.is_absolute() or text.startswith(("/", "\\")) or ":" in text or any(
            part in ("..", "") for part in pure.parts) or "\x00" in text:
        raise _fail(folder, text, f"文件名“{text}”应为格式文件夹内的相对路径（不能是绝对路径，不能含“..”）", where)
    base = Path(folder)
    current = base
    for part in pure.parts:
        current = current / part
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            break
        except OSError as exc:
            raise _fail(folder, text, f"无法读取“{text}”：{exc.strerror or exc}", where) from None
        if stat.S_ISLNK(st.st_mode):
            raise _fail(folder, text, f"“{text}”是符号链接：格式文件夹中的文件必须是普通文件，不能指向别处", where)
    return base.joinpath(*pure.parts)


def read_confined(folder: Path, name: str, cap: str = "text", where: Location | None = None,
                  missing_ok: bool = False) -> bytes | None:
    """The bytes of a file of the format folder (see the module docstring)."""
    from ..load.files import read_regular

    path = confined_path(folder, name, where)
    if missing_ok and not os.path.lexists(path):
        return None
    data, problem = read_regular(path, "格式文件", where or Location(str(Path(folder) / "manifest.yaml")),
                                 limit=CAPS[cap], rule="format.file")
    if problem is not None:
        raise TemplateError(problems=[problem])
    return data


def read_text(folder: Path, name: str, where: Location | None = None, missing_ok: bool = False,
              cap: str = "text") -> str | None:
    data = read_confined(folder, name, cap, where, missing_ok)
    if data is None:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(folder, name, f"格式文件“{name}”应为 UTF-8 编码（第 {exc.start + 1} 个字节无法解码）", where) from None
