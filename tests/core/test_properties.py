"""Property tests (Hypothesis) for the one-rule-per-value promise of the core:

- any string for any text field is either refused with a Chinese ValidationError naming that field, or saved, read
  back as its normalised form (NFC, trimmed, \\n line ends), and written to a Word file and an Excel ledger that
  read back exactly as stored (python-docx, openpyxl);
- any date-like input is stored zero-padded (ISO 8601) or refused;
- numbers beyond a field's maximum are refused, never an overflow.

Example counts stay modest so the suite stays fast; every example of the export property writes two files.
"""
import datetime as dt
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from leifeng_desktop.core import schema as s
from leifeng_desktop.core.formatting import display
from leifeng_desktop.core.store import Store
from leifeng_desktop.core.validation import ValidationError, check_field, normalize

QUICK = settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
FILES = settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
PER_FIELD = settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
CJK = re.compile("[\u4e00-\u9fff]")

TEXT_FIELDS = [(rt, f) for rt in s.RECORD_TYPES.values() for f in rt.fields if f.type in (s.TEXT, s.LONGTEXT)]
FIELD_IDS = [f"{rt.key}.{f.key}" for rt, f in TEXT_FIELDS]

# What hostile input looks like: lone surrogates, non-characters, controls, line ends, formula and escape leads.
NASTY = ["\ud800", "\udfff", "\ufffe", "\uffff", "\ufdd0", "\U0010ffff", "\x00", "\x0b", "\x1b", "\x7f", "\x85",
         "\t", "\n", "\r", "\r\n", "\u2028", " ", "\u3000", "\u200b", "e\u0301", "𠀀", "😀", "_x000B_", "_x005F_",
         "=1+1", " =2*3", "@SUM(A1)", "+1", "-1+2", "=HYPERLINK(\"http://x\",\"y\")", "=cmd|' /C calc'!A0",
         "<w:t>", "&amp;", "]]>", "'", "\"", "\\", "雷锋", "卫_x000B_十二"]
texts = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=40),      # every code point, surrogates included
    st.lists(st.sampled_from(NASTY) | st.text(max_size=3), max_size=8).map("".join),
)

# Mostly storable text for the export properties (each example writes files): no controls or surrogates drawn,
# only what NASTY brings; fields with a format check (phone, 身份证号 …) refuse almost anything, so they sit out.
storable = st.one_of(st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=40),
                     st.lists(st.sampled_from(NASTY) | st.text(max_size=3), max_size=8).map("".join))
