"""Bad input and faults never give a wrong, partial or unsafe document.

- YAML: Python tags, alias bombs and duplicate keys are refused end to end (CLI).
- Text: markup and template syntax print literally in DOCX and PDF; a character no
  font has stops the build naming the character and the field's file:line; a very
  long unbroken string stays on the page.
- Output: a build killed mid-way leaves the previous files byte-identical; temp
  files are hidden and cleaned up by the next build; unsafe department names and
  symlinks never write outside the output folder; two builds at once both succeed;
  a read-only folder or a full disk gives a Chinese error and touches nothing.

Full PDF builds are shared (module-scoped); the rest swap the PDF renderer out
(``fuzzing.without_pdf``) because they are about checks and writing, not layout.
"""

from __future__ import annotations

import errno
import io
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

import fuzzing
from conftest import KEZHOU, ROOT
from generator import fonts
from generator.build import build_department
from generator.output import confined, safe_name, write_atomic

HAS_FONTS = not any(p.is_error for p in fonts.environment_problems())
needs_fonts = pytest.mark.skipif(not HAS_FONTS, reason="CJK fonts not installed")
needs_pdf = pytest.mark.skipif(not (HAS_FONTS and shutil.which("pdftotext")), reason="CJK fonts or poppler-utils missing")

SPECIAL = "职能 & < > \" ' {{ x }} {% if %} {% if true %}执行了{% endif %} 𠮷"
LONG = "A" * 500  # no space, no CJK: nothing to break at
OTHER = "{{ 7*7 }} <b>粗</b> &amp; 'q' {# 注释 #}"
PROJECT = "密码业务经费<&>{{ p }}"
UNSAFE_NAME = "克州/机要\\保密..局:*?"


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def kezhou_text(name: str | None = None, functions: str | None = None, other: str | None = None,
                project: str | None = None) -> str:
    """The 克州 example with some texts replaced (YAML single-quoted: only ' needs doubling)."""
    text = KEZHOU.read_text(encoding="utf-8")
    q = lambda s: "'" + s.replace("'", "''") + "'"  # noqa: E731
    if name is not None:
        text = text.replace("部门: 克州机要保密局", f"部门: {q(name)}", 1)
    if functions is not None:
        text = re.sub(r"  主要职能: >-\n    .*\n", lambda m: f"  主要职能: {q(functions)}\n", text, count=1)
    if other is not None:
        text = text.replace("其他需说明的事项: 无其他说明事项。", f"其他需说明的事项: {q(other)}", 1)
    if project is not None:
        text = text.replace("  - 名称: 密码业务经费", f"  - 名称: {q(project)}", 1)
        text = text.replace("- {名称: 密码业务经费, 金额: 13.50}", f"- {{名称: {q(project)}, 金额: 13.50}}", 1)
    return text


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def outputs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def visible(folder: Path) -> list[Path]:
    """What a reader of the output sees: everything but the bookkeeping folder (.disclose)."""
    return [p for p in outputs(folder) if not any(part.startswith(".") for part in p.relative_to(folder).parts)]


def lite_build(source: Path, out: Path, **kw):
    with fuzzing.without_pdf(True):
        return build_department(source, out, **kw)


