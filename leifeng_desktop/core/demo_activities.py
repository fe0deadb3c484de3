"""The demo's activities: participants with their hours, publicity, and attachments (signed-in sheets and briefs as
real .docx files, written through core.attachments so they exist beside the database).

A mixin of core.demo._Plan; it uses the plan's rng, add(), pick() and friends. The Word files are made byte for byte
the same for the same seed: fixed document properties and fixed zip entry times, so their content hashes repeat.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import os
import random
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import demo_pools as P
from .attachments import add_attachment
from .store import Store
from .validation import minutes_to_hours

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

SHEETS, BRIEFS = 20, 6   # activities with a 签到表; of those, how many also have a 活动简报
DEMO_NOTE = "本文件为演示数据，人员、单位与活动均为虚构。"
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


class ActivityPlan:
    """Activities, their publicity and attachments, for core.demo._Plan."""

    if TYPE_CHECKING:   # what core.demo._Plan, which this is mixed into, provides
        rng: random.Random
        year: int
        city: str
        our_unit: str
        choices: dict[str, list[str]]
        teams: list[dict[str, Any]]
        units: list[dict[str, Any]]

        def add(self, key: str, values: dict[str, Any], unit: str | None = None) -> str: ...
        def pick(self, list_name: str, wanted: str) -> str: ...
        def weighted(self, items: list[str], weights: tuple[int, ...]) -> str: ...
        def tpl(self, text: str, **kw: object) -> str: ...
        def day(self, start: dt.date, end: dt.date) -> dt.date: ...
        def in_year(self, m1: int, d1: int, m2: int, d2: int) -> dt.date: ...

    def build_activities(self, n: int = 200) -> None:
        self.activities: list[dict[str, Any]] = []
        end = dt.date(self.year, 11, 30)
        for _ in range(n):
            team = self.rng.choices(self.teams, [len(t["roster"]) for t in self.teams])[0]
            start = max(team["founded"] + dt.timedelta(days=1), dt.date(self.year, 3, 1))
            day = self.day(min(start, end), end)
            begins = dt.datetime.combine(day, dt.time(self.rng.choice((8, 9, 10, 14, 15)), self.rng.choice((0, 30))))
            duration = self.rng.choice((60, 90, 120, 150, 180, 240))
            category, place = self.rng.choice(team["categories"]), self.rng.choice(P.PLACES)
            title = self.rng.choice(P.ACTIVITY_TITLES.get(category, P.ACTIVITY_TITLES["便民利民"])).format(p=place)
            served = P.SERVED.get(category, "社区居民")
            roster = team["roster"]
            people = self.rng.sample(roster, self.rng.randint(3, min(10, len(roster))))
            beneficiaries = self.rng.randint(15, 300)
            where = f"{self.city}{place}{self.rng.choice(P.SPOTS)}"
            values = {
                "title": title, "starts_at": f"{begins:%Y-%m-%dT%H:%M}",
                "ends_at": f"{begins + dt.timedelta(minutes=duration):%Y-%m-%dT%H:%M}", "place": where,
                "served": served, "category": category, "service_form": self.rng.choice(team["forms"]),
                "team_id": team["id"], "beneficiaries": beneficiaries, "recorder": people[-1]["name"],
                "leader": roster[0]["name"] if self.rng.random() < 0.8 else people[0]["name"],
                "evaluation": self.weighted(self.choices["evaluation"], (50, 40, 10, 0)),
                "summary": f"{day.month}月{day.day}日，{team['name']}组织{len(people)}名队员"
                           f"在{where}开展“{title}”活动，服务{served}{beneficiaries}人次，{self.rng.choice(P.CLOSINGS)}。"}
            activity_id = self.add("activity", values, team["unit"])
            attended = []
            for m in people:   # time on site, not travel: never more than the activity lasted
                minutes = max(30, duration - self.rng.choice((0, 0, 0, 15, 30)))
                self.add("participant", {"activity_id": activity_id, "member_id": m["id"], "minutes": minutes},
                         team["unit"])
                attended.append((m, minutes))
            self.activities.append({"id": activity_id, "title": title, "day": day, "team": team, "begins": begins,
                                    "values": values, "attended": attended})

    def report(self, title: str, day: dt.date, activity_id: str | None = None) -> dict[str, Any]:
        link = f"{self.rng.choice(P.LINK_HOSTS)}/{day:%Y%m}/{day:%d}/{self.rng.randrange(10 ** 6, 10 ** 7)}.html"
        return {"kind": self.pick("publicity_kind", "媒体报道"), "date": day.isoformat(), "title": title,
                "outlet": self.tpl(self.rng.choice(P.OUTLETS)), "link": link, "activity_id": activity_id}

    def build_publicity(self) -> None:
        for a in self.rng.sample(self.activities, 15):
            day = a["day"] + dt.timedelta(days=self.rng.randint(0, 3))
            self.add("publicity", self.report(f"{a['team']['name']}：{a['title']}", day, a["id"]), a["team"]["unit"])
        for title in P.MEDIA_TITLES:
            self.add("publicity", self.report(self.tpl(title), self.in_year(3, 1, 11, 30)), self.our_unit)
        units = [self.our_unit] + [u["name"] for u in self.units]
        for i in range(22):
            kind, title, where = P.PUBLICITY_EVENTS[i % len(P.PUBLICITY_EVENTS)]
            fill = {"p": self.rng.choice(P.PLACES), "n": i // len(P.PUBLICITY_EVENTS) + 1}
            self.add("publicity", {"kind": self.pick("publicity_kind", kind), "title": self.tpl(title, **fill),
                                   "date": self.in_year(3, 1, 11, 30).isoformat(), "outlet": self.tpl(where, **fill),
                                   "participants": self.rng.randint(30, 500)}, self.rng.choice(units))

    def build_attachments(self) -> None:
        """A 签到表 for some activities, and a 活动简报 for a few of those (files are written by write_files)."""
        self.files: list[tuple[str, str, str, Callable[[], WordDocument]]] = []   # (activity id, file name, note, doc)
        chosen = sorted(self.rng.sample(self.activities, SHEETS), key=lambda a: a["begins"])
        briefs = {a["id"] for a in self.rng.sample(chosen, BRIEFS)}
        for a in chosen:
            stem = _UNSAFE.sub("_", a["title"])
            self.files.append((a["id"], f"签到表_{a['day']:%m%d}_{stem}.docx", f"现场签到表（{len(a['attended'])}人）",
                               functools.partial(sign_in_sheet, a)))
            if a["id"] in briefs:
                self.files.append((a["id"], f"活动简报_{a['day']:%m%d}_{stem}.docx", "活动简报",
                                   functools.partial(brief, a)))


def write_files(store: Store, files: Sequence[tuple[str, str, str, Callable[[], WordDocument]]],
                tick: Callable[[], None]) -> int:
    """Write each planned Word file to a temporary folder and attach it; `tick` is called before each."""
    with tempfile.TemporaryDirectory(prefix="leifeng-demo-") as folder:
        for activity_id, name, note, make in files:
            tick()
            path = Path(folder) / name
            path.write_bytes(docx_bytes(make()))
            add_attachment(store, activity_id, path, note=note)
            os.unlink(path)
    return len(files)


# -- the Word files ---------------------------------------------------------------------------------------------
def _document(when: dt.datetime, title: str) -> WordDocument:
    """An A4 document whose text is 宋体 (zh-CN), with fixed properties so the same content gives the same bytes."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(25)
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):   # themes beat names
        fonts.attrib.pop(qn(attr), None)
    for attr, name in (("w:ascii", "Times New Roman"), ("w:hAnsi", "Times New Roman"), ("w:eastAsia", "宋体")):
        fonts.set(qn(attr), name)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    doc.styles["Normal"].font.size = Pt(12)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "学雷锋志愿服务工作台（演示数据）", ""
    props.comments, props.language, props.revision = DEMO_NOTE, "zh-CN", 1
    props.created = props.modified = when.replace(tzinfo=None)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(DEMO_NOTE).font.size = Pt(9)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold, run.font.size = True, Pt(18)
    return doc


