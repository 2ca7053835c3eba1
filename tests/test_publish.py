"""Publishing a department's set of files: all old or all new, whatever fails or is killed (issue 10).

- Folder names: Windows-safe and distinct (a table of hostile names → the exact folder).
- The set: other years' files and a user's own files in the folder are kept; what this year
  published before and no longer makes is dropped; bookkeeping stays in ``output/.disclose``.
- Faults: a rename that fails at the Nth call, and ``kill -9`` at the Nth file-system call
  of publishing, leave the old set or the complete new one — never a mix — and the message
  says which; the next build cleans up. Also with the two-rename fallback (no
  RENAME_EXCHANGE), where the folder may be absent for an instant and the next build
  completes the switch.
- Processes: ``kill -9`` of the batch parent at several moments leaves no worker alive, none
  publishes later, no department mixed — with PR_SET_PDEATHSIG and with the portable watchdog.
- Symbolic links planted in the bookkeeping folder are never followed.

Publishing is what is under test, so the renderer is a fake that returns small files whose
content depends on the YAML (old and new sets differ in every file).
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import re
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

import generator.build as build_mod
import generator.output as output_mod
from conftest import MINIMAL, dump
from fuzzing import fake_render
from generator import batch, procs
from generator.build import build_department
from generator.errors import RenderError
from generator.output import META, _key_hash, folder_key, safe_name
from test_robustness import alive, children, wait_until

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not sys.platform.startswith("linux"),
                                reason="fork and /proc")
FORK = multiprocessing.get_context("fork")


@pytest.fixture(autouse=True)
def fake_renderer(monkeypatch):
    monkeypatch.setattr(build_mod, "render_all", fake_render)


def write_dept(path: Path, name: str = "测试局", year: int = 2020, note: str = "") -> Path:
    data = {**MINIMAL, "部门": name, "年度": year}
    path.write_text(dump(data) + (f"# {note}\n" if note else ""), encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes] | None:
    """Every entry below a published folder (files and links), or None when it does not exist."""
    if not folder.is_dir():
        return None
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        out[rel] = (b"->" + os.readlink(p).encode()) if p.is_symlink() else p.read_bytes() if p.is_file() else b"<dir>"
    return out


def work_entries(out: Path) -> list[str]:
    work = out / META / "work"
    return sorted(os.listdir(work)) if work.is_dir() else []


# ======================================================================= names

FOLDERS = [
    ("a/b", "a／b"), ("a\\b", "a＼b"), ("名:称*?", "名：称＊？"), ('"<>|', "＂＜＞｜"),
    ("..", "．．"), ("...", "．．．"), (".隐藏", "．隐藏"), ("名称.", "名称．"), ("名称..", "名称．．"),
    ("../../etc", "．．／..／etc"), ("一/../二", "一／..／二"),
    ("CON", "CON_"), ("con", "con_"), ("AUX", "AUX_"), ("NUL.局", "NUL_.局"), ("COM1", "COM1_"), ("lpt9", "lpt9_"),
    ("COM¹", "COM¹_"), ("CONIN$", "CONIN$_"), ("CONTROL", "CONTROL"), ("COM10", "COM10"),
    ("x\ty", "x␉y"), ("x\ny", "x␊y"), ("x\ry", "x␍y"), ("a\u202eb", "a_b"), ("a\u2028b", "a_b"),
    ("  局  ", "局"), ("", "未命名部门"), ("e\u0301", "é"),
]


@pytest.mark.parametrize("name, folder", FOLDERS)
def test_folder_names_are_safe_on_every_system(name, folder):
    assert safe_name(name) == folder


@pytest.mark.parametrize("a, b", [("..", "..."), ("x\ty", "x\ny"), ("名称.", "名称"), ("a/b", "a\\b"),
                                  ("局" * 300, "局" * 299 + "厅"), ("A" * 200 + "1", "A" * 200 + "2")])
def test_different_names_give_different_folders(a, b):
    assert folder_key(safe_name(a)) != folder_key(safe_name(b))


def test_long_names_are_cut_with_a_hash_and_keep_the_year():
    from generator.build import output_names

    folder, stem = output_names("局" * 300, 2020)
    assert re.fullmatch("局{57}~[0-9a-f]{8}", folder) and len(folder.encode()) == 180  # the byte limit
    assert stem == folder + "2020年部门预算公开"
    assert re.fullmatch("A{71}~[0-9a-f]{8}", safe_name("A" * 300))  # the character limit (80)
    assert folder_key("ABC局") == folder_key("abc局")  # one folder on Windows and macOS: compared as one


# ======================================================================= the set

def test_other_years_and_a_users_files_stay_and_bookkeeping_is_outside(tmp_path):
    out = tmp_path / "out"
    y2019 = build_department(write_dept(tmp_path / "a.yaml", year=2019), out)
    assert y2019.status == "built"
    folder = out / "测试局"
    (folder / "说明.txt").write_text("用户自己的文件")
    y2020 = build_department(write_dept(tmp_path / "b.yaml", year=2020), out, data=True)
    assert y2020.status == "built"
    assert sorted(p.name for p in folder.iterdir()) == [
        "data", "测试局2019年部门预算公开.docx", "测试局2019年部门预算公开.pdf",
        "测试局2020年部门预算公开.docx", "测试局2020年部门预算公开.pdf", "说明.txt"]
    assert (folder / "说明.txt").read_text() == "用户自己的文件"
    assert sorted(p.name for p in out.iterdir()) == [META, "测试局"]
    assert sorted(p.name for p in (out / META).iterdir()) == ["locks", "state", "work"]
    # 2020 again without --data: its data/ would be stale beside the new files, so it goes
    again = build_department(write_dept(tmp_path / "b.yaml", year=2020, note="改"), out)
    assert again.status == "built"
    assert not (folder / "data").exists() and (folder / "测试局2019年部门预算公开.pdf").exists()


def test_a_build_that_fails_before_publishing_leaves_nothing(tmp_path, monkeypatch):
    def broken(*_a):
        raise RenderError(problems=[])

    monkeypatch.setattr(build_mod, "render_all", broken)
    result = build_department(write_dept(tmp_path / "a.yaml"), tmp_path / "out")
    assert result.status == "failed"
    assert not (tmp_path / "out").exists()  # no folder, no lock, no bookkeeping


def test_the_old_layouts_bookkeeping_leaves_the_published_folder(tmp_path):
    out = tmp_path / "out"
    folder = out / "测试局"
    folder.mkdir(parents=True)
    for name in (".disclose.lock", ".测试局2020年部门预算公开.stamp", ".测试局2020年部门预算公开.docx.k3j_x9aq.tmp"):
        (folder / name).write_text("old")
    assert build_department(write_dept(tmp_path / "a.yaml"), out).status == "built"
    assert sorted(p.name for p in folder.iterdir()) == ["测试局2020年部门预算公开.docx", "测试局2020年部门预算公开.pdf"]


def test_unchanged_needs_the_published_files_intact(tmp_path):
    src, out = write_dept(tmp_path / "a.yaml"), tmp_path / "out"
    assert build_department(src, out).status == "built"
    assert build_department(src, out, force=False).status == "unchanged"
    pdf = out / "测试局" / "测试局2020年部门预算公开.pdf"
    pdf.write_bytes(b"edited by hand")
    assert build_department(src, out, force=False).status == "built"  # noticed and rebuilt
    assert pdf.read_bytes().startswith(b"%PDF-fake")


# ======================================================================= symbolic links in the bookkeeping

@pytest.mark.parametrize("where", [".disclose", ".disclose/locks", "lock", "state"])
def test_a_planted_symlink_is_never_followed(tmp_path, where):
    src, out, outside = write_dept(tmp_path / "a.yaml"), tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("unchanged")
    key = _key_hash("测试局")
    if where == ".disclose":
        out.mkdir()
        (out / META).symlink_to(outside, target_is_directory=True)
    elif where == ".disclose/locks":
        (out / META).mkdir(parents=True)
        (out / META / "locks").symlink_to(outside, target_is_directory=True)
    elif where == "lock":
        (out / META / "locks").mkdir(parents=True)
        (out / META / "locks" / f"{key}.lock").symlink_to(outside / "keep.txt")
    else:
        (out / META / "state").mkdir(parents=True)
        (out / META / "state" / f"{key}.json").symlink_to(outside / "keep.txt")
    result = build_department(src, out)
    if where == "state":  # an unreadable state only means a full rebuild; the link is replaced, never written through
        assert result.status == "built"
    else:
        assert result.status == "failed"
        assert result.problems[-1].rule == "output.escape" and "符号链接" in result.problems[-1].message
        assert not (out / "测试局").exists()
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"]
    assert (outside / "keep.txt").read_text() == "unchanged"


def test_cleaning_old_versions_never_follows_a_link_out(tmp_path):
    src, out, outside = write_dept(tmp_path / "a.yaml"), tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("unchanged")
    assert build_department(src, out).status == "built"
    (out / META / "work" / f"{_key_hash('测试局')}.planted").symlink_to(outside, target_is_directory=True)
    assert build_department(src, out).status == "built"
    assert (outside / "keep.txt").read_text() == "unchanged"
    assert work_entries(out) == []


# ======================================================================= faults while publishing

@pytest.fixture
def fast_tmp(tmp_path):
    """A folder on a RAM disk where there is one (fsync is free there: the kill loops run ~60 builds)."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="disclose-test-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def two_versions(fast_tmp):
    tmp_path = fast_tmp
    """A folder holding another year and a user's file, the old set of 2020 published, a new 2020 source,
    and the exact new folder (built elsewhere)."""
    out = tmp_path / "out"
    assert build_department(write_dept(tmp_path / "y2019.yaml", year=2019), out).status == "built"
    (out / "测试局" / "说明.txt").write_text("用户自己的文件")
    src = write_dept(tmp_path / "a.yaml", note="旧")
    assert build_department(src, out, data=True).status == "built"
    old = snapshot(out / "测试局")
    write_dept(src, note="新")
    ref = tmp_path / "ref"
    assert build_department(write_dept(tmp_path / "y2019.yaml", year=2019), ref).status == "built"
    (ref / "测试局" / "说明.txt").write_text("用户自己的文件")
    assert build_department(src, ref, data=True).status == "built"
    new = snapshot(ref / "测试局")
    assert old != new and set(old) == set(new)
    return out, src, old, new


