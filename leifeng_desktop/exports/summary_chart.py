"""A native Word bar chart for print (总结材料): a DrawingML chart part the office can edit in Word or WPS.

python-docx has no chart API, so the part is written here: `word/charts/chartN.xml` (a c:chartSpace holding one
horizontal bar chart, its values cached so every reader draws it without running anything), an embedded workbook
with the same data (Word's 编辑数据 opens it), and an inline w:drawing in its own paragraph that relates to it.
Text is 宋体 10.5 pt (labels) and 黑体 (title), named in the chart's text properties; no UI wording, no colours that
need a colour printer to read.
"""
from __future__ import annotations

import io
from decimal import Decimal
from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Mm

from . import document as d

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.text.paragraph import Paragraph

CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RT_CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
RT_PACKAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"

LABEL_FONT, TITLE_FONT = d.SONG, d.HEI
LABEL_PT, TITLE_PT = d.SIZE_5, d.SIZE_4      # 10.5 pt labels (五号), 14 pt title (四号)
BAR_FILL = "595959"                           # dark grey: reads the same on a black-and-white printer
ROW_MM, DENSE_ROW_MM, FRAME_MM = 9.0, 7.0, 30.0   # per bar (closer when many), and title, axis and its title
EMU_PER_MM = 36000


def _text_props(size_pt: float, typeface: str, *, bold: bool = False) -> str:
    """c:txPr: the size and the Latin and East Asian fonts of an element's text."""
    b = ' b="1"' if bold else ' b="0"'
    return (f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{round(size_pt * 100)}"{b}>'
            f'<a:solidFill><a:srgbClr val="000000"/></a:solidFill>'
            f'<a:latin typeface="{d.LATIN}"/><a:ea typeface="{typeface}"/><a:cs typeface="{d.LATIN}"/>'
            f'</a:defRPr></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>')


def _title(text: str, size_pt: float, typeface: str) -> str:
    run = (f'<a:r><a:rPr lang="zh-CN" sz="{round(size_pt * 100)}" b="0"><a:latin typeface="{d.LATIN}"/>'
           f'<a:ea typeface="{typeface}"/></a:rPr><a:t>{d.xml_escape(text)}</a:t></a:r>')
    return (f'<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{round(size_pt * 100)}">'
            f'<a:ea typeface="{typeface}"/></a:defRPr></a:pPr>{run}</a:p></c:rich></c:tx>'
            f'<c:overlay val="0"/></c:title>')


def _number(value: float | Decimal) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def chart_xml(title: str, categories: list[str], values: list[float | Decimal], *, unit_label: str) -> str:
    """The chart part's XML: one series of horizontal bars, the first category at the top, values on the bars."""
    n = len(categories)
    cats = "".join(f'<c:pt idx="{i}"><c:v>{d.xml_escape(c)}</c:v></c:pt>' for i, c in enumerate(categories))
    vals = "".join(f'<c:pt idx="{i}"><c:v>{_number(v)}</c:v></c:pt>' for i, v in enumerate(values))
    line = '<c:spPr><a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln></c:spPr>'
    grid = '<c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="BFBFBF"/></a:solidFill>' \
           '</a:ln></c:spPr></c:majorGridlines>'
    labels = _text_props(LABEL_PT, LABEL_FONT)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{C_NS}" xmlns:a="{A_NS}" xmlns:r="{R_NS}">'
        f'<c:date1904 val="0"/><c:lang val="zh-CN"/><c:roundedCorners val="0"/>'
        f'<c:chart>{_title(title, TITLE_PT, TITLE_FONT)}<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>'
        f'<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        f'<c:ser><c:idx val="0"/><c:order val="0"/>'
        f'<c:tx><c:strRef><c:f>Sheet1!$B$1</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0">'
        f'<c:v>{d.xml_escape(unit_label)}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
        f'<c:spPr><a:solidFill><a:srgbClr val="{BAR_FILL}"/></a:solidFill></c:spPr>'
        f'<c:invertIfNegative val="0"/>'
        f'<c:dLbls>{labels}<c:dLblPos val="outEnd"/><c:showLegendKey val="0"/><c:showVal val="1"/>'
        f'<c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>'
        f'</c:dLbls>'
        f'<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${n + 1}</c:f><c:strCache><c:ptCount val="{n}"/>{cats}'
        f'</c:strCache></c:strRef></c:cat>'
        f'<c:val><c:numRef><c:f>Sheet1!$B$2:$B${n + 1}</c:f><c:numCache><c:formatCode>General</c:formatCode>'
        f'<c:ptCount val="{n}"/>{vals}</c:numCache></c:numRef></c:val></c:ser>'
        f'<c:gapWidth val="60"/><c:axId val="500000001"/><c:axId val="500000002"/></c:barChart>'
        f'<c:catAx><c:axId val="500000001"/><c:scaling><c:orientation val="maxMin"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        f'<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{line}{labels}'
        f'<c:crossAx val="500000002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        f'<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="500000002"/><c:scaling><c:orientation val="minMax"/><c:min val="0"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="b"/>{grid}{_title(unit_label, LABEL_PT, LABEL_FONT)}'
        f'<c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="out"/>'
        f'<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{line}{labels}'
        f'<c:crossAx val="500000001"/><c:crosses val="max"/><c:crossBetween val="between"/></c:valAx>'
        f'</c:plotArea><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        f'<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>{labels}'
        f'<c:externalData r:id="rId1"><c:autoUpdate val="0"/></c:externalData>'
        f'</c:chartSpace>')


