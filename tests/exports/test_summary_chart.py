"""The print chart of the 总结材料: a native Word bar chart (chart part, embedded workbook, inline drawing)."""
import io

import docx
import openpyxl
import pytest
from lxml import etree

from leifeng_desktop.exports import document as d
from leifeng_desktop.exports import summary_chart as sc

from libreoffice import LATIN_FONTS, page_texts, to_pdf

C = {"c": sc.C_NS, "a": sc.A_NS}
UNITS = ["市总工会机关", "第一分工会（机械制造有限公司）", "=SUM(A1)", "交通运输工会"]
HOURS = [120.5, 88, 3.25, 0]


def _chart_doc(tmp_path, categories=UNITS, values=HOURS):
    doc = d.new_document()
    d.add_paragraph(doc, "附：各单位服务时长")
    sc.add_bar_chart(doc, "各单位志愿服务时长", categories, values, unit_label="服务时长（小时）")
    path = tmp_path / "chart.docx"
    doc.save(path)
    return path


def _parts(path):
    opened = docx.Document(path)
    return opened, {str(p.partname): p for p in opened.part.package.iter_parts()}


def test_the_chart_is_a_chart_part_related_from_an_inline_drawing(tmp_path):
    opened, parts = _parts(_chart_doc(tmp_path))
    chart = parts["/word/charts/chart1.xml"]
    assert chart.content_type == sc.CHART_CT
    ref = opened.element.xpath("//w:drawing/wp:inline//a:graphicData/*[local-name()='chart']/@*[local-name()='id']")
    assert len(ref) == 1 and opened.part.related_parts[ref[0]] is chart
    xml = etree.fromstring(chart.blob)
    assert xml.xpath("//c:barChart/c:barDir/@val", namespaces=C) == ["bar"]
    assert xml.xpath("//c:cat//c:pt/c:v/text()", namespaces=C) == UNITS
    assert [float(v) for v in xml.xpath("//c:val//c:pt/c:v/text()", namespaces=C)] == HOURS
    assert xml.xpath("//c:catAx/c:scaling/c:orientation/@val", namespaces=C) == ["maxMin"]   # first on top


def test_text_is_at_least_10_5_pt_in_named_cjk_fonts(tmp_path):
    _, parts = _parts(_chart_doc(tmp_path))
    xml = etree.fromstring(parts["/word/charts/chart1.xml"].blob)
    sizes = [int(s) for s in xml.xpath("//a:defRPr/@sz | //a:rPr/@sz", namespaces=C)]
    assert sizes and min(sizes) >= 1050
    faces = set(xml.xpath("//a:ea/@typeface", namespaces=C))
    assert faces and faces <= {"宋体", "黑体"}
    assert "黑体" in xml.xpath("//c:chart/c:title//a:ea/@typeface", namespaces=C)
    assert "宋体" in xml.xpath("//c:catAx/c:txPr//a:ea/@typeface", namespaces=C)


def test_the_embedded_workbook_holds_the_data_formula_safe(tmp_path):
    _, parts = _parts(_chart_doc(tmp_path))
    chart = parts["/word/charts/chart1.xml"]
    book = chart.rels["rId1"].target_part
    assert book.content_type == sc.XLSX_CT
    xml = etree.fromstring(chart.blob)
    assert xml.xpath("//c:externalData/@r:id", namespaces={**C, "r": sc.R_NS}) == ["rId1"]
    ws = openpyxl.load_workbook(io.BytesIO(book.blob)).active
    assert [ws.cell(r, 1).value for r in range(2, 6)] == UNITS
    assert [float(ws.cell(r, 2).value) for r in range(2, 6)] == HOURS
    assert ws["B1"].value == "服务时长（小时）"
    assert ws["A4"].data_type == "s" and ws["A4"].quotePrefix     # a unit named "=…" stays text


def test_two_charts_get_their_own_parts_and_shape_ids(tmp_path):
    doc = d.new_document()
    sc.add_bar_chart(doc, "甲", ["一"], [1], unit_label="人")
    sc.add_bar_chart(doc, "乙", ["二", "三"], [2, 3], unit_label="次")
    path = tmp_path / "two.docx"
    doc.save(path)
    opened, parts = _parts(path)
    assert {"/word/charts/chart1.xml", "/word/charts/chart2.xml"} <= set(parts)
    ids = opened.element.xpath("//wp:docPr/@id")
    assert len(ids) == len(set(ids)) == 2
    # the taller chart for more bars
    extents = [int(cy) for cy in opened.element.xpath("//wp:inline/wp:extent/@cy")]
    assert extents[1] > extents[0]


def test_mismatched_lists_are_refused():
    with pytest.raises(ValueError):
        sc.add_bar_chart(d.new_document(), "甲", ["一", "二"], [1], unit_label="人")


@pytest.mark.parametrize("latin", list(LATIN_FONTS))
def test_libreoffice_draws_the_category_labels(tmp_path, latin):
    text = "".join(page_texts(to_pdf(_chart_doc(tmp_path), tmp_path, latin=latin)))
    for label in ("市总工会机关", "第一分工会（机械制造有限公司）", "交通运输工会", "各单位志愿服务时长", "120.5"):
        assert label in text, label