RENAMES = ("_renameat2",)


class Counter:
    """Wraps the module's file-system calls: ``action(name)`` at the Nth call (counting starts with ``arm``)."""

    NAMES = ("open", "mkdir", "link", "rename", "replace", "fsync", "unlink", "symlink", "listdir")

    def __init__(self, monkeypatch, n: int, action, only: tuple[str, ...] | None = None, exchange: bool = True):
        self.n, self.calls, self.armed, self.action = n, 0, False, action
        self.hit: str | None = None
        names = only or self.NAMES
        for name in names:
            if name == "_renameat2":
                continue
            monkeypatch.setattr(output_mod.os, name, self._wrap(name, getattr(os, name)))
        real_exchange = output_mod._renameat2
        if not exchange:  # a file system without RENAME_EXCHANGE: the journal fallback
            def unsupported(*_a, **_k):
                raise OSError(errno.EINVAL, "Invalid argument")
            real_exchange = unsupported
        if only is None or "_renameat2" in only:
            monkeypatch.setattr(output_mod, "_renameat2", self._wrap("_renameat2", real_exchange))
        else:
            monkeypatch.setattr(output_mod, "_renameat2", real_exchange)
        real_render = build_mod.render_all

        def render_then_arm(*a):
            files = real_render(*a)
            self.armed = True
            return files
        monkeypatch.setattr(build_mod, "render_all", render_then_arm)

    def _wrap(self, name, real):
        def wrapped(*a, **k):
            if self.armed:
                self.calls += 1
                if self.calls >= self.n and (self.hit is None or self.sticky):
                    self.hit = name
                    self.action(name)
            return real(*a, **k)
        return wrapped

    sticky = False


