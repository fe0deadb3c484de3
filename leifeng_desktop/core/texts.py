"""The user-written parts of the 总结材料 and the 实施方案, kept in the settings table, and the summary's highlights.

A text part is stored under "<doc>.<part>" (e.g. "summary.problems", "plan.guiding") as a JSON string; a part never
saved (or saved empty) reads as its starting draft (core.text_drafts), built from the settings and the records. The
records chosen as highlights of a content area are stored under "summary.highlights.<area>" as a JSON list of record
ids; never saved means "the first few candidates", an empty list means "none".

    SUMMARY_PARTS, PLAN_PARTS      ordered TextPart(key, title, draft) tuples
    load_texts(store, doc, unit=None) -> {part: text}      saved text, else the draft
    save_texts(store, doc, texts)  one transaction, one "settings" notice; "highlights.<area>" keys take id lists
    summary_highlights(store, date_from=, date_to=, unit=) -> {area: [candidate]}   what may be chosen
    chosen_highlights(store, date_from=, date_to=, unit=) -> {area: [candidate]}    what the summary shows
"""
from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import oplog
from . import text_drafts as td
from .formatting import cn_date
from .service_record import period_sql
from .stats_shape import CampaignStats
from .store import Store
from .text_context import context as context
from .text_context import document_unit as document_unit
from .text_drafts import AREAS, Context
from .validation import ValidationError, minutes_to_hours
from .values import bad_character, describe

DOCS = ("summary", "plan")
DOC_TITLES = {"summary": "总结材料", "plan": "实施方案"}
MAX_TEXT = 20000


@dataclass(frozen=True)
class TextPart:
    key: str
    title: str                         # the label of the part in an editor
    draft: Callable[[Context], str]    # the starting draft


def _area_draft(key: str, c: Context) -> str:
    return td.SUMMARY_AREA_DRAFTS[key](c)


SUMMARY_PARTS: tuple[TextPart, ...] = (
    TextPart("addressee", "主送机关", td.summary_addressee),
    TextPart("opening", "开头语", td.summary_opening),
    TextPart("basic", "基本情况（组织开展情况）", td.summary_basic),
    *(TextPart(f"area.{key}", f"主要做法和成效：{title}", functools.partial(_area_draft, key))
      for key, title in AREAS),
    TextPart("problems", "存在问题", td.summary_problems),
    TextPart("next_steps", "下步打算", td.summary_next_steps),
)

PLAN_PARTS: tuple[TextPart, ...] = (
    TextPart("preamble", "开头语", td.plan_preamble),
    TextPart("guiding", "指导思想", td.plan_guiding),
    TextPart("content.values", AREAS[0][1], td.plan_values),
    TextPart("content.models", AREAS[1][1], td.plan_models),
    TextPart("content.visits", AREAS[2][1], td.plan_visits),
    TextPart("content.service", AREAS[3][1], td.plan_service),
    TextPart("content.publicity", AREAS[4][1], td.plan_publicity),
    TextPart("steps.mobilize", "动员部署", td.plan_mobilize),
    TextPart("steps.implement", "推进实施", td.plan_implement),
    TextPart("steps.review", "总结回顾", td.plan_review),
    TextPart("requirements.leadership", "加强组织领导", td.plan_leadership),
    TextPart("requirements.atmosphere", "营造良好氛围", td.plan_atmosphere),
    TextPart("requirements.results", "注重工作实效", td.plan_results),
)

PARTS = {"summary": SUMMARY_PARTS, "plan": PLAN_PARTS}

# Highlight areas of the summary: the five content areas, then 典型事迹 (honors whose deeds section 三 prints).
HIGHLIGHT_AREAS = (*AREAS, ("deeds", "典型事迹"))
DEFAULT_HIGHLIGHTS = 3     # candidates shown for an area nobody has chosen for
VALUES_KINDS, MEDIA_KIND, CULTURE_KINDS = td.VALUES_KINDS, td.MEDIA_KIND, td.CULTURE_KINDS
AWARDED = "表彰"
Part = int | Sequence[str] | None   # of an area's candidates: every one (None), the first n, or these ids only


def _check_doc(doc: str) -> None:
    if doc not in PARTS:
        raise ValueError(f"没有名为 {doc} 的文稿（应为 summary 或 plan）")


