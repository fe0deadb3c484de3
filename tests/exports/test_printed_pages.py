"""The demo's prose documents as LibreOffice prints them with a Times-metric Latin font and with a wider one: the
总结材料 of the whole city and of every unit, the 实施方案 and a 志愿服务记录证明. No page holds the signature block
without a line of the text above it, and every document names its styles."""
import datetime as dt
import re
from collections import Counter

import pytest

from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.formatting import cn_date
from leifeng_desktop.core.store import Store
from leifeng_desktop.exports.certificate import export_certificate
from leifeng_desktop.exports.plan import export_plan
from leifeng_desktop.exports.summary import export_summary

from docx_styles import style_names
from libreoffice import page_texts, pdf_fonts, to_pdfs

TODAY = dt.date(2026, 11, 26)
FONTS = ("Liberation Serif", "DejaVu Serif")


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """(path, signing unit) of every document, written once for the module."""
    folder = tmp_path_factory.mktemp("printed")
    with Store.open(folder / "demo.db") as store:
        load_demo(store)
        city = store.settings.campaign()["our_unit"]
        docs = [(export_summary(store, folder / "总结-全市.docx", today=TODAY), city)]
        units = sorted(r["name"] for r in store.rows("unit") if r["name"] != city)
        docs += [(export_summary(store, folder / f"总结-{n:02d}.docx", unit=unit, today=TODAY), unit)
                 for n, unit in enumerate(units)]
        docs.append((export_plan(store, folder / "方案-全市.docx", today=TODAY), city))
        busiest = Counter(r["member_id"] for r in store.rows("participant")).most_common(1)[0][0]
        member = store.get("member", busiest)
        team = store.get("team", member["team_id"])
        docs.append((export_certificate(store, busiest, folder / "证明.docx", today=TODAY), team["unit"]))
    return docs


@pytest.fixture(scope="module")
def printed(documents, tmp_path_factory):
    """{latin font: [pages of each document]}, one LibreOffice start per font."""
    folder = tmp_path_factory.mktemp("pdf")
    return {latin: [page_texts(pdf) for pdf in to_pdfs([p for p, _ in documents], folder, latin)]
            for latin in FONTS}


def squeeze(line: str) -> str:
    return re.sub(r"\s+", "", line)


def signature_page(pages: list[str], unit: str) -> tuple[int, list[str]]:
    """The page holding the unit over the date, and its lines above the unit's."""
    date = squeeze(cn_date(TODAY))
    for number, page in enumerate(pages, start=1):
        lines = [squeeze(line) for line in page.splitlines() if line.strip()]
        for i in range(1, len(lines)):
            if lines[i] == date and lines[i - 1].startswith(squeeze(unit)):
                return number, lines[:i - 1]
    raise AssertionError(f"no signature of {unit} dated {date}")


@pytest.mark.parametrize("latin", FONTS)
def test_no_page_holds_the_signature_alone(documents, printed, latin):
    assert len(printed[latin]) == len(documents) == 15      # the city, 12 units, the plan, the certificate
    for (path, unit), pages in zip(documents, printed[latin]):
        number, above = signature_page(pages, unit)
        text = [line for line in above if not re.match(r"(附件|\d+\.)", line)]
        assert text, f"{path.name}, {latin}: page {number} holds only the signature block"


def test_the_fonts_printed_are_the_ones_pinned(documents, tmp_path):
    path = documents[0][0]
    for latin in FONTS:
        fonts = pdf_fonts(to_pdfs([path], tmp_path, latin)[0])
        assert any(f.startswith(latin.replace(" ", "")) for f in fonts), fonts
        assert not any(f.startswith(other.replace(" ", "")) for other in FONTS if other != latin for f in fonts)
        assert any("CJK" in f for f in fonts)


def test_fixed_layouts_print_the_same_pages_with_either_latin_font(documents, printed):
    """The plan's tables and the certificate are laid out by width, not by the flow of text: the same page count
    with either font (a summary's flowing text may take a line more with the wider font, see architecture.md)."""
    for n, (path, _) in enumerate(documents):
        if not path.name.startswith("总结"):
            counts = {latin: len(printed[latin][n]) for latin in FONTS}
            assert len(set(counts.values())) == 1, (path.name, counts)


def test_every_document_names_its_styles(documents):
    for path, _ in documents:
        defined, used = style_names(path)
        assert {"一级标题", "表格文字", "表头", "落款"} <= set(defined.values()), path.name
        assert used <= set(defined), path.name
        needed = {"GwTableText", "GwTableHead"} if path.name == "证明.docx" else \
            {"Title", "GwHeading1", "BodyText", "GwSignature", "GwTableText"}
        if path.name.startswith("总结"):
            needed |= {"GwHeading2", "Caption", "GwAppendixLabel", "GwAppendixTitle"}
        assert needed <= used, (path.name, needed - used)