def _fail(name):
    raise OSError(errno.EIO, "Input/output error")


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "journal"])
@pytest.mark.parametrize("sticky", [False, True], ids=["once", "from-then-on"])
def test_a_rename_failing_at_the_nth_call_leaves_old_or_new_and_says_which(two_versions, monkeypatch, exchange,
                                                                          sticky):
    out, src, old, new = two_versions
    folder = out / "测试局"
    n = 1
    seen = {"failed": 0, "built": 0}
    while True:
        with monkeypatch.context() as m:
            counter = Counter(m, n, _fail, only=("rename", "replace", "_renameat2"), exchange=exchange)
            counter.sticky = sticky
            result = build_department(src, out, data=True)
        state = snapshot(folder)
        messages = [p.format() for p in result.problems]
        if counter.hit is None:  # every rename done: the loop has covered them all
            assert result.status == "built" and state == new
            break
        seen[result.status] += 1
        if result.status == "failed":
            problem = result.problems[-1]
            if problem.rule == "output.partial":  # the journal fallback could not put the old folder back
                assert state is None and "上一版本在" in problem.message and "新版本在" in problem.message
                assert "再次运行 disclose build 会完成发布" in problem.message
            else:
                assert state == old, (n, messages)
                assert problem.rule == "output.write" and "已发布的文件保持不变" in problem.message, messages
                assert str(folder) in problem.message  # names the folder being switched
        else:
            assert state == new, (n, messages)  # published: any failure after the switch is only a warning
            assert all(not p.is_error for p in result.problems)
            assert not any("保持不变" in p.message for p in result.problems)
        # whatever happened, the next build publishes the new set and leaves nothing behind
        again = build_department(src, out, data=True)
        assert again.status == "built" and snapshot(folder) == new, [p.format() for p in again.problems]
        assert work_entries(out) == []
        # back to the old set for the next round
        write_dept(src, note="旧")
        assert build_department(src, out, data=True).status == "built" and snapshot(folder) == old
        write_dept(src, note="新")
        n += 1
    assert seen["failed"] >= 1 and seen["built"] >= 1 and n > 2