# -- texts ------------------------------------------------------------------------------------------------------
def saved_texts(store: Store, doc: str) -> dict[str, Any]:
    """Everything saved for the document, by part key (texts and highlight id lists), drafts not included."""
    _check_doc(doc)
    rows = store.db.query("SELECT key, value FROM settings WHERE key LIKE ? ESCAPE '\\'", [f"{doc}.%"])
    return {r["key"][len(doc) + 1:]: json.loads(r["value"]) for r in rows}


def load_texts(store: Store, doc: str, *, unit: str | None = None, date_from: object = None,
               date_to: object = None, today: dt.date | None = None,
               stats: CampaignStats | None = None) -> dict[str, str]:
    """Every text part of the document in PARTS order: the saved text (kept as written), else the draft for
    `unit`'s document (a summary's from its records in the period, default the campaign year; deadlines and
    overdue demands judged on `today`; `stats`: campaign_stats of that scope when the caller has them)."""
    _check_doc(doc)
    saved = saved_texts(store, doc)
    ctx = None
    out = {}
    for part in PARTS[doc]:
        text = saved.get(part.key)
        if not isinstance(text, str) or not text.strip():
            ctx = ctx or context(store, unit, facts=doc == "summary", date_from=date_from, date_to=date_to,
                                 today=today, stats=stats)
            text = part.draft(ctx)
        out[part.key] = text
    return out


def draft_texts(store: Store, doc: str, *, unit: str | None = None, date_from: object = None,
                date_to: object = None) -> dict[str, str]:
    """The starting drafts only (what 恢复默认 would show)."""
    _check_doc(doc)
    ctx = context(store, unit, facts=doc == "summary", date_from=date_from, date_to=date_to)
    return {part.key: part.draft(ctx) for part in PARTS[doc]}


def _clean(text: object) -> str:
    return str(text).replace("\r\n", "\n").replace("\r", "\n").strip()


def save_texts(store: Store, doc: str, texts: Mapping[str, Any], *, drafts: Mapping[str, str] | None = None) -> None:
    """Save text parts (an empty text removes the saved one: the draft shows again; so does a text equal to its
    entry in `drafts`, the drafts the editor showed, so a draft saved unchanged keeps following the records) and,
    for the summary, "highlights.<area>" id lists (None removes the choice). One transaction; listeners hear
    "settings"."""
    _check_doc(doc)
    known = {p.key for p in PARTS[doc]}
    areas = {a for a, _ in HIGHLIGHT_AREAS} if doc == "summary" else set()
    errors: dict[str, str] = {}
    rows: dict[str, Any] = {}
    for key, value in texts.items():
        if key in known:
            if value is not None and not isinstance(value, str):
                errors[key] = "应为文字"
            elif value is not None and len(_clean(value)) > MAX_TEXT:
                errors[key] = f"不能超过 {MAX_TEXT} 个字"
            elif value is not None and (bad := bad_character(_clean(value), multiline=True)):
                errors[key] = f"含有{describe(bad)}，请删除后再保存"
            elif value is not None and drafts is not None and _clean(value) == _clean(drafts.get(key, "")):
                rows[key] = None
            else:
                rows[key] = _clean(value) if value is not None else None
        elif key.startswith("highlights.") and key.removeprefix("highlights.") in areas:
            if value is not None and (not isinstance(value, (list, tuple))
                                      or not all(isinstance(i, str) for i in value)):
                errors[key] = "应为记录编号的列表"
            else:
                rows[key] = list(dict.fromkeys(value)) if value is not None else None
        else:
            errors[key] = "没有这一部分"
    if errors:
        raise ValidationError(errors)
    with store.transaction():
        before = {key: store.settings.get(f"{doc}.{key}") for key in rows}
        for key, value in rows.items():
            if value is None or value == "":
                store.db.execute("DELETE FROM settings WHERE key = ?", [f"{doc}.{key}"])
            else:
                store.db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                                 [f"{doc}.{key}", json.dumps(value, ensure_ascii=False)])
        labels = {p.key: p.title for p in PARTS[doc]} | {f"highlights.{a}": f"{t}（选用的记录）"
                                                        for a, t in HIGHLIGHT_AREAS}
        oplog.settings_changed(store, before, rows, title=DOC_TITLES[doc], labels=labels)
        store.notify("settings")


