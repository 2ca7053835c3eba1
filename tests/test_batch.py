"""disclose build on many departments: worker processes, progress, summary, failures, incremental builds.

Three real builds in all (two departments, then one again after its YAML changed),
through the real command line in a subprocess; plus one in-process test with a
fake build whose worker dies.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import MINIMAL, dump
from generator import batch, fonts
from generator.build import BuildResult

needs_fonts = pytest.mark.skipif(any(p.is_error for p in fonts.environment_problems()),
                                 reason="CJK fonts not installed")


def disclose(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "240"}  # one summary row per line
    return subprocess.run([sys.executable, "-m", "generator", "build", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def outputs(out: Path, name: str) -> list[Path]:
    return sorted(p for p in (out / name).glob(f"{name}2020年部门预算公开.*") if p.suffix in (".pdf", ".docx"))


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """A folder of three departments, one of them broken, built with -j 2."""
    root = tmp_path_factory.mktemp("batch")
    src = root / "departments"
    src.mkdir()
    for stem, name in (("a", "测试甲局"), ("b", "测试乙局")):
        data = copy.deepcopy(MINIMAL)
        data["部门"] = name
        (src / f"{stem}.yaml").write_text(dump(data), encoding="utf-8")
    bad = copy.deepcopy(MINIMAL)
    bad["部门"] = "测试丙局"
    bad["收入"]["一般公共预算拨款"] = "999"
    (src / "c-broken.yaml").write_text(dump(bad), encoding="utf-8")
    proc = disclose("departments", "-o", "out", "-j", "2", cwd=root)
    return SimpleNamespace(root=root, src=src, out=root / "out", proc=proc)


@needs_fonts
def test_a_broken_department_does_not_stop_the_others(first_run):
    proc, out = first_run.proc, first_run.out
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for name in ("测试甲局", "测试乙局"):
        files = outputs(out, name)
        assert [p.suffix for p in files] == [".docx", ".pdf"], (name, files)
        assert all(p.stat().st_size > 1000 for p in files)
    assert not outputs(out, "测试丙局")
    err = proc.stderr
    assert "3/3" in err  # the progress bar, finished
    assert "生成结果" in err  # the summary table
    assert "c-broken.yaml" in err and "收支不平衡" in err  # the failure with its first error
    assert "已生成 2 个，无变化 0 个，失败 1 个。" in err


@needs_fonts
def test_unchanged_departments_are_skipped_and_a_changed_one_is_rebuilt(first_run):
    root, out = first_run.root, first_run.out
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for name in ("测试甲局", "测试乙局") for p in outputs(out, name)}
    assert len(before) == 4

    # nothing changed: nothing is rebuilt, and the summary says so (a glob this time)
    proc = disclose("departments/[ab].yaml", "-o", "out", "-j", "2", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "已生成 0 个，无变化 2 个，失败 0 个。" in proc.stderr
    assert "全部无变化" in proc.stderr and "--force" in proc.stderr
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in before} == before

    # a changed YAML: only that department is rebuilt
    a = first_run.src / "a.yaml"
    a.write_text(a.read_text(encoding="utf-8") + "# 修改：补充说明\n", encoding="utf-8")
    proc = disclose("departments/a.yaml", "departments/b.yaml", "-o", "out", "-j", "2", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "已生成 1 个，无变化 1 个，失败 0 个。" in proc.stderr
    for p, (mtime, _) in before.items():
        rebuilt = p.stat().st_mtime_ns != mtime
        assert rebuilt == ("测试甲局" in p.name), p


# --- a worker that dies ------------------------------------------------------------

def _fake_one(path: str, out_dir: str, kw: dict) -> BuildResult:
    if "crash" in Path(path).name:
        os._exit(3)  # as if the kernel killed the worker (out of memory)
    return BuildResult(Path(path), "built", outputs=[Path(out_dir) / Path(path).stem / "x.pdf"])


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the fake build reaches workers by fork")
def test_a_dying_worker_fails_only_its_own_department(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(batch, "_one", _fake_one)
    files = [tmp_path / f"{n}.yaml" for n in ("a", "b", "crash", "c", "d")]
    code = batch._parallel(files, tmp_path / "out", 2, {})
    err = capsys.readouterr().err
    assert code == 1
    assert "已生成 4 个，无变化 0 个，失败 1 个。" in err
    assert "crash.yaml" in err and "生成进程意外退出" in err


def test_two_files_for_the_same_department_and_year_are_reported(tmp_path):
    from generator.batch import _collisions
    from generator.build import BuildResult

    out = tmp_path / "out" / "x.pdf"
    a = BuildResult(tmp_path / "a.yaml", "built", outputs=[out])
    b = BuildResult(tmp_path / "b.yaml", "unchanged", outputs=[out])
    c = BuildResult(tmp_path / "c.yaml", "built", outputs=[tmp_path / "out" / "y.pdf"])
    _collisions([a, b, c])
    assert a.status == b.status == "failed" and c.status == "built"
    assert "b.yaml" in a.problems[0].message and a.problems[0].rule == "output.collision"


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
