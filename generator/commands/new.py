"""disclose new: a commented starter for a format, or roll a department forward a year."""

from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path

import click

from ..cli import main
from ..errors import Location, Problem, UserError
from ..pipeline import check_file

SCHEMA_FILE = "disclose.schema.json"


def _formats_needing(path: str, formats: dict) -> set[str]:
    return {name for name, fmt in formats.items()
            if any((e["字段"] if isinstance(e, dict) else str(e)) == path for e in fmt.requires)}


def _delete_path(doc, parts: list[str]) -> None:
    """Remove a field such as 概况.机构设置 or 项目[].资金用途 from the starter."""
    if not parts:
        return
    head, rest = parts[0], parts[1:]
    if head.endswith("[]"):
        for item in doc.get(head[:-2]) or []:
            _delete_path(item, rest)
        return
    if not isinstance(doc, dict) or head not in doc:
        return
    if rest:
        _delete_path(doc[head], rest)
    else:
        del doc[head]


def _eol(node, key, text: str, column: int) -> None:
    """An end-of-line comment after ``key``'s value, keeping comment lines that follow it."""
    entry = node.ca.items.get(key)
    token = entry[2] if entry and len(entry) > 2 else None
    if token is None:
        node.yaml_add_eol_comment(f"# {text}", key, column=column)
    elif token.value.startswith("\n"):
        token.value = f"# {text}" + token.value
        token.column = column


def starter(name: str | None, year: int, format_name: str = "kezhou-2020", templates: Path | None = None,
            schema_ref: str | None = None, project_format: str | None = None) -> str:
    """The starter for ``format_name``: every field that format needs, nothing another format needs."""
    from ..catalogs import economic_catalog, function_catalog
    from ..formats import available_formats, get_format
    from ..rollforward import _yaml

    fmt = get_format(format_name, templates)
    formats = available_formats(templates)
    y = _yaml()
    doc = y.load((Path(__file__).resolve().parent.parent / "starter.yaml").read_text(encoding="utf-8"))
    # fields that some other format needs and this one does not
    wanted = {(e["字段"] if isinstance(e, dict) else str(e)) for e in fmt.requires}
    others = set()
    for other in formats.values():
        others |= {(e["字段"] if isinstance(e, dict) else str(e)) for e in other.requires}
    for path in sorted(others - wanted):
        if "上年" not in path:  # last-year figures serve every format's comparisons
            _delete_path(doc, path.split("."))
    if name:
        doc["部门"] = name  # the emitter quotes what needs quoting (“某局: 办公室”)
    doc["年度"] = year
    if project_format == format_name:
        doc.yaml_set_comment_before_after_key("编制日期", before=f"格式由 disclose.yaml 统一规定（{format_name}）", indent=0)
        del doc["格式"]
    else:
        doc["格式"] = format_name
    doc["编制日期"] = date(year, 1, 31)
    if isinstance(doc.get("国有资产"), dict):  # a format that prints no assets has none in its starter
        doc["国有资产"]["截至日期"] = date(year - 1, 12, 31)
    # a comment naming each code, from the catalog of this budget year
    fcat, ecat = function_catalog(year), economic_catalog(year)
    for group in list(doc.get("基本支出") or []) + list(doc.get("项目") or []):
        code = str(group["功能分类"])
        if fcat.name(code):
            _eol(group, "功能分类", fcat.name(code), 24)
        econ = group.get("经济分类")
        if econ is not None and not econ.fa.flow_style():
            for k in econ:
                if ecat.name(str(k)):
                    _eol(econ, k, ecat.name(str(k)), 24)
        elif econ is not None:
            names = "、".join(f"{k} {ecat.name(str(k))}" for k in econ if ecat.name(str(k)))
            if names:
                _eol(group, "经济分类", names, 24)
    buf = io.StringIO()
    y.dump(doc, buf)
    text = buf.getvalue()
    if schema_ref:
        text = f"# yaml-language-server: $schema={schema_ref}\n" + text
    return text


def _write(output: Path, text: str) -> None:
    """Write a new file (never overwrite); a missing folder is created."""
    if output.exists():
        raise UserError(f"文件“{output}”已存在，不会覆盖；请换一个文件名")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(problems=[Problem("new.write", f"无法写入“{output}”：{exc.strerror or exc}", Location(str(output)))]) from None
    _replace(output, text)


