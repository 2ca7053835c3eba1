"""docs/formats.md: the reference a bureau's IT person writes a format from.

The narrative is written here; the tables of keys, kinds, figure series,
dataset fields and phrases are generated from the same models and registries
the program uses, so the document cannot drift from the code
(``disclose formats --markdown -o docs/formats.md``; a test keeps it current).
"""

from __future__ import annotations

import typing

from pydantic import BaseModel

from ..figures import series as S
from ..reference import type_name
from ..figures.datasets import ASSET_KEYS, FIELDS
from . import builtin_templates_dir
from . import manifest as M
from .files import read_text
from .typography import STYLE_KEYS, ZIHAO, Style, Typography


def _text_or_list(base, metadata) -> str | None:
    if typing.get_origin(base) is list and typing.get_args(base) == (str,):
        return "文字或文字列表"
    return None


def _type(tp: typing.Any) -> str:
    return type_name(tp, _text_or_list)


def _default(field) -> str:
    if field.is_required():
        return "必填"
    if field.default_factory is not None:
        value = field.default_factory()
    else:
        value = field.default
    if value in (None, "", [], {}):
        return ""
    if isinstance(value, BaseModel):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return f"`{value}`"


def keys_table(model: type[BaseModel], skip: tuple[str, ...] = ()) -> str:
    rows = ["| 键 | 取值 | 默认 | 说明 |", "|---|---|---|---|"]
    for name, f in model.model_fields.items():
        alias = f.alias or name
        if alias in skip:
            continue
        rows.append(f"| `{alias}` | {_type(f.annotation)} | {_default(f)} | {f.description or ''} |")
    return "\n".join(rows)


def series_table() -> str:
    rows = ["| 系列 | 含义 | 可用于收入 |", "|---|---|---|"]
    for name in S.names():
        rows.append(f"| `{name}` | {S.DESCRIPTIONS.get(name, '')} | {'是' if S.is_income_series(name) else ''} |")
    return "\n".join(rows)


KIND_OF = {"金额": "金额", "数量": "整数", "文字": "文字", "列表": "列表"}


def datasets_table() -> str:
    out = []
    for name, fields in FIELDS.items():
        items = "、".join(f"`{k}`（{KIND_OF[v]}）" for k, v in fields.items())
        extra = "；另有 `经济分类.301` 等（该项目在经济分类某类的金额）" if name == "项目" else ""
        extra += f"；记录的键：{'、'.join(ASSET_KEYS)}" if name == "固定资产" else ""
        out.append(f"- **{name}**：{items}{extra}")
    return "\n".join(out)


def phrases_block() -> str:
    text = read_text(builtin_templates_dir() / "_base", "phrases.yaml") or ""
    return "```yaml\n" + text.strip() + "\n```"


def typography_block() -> str:
    text = read_text(builtin_templates_dir() / "_base", "typography.yaml") or ""
    return "```yaml\n" + text.strip() + "\n```"


