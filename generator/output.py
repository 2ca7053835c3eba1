"""Writing output safely: file names, confinement to the output folder, atomic replace."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Iterator

from .errors import Location, OutputError, Problem

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


# File names are limited to 255 bytes; a name is used inside ".<name>.docx.XXXXXXXX.tmp" and
# "<name>2020年部门预算公开.docx", so it stays well below that.
MAX_NAME_BYTES = 180


def safe_name(text: str, limit: int = 80) -> str:
    """A file-name-safe version of a department name: no separators, no '..', no control chars.

    At most ``limit`` characters and :data:`MAX_NAME_BYTES` bytes of UTF-8.
    """
    name = unicodedata.normalize("NFC", str(text))
    name = _UNSAFE.sub("_", name)
    name = name.replace("..", "_").strip(" .")
    name = name[:limit]
    while len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        name = name[:-1]
    name = name.strip(" .")
    return name or "未命名部门"


def confined(base: Path, *parts: str) -> Path:
    """base/parts, refusing any result outside ``base`` (after resolving symlinks)."""
    base_r = base.resolve()
    target = base_r.joinpath(*parts).resolve()
    if target != base_r and base_r not in target.parents:
        raise OutputError(problems=[Problem("output.escape", f"输出路径“{target}”超出了输出文件夹“{base_r}”", Location(str(base)))])
    return target


def _explain(exc: OSError, path: Path) -> OutputError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        msg = f"没有写入权限：无法在“{path.parent}”中写文件（文件夹只读或权限不足），已发布的文件保持不变"
    elif exc.errno == errno.ENOSPC:
        msg = f"磁盘空间已满：无法写入“{path}”，已发布的文件保持不变；请清理磁盘后重试"
    elif exc.errno == errno.EDQUOT:
        msg = f"磁盘配额已满：无法写入“{path}”，已发布的文件保持不变"
    else:
        msg = f"无法写入“{path}”：{exc.strerror or exc}，已发布的文件保持不变"
    return OutputError(problems=[Problem("output.write", msg, Location(str(path)))])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def ensure_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _explain(exc, path / "x") from None


def remove_stale_temps(path: Path) -> None:
    """Delete the temporary siblings of ``path`` (``.<name>.XXXXXXXX.tmp``) a killed build left behind.

    Only called under :func:`department_lock`: no other build of the department is writing them.
    """
    with contextlib.suppress(OSError):
        for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()


def write_atomic(files: dict[Path, bytes]) -> None:
    """Write every file to a temporary sibling, fsync, then rename each into place.

    Nothing is renamed until every file is fully written, so a failure or a kill
    leaves the previous files byte-identical. Call it under :func:`department_lock`:
    it first removes the temporary files a killed earlier build may have left.
    """
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            ensure_dir(path.parent)
            remove_stale_temps(path)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((tmp, path))
            os.fchmod(fd, 0o666 & ~_umask())
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, path in temps:
            os.replace(tmp, path)
        temps = []
        for d in {p.parent for p in files}:
            with contextlib.suppress(OSError):
                dfd = os.open(d, os.O_RDONLY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
    except OSError as exc:
        raise _explain(exc, next(iter(files))) from None
    finally:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def department_lock(folder: Path) -> Iterator[None]:
    """Serialise builds of the same department (two builds at once never interleave)."""
    ensure_dir(folder)
    lock = folder / ".disclose.lock"
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _explain(exc, lock) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