def _killed_at(n: int, src: str, out: str, exchange: bool) -> None:
    """Child process: publish the new set, SIGKILLed at the Nth file-system call after rendering."""
    mp = pytest.MonkeyPatch()
    mp.setattr(build_mod, "render_all", fake_render)
    Counter(mp, n, lambda name: os.kill(os.getpid(), signal.SIGKILL), exchange=exchange)
    result = build_department(Path(src), Path(out), data=True)
    os._exit(0 if result.status == "built" else 1)


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "journal"])
def test_kill_at_every_step_of_publishing_leaves_old_or_new(two_versions, exchange):
    out, src, old, new = two_versions
    folder = out / "测试局"
    pristine = out.parent / "pristine"
    shutil.copytree(out, pristine, symlinks=True)  # the old set and its bookkeeping, restored after each kill
    outcomes = set()
    for n in range(1, 400):
        child = FORK.Process(target=_killed_at, args=(n, str(src), str(out), exchange))
        child.start()
        child.join(30)
        state = snapshot(folder)
        if child.exitcode == 0:  # finished before the Nth call: every step has been killed once
            assert state == new
            break
        assert child.exitcode == -signal.SIGKILL, child.exitcode
        if exchange:
            assert state in (old, new), n  # at every instant: the whole old set or the whole new one
        else:
            assert state in (old, new, None), n  # the fallback may leave the folder absent, never mixed
        outcomes.add("old" if state == old else "new" if state == new else "absent")
        again_state = _recovered(out)
        assert again_state in (old, new), n
        if state is None:
            assert again_state == new  # the journal completes the interrupted switch
        assert work_entries(out) == []  # the leftovers of the killed build are gone
        shutil.rmtree(out)
        shutil.copytree(pristine, out, symlinks=True)
    else:
        pytest.fail("publishing never finished")
    assert {"old", "new"} <= outcomes and n > 10
    if not exchange:
        assert "absent" in outcomes