TEMPLATE = """# 编写公开文本格式

<!-- 本文件由 `disclose formats --markdown -o docs/formats.md` 生成（generator/formats/reference.py），请勿手工修改。 -->

一种公开文本版式 = `templates/` 下的一个文件夹，**只有数据文件，没有程序代码**。财政局增加或修改版式只改文件夹：
换表格、换列、换顺序、换标题、换每一句固定文字、换字体字号页边距，都不需要改程序。
用户自己的格式文件夹放在任意位置，用 `--templates 文件夹` 使用（其中每个子文件夹是一种格式；同名格式覆盖内置格式）。

内置三种格式：`kezhou-2020`（克州 2020 年四部分版式）、`national-2024`（2024 年新版九表十一节）、
`classic-2016`（《地方预决算公开操作规程》财预〔2016〕143号的八张表）。最简单的做法是复制一个内置格式再改。

## 文件夹里有什么

| 文件 | 必需 | 作用 |
|---|---|---|
| `manifest.yaml` | 是 | 格式清单：名称、公开表（每张表的种类与参数）、情况说明中的表格、目录、表头 |
| `body.j2` | 是 | 正文：四部分的结构、标题和每一句话（Jinja 模板，在沙箱中执行） |
| `phrases.yaml` | 否 | 固定文字：程序组合进句子的短语（增加/减少/持平、空表说明……），只写要改的项 |
| `typography.yaml` | 否 | 版式：字体、字号、行距、页边距、页脚。PDF 样式表和 Word 样式都由它生成，只写要改的项 |
| `glossary.yaml` | 否 | 名词解释：`名词解释: [{{名词: …, 解释: …}}]` |
| 样式表、HTML 模板、Word 模板 | 否 | 少见：附加样式（清单键 `样式表`）、替换版面（`HTML模板`）、自带信头的 Word 模板（`Word模板`） |

共用的部分在 `templates/_base/`（所有格式共享的版面、样式规则、默认固定文字、默认版式、Word 模板骨架）。
很少需要替换版面；确需时，把 `templates/_base/document.html.j2` 复制到格式文件夹、在清单中写 `HTML模板: 文件名` 再修改。
它排列的是文档模型（`doc.blocks`：封面、目录、标题、段落、表格），其中每个文字和数字都已定好，版面只决定标签和样式；
可用的过滤器：`block_kind`（块的种类）、`cells`（一行表格的单元格，文字已转义）、`col_widths`（列宽比例 → 百分比）、
`break_lines`（封面标题按机构名称断行）。标记须是格式良好的 XML（`<br />`、`<col ... />`）。

格式文件夹可能来自任何人，所以程序这样对待它：清单像部门 YAML 一样严格校验（写错的键、种类、系列、字段都报错，
指出 `manifest.yaml:行:列` 并提示“您是不是想写……”）；模板在沙箱中执行，碰不到 Python 内部、文件系统和环境变量；
清单里写的文件必须在本文件夹内、是普通文件（不能是符号链接、管道、设备）且大小有上限；Word 模板中的外部链接一律拒绝；
生成 PDF 时除本文件夹中的字体文件外不读取任何文件或网址。

检查一个格式文件夹：

```bash
disclose formats --templates 我的格式                   # 列出格式，清单有错时逐条报告
disclose check --templates 我的格式 --format 新格式 departments/某局.yaml
disclose build --templates 我的格式 --format 新格式 departments/某局.yaml -o /tmp/试排
```

## manifest.yaml

{manifest_keys}

`目录`：

{toc_keys}

`表头`（每张公开表上方的说明行；每张表还可以用自己的 `表头` 覆盖，写 `{{}}` 则不印）：

{caption_keys}

标题、表头、注、空表说明中可以用占位符 `{{部门}}`、`{{部门编码}}`、`{{年度}}`、`{{上年度}}`、`{{资产截止日期}}`，
表单的标题还可以用记录的字段（如 `{{序号}}`、`{{名称}}`）。占位符只做原样替换，不做任何计算。

## 表格：五种可复用的种类

每张表写成 `种类: …` 加参数。下面各种类共有的键：

{common_keys}

### 科目表：功能分类或经济分类的类/款/项

用于收入总表、支出总表、一般公共预算支出表、基本支出表、政府性基金支出表等。每一行是一个科目，
合计行由程序对同一批明细求和，印出的合计一定等于印出的各行之和。

{tree_keys}

`列` 中每一列：

{tree_column_keys}

`合计行`：

{total_keys}

例：

```yaml
- 种类: 科目表
  编号: 表六
  标题: 一般公共预算基本支出情况表
  科目: 经济分类
  资金来源: 一般公共预算拨款
  支出类型: 基本支出
  级次: [类, 款]
  列:
    - {{内容: 编码, 标题: [项目, 经济分类科目编码], 分列: true}}
    - {{内容: 名称, 标题: [项目, 经济分类科目名称]}}
    - {{标题: [一般公共预算基本支出, 小计], 系列: 合计}}
    - {{标题: [一般公共预算基本支出, 人员经费], 系列: 人员经费}}
    - {{标题: [一般公共预算基本支出, 公用经费], 系列: 公用经费}}
```

**多层表头**：每一列的 `标题` 写成从上到下的列表（如 `[支出预算, 基本支出]`）。相邻列相同的上层标题自动合并成一格，
层数较少的列自动向下跨行。`序号: true` 在最前面加序号列，`栏次: 全部列` 在表头下加“栏次 1 2 3……”一行。

### 收支总表：左边收入、右边支出功能分类“类”

用于部门收支总表和财政拨款收支总表（`资金来源: 财政拨款`）。

{summary_keys}

`收入` 中每一行：

{income_keys}

`支出`：

{spending_keys}

`列` 中每一列（`内容` 为 收入项目、收入金额、支出项目、支出金额；支出金额列可以有几列，各取一个系列）：

{summary_column_keys}

`合计行` 中每一行：

{summary_row_keys}

其中 `收入`、`支出` 各写（不写系列则金额留空）：

{summary_total_keys}

### 三公表：“三公”经费

行和列各自指定“三公”项目、支出类型或资金来源，每格取行与列的交叉。`项目` 可以是单项、组
（`合计`：六项；`三公经费`：前四项；`公务用车购置及运行费`）或某项的 `.其中` / `.其他`（该项减其中）。

{three_keys}

`行`、`列` 中的每一项：

{axis_keys}

### 列表：每条记录一行

{list_keys}

`列` 中每一列：

{list_column_keys}

### 表单：一条记录一张表（项目绩效目标表）

表单的 `行` 是一个网格：每格写 `标签`（粗体居中的栏目名）、`文字` 或 `字段`（记录的字段），可 `跨列`、`跨行`。
各行（算上跨行的格）列数必须相同，程序会检查。`指标` 之后逐条印绩效指标，相同的一级、二级指标向下合并。
表单跨页时，每页重复指标之前的各行（`重复行数` 可以减少），读者在续页上也能看到是哪个项目、各列是什么。
正文中用 `@表 名称 序号` 放置，序号是第几条记录（如 `@表 项目绩效目标表 {{{{ p.index }}}}`）。

{form_keys}

每格：

{cell_keys}

## 系列：金额列可以取哪些数

每一笔明细都有三种属性：支出类型（基本支出或项目支出）、是否人员经费、资金来源。一个系列是这些属性的一种组合；
一列写几个系列时，取它们的并集，同一笔明细绝不会被加两次。收入只有资金来源，所以收入行只能用“可用于收入”的系列。

{series_table}

## 数据集：列表和表单可以印哪些字段

{datasets_table}

## body.j2：正文

`body.j2` 用 Jinja 写（在沙箱中执行），渲染成逐行的轻量标记，程序再把它转成文档（DOCX 与 PDF 共用同一份）：

| 行 | 含义 |
|---|---|
| `@封面 日期` | 封面 |
| `@目录` | 目录（由标题与公开表自动生成，页码由排版得出） |
| `@公开表` | 按清单顺序放置全部公开表 |
| `@表 名称 [序号]` | 放置一张“内嵌表格” |
| `@分页` | 分页 |
| `# 标题` | 一级标题（另起一页） |
| `## 标题`、`### 标题`、`#### 标题` | 二、三、四级标题 |
| `>>文字` | 右对齐（落款） |
| `^^文字` | 居中 |
| `\\|\\|文字` | 不缩进的段落 |
| 其他行 | 首行缩进两字的正文段落；空行被忽略 |

**插入的内容永远是文字**：`{{{{ … }}}}` 插入的值（部门名称、主要职能、项目名称……）不会被当作标记或模板代码，
即使它以 `#`、`@`、`>>` 开头或含有 `{{{{ x }}}}`。一个值里有换行时，每行成为一个段落。
每个 `{{% … %}}` 标签后面的换行保留，所以行尾的 `{{% endif %}}` 不会把下一行吞进本段。

模板拿到的都是**已经推导并格式化好的文字**（金额为两位小数的字符串，占比带“%”），模板只能排列文字，不能做计算。
主要变量：

- `dept`、`dept_code`、`year`、`last_year`、`date`（中文日期）、`basis`（上年数口径）、`basis_short`（如“2023年预算”）、`phrases`
- `overview`：`functions`（一段文字）/`function_list`（逐条）/`functions_basis`、`offices`/`offices_count`/`offices_text`、
  `subunits`/`subunits_count`/`subunits_text`、`units`、`has_units`、`staffing`（`authorized`、`actual`、`active.count`、`active.change`（如“减少2人”）…）
- `income`：`total`、`items`（每项 `name`、`amount`、`share`、`change`）、`by_source`、`has`、`fiscal`、`unit_funds`、`change`
- `spending`：`total`、`basic`、`basic_share`、`basic_change`、`project`、`project_share`、`project_change`、`change`、`personnel`、`public`、`classes`
- `fiscal`：`total`、`classes`、`personnel`、`public`、`project`、`gpb`、`gf`、`soe`、`has_gf`、`has_soe`
- `gpb`（一般公共预算）：`total`、`basic`、`project`、`change`、`classes`（每类 `name`、`short`、`amount`、`share`）、
  `items`（项级，含 `path` 如“一般公共服务（类）…（款）…（项）”和 `change`）、`personnel`、`public`、`personnel_items`、`public_items`
- `gf`：`has`、`total`、`basic`、`project`、`classes`；`soe`：`has`、`total`
- `projects`（每项 `index`、`name`、`code`、`amount`、`fiscal`、`other`、`policy`、`owner`、`allocation`、`schedule`、`purpose`、`special`、`goal`）、
  `projects_count`、`projects_total`、`special_projects`、`special_funds_note`
- `three_public`：`total`、`items`（前四项，每项 `name`、`amount`、`change`）、`meeting`、`training`、`change`、`with_meeting_total`
- `operating`（机关运行经费）：`amount`、`change`、`uses`、`admin_units`、`public_units`
- `procurement`：`total`、`goods`、`works`、`services`、`sme`、`small`、`has`
- `assets`：`has`、`as_of`、`as_of_cn`、`buildings`、`vehicles`、`vehicle_count`、`vehicle_value`、`furniture`、`equipment_20`、
  `other`、`large_50`、`large_100`、`total_value`、`total_count`、`purchases`、`purchase`、`purchase_note`
- `performance`：`goal`、`sub_goals`、`measures`；`other_matters`；`glossary`（每条 `名词`、`解释`）
- 每个 `change` 是 `{{has, text, reason, verb, trend, delta, pct, new, flat, last}}`：`text` 是按 `phrases.yaml` 组合好的完整短语，
  如“比上年执行数减少28.30万元，下降11.99%”；`verb` 是“增加/减少/持平”，`delta`、`pct` 是绝对值。
- 过滤器 `cn`：`{{{{ loop.index|cn }}}}` 把 1、2、3 写成一、二、三。

## phrases.yaml：固定文字

程序组合进句子的每个短语都在这里；格式只写要改的项（键名不变，占位符只能用原有的）。默认值：

{phrases_block}

## typography.yaml：版式

字体、字号、行距、页边距、页脚只写一次：PDF 的样式表和 Word 的样式都由它生成。格式只写与默认不同的项。
字号可写中文字号（{zihao}）或磅值。默认值：

{typography_block}

可设置的样式：{style_keys}。每个样式的键：

{style_table}

**使用单位自有的字体**（如已购买授权的方正小标宋、仿宋_GB2312）：把字体文件放进格式文件夹，在 `字体文件` 中登记，
并放到对应逻辑字体的最前面：

```yaml
字体文件:
  方正小标宋简体: fonts/FZXBSJW.TTF
字体:
  标宋: ["方正小标宋简体", "Noto Serif CJK SC"]
```

PDF 会嵌入所用字形；没有登记、也不在系统中的字体不会被使用。

## 完整示例：一个最小的格式

下面四个文件放进一个文件夹（如 `我的格式/简表/`），就是一个可以使用的格式：两张公开表、三节说明。

`manifest.yaml`：

```yaml
名称: 简表
说明: 两张表的简化版式（示例）
目录: {{标题: 目录, 层级: [1]}}
表头: {{左: "单位：{{部门}}", 右: "金额单位：万元"}}
公开表:
  - 种类: 收支总表
    编号: 表1
    标题: 收支预算总表
    列:
      - {{内容: 收入项目, 标题: [收入, 项目]}}
      - {{内容: 收入金额, 标题: [收入, 金额]}}
      - {{内容: 支出项目, 标题: [支出, 项目]}}
      - {{内容: 支出金额, 标题: [支出, 金额]}}
    收入:
      - {{标题: 财政拨款, 系列: 财政拨款}}
      - {{标题: 其他资金, 系列: 非财政拨款}}
    支出: {{类: 有数, 标签: "{{编码}} {{名称}}"}}
    合计行:
      - {{收入: {{标题: 合计, 系列: 合计}}, 支出: {{标题: 合计, 系列: 合计}}}}
  - 种类: 科目表
    编号: 表2
    标题: 支出预算表
    级次: [类, 项]
    合计行: {{位置: 尾, 标题: 合计}}
    列:
      - {{内容: 编码, 标题: 科目编码}}
      - {{内容: 名称, 标题: 科目名称}}
      - {{标题: 合计, 系列: 合计}}
      - {{标题: 基本支出, 系列: 基本支出}}
      - {{标题: 项目支出, 系列: 项目支出}}
```

`body.j2`：

```jinja
@封面 {{{{ date }}}}
@目录
# 一、预算表
@公开表
# 二、情况说明
## （一）收入
{{{{ dept }}}}{{{{ year }}}}年收入预算{{{{ income.total }}}}万元。
## （二）支出
支出预算{{{{ spending.total }}}}万元，其中基本支出{{{{ spending.basic }}}}万元，项目支出{{{{ spending.project }}}}万元{{% if spending.change.has %}}，{{{{ spending.change.text }}}}{{% endif %}}。
## （三）“三公”经费
“三公”经费预算{{{{ three_public.total }}}}万元。
```

`phrases.yaml`（可省；这里把“比上年”说成“较上年”）：

```yaml
增减:
  增加: "较{{口径}}增加{{差额}}万元，增幅{{百分比}}"
  减少: "较{{口径}}减少{{差额}}万元，降幅{{百分比}}"
```

`typography.yaml`（可省；这里把正文改成三号）：

```yaml
样式:
  正文: {{字号: 三号, 行距: 28pt}}
```
"""


