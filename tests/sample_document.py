"""A hand-built document model exercising every block kind (for renderer tests)."""

from decimal import Decimal

from generator.document.model import Cell, Document, Heading, PageBreak, Paragraph, Table, TitlePage, Toc, TocEntry


def sample_document(rows: int = 30) -> Document:
    def money(v: str) -> Cell:
        return Cell.amount(Decimal(v), v)

    wide_header = [
        [Cell("功能分类科目编码", colspan=3, align="center"), Cell("功能分类科目名称", rowspan=2, align="center"),
         Cell("总计", rowspan=2, align="center")] + [Cell(n, rowspan=2, align="center") for n in
         ["一般公共预算拨款", "政府性基金预算拨款", "财政专户管理资金", "事业收入", "上级补助收入", "事业单位经营收入", "其他收入"]],
        [Cell("类", align="center"), Cell("款", align="center"), Cell("项", align="center")],
    ]
    wide_body = []
    for i in range(rows):
        wide_body.append([Cell("201"), Cell("31"), Cell(f"{i % 99:02d}"), Cell(f"行政运行 & <测试> 第{i}行", indent=2),
                          money("1.00"), money("1.00")] + [Cell("", align="right") for _ in range(6)])
    wide_body.append([Cell("合计", colspan=4, align="center", bold=True), Cell.amount(Decimal(rows), f"{rows}.00", bold=True),
                      Cell.amount(Decimal(rows), f"{rows}.00", bold=True)] + [Cell("", align="right") for _ in range(6)])
    t1 = Table(anchor="t1", key="income", number="表一", title="部门收入总体情况表",
               caption_left="编制部门：测试局", header=wide_header, body=wide_body,
               widths=[4, 4, 4, 24, 8, 8, 8, 8, 8, 8, 8, 8], landscape=True,
               notes=["备注：无内容应公开空表并说明情况。"])
    t2 = Table(anchor="t2", key="gf", number="表二", title="政府性基金预算支出情况表",
               caption_left="编制部门：测试局",
               header=[[Cell("项目", align="center"), Cell("金额", align="center")]],
               body=[[Cell("合计", bold=True, align="center"), Cell("", align="right")]],
               widths=[3, 1], empty=True, notes=["备注：无内容应公开空表并说明情况。"])
    toc = Toc(entries=[TocEntry("第一部分 概况", "p1", 1), TocEntry("表一：部门收入总体情况表", "t1", 2),
                       TocEntry("表二：政府性基金预算支出情况表", "t2", 2), TocEntry("第二部分 说明", "p2", 1)])
    return Document(
        title="测试局2020年部门预算公开", department="测试局", year=2020, format_name="kezhou-2020", author="测试局",
        blocks=[
            TitlePage("测试局", "2020年部门预算公开", "测试局", "2020年1月25日"),
            toc,
            Heading("第一部分 概况", 1, "p1", toc=True, page_break_before=True),
            Heading("一、主要职能", 2),
            Paragraph("负责 A & B <c> “引号” 'x' {{ x }} {% if %} 的工作。" * 3),
            Heading("二、机构设置及人员情况", 2),
            Paragraph("下设6个处室，分别是：综合科、检查指导科。"),
            t1,
            t2,
            Heading("第二部分 说明", 1, "p2", toc=True, page_break_before=True),
            Paragraph("一般公共预算271.11万元，占100.00%，比上年减少60.89万元，下降18.34%。"),
            Paragraph("测试局", style="signature"),
            Paragraph("2020年1月25日", style="signature"),
        ],
    )
