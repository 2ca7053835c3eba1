"""disclose build on many departments: worker processes, the report, failures, time limits, incremental builds.

Real builds go through the real command line in a subprocess (a pipe: the plain
report), three in all; the rest run ``run_batch`` in-process with a fake or a
PDF-less build, which the forked workers inherit.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import fuzzing
from conftest import KEZHOU, MINIMAL, dump
from generator import batch, fonts, procs
from generator.build import BuildResult

needs_fonts = pytest.mark.skipif(any(p.is_error for p in fonts.environment_problems()),
                                 reason="CJK fonts not installed")
fork_only = pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                               reason="the fake build reaches workers by fork")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38)(?:;[0-9;]*)?m")
BOX = re.compile(r"[│┃┏┓┗┛┌┐└┘─━╭╮╰╯]")


def disclose(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, **(env or {})}, timeout=300)


def outputs(out: Path, name: str) -> list[Path]:
    return sorted(p for p in (out / name).glob(f"{name}2020年部门预算公开.*") if p.suffix in (".pdf", ".docx"))


def department(name: str, **changes) -> dict:
    data = copy.deepcopy(MINIMAL)
    data["部门"] = name
    for path, value in changes.items():
        target = data
        keys = path.split(".")
        for k in keys[:-1]:
            target = target[k]
        target[keys[-1]] = value
    return data


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """A folder of three departments, one of them with two errors and a warning, built with -j 2
    into a folder with a long path (nothing may be cut at 80 columns)."""
    root = tmp_path_factory.mktemp("batch")
    src = root / ("很长的文件夹名称" * 6) / "departments"
    src.mkdir(parents=True)
    for stem, name in (("a", "测试甲局"), ("b", "测试乙局")):
        (src / f"{stem}.yaml").write_text(dump(department(name)), encoding="utf-8")
    bad = department("测试丙局")
    bad["收入"]["一般公共预算拨款"] = "999"  # income ≠ spending
    bad["概况"]["人员"]["在职"]["人数"] = 12  # more staff than posts (a warning)
    bad["项目"][0]["资金分配"][0]["金额"] = 40  # allocation ≠ project amount
    (src / "c-broken.yaml").write_text(dump(bad), encoding="utf-8")
    log = root / "报告.txt"
    proc = disclose(str(src), "-o", "out", "-j", "2", "--log", str(log), cwd=root)
    return SimpleNamespace(root=root, src=src, out=root / "out", proc=proc, log=log)


@needs_fonts
def test_a_broken_department_does_not_stop_the_others(first_run):
    proc, out = first_run.proc, first_run.out
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for name in ("测试甲局", "测试乙局"):
        files = outputs(out, name)
        assert [p.suffix for p in files] == [".docx", ".pdf"], (name, files)
        assert all(p.stat().st_size > 1000 for p in files)
    assert not (out / "测试丙局").exists()
    assert "生成结果：已生成 2 个，无变化 0 个，失败 1 个。" in proc.stderr


@needs_fonts
def test_the_report_lists_every_problem_at_file_line_col_in_plain_text(first_run):
    err = first_run.proc.stderr
    broken = first_run.src / "c-broken.yaml"
    lines = [line for line in err.splitlines() if line.startswith(f"{broken}:")]
    rules = [re.match(rf"^{re.escape(str(broken))}:\d+:\d+: (错误|警告)\[([\w.-]+)\] ", line) for line in lines]
    assert all(rules), lines  # every line: full path:line:col, never “第 N 行”
    found = {(m.group(1), m.group(2)) for m in rules}
    assert ("错误", "balance.income-spending") in found
    assert ("错误", "project.allocation") in found or any(r == "错误" and "project" in rule for r, rule in found), found
    assert any(level == "警告" for level, _ in found), found  # warnings too
    assert f"未生成：{broken} 有 " in err and "已发布的文件保持不变" in err
    assert re.search(r"^\[3/3\] ", err, re.M)  # progress as plain lines
    assert not ANSI.search(err) and not BOX.search(err)  # not a terminal: no colours, no boxes
    assert "…" not in err  # nothing cut


@needs_fonts
def test_the_log_file_holds_the_whole_report(first_run):
    log = first_run.log.read_text(encoding="utf-8")
    assert log.startswith("disclose 生成报告\n")
    assert f"工作目录：{first_run.root}" in log
    report = [line for line in first_run.proc.stderr.splitlines() if line.strip()]
    for line in report:
        assert line in log, line
    assert not ANSI.search(log)


@needs_fonts
def test_unchanged_departments_are_skipped_and_a_changed_one_is_rebuilt(first_run):
    root, out, src = first_run.root, first_run.out, first_run.src
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for name in ("测试甲局", "测试乙局") for p in outputs(out, name)}
    assert len(before) == 4

    # nothing changed: nothing is rebuilt, and the summary says so (a glob this time)
    proc = disclose(f"{src}/[ab].yaml", "-o", "out", "-j", "2", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "已生成 0 个，无变化 2 个，失败 0 个。" in proc.stderr
    assert "全部无变化" in proc.stderr and "--force" in proc.stderr
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in before} == before

    # a changed YAML: only that department is rebuilt
    a = src / "a.yaml"
    a.write_text(a.read_text(encoding="utf-8") + "# 修改：补充说明\n", encoding="utf-8")
    proc = disclose(str(a), str(src / "b.yaml"), "-o", "out", "-j", "2", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "已生成 1 个，无变化 1 个，失败 0 个。" in proc.stderr
    for p, (mtime, _) in before.items():
        rebuilt = p.stat().st_mtime_ns != mtime
        assert rebuilt == ("测试甲局" in p.name), p


# --- a terminal: progress bar, colours, NO_COLOR ------------------------------------------------

def _on_a_terminal(args: list[str], cwd: Path, env: dict) -> str:
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=cwd, stdin=slave, stdout=slave,
                            stderr=slave, env={**os.environ, "COLUMNS": "100", "TERM": "xterm", **env})
    os.close(slave)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                data = os.read(master, 65536)
            except OSError:  # the terminal closed: the command ended
                break
            if not data:
                break
            chunks.append(data)
    finally:
        proc.wait(timeout=60)
        os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def refused_pair(tmp_path_factory):
    """Two files of the same department (refused before anything renders: fast)."""
    root = tmp_path_factory.mktemp("pair")
    for stem in ("x", "y"):
        (root / f"{stem}.yaml").write_text(dump(department("同一局")), encoding="utf-8")
    return root


@pytest.mark.parametrize("env, coloured", [({}, True), ({"NO_COLOR": "1"}, False)])
def test_on_a_terminal_a_progress_bar_and_colours_unless_no_color(refused_pair, env, coloured):
    text = _on_a_terminal(["build", "x.yaml", "y.yaml", "-o", "out", "-j", "2"], refused_pair, env)
    assert "2/2" in text and "完成" in text  # the progress bar
    assert "x.yaml:" in text and "output.duplicate" in text
    assert bool(COLOUR.search(text)) == coloured, text[:2000]


def test_check_honours_no_color_on_a_terminal(refused_pair):
    text = _on_a_terminal(["check", "x.yaml", "y.yaml"], refused_pair, {"NO_COLOR": "1"})
    assert "output.duplicate" in text and not COLOUR.search(text)
    assert COLOUR.search(_on_a_terminal(["check", "x.yaml", "y.yaml"], refused_pair, {}))


# --- two files for one department -----------------------------------------------------------

COLLISIONS = [
    # (department names of the files, years, the rule each file gets)
    (["同一局", "同一局"], [2020, 2020], "output.duplicate"),
    (["a/b局", "a／b局"], [2020, 2020], "output.collision"),  # “/” becomes “／”
    (["ABC局", "abc局"], [2020, 2021], "output.collision"),  # one folder on Windows and macOS
    (["x\ty局", "x\ty局"], [2020, 2020], "output.duplicate"),
]


@fork_only
@pytest.mark.parametrize("names, years, rule", COLLISIONS)
def test_two_files_for_one_folder_are_both_refused_before_building(tmp_path, capsys, names, years, rule):
    files = []
    for i, (name, year) in enumerate(zip(names, years)):
        data = department(name, 年度=year)
        f = tmp_path / f"{i}.yaml"
        f.write_text(dump(data), encoding="utf-8")
        files.append(f)
    with fuzzing.without_pdf(True):
        code = batch.run_batch(files, tmp_path / "out", jobs=2)
    err = capsys.readouterr().err
    assert code == 1
    assert not (tmp_path / "out").exists()  # nothing published, not even bookkeeping
    for f, other in ((files[0], files[1]), (files[1], files[0])):
        line = next(line for line in err.splitlines() if line.startswith(f"{f}:") and f"[{rule}]" in line)
        assert f"“{other}”" in line, line  # names the other file
        assert re.match(rf"^{re.escape(str(f))}:1:1: 错误\[{rule}\] ", line), line  # at the 部门 line
    assert "生成结果：已生成 0 个，无变化 0 个，失败 2 个。" in err


def test_check_refuses_what_build_refuses_for_two_files(tmp_path):
    from click.testing import CliRunner

    from generator.cli import main

    for stem in ("x", "y"):
        (tmp_path / f"{stem}.yaml").write_text(dump(department("同一局")), encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(tmp_path / "x.yaml"), str(tmp_path / "y.yaml")])
    assert r.exit_code == 1
    assert r.output.count("[output.duplicate]") == 2


@fork_only
def test_a_different_department_in_an_existing_folder_is_refused(tmp_path, capsys):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(dump(department("ABC局")), encoding="utf-8")
    b.write_text(dump(department("abc局")), encoding="utf-8")
    with fuzzing.without_pdf(True):
        assert batch.run_batch([a], tmp_path / "out") == 0
        assert batch.run_batch([b], tmp_path / "out") == 1  # a separate run: the folder's owner says no
    err = capsys.readouterr().err
    assert "输出文件夹“" in err and "中已有部门“ABC局”的公开文本" in err and "[output.collision]" in err
    assert not (tmp_path / "out" / "abc局").exists()


# --- workers that die, hang or run too long --------------------------------------------------

def _fake_one(path: str, out_dir: str, kw: dict, job=None) -> BuildResult:
    name = Path(path).name
    if "crash" in name:
        os._exit(3)  # as if the kernel killed the worker (out of memory)
    if "slow" in name:
        time.sleep(30)  # interrupted by the worker's own timer
    if "stuck" in name:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # as if stuck in C code
        time.sleep(30)
    return BuildResult(Path(path), "built", outputs=[Path(out_dir) / Path(path).stem / "x.pdf"])


@fork_only
def test_a_dying_worker_fails_only_its_own_department(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(batch, "_one", _fake_one)
    files = [tmp_path / f"{n}.yaml" for n in ("a", "b", "crash", "c", "d")]
    code = batch.run_batch(files, tmp_path / "out", jobs=2)
    err = capsys.readouterr().err
    assert code == 1
    assert "已生成 4 个，无变化 0 个，失败 1 个。" in err
    assert f"{tmp_path / 'crash.yaml'}: 错误[internal.worker] 生成进程意外退出" in err


@fork_only
@pytest.mark.parametrize("stem", ["slow", "stuck"])
def test_a_department_over_the_time_limit_stops_with_a_chinese_message(monkeypatch, tmp_path, capsys, stem):
    monkeypatch.setattr(batch, "_one", _fake_one)
    monkeypatch.setattr(procs, "GRACE", 0.5)
    files = [tmp_path / "a.yaml", tmp_path / f"{stem}.yaml"]
    start = time.monotonic()
    code = batch.run_batch(files, tmp_path / "out", jobs=2, time_limit=0.5)
    assert time.monotonic() - start < 10
    err = capsys.readouterr().err
    assert code == 1
    assert (f"{tmp_path / (stem + '.yaml')}: 错误[build.time-limit] 生成时间超过限制（0.5 秒），已停止：该部门未生成，"
            "已发布的文件保持不变") in err
    assert "已生成 1 个，无变化 0 个，失败 1 个。" in err
    assert not procs_of(os.getpid())  # no worker left behind

def test_a_new_program_version_rebuilds_what_the_old_one_built(tmp_path, monkeypatch):
    """The fingerprint covers the program (code, built-in catalogs, shared format base, libraries):
    after an upgrade an unchanged department is built again, not skipped."""
    import generator.digest as digest
    from generator.build import build_department
    from conftest import KEZHOU

    monkeypatch.setattr("generator.build.render_all", lambda checked, paths, data: {paths["pdf"]: b"%PDF-1", paths["docx"]: b"PK"})
    first = build_department(KEZHOU, tmp_path, force=False)
    assert first.status == "built", [p.format() for p in first.problems]
    assert build_department(KEZHOU, tmp_path, force=False).status == "unchanged"
    monkeypatch.setattr(digest, "program_digest", lambda: "another program")
    assert build_department(KEZHOU, tmp_path, force=False).status == "built"


def test_the_program_digest_covers_code_catalogs_and_the_shared_format_base():
    from pathlib import Path

    import generator
    from generator.digest import _files
    from generator.formats import builtin_templates_dir

    package = Path(generator.__file__).resolve().parent
    covered = {p.relative_to(package).as_posix() for p in _files(package, ("**/*.py", "catalogs/data/*", "fonts/*.conf", "*.yaml"))}
    assert {"build.py", "figures/trees.py", "catalogs/data/function-2024.yaml", "fonts/fonts.conf"} <= covered
    base = {p.name for p in _files(builtin_templates_dir() / "_base", ("*",))}
    assert {"base.css", "typography.yaml", "phrases.yaml", "template.docx", "document.html.j2"} <= base


def procs_of(pid: int) -> list[int]:
    from test_robustness import children

    return children(pid)


def test_a_huge_text_field_ends_within_the_time_limit(tmp_path):
    """Issue 10: a 4.8 MB file with one long text field ran for more than 10 minutes."""
    text = KEZHOU.read_text(encoding="utf-8")
    big = "很长的说明文字。" * 200_000  # 4.8 MB of UTF-8
    src = tmp_path / "big.yaml"
    src.write_text(text.replace("其他需说明的事项: 无其他说明事项。", f"其他需说明的事项: {big}", 1), encoding="utf-8")
    assert 4_500_000 < src.stat().st_size < 5_000_000
    start = time.monotonic()
    proc = disclose(str(src), "-o", "out", "--time-limit", "3", cwd=tmp_path)
    assert time.monotonic() - start < 60
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    # refused when read (a length bound) or stopped at the time limit; either way with a Chinese message
    assert re.search(rf"^{re.escape(str(src))}(:\d+:\d+)?: 错误\[[\w.-]+\] .*[\u4e00-\u9fff]", proc.stderr, re.M)
    assert f"未生成：{src}" in proc.stderr
    assert not (tmp_path / "out" / "克州机要保密局").exists()


# --- the command line: --templates, --time-limit, --log ------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["build", str(KEZHOU), "--templates", "/nonexistent"], "用法错误：找不到格式文件夹“/nonexistent”（--templates）"),
    (["check", str(KEZHOU), "--templates", "/nonexistent"], "用法错误：找不到格式文件夹“/nonexistent”（--templates）"),
    (["formats", "--templates", "/nonexistent"], "用法错误：找不到格式文件夹“/nonexistent”（--templates）"),
    (["check", str(KEZHOU), "--templates", str(KEZHOU)], f"用法错误：“{KEZHOU}”不是文件夹（--templates 应为格式文件夹）"),
    (["build", str(KEZHOU), "--log", "/nonexistent/x/报告.txt"], "用法错误：无法写入报告文件“/nonexistent/x/报告.txt”"),
    (["build", str(KEZHOU), "--time-limit", "0"], "用法错误：--time-limit 应为大于 0 的秒数，实际是“0”"),
    (["build", str(KEZHOU), "--time-limit", "十秒"], "用法错误：--time-limit 应为大于 0 的秒数，实际是“十秒”"),
    (["build", str(KEZHOU), "--time-limit", "nan"], "用法错误：--time-limit 应为大于 0 的秒数，实际是“nan”"),
])
def test_usage_errors_are_chinese_with_exit_2(args, message):
    from click.testing import CliRunner

    from generator.cli import main

    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2, r.output
    assert r.output.startswith(message), r.output
    assert "Traceback" not in r.output


# --- check gives the verdict build gives ------------------------------------------------------

VERDICTS = [
    # (what is changed in a clean department, check's and build's exit status)
    ("nothing", {}, 0),
    ("an emoji in the department name", {"部门": "测试局😀"}, 1),
    ("an emoji in a project name", {"项目.0.名称": "测试项目😀"}, 1),
    ("a character no font has", {"概况.主要职能": "负责𠀀工作。"}, 1),
    ("a right-to-left override", {"概况.主要职能": "负责\u202e工作。"}, 1),
    ("income ≠ spending", {"收入.一般公共预算拨款": 999}, 1),
]


@fork_only
@pytest.mark.parametrize("what, changes, status", VERDICTS, ids=[v[0] for v in VERDICTS])
def test_check_and_build_give_the_same_verdict(tmp_path, capsys, what, changes, status):
    from click.testing import CliRunner

    from generator.cli import main

    data = department("测试局")
    for path, value in changes.items():
        target = data
        keys = [int(k) if k.isdigit() else k for k in path.split(".")]
        for k in keys[:-1]:
            target = target[k]
        target[keys[-1]] = value
    src = tmp_path / "d.yaml"
    src.write_text(dump(data), encoding="utf-8")
    checked = CliRunner().invoke(main, ["check", str(src)])
    with fuzzing.without_pdf(True):
        built = batch.run_batch([src], tmp_path / "out")
    err = capsys.readouterr().err
    assert checked.exit_code == built == status, (checked.output, err)
    check_errors = sorted(line for line in checked.output.splitlines() if ": 错误[" in line)
    build_errors = sorted(line for line in err.splitlines() if ": 错误[" in line)
    assert check_errors == build_errors  # the same errors, word for word


@fork_only
def test_no_worker_process_can_start(monkeypatch, tmp_path, capsys):
    def refuse(self):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(procs.Pool, "_spawn", refuse)
    code = batch.run_batch([tmp_path / "a.yaml", tmp_path / "b.yaml"], tmp_path / "out", jobs=2)
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "错误：无法启动生成进程（Resource temporarily unavailable）：其余部门未生成，已发布的文件保持不变" in err
    assert "失败 2 个" in err