def markdown() -> str:
    fields = M.TableBase.model_fields
    common_skip = tuple(f.alias for f in fields.values())
    style_table = keys_table(Style)
    return TEMPLATE.format(
        manifest_keys=keys_table(M.Manifest),
        toc_keys=keys_table(M.TocSpec),
        caption_keys=keys_table(M.Captions),
        common_keys=keys_table(M.TableBase),
        tree_keys=keys_table(M.TreeTable, skip=common_skip),
        tree_column_keys=keys_table(M.TreeColumn),
        total_keys=keys_table(M.TotalRow),
        summary_keys=keys_table(M.SummaryTable, skip=common_skip),
        income_keys=keys_table(M.IncomeRow),
        spending_keys=keys_table(M.SpendingSide),
        summary_column_keys=keys_table(M.SummaryColumn),
        summary_total_keys=keys_table(M.SideCell),
        summary_row_keys=keys_table(M.SummaryTotal),
        three_keys=keys_table(M.ThreeTable, skip=common_skip),
        axis_keys=keys_table(M.ThreeAxis),
        list_keys=keys_table(M.ListTable, skip=common_skip),
        list_column_keys=keys_table(M.ListColumn),
        form_keys=keys_table(M.FormTable, skip=common_skip),
        cell_keys=keys_table(M.FormCell),
        series_table=series_table(),
        datasets_table=datasets_table(),
        phrases_block=phrases_block(),
        typography_block=typography_block(),
        zihao="、".join(ZIHAO),
        style_keys="、".join(STYLE_KEYS),
        style_table=style_table,
    ).rstrip() + "\n"


__all__ = ["markdown", "Typography"]