def run_cli(*args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


# ======================================================================= YAML, end to end

def test_python_tag_is_refused_by_the_cli_and_never_executed(tmp_path):
    marker = tmp_path / f"pwned-{uuid.uuid4().hex}"
    text = KEZHOU.read_text(encoding="utf-8").replace(
        "其他需说明的事项: 无其他说明事项。",
        f"其他需说明的事项: !!python/object/apply:os.system ['touch {marker}']", 1)
    src = tmp_path / "dept.yaml"
    src.write_text(text, encoding="utf-8")
    proc = run_cli("build", src, "-o", tmp_path / "out")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert re.search(rf"{re.escape(str(src))}:{line_of(text, '其他需说明的事项')}:\d+: 错误\[yaml.tag\] 不允许的 YAML 标签", proc.stderr)
    assert not marker.exists()
    assert not outputs(tmp_path / "out") if (tmp_path / "out").exists() else True


def test_alias_bomb_is_refused_quickly_by_the_cli(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghijkl":  # 9**12 strings if expanded
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    src = tmp_path / "bomb.yaml"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = time.perf_counter()
    proc = run_cli("check", src, timeout=30)
    assert time.perf_counter() - start < 15  # interpreter start-up included; the refusal itself is instant
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"{src}:2:" in proc.stderr and "不支持锚点与别名" in proc.stderr


def test_duplicate_key_stops_the_build_with_both_lines(tmp_path):
    text = KEZHOU.read_text(encoding="utf-8").replace("年度: 2020\n", "年度: 2020\n年度: 2021\n", 1)
    src = tmp_path / "dup.yaml"
    src.write_text(text, encoding="utf-8")
    proc = run_cli("build", src, "-o", tmp_path / "out")
    first = line_of(text, "年度: 2020")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"{src}:{first + 1}:1: 错误[yaml.duplicate-key] 键“年度”重复：第 {first} 行已经写过" in proc.stderr
    assert not (tmp_path / "out").exists() or not outputs(tmp_path / "out")


# ======================================================================= text: printed, never executed

@pytest.fixture(scope="module")
def special(tmp_path_factory):
    """One full build (PDF and DOCX) of a department whose texts are markup, template syntax and a 500-letter word."""
    base = tmp_path_factory.mktemp("special")
    src = base / "special.yaml"
    src.write_text(kezhou_text(name=UNSAFE_NAME, functions=f"{SPECIAL} {LONG}", other=OTHER, project=PROJECT),
                   encoding="utf-8")
    out = base / "out"
    result = build_department(src, out)
    pdf = next((p for p in result.outputs if p.suffix == ".pdf"), None)
    docx_path = next((p for p in result.outputs if p.suffix == ".docx"), None)
    pdf_text = ""
    if pdf is not None and shutil.which("pdftotext"):
        pdf_text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                                  check=True).stdout
    return SimpleNamespace(src=src, out=out, result=result, pdf=pdf, docx=docx_path, pdf_text=pdf_text)


@needs_fonts
def test_special_department_builds(special):
    assert special.result.status == "built", [p.format() for p in special.result.problems]
    assert special.pdf is not None and special.docx is not None


def _docx_texts(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


@needs_fonts
def test_docx_is_valid_and_shows_markup_and_template_syntax_literally(special):
    with zipfile.ZipFile(special.docx) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(z.read(name))  # well-formed XML
        body = z.read("word/document.xml").decode("utf-8")
    assert "&lt; &gt;" in body and "&amp;" in body and "<b>" not in body
    text = squash(_docx_texts(special.docx))
    for literal in (SPECIAL, LONG, OTHER, PROJECT, UNSAFE_NAME):
        assert squash(literal) in text, literal
    assert "{{7*7}}" in text and "{#注释#}" in text  # never evaluated


@needs_pdf
def test_pdf_shows_markup_and_template_syntax_literally(special):
    text = squash(special.pdf_text)
    for literal in (SPECIAL, LONG, OTHER, PROJECT, UNSAFE_NAME):
        assert squash(literal) in text, literal
    assert "执行了{%endif%}" in text  # the {% if %} block is text, not a condition


@needs_pdf
def test_long_unbroken_string_stays_on_the_page(special):
    assert fuzzing.chars_off_page(special.pdf) == ""
    import pdfplumber

    with pdfplumber.open(str(special.pdf)) as pdf:  # the 500 letters wrap inside the text block
        a_lines = [c for page in pdf.pages for c in page.chars if c["text"] == "A"]
        widths = {round(p.width) for p in pdf.pages}
    assert len(a_lines) >= 500
    assert max(c["x1"] for c in a_lines) < min(widths) - 40  # inside the right margin


@needs_fonts
def test_unsafe_department_name_gives_a_safe_folder_and_file_names(special):
    out = special.out.resolve()
    for path in special.result.outputs:
        rel = path.resolve().relative_to(out)  # inside the output folder
        assert len(rel.parts) == 2
        for part in rel.parts:
            assert not set(part) & set('/\\:*?"<>|') and part not in (".", "..") and not part.startswith(".")
    assert rel.parts[0] == "克州／机要＼保密..局：＊？"  # readable: the full-width forms of the forbidden characters
    assert {p.name for p in visible(special.out)} == {p.name for p in special.result.outputs}


@needs_fonts
@pytest.mark.parametrize("char", ["😀", "𠀀", "\u202e"])
def test_a_character_no_font_has_stops_the_build_naming_it_and_the_field(tmp_path, char):
    text = kezhou_text(project=f"密码业务经费{char}")
    src = tmp_path / "glyph.yaml"
    src.write_text(text, encoding="utf-8")
    result = lite_build(src, tmp_path / "out")
    assert result.status == "failed"
    glyph = [p for p in result.problems if p.rule == "text.glyph"]
    assert glyph, [p.format() for p in result.problems]
    assert all(f"“{char}”（U+{ord(char):04X}" in p.message for p in glyph)
    lines = {p.location.line for p in glyph}
    assert line_of(text, f"  - 名称: '密码业务经费{char}'") in lines  # the field's own line
    assert {p.field for p in glyph} >= {"项目[1].名称"}
    assert re.match(rf"^{re.escape(str(src))}:\d+:\d+: 错误\[text.glyph\] 字符“{re.escape(char)}”", glyph[0].format())
    assert not (tmp_path / "out").exists() or not outputs(tmp_path / "out")


@pytest.mark.parametrize("escape, code", [("\\x1f", "U+001F"), ("\\x00", "U+0000"), ("\\ud800", "U+D800"), ("\\x1b[2J", "U+001B")])
def test_control_characters_from_escapes_are_refused(tmp_path, escape, code):
    """\\x1f is the document builder's own marker: text must never smuggle one in."""
    text = KEZHOU.read_text(encoding="utf-8").replace("其他需说明的事项: 无其他说明事项。", f'其他需说明的事项: "# 标题{escape}"', 1)
    src = tmp_path / "ctl.yaml"
    src.write_text(text, encoding="utf-8")
    result = lite_build(src, tmp_path / "out")
    assert result.status == "failed"
    assert result.problems[0].rule == "yaml.unprintable" and code in result.problems[0].message
    assert result.problems[0].location.line == line_of(text, "其他需说明的事项")


def test_empty_department_name_is_an_error(tmp_path):
    src = tmp_path / "noname.yaml"
    src.write_text(kezhou_text(name="   "), encoding="utf-8")
    result = lite_build(src, tmp_path / "out")
    assert result.status == "failed" and any(p.rule == "text.required" and "部门" in p.message for p in result.problems)


# ======================================================================= output: names and confinement

WINDOWS_FORBIDDEN = set('/\\:*?"<>|') | {chr(c) for c in range(32)}


@pytest.mark.parametrize("name", ["a/b", "a\\b", "..", "../../etc", "名:称*?", "/abs", ".hidden", "...", "一/../二",
                                  "局" * 300, "A" * 300, "  ", "CON", "x\ty", "x\ny", "名称.", "名称 .", "com1.局"])
def test_safe_name_never_separates_or_climbs(name):
    s = safe_name(name)
    assert s and s not in (".", "..") and not s.startswith(".") and not s.endswith((".", " "))
    assert not set(s) & WINDOWS_FORBIDDEN
    assert s.split(".")[0].upper() not in ("CON", "PRN", "AUX", "NUL", "COM1", "LPT1")
    assert len((".%s2020年部门预算公开.docx" % s).encode()) <= 255
    assert safe_name(s) == s  # idempotent


@pytest.mark.parametrize("name", ["a/b", "..", "../../逃逸", "名:称*?", "局" * 300])
def test_built_files_stay_in_the_output_folder(tmp_path, name):
    src = tmp_path / "src" / "d.yaml"
    src.parent.mkdir()
    src.write_text(kezhou_text(name=name), encoding="utf-8")
    out = tmp_path / "out"
    result = lite_build(src, out)
    assert result.status == "built", [p.format() for p in result.problems]
    for p in result.outputs:
        assert out.resolve() in p.resolve().parents
    assert {p.name for p in visible(tmp_path) if p.parent != src.parent} == {p.name for p in result.outputs}
    assert [p.name for p in out.iterdir()] and all(p.is_dir() for p in out.iterdir())  # folders only


def test_confined_refuses_paths_outside(tmp_path):
    from generator.errors import OutputError

    with pytest.raises(OutputError) as err:
        confined(tmp_path, "..", "x")
    assert "超出了输出文件夹" in err.value.problems[0].message


def _department_and_outside(tmp_path):
    """The 2020 example as d.yaml, an output folder path and a folder outside it holding keep.txt."""
    src = tmp_path / "d.yaml"
    src.write_text(KEZHOU.read_text(encoding="utf-8"), encoding="utf-8")
    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("unchanged")
    return src, out, outside


def test_a_symlinked_department_folder_is_refused_and_never_followed(tmp_path):
    src, out, outside = _department_and_outside(tmp_path)
    out.mkdir()
    (out / "克州机要保密局").symlink_to(outside, target_is_directory=True)
    result = lite_build(src, out)
    assert result.status == "failed"
    assert result.problems[-1].rule == "output.escape"
    assert f"输出路径“{out.resolve() / '克州机要保密局'}”是指向“{outside}”的符号链接" in result.problems[-1].message
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"]
    assert (outside / "keep.txt").read_text() == "unchanged"
    assert (out / "克州机要保密局").is_symlink()  # left as the user made it


def test_a_symlink_in_place_of_a_published_file_is_replaced_never_written_through(tmp_path):
    src, out, outside = _department_and_outside(tmp_path)
    folder = out / "克州机要保密局"
    folder.mkdir(parents=True)
    docx_path = folder / "克州机要保密局2020年部门预算公开.docx"
    docx_path.symlink_to(outside / "keep.txt")
    result = lite_build(src, out)
    assert result.status == "built", [p.format() for p in result.problems]
    assert not docx_path.is_symlink() and docx_path.read_bytes()[:2] == b"PK"
    assert (outside / "keep.txt").read_text() == "unchanged"


# ======================================================================= output: kills, concurrency

@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A department built once through the CLI (the 'previously published' files)."""
    base = tmp_path_factory.mktemp("published")
    src = base / "dept.yaml"
    src.write_text(KEZHOU.read_text(encoding="utf-8"), encoding="utf-8")
    out = base / "out"
    proc = run_cli("build", src, "-o", out, "--force")
    files = {p.name: p.read_bytes() for p in visible(out)} if proc.returncode == 0 else {}
    return SimpleNamespace(src=src, out=out, proc=proc, files=files, folder=out / "克州机要保密局")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in visible(folder)}


def children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(predicate, timeout: float = 10.0, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@needs_fonts
def test_sigkill_of_the_build_while_rendering_leaves_the_previous_files_and_no_worker(published):
    assert published.proc.returncode == 0, published.proc.stderr
    assert {Path(n).suffix for n in published.files} == {".pdf", ".docx"}
    changed = published.src.parent / "changed" / "dept.yaml"
    changed.parent.mkdir(exist_ok=True)
    changed.write_text(kezhou_text(other="这一版本不应出现在已发布的文件中。"), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", str(changed), "-o", str(published.out),
                             "--force"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: children(proc.pid), 60), "no worker started"
        workers = children(proc.pid)
        time.sleep(1.0)  # the worker is laying out the PDF
        assert proc.poll() is None, "the build ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert wait_until(lambda: not any(alive(w) for w in workers), 5), "a worker outlived its parent"
    time.sleep(1.0)  # nothing publishes later either
    assert _snapshot(published.folder) == published.files  # byte-identical, nothing added


def _killed_at_the_switch(src: str, out: str) -> None:
    """Child process: build (no PDF) and die by SIGKILL at the switch to the new files."""
    import generator.output as output_mod

    def die(*_a, **_k):
        os.kill(os.getpid(), signal.SIGKILL)

    output_mod._renameat2 = die
    output_mod.os.rename = die  # the fallback switch too (this child's own module)
    lite_build(Path(src), Path(out))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_sigkill_at_the_switch_leaves_previous_files_and_the_next_build_cleans_up(tmp_path):
    src = tmp_path / "d.yaml"
    src.write_text(KEZHOU.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    first = lite_build(src, out)
    assert first.status == "built"
    folder = first.outputs[0].parent
    before = _snapshot(folder)
    src.write_text(kezhou_text(other="新版本"), encoding="utf-8")
    child = multiprocessing.get_context("fork").Process(target=_killed_at_the_switch, args=(str(src), str(out)))
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGKILL
    assert _snapshot(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == sorted(before)  # nothing half-written beside them
    stale = list((out / ".disclose" / "work").iterdir())
    assert stale  # the assembled new version, outside the published folder
    again = lite_build(src, out)
    assert again.status == "built"
    assert not list((out / ".disclose" / "work").iterdir())  # cleaned up by the next build
    assert _snapshot(folder) != before


@needs_fonts
def test_two_builds_at_once_both_succeed_with_valid_files(published):
    assert published.proc.returncode == 0, published.proc.stderr
    out = published.src.parent / "concurrent"
    cmd = [sys.executable, "-m", "generator", "build", str(published.src), "-o", str(out), "--force"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    final = _snapshot(out / "克州机要保密局")
    assert final == published.files  # the same YAML gives byte-identical files: nothing interleaved
    assert not list((out / ".disclose" / "work").iterdir())
    import docx
    import pypdf

    docx.Document(io.BytesIO(next(v for k, v in final.items() if k.endswith(".docx"))))
    assert len(pypdf.PdfReader(io.BytesIO(next(v for k, v in final.items() if k.endswith(".pdf")))).pages) > 5


# ======================================================================= output: read-only folder, full disk

@pytest.fixture
def previous(tmp_path):
    """A department with previously built files (no PDF) and a changed source."""
    src = tmp_path / "d.yaml"
    src.write_text(KEZHOU.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    first = lite_build(src, out)
    assert first.status == "built"
    folder = first.outputs[0].parent
    src.write_text(kezhou_text(other="新版本"), encoding="utf-8")
    return SimpleNamespace(src=src, out=out, folder=folder, before=_snapshot(folder), docx=first.outputs[0])


def _fail_with(code: int):
    def fail(*_a, **_k):
        raise OSError(code, os.strerror(code))
    return fail


@pytest.mark.parametrize("target, code, words", [
    ("mkdir", errno.EROFS, "没有写入权限：无法在“{out}”中写文件"),
    ("mkdir", errno.EACCES, "没有写入权限"),
    ("switch", errno.EROFS, "没有写入权限：无法在“{out}”中写文件"),
    ("fsync", errno.ENOSPC, "磁盘空间已满：无法写入“{docx}”"),
    ("switch", errno.ENOSPC, "磁盘空间已满：无法写入“{folder}”"),
    ("fsync", errno.EDQUOT, "磁盘配额已满：无法写入“{docx}”"),
    ("fsync", errno.EIO, "无法写入“{docx}”：Input/output error"),
])
def test_write_failures_give_a_chinese_error_name_the_file_and_touch_nothing(previous, monkeypatch, target, code, words):
    import generator.output as output_mod

    if target == "mkdir":
        monkeypatch.setattr(output_mod.os, "mkdir", _fail_with(code))
    elif target == "switch":
        monkeypatch.setattr(output_mod, "_renameat2", _fail_with(code))
    else:
        monkeypatch.setattr(output_mod.os, "fsync", _fail_with(code))
    result = lite_build(previous.src, previous.out)
    monkeypatch.undo()
    assert result.status == "failed"
    problem = result.problems[-1]
    expected = words.format(out=previous.out.resolve(), folder=previous.folder, docx=previous.docx)
    assert problem.rule == "output.write" and problem.message.startswith(expected), problem.message
    assert problem.message.endswith("已发布的文件保持不变") or "已发布的文件保持不变；" in problem.message
    assert _snapshot(previous.folder) == previous.before
    assert not list((previous.out / ".disclose" / "work").iterdir())


def _mount(*args: str) -> bool:
    return shutil.which("mount") is not None and subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def tmpfs(tmp_path):
    """A small tmpfs of our own (skipped where mounting is not allowed)."""
    where = tmp_path / "mnt"
    where.mkdir()
    if os.geteuid() != 0 or not _mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)):
        pytest.skip("cannot mount a tmpfs here (the monkeypatched variants above still run)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_really_read_only_folder(tmpfs):
    src = tmpfs.parent / "d.yaml"
    src.write_text(KEZHOU.read_text(encoding="utf-8"), encoding="utf-8")
    first = lite_build(src, tmpfs)
    assert first.status == "built"
    folder = first.outputs[0].parent
    before = _snapshot(folder)
    src.write_text(kezhou_text(other="新版本"), encoding="utf-8")
    assert _mount("-o", "remount,ro", str(tmpfs))
    result = lite_build(src, tmpfs)
    assert result.status == "failed" and "没有写入权限" in result.problems[-1].message, result.problems
    assert _snapshot(folder) == before


def test_really_full_disk(tmpfs):
    src = tmpfs.parent / "d.yaml"
    src.write_text(KEZHOU.read_text(encoding="utf-8"), encoding="utf-8")
    first = lite_build(src, tmpfs)
    assert first.status == "built"
    folder = first.outputs[0].parent
    before = _snapshot(folder)
    src.write_text(kezhou_text(other="新版本"), encoding="utf-8")
    with open(tmpfs / "filler", "wb") as fh:  # fill the disk
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    result = lite_build(src, tmpfs)
    assert result.status == "failed" and "磁盘空间已满" in result.problems[-1].message, result.problems
    assert _snapshot(folder) == before
    assert not list((tmpfs / ".disclose" / "work").iterdir())


def test_full_disk_through_the_cli(previous, monkeypatch):
    from click.testing import CliRunner

    import generator.output as output_mod
    from generator.cli import main

    monkeypatch.setattr(output_mod.os, "fsync", _fail_with(errno.ENOSPC))
    with fuzzing.without_pdf(True):
        r = CliRunner().invoke(main, ["build", str(previous.src), "-o", str(previous.out), "--force"])
    assert r.exit_code == 1
    assert "磁盘空间已满" in r.output and "Traceback" not in r.output
    assert f"未生成：{previous.src} 有 1 个错误，已发布的文件保持不变。" in r.output
    monkeypatch.undo()
    assert _snapshot(previous.folder) == previous.before


def test_write_atomic_leaves_no_temp_files_on_failure(tmp_path, monkeypatch):
    import generator.output as output_mod

    (tmp_path / "a.pdf").write_bytes(b"old-a")
    real = output_mod.os.replace
    calls = []

    def second_fails(a, b):
        calls.append(b)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "full")
        return real(a, b)

    monkeypatch.setattr(output_mod.os, "replace", second_fails)
    from generator.errors import OutputError

    with pytest.raises(OutputError):
        write_atomic({tmp_path / "a.pdf": b"new-a", tmp_path / "b.docx": b"new-b"})
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