# -- highlights -------------------------------------------------------------------------------------------------
def _scope(column: str, date_from: str | None, date_to: str | None, unit: str | None,
           table: str) -> tuple[str, list[str]]:
    conds, params = period_sql(column, date_from, date_to)
    if unit:
        conds.append(f"{table}.unit = ?")
        params.append(unit)
    return " AND ".join(conds) or "1", params


def _who(row_unit: str | None, own: tuple[str, str]) -> str:
    """A record's unit as the subject of a sentence: the document's own unit is 市总工会/我会."""
    return own[1] if not row_unit or row_unit == own[0] else row_unit


def _publicity(store: Store, where: str, params: list[str], kinds: Sequence[str],
               own: tuple[str, str]) -> list[dict[str, Any]]:
    marks = ",".join("?" * len(kinds))
    rows = store.db.query(
        f"SELECT * FROM publicity WHERE kind IN ({marks}) AND {where} ORDER BY COALESCE(participants, 0) DESC, "
        f"date, rowid", [*kinds, *params])
    out = []
    for r in rows:
        day = cn_date(r["date"], year=False)
        where_ = f"在{r['outlet']}" if r["outlet"] else ""
        if r["kind"] == MEDIA_KIND:
            text = f"{day}，{r['outlet'] or '媒体'}以《{r['title']}》为题作了报道"
        elif r["kind"] in VALUES_KINDS:
            text = f"{day}，{_who(r['unit'], own)}{where_}举办{r['title']}"
        else:
            text = f"{day}，{_who(r['unit'], own)}{where_}开展“{r['title']}”活动"
        text += f"，{r['participants']}人参加" if r["participants"] and r["kind"] != MEDIA_KIND else ""
        out.append({"id": r["id"], "type": "publicity", "group": r["kind"], "date": r["date"],
                    "title": r["title"], "sentence": text})
    return out


def _honors(store: Store, where: str, params: list[str]) -> list[dict[str, Any]]:
    rows = store.db.query(
        f"SELECT * FROM honor WHERE {where} ORDER BY status = '{AWARDED}' DESC, "
        f"COALESCE(recommended_on, substr(created_at, 1, 10)), rowid", params)
    out = []
    for r in rows:
        who = r["name"] if r["subject_kind"] == "集体" or not r["employer"] or r["employer"] == r["name"] \
            else f"{r['employer']}{r['name']}"
        verb = "获评" if r["status"] == AWARDED else "被推荐参评"
        out.append({"id": r["id"], "type": "honor", "group": "honor", "title": r["name"],
                    "date": r["recommended_on"] or r["created_at"][:10], "status": r["status"],
                    "sentence": f"{who}{verb}{r['category']}"})
    return out


def _narrow(where: str, params: list[str], column: str, ids: Sequence[str]) -> tuple[str, list[str]]:
    """A candidate query cut to the records the clerk chose (the summary prints those only)."""
    return f"{column} IN ({','.join('?' * len(ids))}) AND {where}", [*ids, *params]


def _visits_and_aid(store: Store, date_from: str | None, date_to: str | None,
                    unit: str | None, part: Part = None) -> list[dict[str, Any]]:
    w, p = _scope("v.date", date_from, date_to, unit, "v")
    order, limit = "ORDER BY demands DESC, v.date, v.rowid", ""
    if isinstance(part, int):
        limit = f" LIMIT {part}"
    elif part is not None:
        w, p = _narrow(w, p, "v.id", part)
    visits = store.db.query(
        "SELECT v.*, g.name AS group_name, (SELECT COUNT(*) FROM demand d WHERE d.visit_id = v.id) AS demands "
        f"FROM enterprise_visit v LEFT JOIN working_group g ON g.id = v.group_id WHERE {w} {order}{limit}", p)
    out = []
    for v in visits:
        lead = f"{v['leader']}带领{v['group_name'] or '工作组'}" if v["leader"] else (v["group_name"] or "")
        text = f"{cn_date(v['date'], year=False)}，{lead}走访{v['enterprise']}"
        text += f"，与{v['interviewees']}座谈" if v["interviewees"] else ""
        text += f"，收集职工诉求{v['demands']}条" if v["demands"] else ""
        out.append({"id": v["id"], "type": "enterprise_visit", "group": "visit", "date": v["date"],
                    "title": v["enterprise"], "sentence": text})
    w, p = _scope("a.date", date_from, date_to, unit, "a")
    if part is not None and not isinstance(part, int):
        w, p = _narrow(w, p, "a.id", part)
    for a in store.db.query(f"SELECT a.* FROM aid a WHERE {w} ORDER BY COALESCE(a.amount, 0) DESC, a.date, "
                            f"a.rowid{limit}", p):
        gift = f"慰问金{yuan(a['amount'])}元" if a["amount"] else ""
        if a["goods"]:
            gift += ("及" if gift else "") + a["goods"]
        text = f"{cn_date(a['date'], year=False)}，开展“{a['programme']}”帮扶，为困难职工家庭送去{gift or '帮扶'}"
        out.append({"id": a["id"], "type": "aid", "group": "aid", "date": a["date"], "title": a["programme"],
                    "sentence": text})
    return out