def data_workbook(categories: list[str], values: list[float | Decimal], *, unit_label: str) -> bytes:
    """The chart's data as an .xlsx (A: categories, B: values), every cell through xlsx.put."""
    from openpyxl import Workbook

    from . import xlsx  # with openpyxl, only when a chart is drawn
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    xlsx.put(ws, 1, 2, unit_label)
    for row, (category, value) in enumerate(zip(categories, values), start=2):
        xlsx.put(ws, row, 1, category)
        xlsx.put(ws, row, 2, Decimal(str(value)))
    ws.column_dimensions["A"].width = max([xlsx.text_width(c) + 2 for c in categories] + [10])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _inline(rel_id: str, shape_id: int, width_mm: float, height_mm: float, name: str) -> str:
    cx, cy = round(width_mm * EMU_PER_MM), round(height_mm * EMU_PER_MM)
    return (f'<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            f'xmlns:wp="{WP_NS}" xmlns:a="{A_NS}" xmlns:c="{C_NS}" xmlns:r="{R_NS}">'
            f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
            f'<wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{shape_id}" name="{d.xml_escape(name, quote=True)}"/>'
            f'<wp:cNvGraphicFramePr/><a:graphic><a:graphicData uri="{C_NS}">'
            f'<c:chart r:id="{rel_id}"/></a:graphicData></a:graphic></wp:inline></w:drawing>')


def _next_shape_id(doc: DocumentObject) -> int:
    ids = [int(x) for x in doc.element.xpath("//wp:docPr/@id") if str(x).isdigit()]
    return max(ids, default=0) + 1


def chart_height_mm(count: int) -> float:
    """Two charts of up to twelve bars fit one page: bars closer together from seven on (labels stay 10.5 pt)."""
    return FRAME_MM + (ROW_MM if count <= 6 else DENSE_ROW_MM) * max(count, 1)


def add_bar_chart(doc: DocumentObject, title: str, categories: list[str], values: list[float], *,
                  unit_label: str) -> Paragraph:
    """Append a centred paragraph holding a horizontal bar chart (one bar per category, top to bottom in the order
    given) as wide as the text block; returns the paragraph. Raises ValueError when the lists differ in length."""
    if len(categories) != len(values):
        raise ValueError("categories and values differ in length")
    categories = [d.clean_text(c) for c in categories]
    title, unit_label = d.clean_text(title), d.clean_text(unit_label)
    package = doc.part.package
    chart = Part(package.next_partname("/word/charts/chart%d.xml"), CHART_CT,
                 chart_xml(title, categories, list(values), unit_label=unit_label).encode("utf-8"), package)
    book = Part(package.next_partname("/word/embeddings/Microsoft_Excel_Worksheet%d.xlsx"), XLSX_CT,
                data_workbook(categories, list(values), unit_label=unit_label), package)
    if chart.relate_to(book, RT_PACKAGE) != "rId1":     # a new part's first relationship; the XML names it
        raise RuntimeError("the chart's workbook is not rId1")
    rel_id = doc.part.relate_to(chart, RT_CHART)
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    drawing = parse_xml(_inline(rel_id, _next_shape_id(doc), d.TEXT_W, chart_height_mm(len(categories)), title))
    paragraph.add_run()._r.append(drawing)
    paragraph.paragraph_format.keep_together = True
    paragraph.paragraph_format.space_before = Mm(0)
    return paragraph

