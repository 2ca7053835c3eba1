"""What the preview shows around the document: Chinese texts and markup.

Every value goes through Jinja's autoescape: names, messages and paths from
department files are text, never markup.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import jinja2

from . import engine
from .state import Department, Registry

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_ENV.filters["url"] = lambda rel: "/d/" + quote(rel, safe="/") + "/"
_ENV.filters["json"] = lambda v: json.dumps(v, ensure_ascii=False)

_HEAD = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<link rel="stylesheet" href="/static/serve.css">
<script src="/static/serve.js" defer></script>
</head>
"""

INDEX = _ENV.from_string(_HEAD + """<body data-view="index">
<header class="bar">
  <h1>部门预算公开预览</h1>
  <span class="where" title="{{ root }}">{{ label }}</span>
  <span id="live" class="live" title="文件保存后自动刷新">●&nbsp;实时</span>
</header>
<main class="index">
  <table>
    <thead><tr><th>部门</th><th>年度</th><th>格式</th><th>状态</th><th>文件</th><th>下载</th></tr></thead>
    <tbody id="rows">{{ rows }}</tbody>
  </table>
  <p class="hint">保存部门 YAML、上年文件（上年.文件）、科目补充文件、项目配置（disclose.yaml）或格式文件夹后，打开的页面会自动刷新。
  本预览只读取文件，不会修改任何部门文件。</p>
</main>
</body>
</html>
""")

ROWS = _ENV.from_string("""{% for d in departments %}
<tr data-id="{{ d.rel }}">
  <td class="name"><a href="{{ d.rel | url }}">{{ d.name }}</a></td>
  <td>{{ d.year }}</td>
  <td>{{ d.format }}</td>
  <td>{{ d.status }}</td>
  <td class="file">{{ d.rel }}</td>
  <td class="downloads">{% if d.ok %}<a href="{{ d.rel | url }}pdf">PDF</a> <a href="{{ d.rel | url }}docx">DOCX</a>{% endif %}</td>
</tr>
{% else %}
<tr><td colspan="6" class="empty">此文件夹中没有部门 YAML 文件（*.yaml）。</td></tr>
{% endfor %}""")

STATUS = _ENV.from_string("""{% if pending %}<span class="status pending">检查中…</span>
{%- else %}
{%- if errors %}<span class="status err">{{ errors }} 个错误</span>{% endif %}
{%- if warnings %}<span class="status warn">{{ warnings }} 个警告</span>{% endif %}
{%- if not errors %}<span class="status ok">可生成</span>{% endif %}
{%- endif %}""")

DEPARTMENT = _ENV.from_string(_HEAD + """<body data-view="department" data-id="{{ rel }}">
<header class="bar">
  <a class="back" href="/">← 全部部门</a>
  <h1 id="title">{{ name }}</h1>
  <span id="status">{{ status }}</span>
  <span id="paging" class="paging"></span>
  <span class="spacer"></span>
  <a id="pdf" class="button" href="pdf" download>下载 PDF</a>
  <a id="docx" class="button" href="docx" download>下载 DOCX</a>
  <span id="live" class="live" title="文件保存后自动刷新">●&nbsp;实时</span>
</header>
<section id="problems" class="problems" hidden></section>
<p id="notice" class="notice" hidden></p>
<iframe id="doc" src="frame" sandbox="allow-same-origin" title="{{ name }}：文档预览"></iframe>
</body>
</html>
""")

FRAME = _ENV.from_string("""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{{ name }}</title>
<link id="dz-format-css" rel="stylesheet" href="format.css?v={{ css_version }}">
<link rel="stylesheet" href="/static/pages.css">
</head>
<body class="dz-pages"></body>
</html>
""")