def _activities(store: Store, date_from: str | None, date_to: str | None,
                unit: str | None, part: Part = None) -> list[dict[str, Any]]:
    w, p = _scope("a.starts_at", date_from, date_to, unit, "a")
    if isinstance(part, int):   # the first few: ranked by the same keys, then read whole
        part = _most_minutes(store, w, p, part)
    inner: list[str] = []
    if part is not None:        # only these activities' participations are summed
        w, p = _narrow(w, p, "a.id", part)
        inner = list(part)
    rows = store.db.query(
        "SELECT a.*, t.name AS team_name, COALESCE(pm.minutes, 0) AS minutes, COALESCE(pm.people, 0) AS people "
        "FROM activity a LEFT JOIN team t ON t.id = a.team_id LEFT JOIN (SELECT activity_id, SUM(minutes) AS "
        "minutes, COUNT(DISTINCT member_id) AS people FROM participant"
        + (f" WHERE activity_id IN ({','.join('?' * len(inner))})" if part is not None else "")
        + f" GROUP BY activity_id) pm ON pm.activity_id = a.id WHERE {w} ORDER BY minutes DESC, a.starts_at, "
        "a.rowid", [*inner, *p])
    out = []
    for a in rows:
        text = f"{cn_date(a['starts_at'], year=False)}，{a['team_name'] or ''}"
        text += f"在{a['place']}" if a["place"] else ""
        text += f"开展“{a['title']}”志愿服务"
        if a["people"]:
            text += f"，{a['people']}名志愿者参加，服务{minutes_to_hours(a['minutes'])}小时"
        text += f"，受益{a['beneficiaries']}人" if a["beneficiaries"] else ""
        out.append({"id": a["id"], "type": "activity", "group": "activity", "date": a["starts_at"][:10],
                    "title": a["title"], "sentence": text})
    return out


def _most_minutes(store: Store, where: str, params: list[str], n: int) -> list[str]:
    """The ids of the n activities in scope with the most minutes (then the earliest), from m012's activity_tally:
    first among those with at least the n-th most minutes of all (n of them in scope are the answer: any other
    has fewer), else ranking every activity in scope."""
    if not store.db["activity_tally"].exists():     # a file opened as it is, before m012
        return [r[0] for r in store.db.execute(
            f"SELECT a.id FROM activity a WHERE {where} ORDER BY COALESCE((SELECT SUM(minutes) FROM participant pt "
            f"WHERE pt.activity_id = a.id), 0) DESC, a.starts_at, a.rowid LIMIT {n}", params)]
    floor = store.db.execute(f"SELECT minutes FROM activity_tally ORDER BY minutes DESC LIMIT 1 OFFSET {n - 1}"
                             ).fetchone()
    if floor and floor[0] > 0:     # above 0: an activity without a tally (0 minutes) ranks below every one found;
        # CROSS JOIN: the few tallies at the floor or above first, their activities looked up
        ids = [r[0] for r in store.db.execute(
            f"SELECT a.id FROM activity_tally t CROSS JOIN activity a ON a.id = t.activity_id WHERE t.minutes >= ? "
            f"AND {where} ORDER BY t.minutes DESC, a.starts_at, a.rowid LIMIT {n}", [floor[0], *params])]
        if len(ids) == n:
            return ids
    return [r[0] for r in store.db.execute(
        f"SELECT a.id FROM activity a WHERE {where} ORDER BY COALESCE((SELECT minutes FROM activity_tally t "
        f"WHERE t.activity_id = a.id), 0) DESC, a.starts_at, a.rowid LIMIT {n}", params)]