def _line(doc: WordDocument, text: str, *, right: bool = False) -> None:
    paragraph = doc.add_paragraph()
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run(text)


def _when(a: dict[str, Any]) -> str:
    v = a["values"]
    start, end = dt.datetime.fromisoformat(v["starts_at"]), dt.datetime.fromisoformat(v["ends_at"])
    return f"{start.year}年{start.month}月{start.day}日 {start:%H:%M}—{end:%H:%M}"


def sign_in_sheet(a: dict[str, Any]) -> WordDocument:
    """The sheet the volunteers signed on site: who came, when they signed in and out, their hours."""
    v = a["values"]
    doc = _document(a["begins"], "学雷锋职工志愿服务活动签到表")
    _line(doc, f"活动名称：{v['title']}")
    _line(doc, f"组织队伍：{a['team']['name']}")
    _line(doc, f"活动时间：{_when(a)}")
    _line(doc, f"活动地点：{v['place']}")
    header = ("序号", "姓名", "工作单位", "签到时间", "签退时间", "服务时长", "本人签字")
    widths = (13, 19, 50, 19, 19, 20, 20)   # mm, 160 in all
    table = doc.add_table(rows=1, cols=len(header))
    table.style, table.alignment, table.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for i, (m, minutes) in enumerate(a["attended"], 1):
        out = a["begins"] + dt.timedelta(minutes=minutes)
        row = (str(i), m["name"], m["work"], f"{a['begins']:%H:%M}", f"{out:%H:%M}", f"{minutes_to_hours(minutes)}小时",
               m["name"])
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    for column, width in zip(table.columns, widths):
        column.width = Mm(width)   # the grid (LibreOffice reads this one) …
    for row in table.rows:
        for cell, width in zip(row.cells, widths):   # … and each cell (Word reads these)
            cell.width = Mm(width)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(10.5)
    _line(doc, f"活动负责人：{v['leader']}　　　　记录人：{v['recorder']}")
    return doc


def brief(a: dict[str, Any]) -> WordDocument:
    """A short report of the activity, as a team sends it to its union."""
    v = a["values"]
    doc = _document(a["begins"], "志愿服务活动简报")
    _line(doc, f"{a['team']['name']}　　{a['day'].year}年{a['day'].month}月{a['day'].day}日", right=True)
    _line(doc, f"活动名称：{v['title']}")
    _line(doc, f"活动时间：{_when(a)}　　地点：{v['place']}")
    _line(doc, f"服务对象：{v['served']}　　受益人数：{v['beneficiaries']}人次")
    _line(doc, f"　　{v['summary']}参加活动的队员有"
               f"{'、'.join(m['name'] for m, _ in a['attended'])}，共计服务"
               f"{minutes_to_hours(sum(n for _, n in a['attended']))}小时。")
    _line(doc, f"服务质量评价：{v['evaluation']}　　活动负责人：{v['leader']}　　记录人：{v['recorder']}")
    return doc


def docx_bytes(doc: WordDocument) -> bytes:
    """The saved document with every zip entry dated from the document itself, so equal content is equal bytes."""
    raw = io.BytesIO()
    doc.save(raw)
    modified = doc.core_properties.modified or dt.datetime(1980, 1, 1)
    stamp = (max(modified.year, 1980), modified.month, modified.day, modified.hour, modified.minute, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