PROBLEMS = _ENV.from_string("""<h2>{{ summary }}</h2>
<ol>
{% for p in problems %}
<li class="{{ 'error' if p.error else 'warning' }}">
  {%- if p.target is not none %}<a class="where" href="#" data-target="{{ p.target | json }}" title="在文档中查看">{{ p.where }}</a>
  {%- else %}<span class="where">{{ p.where }}</span>{% endif %}
  <span class="sev">{{ p.severity }}</span><code class="rule">{{ p.rule }}</code>
  <span class="msg">{{ p.message }}</span>
  {%- if p.target is none and p.error %} <span class="nowhere">（文档中没有对应的位置）</span>{% endif %}
</li>
{% endfor %}
</ol>""")

ERROR_PAGE = _ENV.from_string(_HEAD + """<body data-view="message">
<header class="bar"><a class="back" href="/">← 全部部门</a><h1>{{ heading }}</h1></header>
<main class="message"><p>{{ message }}</p>
{% if problems %}<ol class="plain">{% for p in problems %}<li>{{ p }}</li>{% endfor %}</ol>{% endif %}
</main>
</body>
</html>
""")


def status_html(preview: engine.Preview | None) -> str:
    if preview is None:
        return STATUS.render(pending=True, errors=0, warnings=0)
    return STATUS.render(pending=False, errors=preview.errors, warnings=preview.warnings)


def index_page(registry: Registry) -> str:
    return INDEX.render(title=f"部门预算公开预览 · {registry.label}", label=registry.label, root=str(registry.root),
                        rows=jinja2.utils.markupsafe.Markup(rows_html(registry)))


def rows_html(registry: Registry) -> str:
    items = []
    for rel in sorted(registry.departments):
        d = registry.departments[rel]
        p = d.preview
        items.append({
            "rel": rel, "name": (p.name if p and p.name else Path(rel).stem),
            "year": (p.year if p and p.year else ""), "format": (p.format_name if p else ""),
            "status": jinja2.utils.markupsafe.Markup(status_html(p)), "ok": bool(p and not p.errors),
        })
    return ROWS.render(departments=items)


def department_page(d: Department) -> str:
    p = d.preview
    name = _title(d)
    return DEPARTMENT.render(title=f"{name} · 部门预算公开预览", rel=d.rel, name=name,
                             status=jinja2.utils.markupsafe.Markup(status_html(p)))


def frame_page(d: Department, css_version: str) -> str:
    return FRAME.render(name=_title(d), css_version=css_version)


def _title(d: Department) -> str:
    p = d.preview or d.good
    if p is not None and p.name:
        return f"{p.name} {p.year}年" if p.year else p.name
    return Path(d.rel).stem


def where(location, root: Path) -> str:
    """file:line:col with the file relative to the served folder when it is inside it."""
    path = Path(location.file)
    try:
        shown = path.resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        shown = location.file
    if location.line:
        return f"{shown}:{location.line}:{location.col or 1}"
    return shown


def problems_html(d: Department, root: Path) -> str:
    p = d.preview
    if p is None or not p.problems:
        return ""
    doc_preview = p if p.doc is not None else d.good
    items = []
    for problem in p.problems:
        target = None
        if doc_preview is not None:
            t = doc_preview.target(problem)
            if t is not None:
                target = {"anchor": t.anchor, "texts": list(t.texts)}
        items.append({"where": where(problem.location, root), "severity": problem.severity.value,
                      "rule": problem.rule, "message": problem.message, "error": problem.is_error, "target": target})
    parts = []
    if p.errors:
        parts.append(f"{p.errors} 个错误")
    if p.warnings:
        parts.append(f"{p.warnings} 个警告")
    summary = "，".join(parts) + ("：改正错误后才能生成 PDF 和 DOCX" if p.errors else "：请核实（不影响生成）")
    return PROBLEMS.render(summary=summary, problems=items)


def error_page(heading: str, message: str, problems: list[str] | None = None) -> str:
    return ERROR_PAGE.render(title=heading, heading=heading, message=message, problems=problems or [])
