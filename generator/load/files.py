"""Files that a department file (or the project configuration) names: confined, regular, bounded.

A department file may come from anyone. Every path it names (上年.文件, 设置.科目补充文件, the
project configuration's 科目补充文件) must resolve, symbolic links followed, inside the
department's folder or the project folder; it must be a regular file (no FIFO that would hang,
no /dev/zero that never ends) and is size-capped before it is read. Messages name the path as
written, never the content of a refused file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import Location, Problem

MAX_FILE = 20 * 1024 * 1024  # catalogs exported as XLSX can be a few MB; YAML has its own 5 MB limit


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def confine(name: str, base: Path, roots: list[Path], what: str, where: Location,
            rule: str = "path.outside") -> tuple[Path | None, Problem | None]:
    """``name`` (relative to ``base``) → a resolved path inside one of ``roots``, or a problem."""
    if not name or "\x00" in name:
        return None, Problem(rule, f"{what}的路径不能为空", where)
    try:
        resolved = (base / name).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, an impossible name
        return None, Problem(rule, f"{what}“{name}”无法解析（符号链接循环或名称无效）", where)
    real_roots = []
    for r in roots:
        try:
            real_roots.append(r.resolve())
        except (OSError, RuntimeError):
            continue
    if not any(_inside(resolved, r) for r in real_roots):
        places = "本部门文件所在的文件夹" + ("或项目文件夹（disclose.yaml 所在处）" if len(real_roots) > 1 else "")
        return None, Problem(rule, f"{what}“{name}”在{places}之外：出于安全，只能引用这些文件夹中的文件"
                                   "（请把文件复制到部门文件旁边，并写相对路径）", where)
    return resolved, None


def read_regular(path: Path, what: str, where: Location, limit: int = MAX_FILE,
                 rule: str = "path.read") -> tuple[bytes | None, Problem | None]:
    """The bytes of a regular file of at most ``limit`` bytes; never blocks on a FIFO, never
    reads past the limit (a device such as /dev/zero is refused before reading)."""
    shown = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return None, Problem(rule, f"找不到{what}“{shown}”", where)
    except IsADirectoryError:
        return None, Problem(rule, f"{what}“{shown}”是文件夹，应为文件", where)
    except OSError as exc:
        return None, Problem(rule, f"无法读取{what}“{shown}”：{exc.strerror or exc}", where)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            return None, Problem(rule, f"{what}“{shown}”是文件夹，应为文件", where)
        if not stat.S_ISREG(st.st_mode):
            return None, Problem(rule, f"{what}“{shown}”不是普通文件（是设备、管道或套接字）：应为普通文件", where)
        if st.st_size > limit:
            return None, Problem(rule, f"{what}“{shown}”过大：应不超过 {limit // 1024 // 1024} MB，"
                                       f"实际 {st.st_size / 1024 / 1024:.1f} MB", where)
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:  # the file grew while being read
                return None, Problem(rule, f"{what}“{shown}”过大：应不超过 {limit // 1024 // 1024} MB", where)
            chunks.append(chunk)
        return b"".join(chunks), None
    except OSError as exc:
        return None, Problem(rule, f"无法读取{what}“{shown}”：{exc.strerror or exc}", where)
    finally:
        os.close(fd)