def _recovered(out: Path):
    output_mod.recover(out, "测试局")
    return snapshot(out / "测试局")


# ======================================================================= kill -9 of the batch parent

def slow_render(checked, paths, data):
    time.sleep(0.4)  # long enough for the kill to land while workers render or publish
    return fake_render(checked, paths, data)


def _batch_parent(files: list[str], out: str, pdeathsig: bool) -> None:
    build_mod.render_all = slow_render
    procs.USE_PDEATHSIG = pdeathsig
    with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
        batch.run_batch([Path(f) for f in files], Path(out), jobs=2, data=True)
    os._exit(0)


@pytest.mark.parametrize("delay, pdeathsig", [(0.2, True), (0.5, True), (0.9, True), (1.3, True),
                                              (0.5, False), (1.0, False)],
                         ids=["0.2s", "0.5s", "0.9s", "1.3s", "0.5s-watchdog", "1.0s-watchdog"])
def test_kill_9_of_the_batch_parent_leaves_no_worker_and_no_mixed_set(fast_tmp, delay, pdeathsig):
    tmp_path = fast_tmp
    names = ["甲局", "乙局", "丙局", "丁局"]
    out, ref = tmp_path / "out", tmp_path / "ref"
    files = [write_dept(tmp_path / f"{i}.yaml", name=n, note="旧") for i, n in enumerate(names)]
    for f in files:
        assert build_department(f, out, data=True).status == "built"
    old = {n: snapshot(out / n) for n in names}
    for f, n in zip(files, names):
        write_dept(f, name=n, note="新")
        assert build_department(f, ref, data=True).status == "built"
    new = {n: snapshot(ref / n) for n in names}
    parent = FORK.Process(target=_batch_parent, args=([str(f) for f in files], str(out), pdeathsig))
    parent.start()
    assert wait_until(lambda: children(parent.pid), 10), "no worker started"
    time.sleep(delay)
    workers = children(parent.pid)
    os.kill(parent.pid, signal.SIGKILL)
    parent.join(10)
    assert wait_until(lambda: not any(alive(w) for w in workers), 5), "a worker outlived its parent"
    states = {n: snapshot(out / n) for n in names}
    time.sleep(1.0)  # nothing publishes later
    assert {n: snapshot(out / n) for n in names} == states
    for n in names:
        assert states[n] in (old[n], new[n]), n


# ======================================================================= the fuzz harness's race

def test_the_long_runs_publishing_race_finds_old_or_new(fast_tmp):
    """benchmarks/fuzz_long.py publishes mutated inputs over an example and kills the publisher at a random
    step; a few rounds here keep that harness honest (and it must actually kill some publishes)."""
    import random

    import fuzzing

    kinds = []
    for seed in range(12):
        rng = random.Random(seed)
        raw = fuzzing.bases()[seed % len(fuzzing.bases())][0] + f"# 第 {seed} 版\n".encode()
        outcome = fuzzing.race(rng, raw, fast_tmp)
        assert outcome.kind in ("race-killed", "race-finished"), outcome.detail
        kinds.append(outcome.kind)
    assert kinds.count("race-killed") >= 6