FREE_TEXT_FIELDS = [(rt, f) for rt, f in TEXT_FIELDS if not f.check and f.key != "sha256"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    st_ = Store.open(tmp_path_factory.mktemp("props") / "leifeng.db")
    yield st_
    st_.close()


def base_values(store: Store, rt: s.RecordType, made: dict) -> dict:
    """A valid record of `rt` with only its required fields, parents made as needed (one of each, reused)."""
    choices = store.settings.choices()
    values = {}
    for f in rt.fields:
        if not f.required:
            continue
        if f.type == s.REF:
            if f.ref not in made:
                made[f.ref] = store.insert(f.ref, base_values(store, s.record_type(f.ref), made))
            values[f.key] = made[f.ref]
        elif f.type == s.CHOICE:
            values[f.key] = choices[f.choices][0]
        elif f.type in s.DATE_TYPES:
            values[f.key] = {s.DATE: "2026-09-01", s.MONTH: "2026-09", s.DATETIME: "2026-09-01T09:00"}[f.type]
            values[f.key] = "2026-09-01T11:00" if f.key == "ends_at" else values[f.key]
        elif f.type in (s.INT, s.MONEY, s.HOURS):
            values[f.key] = 60
        elif f.check == s.PHONE:
            values[f.key] = "13812345678"
        else:
            values[f.key] = "甲" if f.key != "sha256" else "0" * 64
    return values


@pytest.fixture(scope="module")
def bases(store):
    made: dict = {}
    return {rt.key: base_values(store, rt, made) for rt in s.RECORD_TYPES.values()}


def expected(f: s.Field, text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    if f.type == s.LONGTEXT:
        return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n ")
    return text.strip()


def save(store: Store, bases: dict, rt: s.RecordType, f: s.Field, text: str) -> str | None:
    """The stored value, or None after checking the refusal is Chinese and about this field only."""
    try:
        record_id = store.insert(rt.key, {**bases[rt.key], f.key: text})
    except ValidationError as exc:
        assert set(exc.errors) == {f.key}, exc.errors
        message = exc.errors[f.key]
        assert CJK.search(message) and message.encode("utf-8"), message   # printable, no lone surrogate echoed
        return None
    stored = store.get(rt.key, record_id)[f.key]
    assert (stored or "") == expected(f, text)
    return stored


@pytest.mark.parametrize("rt,f", TEXT_FIELDS, ids=FIELD_IDS)
def test_every_text_field_saves_or_refuses(store, bases, rt, f):
    @PER_FIELD
    @given(text=texts)
    @example(text="\ud800")
    @example(text="\ufffe雷锋")
    @example(text="  卫_x000B_十二\r\n")
    def run(text):
        save(store, bases, rt, f, text)
    run()


def read_docx(path) -> list[str]:
    import docx
    document = docx.Document(str(path))
    return [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]


def write_docx(path, text: str):
    from leifeng_desktop.exports import document as d
    from leifeng_desktop.exports import word_tables as wt
    doc = d.new_document()
    d.add_paragraph(doc, text)
    table = doc.add_table(rows=1, cols=1)
    wt.write_cell(table.cell(0, 0), text)
    doc.save(str(path))


def read_xlsx(path) -> list:
    import openpyxl
    wb = openpyxl.load_workbook(path)
    try:
        return [c.value for row in wb.worksheets[0].iter_rows() for c in row]
    finally:
        wb.close()


@FILES
@given(pick=st.sampled_from(FREE_TEXT_FIELDS), text=storable)
@example(pick=(s.TEAM, s.TEAM.field("intro")), text="\t第一行\r\n  第二行 ")
@example(pick=(s.HOUSEHOLD, s.HOUSEHOLD.field("name")), text="=1+1")
@example(pick=(s.HOUSEHOLD, s.HOUSEHOLD.field("address")), text="卫_x000B_十二")
@example(pick=(s.AID, s.AID.field("goods")), text=" =2*3 ")
@example(pick=(s.TEAM, s.TEAM.field("intro")), text="雷锋\x85\u2028精神\u200b𠀀😀")
def test_saved_text_reads_back_from_word_as_stored(store, bases, tmp_path_factory, pick, text):
    rt, f = pick
    stored = save(store, bases, rt, f, text)
    assume(stored)
    path = tmp_path_factory.mktemp("docx") / "t.docx"
    shown = display(f, stored, reveal=True)
    write_docx(path, shown)
    paragraphs = read_docx(path)
    assert paragraphs.count(shown) == 2, (shown, paragraphs)


def _safe_ledger_writer() -> bool:
    from leifeng_desktop.exports import xlsx
    return hasattr(xlsx, "put")


# The ledger writer that keeps formula-like text and _xHHHH_ as typed (issue 11, Deliver 1) is engineer A's; until
# it is in, "=1+1" reads back as a formula. Only then is this leg allowed to fail.
@pytest.mark.xfail(not _safe_ledger_writer(), reason="exports.xlsx.put (text cells never formulas) not in yet",
                   strict=False)
@FILES
@given(pick=st.sampled_from(FREE_TEXT_FIELDS), text=storable)
@example(pick=(s.HOUSEHOLD, s.HOUSEHOLD.field("name")), text="=1+1")
@example(pick=(s.HOUSEHOLD, s.HOUSEHOLD.field("address")), text="卫_x000B_十二")
@example(pick=(s.AID, s.AID.field("goods")), text="@SUM(A1)")
@example(pick=(s.TEAM, s.TEAM.field("intro")), text="\t第一行\n第二行")
@example(pick=(s.TEAM, s.TEAM.field("intro")), text="雷锋\x85\u2028精神\u200b𠀀😀")
def test_saved_text_reads_back_from_a_ledger_as_stored(store, bases, tmp_path_factory, pick, text):
    from leifeng_desktop.exports.xlsx import Column, write_ledger
    rt, f = pick
    stored = save(store, bases, rt, f, text)
    assume(stored)
    path = tmp_path_factory.mktemp("xlsx") / "t.xlsx"
    write_ledger(path, title="台账", columns=[Column.of(f, reveal=True)], rows=[[stored]])
    cells = read_xlsx(path)
    assert display(f, stored, reveal=True) in cells, cells


# -- dates ------------------------------------------------------------------------------------------------------
PADDED = {s.DATE: re.compile(r"\d{4}-\d{2}-\d{2}"), s.MONTH: re.compile(r"\d{4}-\d{2}"),
          s.DATETIME: re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")}
DATE_FIELDS = [(rt, f) for rt in s.RECORD_TYPES.values() for f in rt.fields if f.type in s.DATE_TYPES]


@st.composite
def date_like(draw):
    """Dates as clerks type them (any separator, padded or not, 年月日, full-width), some impossible."""
    y = draw(st.integers(0, 9999))
    m, d = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    pad = draw(st.booleans())
    two = (lambda n: f"{n:02d}") if pad else str
    sep = draw(st.sampled_from(["-", "/", ".", "年", " - ", "－"]))
    text = f"{y:04d}{sep}{two(m)}{'月' if sep == '年' else sep}{two(d)}{'日' if sep == '年' else ''}"
    if draw(st.booleans()):
        text += draw(st.sampled_from(["", " ", "T", "  "]))
        text += f"{draw(st.integers(0, 25))}:{draw(st.integers(0, 61)):02d}"
    if draw(st.booleans()):
        text = unicodedata.normalize("NFKC", text) if draw(st.booleans()) else text.translate(
            {ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    return text


@QUICK
@given(pick=st.sampled_from(DATE_FIELDS), text=st.one_of(date_like(), st.text(max_size=20)))
@example(pick=(s.AID, s.AID.field("date")), text="2026-9-1")
@example(pick=(s.ACTIVITY, s.ACTIVITY.field("starts_at")), text="2026年9月1日 9:05")
def test_any_date_like_input_is_stored_padded_or_refused(pick, text):
    rt, f = pick
    value = normalize(f, text)
    message = check_field(f, value)
    if message is None and value:
        assert PADDED[f.type].fullmatch(value), value
        first, last = f.year_range
        assert first <= int(value[:4]) <= last
        assert normalize(f, value) == value                           # the stored form is a fixed point
    elif value:
        assert CJK.search(message), message


@QUICK
@given(day=st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)), form=st.sampled_from(
    ["{y}-{m}-{d}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{y}年{m}月{d}日", "{y}{m:02d}{d:02d}", "{y}-{m:02d}-{d:02d}"]))
def test_every_real_date_is_accepted_in_every_loose_form(day, form):
    f = s.AID.field("date")
    value = normalize(f, form.format(y=day.year, m=day.month, d=day.day))
    assert value == day.isoformat() and check_field(f, value) is None


def test_dates_through_the_store(store, bases):
    aid = store.insert("aid", {**bases["aid"], "date": "2026年9月1日"})
    assert store.get("aid", aid)["date"] == "2026-09-01"


# -- numbers ----------------------------------------------------------------------------------------------------
NUMBER_FIELDS = [(rt, f) for rt in s.RECORD_TYPES.values() for f in rt.fields if f.type in (s.INT, s.MONEY, s.HOURS)]


@QUICK
@given(pick=st.sampled_from(NUMBER_FIELDS), excess=st.integers(1, 10**40))
def test_numbers_beyond_the_maximum_are_refused(pick, excess):
    rt, f = pick
    assert "不能超过" in check_field(f, f.maximum + excess)


@QUICK
@given(value=st.one_of(st.integers(-(10**30), 10**30), st.floats(), st.booleans(), st.text(max_size=5)))
def test_a_household_income_is_saved_within_bounds_or_refused(store, bases, value):
    try:
        record = store.insert("household", {**bases["household"], "income": value})
    except ValidationError as exc:
        assert set(exc.errors) == {"income"} and CJK.search(exc.errors["income"])
        return
    stored = store.get("household", record)["income"]
    assert stored is None or 0 <= stored <= s.HOUSEHOLD.field("income").maximum


@QUICK
@given(text=st.one_of(st.text(max_size=12), st.from_regex(r"-?\d{1,3}(e[+-]?\d{1,12})?(\.\d{0,4})?", fullmatch=True),
                      st.floats().map(repr), st.decimals().map(str)))
def test_yuan_and_hours_conversions_only_ever_raise_value_error(text):
    """A clerk's money or hours text becomes an int or a Chinese ValueError, never another exception or a hang."""
    from leifeng_desktop.core.validation import hours_to_minutes, yuan_to_fen
    for convert in (yuan_to_fen, hours_to_minutes):
        try:
            value = convert(text)
        except ValueError as exc:
            assert CJK.search(str(exc)), str(exc)
        else:
            assert isinstance(value, int) and value >= 0