def _replace(path: Path, text: str) -> None:
    """Write through a fresh temporary file (O_EXCL: never through a planted link), then rename."""
    import tempfile

    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        mask = os.umask(0)
        os.umask(mask)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o666 & ~mask)  # as an ordinary new file, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise UserError(problems=[Problem("new.write", f"无法写入“{path}”：{exc.strerror or exc}", Location(str(path)))]) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _write_schema(path: Path) -> None:
    """The schema the starter's ``$schema`` line names: written when missing, brought up to date
    when it is one that disclose wrote earlier (an older version's), never replacing another file."""
    from ..load.files import read_regular
    from ..schema import SCHEMA_TITLE, department_schema

    text = json.dumps(department_schema(), ensure_ascii=False, indent=2) + "\n"
    if not path.exists() and not path.is_symlink():
        _write(path, text)
        click.echo(f"已写入 {path}（供编辑器校验与自动补全）", err=True)
        return
    raw, problem = read_regular(path, "文件", Location(str(path)), limit=4 * 1024 * 1024)
    if problem is not None or raw is None or raw == text.encode("utf-8"):
        return
    try:
        ours = json.loads(raw.decode("utf-8")).get("title") == SCHEMA_TITLE
    except (ValueError, AttributeError):
        ours = False
    if not ours:
        click.echo(f"提示：{path} 不是 disclose 生成的 JSON Schema，未改动；编辑器校验请用 disclose schema -o 另行生成", err=True)
        return
    _replace(path, text)
    click.echo(f"已更新 {path}（按当前版本的数据模型重新生成）", err=True)


def _schema_ref(target_folder: Path, project) -> tuple[str, Path]:
    folder = project.folder if project is not None else target_folder
    schema = folder / SCHEMA_FILE
    return Path(os.path.relpath(schema.absolute(), target_folder.absolute())).as_posix(), schema


def roll_forward(source: Path, year: int | None, target: Path) -> str:
    from ..rollforward import roll_forward_text

    checked = check_file(source)
    if not checked.ok or checked.fig is None:
        raise UserError(f"“{source}”有错误，无法结转到下一年；请先运行 disclose check 修正", checked.errors)
    old_year = checked.fig.dept.year
    new_year = year or old_year + 1
    if new_year <= old_year:
        raise UserError(f"新年度 {new_year} 应晚于 {old_year}")
    text = source.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    out = roll_forward_text(source, text, checked, new_year, target)
    # by construction it checks clean; verified here before anything is written
    result = check_file(target, raw=out.encode("utf-8"))
    if not result.ok:
        raise UserError("结转结果未通过检查（程序缺陷，请报告）", result.errors)
    return out


@main.command("new", help="生成带注释的部门 YAML 模板（含所选格式需要的全部字段）；或用 --from 把已有部门结转到下一年度。")
@click.option("--name", "-n", default=None, metavar="部门", help="部门全称（默认留作占位文字，须在文件中填写）。")
@click.option("--year", "-y", type=click.IntRange(2000, 2100), default=None, metavar="年度", help="预算年度（默认：明年，或结转时的下一年）。")
@click.option("--format", "-f", "format_name", default=None, metavar="格式", help="公开文本格式（默认：disclose.yaml 中的“格式”，没有则为 kezhou-2020）。")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹", help="额外的格式文件夹。")
@click.option("--from", "source", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="文件", help="从已有部门 YAML 结转到下一年度。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="文件", help="写入文件（默认输出到屏幕）；不会覆盖已有文件，文件夹不存在时自动创建。")
def new_command(name: str | None, year: int | None, format_name: str | None, templates: Path | None,
                source: Path | None, output: Path | None) -> None:
    from ..project import load_project

    target = output if output is not None else (source.with_name(f"{source.stem}-next.yaml") if source else Path("新部门.yaml"))
    if source is not None:
        text = roll_forward(source, year, target)
    else:
        project = load_project(target.parent)  # a folder still to be created is governed by its parents
        project_format = project.settings.format if project is not None and project.settings is not None else None
        fmt = format_name or project_format or "kezhou-2020"
        ref, schema_path = _schema_ref(target.parent, project)
        text = starter(name, year or date.today().year + 1, fmt, templates, schema_ref=ref, project_format=project_format)
        if output is not None:
            _write_schema(schema_path)
        elif not schema_path.exists():  # printed, not written: say how to make what line 1 names
            click.echo(f"提示：第一行指向的 {schema_path} 还不存在（编辑器校验用）；用 -o 写文件时会一并写出，"
                       f"或运行 disclose schema -o {schema_path}", err=True)
    if output is None:
        click.echo(text, nl=False)
        return
    _write(output, text)
    click.echo(f"已写入 {output}", err=True)
