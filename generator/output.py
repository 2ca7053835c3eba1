"""Publishing a department's files: safe folder names, bookkeeping kept out of the
published tree, and one atomic switch from the previous set of files to the new one.

An output folder looks like this::

    output/
      某局/                              published: only the department's own files
        某局2025年部门预算公开.pdf
        某局2025年部门预算公开.docx
        data/                            (--data)
      .disclose/                         bookkeeping, never part of a published folder
        locks/<key>.lock                 one build of a department folder at a time
        state/<key>.json                 owner of the folder; what each year published; fingerprints
        work/<key>.<random>/             the next version of a folder while it is assembled

Publishing (:meth:`Slot.publish`) assembles the complete next version of the
department folder in ``.disclose/work`` — the new files written and fsynced,
everything else the folder holds (other years, a user's own files) hard-linked —
and exchanges it with the published folder in one ``renameat2(RENAME_EXCHANGE)``.
At every instant ``output/某局`` is the complete previous folder or the complete
new one; a kill at any moment leaves one of the two, and the leftovers in
``work`` are removed by the next build of that folder. Where the kernel or the
file system cannot exchange two directories, two renames are used behind a
journal: the folder may be absent for an instant, never mixed, and a build
killed between the two renames is completed by the next build of the folder.

Everything below the output folder is reached through directory file
descriptors without following symbolic links, so a link planted in the output
folder (as ``.disclose``, a lock file or a department folder) never leads a
write or a deletion outside it.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, Callable, Iterator

from .errors import Location, OutputError, Problem, Severity

#: The bookkeeping folder inside an output folder.
META = ".disclose"

# File names are limited to 255 bytes; a folder name is also used inside
# "<name>2020年部门预算公开.docx", so it stays well below that.
MAX_NAME_BYTES = 180

# Characters Windows forbids in names → their full-width forms (readable in Chinese text).
_FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in '\\/:*?"<>|'}
# Device names Windows reserves, with any extension, in any case.
_RESERVED = ({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
             | {f"{d}{n}" for d in ("COM", "LPT") for n in "0123456789¹²³"})


def _safe_char(ch: str) -> str:
    if ch in _FULLWIDTH:
        return _FULLWIDTH[ch]
    cp = ord(ch)
    if cp < 0x20:
        return chr(0x2400 + cp)  # ␉ for a tab, ␊ for a line feed: visible, and different from each other
    if cp == 0x7F:
        return "\u2421"
    if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
        return "_"  # C1 controls, invisible format characters (U+202E …), lone surrogates, line separators
    return ch


def safe_name(text: str, limit: int = 80) -> str:
    """A file-name-safe version of a department name, on Linux, macOS and Windows.

    Separators and the other characters Windows forbids become their full-width
    forms (“a/b” → “a／b”), control characters their visible symbols (tab → “␉”),
    leading and trailing dots full-width dots (so “..” and “...” stay different
    and nothing is hidden), a reserved device name (CON, AUX, COM1 …) gets a “_”.
    A name longer than ``limit`` characters or :data:`MAX_NAME_BYTES` bytes is
    cut and ends in “~” and 8 hex digits of its hash, so two long names that
    share a beginning stay apart. The mapping is idempotent. Names that still
    meet (“a/b” and “a／b”; “ABC” and “abc” on a case-insensitive disk) are
    caught by :func:`folder_key` comparisons, never silently merged.
    """
    name = unicodedata.normalize("NFC", str(text)).strip()
    out = "".join(_safe_char(c) for c in name)
    lead = len(out) - len(out.lstrip("."))
    out = "．" * lead + out[lead:]
    trail = len(out) - len(out.rstrip("."))
    if trail:
        out = out[: len(out) - trail] + "．" * trail
    head, dot, tail = out.partition(".")
    if head.rstrip(" ").upper() in _RESERVED:
        out = head + "_" + dot + tail
    if len(out) > limit or len(out.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        tag = "~" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        keep = out[: max(0, limit - len(tag))]
        while len((keep + tag).encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
            keep = keep[:-1]
        out = keep + tag
    return out or "未命名部门"


def folder_key(folder: str) -> str:
    """Two folder names that one file system or another (Windows, macOS) treats as one."""
    return unicodedata.normalize("NFC", folder).casefold()


def _key_hash(folder: str) -> str:
    return hashlib.sha256(folder_key(folder).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def confined(base: Path, *parts: str) -> Path:
    """base/parts, refusing any result outside ``base`` (after resolving symlinks)."""
    base_r = base.resolve()
    target = base_r.joinpath(*parts).resolve()
    if target != base_r and base_r not in target.parents:
        raise OutputError(problems=[Problem("output.escape", f"输出路径“{target}”超出了输出文件夹“{base_r}”", Location(str(base)))])
    return target


# --------------------------------------------------------------------------- errors

_UNCHANGED = "已发布的文件保持不变"


def _explain(exc: OSError, path: Path, tail: str = _UNCHANGED) -> OutputError:
    """A Chinese message for a failed write of ``path``; ``tail`` says what happened to the published files."""
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        msg = f"没有写入权限：无法在“{path.parent}”中写文件（文件夹只读或权限不足），{tail}"
    elif exc.errno == errno.ENOSPC:
        msg = f"磁盘空间已满：无法写入“{path}”，{tail}；请清理磁盘后重试"
    elif exc.errno == errno.EDQUOT:
        msg = f"磁盘配额已满：无法写入“{path}”，{tail}"
    else:
        msg = f"无法写入“{path}”：{exc.strerror or exc}，{tail}"
    return OutputError(problems=[Problem("output.write", msg, Location(str(path)))])


def _escape(path: Path, what: str) -> OutputError:
    return OutputError(problems=[Problem(
        "output.escape", f"输出路径“{path}”是{what}，可能把文件写到输出文件夹之外：请删除它，或换一个输出文件夹（-o）",
        Location(str(path)))])


def ensure_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _explain(exc, path / "x") from None


def write_atomic(files: dict[Path, bytes]) -> None:
    """Replace each file by a fully written and fsynced new version (one rename per file).

    For independent files (a log, a starter): a department's set of files is
    published together by :meth:`Slot.publish` instead.
    """
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            ensure_dir(path.parent)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((tmp, path))
            os.fchmod(fd, 0o666 & ~_umask())
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        while temps:
            tmp, path = temps[0]
            os.replace(tmp, path)
            temps.pop(0)
    except OSError as exc:
        raise _explain(exc, next(iter(files)), "") from None
    finally:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------- file descriptors

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_NOFOLLOW | _CLOEXEC
RENAME_NOREPLACE, RENAME_EXCHANGE = 1, 2
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, getattr(errno, "ENOTSUP", errno.EINVAL),
                getattr(errno, "EOPNOTSUPP", errno.EINVAL)}


def _renameat2_function() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_RENAMEAT2 = _renameat2_function()


def _renameat2(src_fd: int, src: str, dst_fd: int, dst: str, flags: int) -> None:
    """Linux renameat2(2): RENAME_EXCHANGE swaps two paths atomically, RENAME_NOREPLACE never overwrites."""
    if _RENAMEAT2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if _RENAMEAT2(src_fd, os.fsencode(src), dst_fd, os.fsencode(dst), flags) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


def _open_dir(parent: int, name: str, create: bool = False) -> int:
    if create:
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, 0o777, dir_fd=parent)
    return os.open(name, _DIR, dir_fd=parent)


def _lstat(parent: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=parent, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _fsync(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.fsync(fd)


def _rmtree(parent: int, name: str) -> None:
    """Remove ``name`` under ``parent`` without following symbolic links."""
    st = _lstat(parent, name)
    if st is None:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(name, dir_fd=parent)
    else:
        os.unlink(name, dir_fd=parent)


# names the layout of disclose ≤ 0.1 left inside published folders
_OLD_BOOKKEEPING = re.compile(r"^\.disclose\.lock$|^\..+\.stamp$|^\..+\.[A-Za-z0-9_]{8}\.tmp$")
_BAD_PART = re.compile(r"[/\x00]")


def _check_part(part: str) -> None:
    if not part or part in (".", "..") or _BAD_PART.search(part) or part.startswith("."):
        raise ValueError(f"unsafe output name {part!r}")


def _copy_entry(src: int, name: str, dst: int, depth: int = 0) -> bool:
    """Put ``name`` of folder ``src`` into folder ``dst`` as well: files hard-linked (copied where
    links are impossible), folders recreated, symbolic links recreated, never followed.
    All or nothing: False (and no trace in ``dst``) for anything else."""
    st = _lstat(src, name)
    if st is None:
        return False
    try:
        if stat.S_ISREG(st.st_mode):
            try:
                os.link(name, name, src_dir_fd=src, dst_dir_fd=dst, follow_symlinks=False)
            except OSError:
                _copy_file(src, name, dst, st)
            return True
        if stat.S_ISLNK(st.st_mode):
            os.symlink(os.readlink(name, dir_fd=src), name, dir_fd=dst)
            return True
        if stat.S_ISDIR(st.st_mode) and depth < 32:
            os.mkdir(name, 0o700, dir_fd=dst)
            sfd, dfd = _open_dir(src, name), _open_dir(dst, name)
            try:
                for child in os.listdir(sfd):
                    if not _copy_entry(sfd, child, dfd, depth + 1):
                        raise OSError(errno.ENOTSUP, "cannot copy")
                os.fchmod(dfd, stat.S_IMODE(st.st_mode))
            finally:
                os.close(sfd)
                os.close(dfd)
            return True
    except OSError:
        with contextlib.suppress(OSError):
            _rmtree(dst, name)
    return False


def _copy_file(src: int, name: str, dst: int, st: os.stat_result) -> None:
    fi = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | _CLOEXEC, dir_fd=src)
    try:
        fo = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | _CLOEXEC,
                     stat.S_IMODE(st.st_mode), dir_fd=dst)
        try:
            while chunk := os.read(fi, 1 << 20):
                os.write(fo, chunk)
            os.utime(fo, ns=(st.st_atime_ns, st.st_mtime_ns))
        finally:
            os.close(fo)
    finally:
        os.close(fi)


def _write_file(root: int, rel: str, data: bytes) -> None:
    parts = rel.split("/")
    for part in parts:
        _check_part(part)
    fds = [root]
    try:
        for part in parts[:-1]:
            fds.append(_open_dir(fds[-1], part, create=True))
        fd = os.open(parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | _CLOEXEC, 0o666,
                     dir_fd=fds[-1])
        with open(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        for d in reversed(fds[1:]):
            _fsync(d)
    finally:
        for d in fds[1:]:
            os.close(d)


def _stat_rel(root: int, rel: str) -> os.stat_result | None:
    parts = rel.split("/")
    fds = [root]
    try:
        for part in parts[:-1]:
            fds.append(_open_dir(fds[-1], part))
        return _lstat(fds[-1], parts[-1])
    except OSError:
        return None
    finally:
        for d in fds[1:]:
            os.close(d)


# --------------------------------------------------------------------------- one department folder

PublishHook = Callable[[str, int], None]


class Slot:
    """One department folder of an output folder, locked for one build (see :func:`department_slot`)."""

    def __init__(self, base: Path, folder: str, fds: dict[str, int]):
        self.base, self.folder, self.fds = base, folder, fds
        self.key = _key_hash(folder)
        self.path = base / folder
        self.pending = False  # a journal switch is half done
        self.state = self._read_state()

    # ---- state -----------------------------------------------------------------------------

    def _read_state(self) -> dict:
        if "state" not in self.fds:
            return {}
        try:
            fd = os.open(f"{self.key}.json", os.O_RDONLY | os.O_NOFOLLOW | _CLOEXEC, dir_fd=self.fds["state"])
        except OSError:
            return {}
        with open(fd, "rb") as fh:
            raw = fh.read(1 << 20)
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return {}
        if not (isinstance(data, dict) and isinstance(data.get("department"), str)
                and isinstance(data.get("folder"), str) and isinstance(data.get("years"), dict)):
            return {}
        return data

    def _write_state(self, state: dict) -> None:
        name = f"{self.key}.json"
        tmp = f"{name}.{secrets.token_hex(4)}.tmp"
        sfd = self.fds["state"]
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | _CLOEXEC, 0o644, dir_fd=sfd)
        try:
            with open(fd, "wb") as fh:
                fh.write(json.dumps(state, ensure_ascii=False, indent=1).encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, name, src_dir_fd=sfd, dst_dir_fd=sfd)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=sfd)
        _fsync(sfd)

    def _folder_in_use(self, folder: str) -> bool:
        try:
            _check_part(folder)
            fd = _open_dir(self.fds["out"], folder)
        except (OSError, ValueError):
            return False
        try:
            return bool(os.listdir(fd))
        finally:
            os.close(fd)

    def owner(self, department: str) -> tuple[str, Path] | None:
        """(other department, its folder) when this folder already holds another department's
        files — a different name that maps to the same folder, here or on a case-insensitive disk."""
        other, folder = self.state.get("department"), self.state.get("folder", "")
        if not other or other == department or not self._folder_in_use(folder):
            return None
        return other, self.base / folder

    def unchanged(self, department: str, year: int, fingerprint: str) -> list[Path] | None:
        """The published files when the last build of this year had this fingerprint and they are intact."""
        if self.state.get("department") != department or self.state.get("folder") != self.folder:
            return None
        rec = self.state["years"].get(str(year))
        if not isinstance(rec, dict) or rec.get("fingerprint") != fingerprint or not isinstance(rec.get("files"), dict):
            return None
        try:
            live = _open_dir(self.fds["out"], self.folder)
        except OSError:
            return None
        try:
            for rel, (size, mtime) in rec["files"].items():
                st = _stat_rel(live, rel)
                if st is None or not stat.S_ISREG(st.st_mode) or (st.st_size, st.st_mtime_ns) != (size, mtime):
                    return None
        except (TypeError, ValueError):
            return None
        finally:
            os.close(live)
        return [self.path / rel for rel in rec["files"] if "/" not in rel]

    # ---- publishing --------------------------------------------------------------------------

    def _open_live(self) -> int | None:
        st = _lstat(self.fds["out"], self.folder)
        if st is None:
            return None
        if stat.S_ISLNK(st.st_mode):
            target = os.readlink(self.folder, dir_fd=self.fds["out"])
            raise _escape(self.path, f"指向“{target}”的符号链接（快捷方式）")
        if not stat.S_ISDIR(st.st_mode):
            raise OutputError(problems=[Problem(
                "output.not-folder", f"输出路径“{self.path}”已存在，但不是文件夹：请删除或改名后重新生成，{_UNCHANGED}",
                Location(str(self.path)))])
        return _open_dir(self.fds["out"], self.folder)

    def publish(self, department: str, year: int, files: dict[str, bytes], fingerprint: str,
                before_swap: PublishHook | None = None) -> tuple[list[Path], list[Problem]]:
        """Publish ``files`` (names relative to the folder, '/'-separated) as this year's set.

        Entries this year published last time and does not produce now are dropped; every other
        entry of the folder is kept. Returns the published paths and warnings about the clean-up
        after the switch (the switch itself either happened completely or not at all: an
        ``OutputError`` means the previous files are untouched)."""
        tops = sorted({rel.split("/")[0] for rel in files})
        for rel in files:
            for part in rel.split("/"):
                _check_part(part)
        same_owner = self.state.get("department") in (None, department)
        years = {k: v for k, v in self.state.get("years", {}).items() if isinstance(v, dict)} if same_owner else {}
        previous = years.get(str(year), {}).get("entries", [])
        replace = set(tops) | {e for e in previous if isinstance(e, str)}
        out, work = self.fds["out"], self.fds["work"]
        name = f"{self.key}.{secrets.token_hex(6)}"
        target = self.path
        old: str | None = None
        swapped = False
        try:
            os.mkdir(name, 0o777, dir_fd=work)
            new = _open_dir(work, name)
            try:
                live = self._open_live()
                if live is not None:
                    try:
                        with contextlib.suppress(OSError):
                            os.fchmod(new, stat.S_IMODE(os.fstat(live).st_mode))
                        for entry in sorted(os.listdir(live)):
                            if entry not in replace and not _OLD_BOOKKEEPING.match(entry):
                                _copy_entry(live, entry, new)
                    finally:
                        os.close(live)
                for rel, data in files.items():
                    target = self.path / rel
                    _write_file(new, rel, data)
                target = self.path
                os.fsync(new)
                inode = os.fstat(new).st_ino
            finally:
                os.close(new)
            if before_swap is not None:
                before_swap(str(self.path), inode)
            old = self._swap(name)
            swapped = True
        except OSError as exc:
            raise _explain(exc, target) from None
        finally:
            if not swapped and not self.pending:
                with contextlib.suppress(OSError):
                    _rmtree(work, name)
        # ---- the new set is published; what follows only tidies up
        warnings: list[Problem] = []
        _fsync(out)
        if old is not None:
            try:
                self._rescue(old, replace)
                _rmtree(work, old)
            except OSError as exc:
                warnings.append(Problem("output.cleanup", f"新文件已发布，但未能删除上一版本的副本（{exc.strerror or exc}）；"
                                        f"下次生成时会再次清理", Location(str(self.base / META)), Severity.WARNING))
        try:
            live = _open_dir(out, self.folder)
            try:
                stamps = {rel: [st.st_size, st.st_mtime_ns] for rel in files
                          if (st := _stat_rel(live, rel)) is not None}
            finally:
                os.close(live)
            for rec in years.values():
                if isinstance(rec.get("entries"), list):
                    rec["entries"] = [e for e in rec["entries"] if e not in tops]
            years[str(year)] = {"fingerprint": fingerprint, "entries": tops, "files": stamps}
            self.state = {"department": department, "folder": self.folder, "years": years}
            self._write_state(self.state)
        except OSError as exc:
            warnings.append(Problem("output.state", f"新文件已发布，但未能记录生成信息（{exc.strerror or exc}）；"
                                    "下次会重新生成该部门", Location(str(self.base / META)), Severity.WARNING))
        return [self.path / rel for rel in files], warnings

    def _swap(self, name: str) -> str | None:
        """Make work/``name`` the published folder in one step; returns where the previous folder
        went (under work/), or None when there was none."""
        out, work = self.fds["out"], self.fds["work"]
        st = _lstat(out, self.folder)
        if st is None:
            try:
                _renameat2(work, name, out, self.folder, RENAME_NOREPLACE)
                return None
            except OSError as exc:
                if exc.errno in _UNSUPPORTED:
                    os.rename(name, self.folder, src_dir_fd=work, dst_dir_fd=out)  # replaces at most an empty folder
                    return None
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
            st = _lstat(out, self.folder)
        if st is not None and not stat.S_ISDIR(st.st_mode):
            raise _escape(self.path, "符号链接或文件，而不是文件夹")
        try:
            _renameat2(work, name, out, self.folder, RENAME_EXCHANGE)
            return name
        except OSError as exc:
            if exc.errno not in _UNSUPPORTED:
                raise
        return self._swap_by_journal(name)

    def _swap_by_journal(self, name: str) -> str:
        """Two renames, with a journal that lets the next build finish a switch a kill interrupted."""
        out, work = self.fds["out"], self.fds["work"]
        old, journal = f"{name}.old", f"{self.key}.journal"
        fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | _CLOEXEC, 0o644, dir_fd=work)
        with open(fd, "w", encoding="utf-8") as fh:
            json.dump({"new": name, "old": old}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        _fsync(work)
        os.rename(self.folder, old, src_dir_fd=out, dst_dir_fd=work)
        try:
            os.rename(name, self.folder, src_dir_fd=work, dst_dir_fd=out)
        except OSError as exc:
            try:
                os.rename(old, self.folder, src_dir_fd=work, dst_dir_fd=out)
            except OSError:
                self.pending = True  # both versions stay in work/ for the journal: the next build finishes
                raise OutputError(problems=[Problem("output.partial", (
                    f"发布“{self.path}”时出错（{exc.strerror or exc}），上一版本也未能放回原处：上一版本在"
                    f"“{self.base / META / 'work' / old}”，新版本在“{self.base / META / 'work' / name}”；"
                    "再次运行 disclose build 会完成发布"), Location(str(self.path)))]) from None
            os.unlink(journal, dir_fd=work)
            raise
        os.unlink(journal, dir_fd=work)
        return old

    def _rescue(self, old: str, replaced: set[str]) -> None:
        """Entries of the previous folder that the new one lacks and that were not replaced — a
        special file, or a file a user added while the build ran — move into the new folder."""
        out, work = self.fds["out"], self.fds["work"]
        ofd = _open_dir(work, old)
        try:
            live = _open_dir(out, self.folder)
            try:
                present = set(os.listdir(live))
                for entry in os.listdir(ofd):
                    if entry in replaced or entry in present or _OLD_BOOKKEEPING.match(entry):
                        continue
                    try:
                        _renameat2(ofd, entry, live, entry, RENAME_NOREPLACE)
                    except OSError as exc:
                        if exc.errno not in _UNSUPPORTED:
                            raise
                        if _lstat(live, entry) is None:
                            os.rename(entry, entry, src_dir_fd=ofd, dst_dir_fd=live)
                _fsync(live)
            finally:
                os.close(live)
        finally:
            os.close(ofd)

    # ---- after a kill ---------------------------------------------------------------------------

    def _recover(self) -> None:
        """Finish a journal switch a kill interrupted, then remove what killed builds left in work/."""
        out, work = self.fds["out"], self.fds["work"]
        journal = f"{self.key}.journal"
        try:
            fd = os.open(journal, os.O_RDONLY | os.O_NOFOLLOW | _CLOEXEC, dir_fd=work)
        except FileNotFoundError:
            fd = -1
        if fd >= 0:
            with open(fd, "rb") as fh:
                try:
                    entry = json.loads(fh.read(4096).decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    entry = {}
            if _lstat(out, self.folder) is None:
                # the folder is absent: the new version if it is complete, else the previous one goes back
                for version in (entry.get("new"), entry.get("old")) if isinstance(entry, dict) else ():
                    if (isinstance(version, str) and version.startswith(self.key + ".") and "/" not in version
                            and _lstat(work, version) is not None):
                        os.rename(version, self.folder, src_dir_fd=work, dst_dir_fd=out)
                        _fsync(out)
                        break
            os.unlink(journal, dir_fd=work)
        for entry in os.listdir(work):
            if entry.startswith(self.key + "."):
                with contextlib.suppress(OSError):
                    _rmtree(work, entry)


@contextlib.contextmanager
def department_slot(out_dir: Path, folder: str) -> Iterator[Slot]:
    """Lock the department folder ``folder`` of ``out_dir`` (creating the output folder and its
    bookkeeping as needed) and yield it. Two builds of the same folder — or of two names one
    disk treats as the same — never overlap."""
    _check_part(folder)
    ensure_dir(out_dir)
    base = out_dir.resolve()
    fds: dict[str, int] = {}
    meta = base / META
    try:
        try:
            fds["out"] = os.open(base, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
            where = meta
            fds["meta"] = _open_dir(fds["out"], META, create=True)
            for sub in ("locks", "state", "work"):
                where = meta / sub
                fds[sub] = _open_dir(fds["meta"], sub, create=True)
            where = meta / "locks" / f"{_key_hash(folder)}.lock"
            fds["lock"] = os.open(f"{_key_hash(folder)}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | _CLOEXEC,
                                  0o644, dir_fd=fds["locks"])
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                raise _escape(where, "符号链接（快捷方式）或不是文件夹") from None
            raise _explain(exc, where) from None
        try:
            fcntl.flock(fds["lock"], fcntl.LOCK_EX)
            slot = Slot(base, folder, fds)
            slot._recover()
        except OSError as exc:
            raise _explain(exc, meta / "work") from None
        yield slot
    finally:
        for fd in reversed(list(fds.values())):
            with contextlib.suppress(OSError):
                os.close(fd)


@contextlib.contextmanager
def department_view(out_dir: Path, folder: str) -> Iterator[Slot]:
    """A read-only, unlocked look at a department folder (who owns it, is a year unchanged)
    that creates nothing: a build that fails before publishing leaves no trace."""
    _check_part(folder)
    fds: dict[str, int] = {}
    try:
        with contextlib.suppress(OSError):
            fds["out"] = os.open(out_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
            meta = _open_dir(fds["out"], META)
            try:
                fds["state"] = _open_dir(meta, "state")
            finally:
                os.close(meta)
        yield Slot(out_dir.resolve() if "out" in fds else out_dir.absolute(), folder, fds)
    finally:
        for fd in fds.values():
            with contextlib.suppress(OSError):
                os.close(fd)


def published_inode(path: str) -> int | None:
    """The inode of a published folder (to tell whether a killed build's switch happened)."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_ino if stat.S_ISDIR(st.st_mode) else None


def recover(out_dir: Path, folder: str) -> None:
    """Finish what a killed build of ``folder`` left half done (see :meth:`Slot._recover`)."""
    with contextlib.suppress(OutputError, OSError), department_slot(out_dir, folder):
        pass