def yuan(fen: int | str | None) -> str:
    """Integer fen as yuan for running text: 500, 1234.5 → '500', '12.35'."""
    fen = int(fen or 0)
    whole, part = divmod(fen, 100)
    return str(whole) if not part else f"{whole}.{part:02d}"


def summary_highlights(store: Store, *, date_from: str | None = None, date_to: str | None = None,
                       unit: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Candidate records per highlight area, best first: {area: [{id, type, group, date, title, sentence}]}.
    values: publicity of kinds 演讲/征文/先进模范人物事迹巡回报告 (most participants first); models and deeds: honors
    (表彰 first); visits: enterprise visits (most demands first), then aid (largest first); service: activities
    with the most service hours; publicity: media reports, then culture brought to the grassroots."""
    return _candidates(store, date_from, date_to, unit, {})


def _candidates(store: Store, date_from: str | None, date_to: str | None, unit: str | None,
                parts: Mapping[str, Part]) -> dict[str, list[dict[str, Any]]]:
    """summary_highlights, the two largest areas (visits and aid, activities) cut to `parts` when given."""
    name, is_city = document_unit(store, unit)
    own = (name, "市总工会" if is_city else "我会")
    w, p = _scope("publicity.date", date_from, date_to, unit, "publicity")
    hw, hp = _scope("COALESCE(recommended_on, created_at)", date_from, date_to, unit, "honor")
    honors = _honors(store, hw, hp)
    return {
        "values": _publicity(store, w, p, VALUES_KINDS, own),
        "models": honors,
        "visits": _visits_and_aid(store, date_from, date_to, unit, parts.get("visits")),
        "service": _activities(store, date_from, date_to, unit, parts.get("service")),
        "publicity": _publicity(store, w, p, (MEDIA_KIND,), own) + _publicity(store, w, p, CULTURE_KINDS, own),
        "deeds": [h for h in honors if h.get("status") == AWARDED] + [h for h in honors if h.get("status") != AWARDED],
    }


def _default_pick(area: str, candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if area == "deeds":
        return [c for c in candidates if c.get("status") == AWARDED]
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in candidates:
        groups.setdefault(c["group"], []).append(c)
    picked: list[dict[str, Any]] = []
    lists = list(groups.values())
    while len(picked) < DEFAULT_HIGHLIGHTS and any(lists):   # one of each kind in turn
        for items in lists:
            if items and len(picked) < DEFAULT_HIGHLIGHTS:
                picked.append(items.pop(0))
    return sorted(picked, key=lambda c: c["date"])


def chosen_highlights(store: Store, *, date_from: str | None = None, date_to: str | None = None,
                      unit: str | None = None, candidates: dict[str, list[dict[str, Any]]] | None = None
                      ) -> dict[str, list[dict[str, Any]]]:
    """The highlights the summary prints: the saved choice (in its order; records outside the period or unit are
    left out), else a default pick (a few of each kind, by date; for deeds every honor with status 表彰).
    `candidates`: summary_highlights of the same scope when the caller has them already; without them only the
    candidates the pick can reach are read (the saved ones, or the first few of each kind)."""
    saved = saved_texts(store, "summary")
    if candidates is None:
        parts: dict[str, Part] = {}
        for area in ("visits", "service"):
            ids = saved.get(f"highlights.{area}")
            parts[area] = DEFAULT_HIGHLIGHTS if ids is None else [str(i) for i in ids]
        candidates = _candidates(store, date_from, date_to, unit, parts)
    out: dict[str, list[dict[str, Any]]] = {}
    for area, items in candidates.items():
        ids = saved.get(f"highlights.{area}")
        if ids is None:
            out[area] = _default_pick(area, items)
        else:
            by_id = {c["id"]: c for c in items}
            out[area] = [by_id[i] for i in ids if i in by_id]
    return out
