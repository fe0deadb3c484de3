"""A realistic, deterministic demo data set for an empty database (the first-start offer, `leifeng-desktop demo`).

Everything is invented. The same seed gives the same content (names, dates, amounts, attachment files byte for byte);
record UUIDs are fresh each time, so two demo databases never clash when merged. Activities: core.demo_activities.

Made-up identifiers that still pass the checks:
- 身份证号: region 110101, the birth date, sequence "99", a gender digit (odd for men, even for women) and the
  check digit computed by stdnum.cn.ric — e.g. 110101198001019912. Real numbers with "99" there are rare, and
  a clerk who sees 110101…99 knows it is demo data.
- 统一社会信用代码: "91" + region 110101 + "99" + seven random characters + the stdnum.cn.uscc check character.
- Phones: 11-digit mobiles (13x/15x/18x) with random digits. Links point at *.example.com.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stdnum.cn import ric

from . import demo_pools as P
from . import oplog
from . import schema as s
from .attachments import attachments_dir, stored_files
from .demo_activities import ActivityPlan, write_files
from .fake_values import FakeValues
from .settings import DEFAULT_GROUPS
from .store import Store, new_id

PROGRESS_EVERY = 50


class DemoCancelled(Exception):
    """The user cancelled; raised inside the transaction so nothing is written."""

    def __init__(self, message: str = "已取消载入演示数据，数据库未作任何修改"):
        super().__init__(message)


def load_demo(store: Store, *, seed: int = 2026, progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None, force: bool = False) -> dict[str, int]:
    """Fill an empty store in one transaction (`force`: also one with records, the CLI's `demo --force`); returns
    the number of records added per record type. Attachment files go into attachments_dir(store); a cancel or
    failure rolls the records back and removes the files."""
    if not force and not store.is_empty():
        raise ValueError("数据库中已有录入的记录，演示数据只能载入空数据库；请新建一个数据库后再载入")
    plan = _Plan(store, random.Random(seed))
    plan.build()
    total = len(plan.rows) + len(plan.updates) + len(plan.files)
    counts = {key: 0 for key in s.RECORD_TYPES}
    done = 0

    def tick(every: int = 1) -> None:   # before each step: a cancel, the progress, one more step done
        nonlocal done
        if cancelled is not None and cancelled():
            raise DemoCancelled()
        if progress is not None and done % every == 0:
            progress(done, total)
        done += 1

    files_before = set(stored_files(store))
    try:
        with store.transaction(), oplog.bulk(store, "demo", title="演示数据"):   # one 操作日志 entry with counts
            for key, values, unit, record_id in plan.rows:
                tick(PROGRESS_EVERY)
                store.insert(key, values, unit=unit, record_id=record_id)
                counts[key] += 1
            for key, record_id, values in plan.updates:
                store.update(key, record_id, values)
            done += len(plan.updates)
            counts["attachment"] = write_files(store, plan.files, tick)   # the files live beside the database
    except BaseException:
        _remove_new_files(store, files_before)   # the rolled-back records took nothing with them
        raise
    if progress is not None:
        progress(total, total)
    return counts


def _remove_new_files(store: Store, before: set[Path]) -> None:
    for path in set(stored_files(store)) - before:
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            path.parent.rmdir()
    with contextlib.suppress(OSError):
        attachments_dir(store).rmdir()   # only when empty


class _Plan(FakeValues, ActivityPlan):
    """Builds every record first (ids assigned up front), so load_demo knows the total and writes in one go."""

    def __init__(self, store: Store, rng: random.Random):
        self.rng = rng
        self.rows: list[tuple[str, dict[str, Any], str | None, str]] = []
        self.updates: list[tuple[str, str, dict[str, Any]]] = []
        cfg = store.settings.campaign()
        self.city = cfg["city"] or "XX市"
        self.year = int(cfg["year"])
        self.our_unit = cfg["our_unit"]
        self.deadline = dt.date.fromisoformat(cfg["registration_deadline"] or f"{self.year}-08-25")
        self.plan_deadline = dt.date.fromisoformat(cfg["plan_deadline"] or f"{self.year}-08-31")
        self.reply_days = int(cfg["demand_reply_days"] or 3)
        self.choices = store.settings.choices()
        self.existing_units = {r["name"] for r in store.rows("unit")}
        self.groups = store.rows("working_group")
        self.used: set[str] = set()   # phones and ID numbers already given out

    # -- helpers -------------------------------------------------------------------------------------------
    def add(self, key: str, values: dict[str, Any], unit: str | None = None) -> str:
        record_id = new_id()
        self.rows.append((key, values, unit, record_id))
        return record_id

    def id_number(self, birth: dt.date, gender: str) -> str:
        digits = self.rng.sample(range(1 if gender == "男" else 0, 10, 2), 5)
        for first17 in (f"110101{birth:%Y%m%d}99{d}" for d in digits):
            number = first17 + ric.calc_check_digit(first17 + "0")
            if number not in self.used:
                self.used.add(number)
                return number
        return ""   # five people of one sex born the same day: leave this one without a number

    def uscc(self) -> str:
        return P.fake_uscc(self.rng)

    # -- the data set ----------------------------------------------------------------------------------------
    def build(self) -> None:
        for step in (self.build_groups, self.build_units, self.build_teams, self.build_activities,
                     self.build_publicity, self.build_enterprise_visits, self.build_households, self.build_honors,
                     self.build_submissions, self.build_attachments):
            step()

    def build_groups(self) -> None:
        if not self.groups:   # a clerk deleted them all: the visits still need groups
            self.groups = [{"id": self.add("working_group", {"name": n}, self.our_unit), "name": n, "leader": None}
                           for n in DEFAULT_GROUPS]
        for g in self.groups:
            blank = {"leader": self.person(born=(1963, 1975))["name"], "members": self.names(3)}
            blank = {k: v for k, v in blank.items() if not g.get(k)}   # fill only what the clerk left empty
            if blank:
                g.update(blank)
                self.updates.append(("working_group", g["id"], blank))
            g["visitors"] = f"{g['leader']}、{self.names(2)}"

    def build_units(self) -> None:
        self.units = []
        for name_tpl, kind, short, team_kinds, workplaces in P.UNITS:
            name, contact, phone = self.tpl(name_tpl), self.person()["name"], self.phone()
            if name not in self.existing_units:
                self.add("unit", {"name": name, "kind": self.pick("unit_kind", kind), "contact": contact,
                                  "phone": phone, "expected": 1}, self.our_unit)
            self.units.append({"name": name, "short": short, "team_kinds": team_kinds,
                               "workplaces": {self.tpl(w): posts for w, posts in workplaces.items()}})

    def founded_dates(self, n: int) -> list[dt.date]:
        """Mostly this year before the registration deadline, six older teams, four formed late."""
        late = set(self.rng.sample(range(n), 4))
        old = set(self.rng.sample([i for i in range(n) if i not in late], 6))
        return [self.deadline + dt.timedelta(days=self.rng.randint(1, 25)) if i in late
                else dt.date(self.year - self.rng.randint(1, 8), self.rng.randint(1, 12), self.rng.randint(1, 28))
                if i in old else self.deadline - dt.timedelta(days=self.rng.randint(0, 170)) for i in range(n)]

    def build_teams(self) -> None:
        plan = [(u, kind) for u in self.units for kind in u["team_kinds"]]
        n = len(plan)
        sizes = [10] * n
        for _ in range(n * 3):   # uneven rosters of 6–15 (one A4 登记表), 300 in all
            i, j = self.rng.randrange(n), self.rng.randrange(n)
            if i != j and sizes[i] > 6 and sizes[j] < 15:
                sizes[i], sizes[j] = sizes[i] - 1, sizes[j] + 1
        self.teams = []
        for (unit, kind), size, founded in zip(plan, sizes, self.founded_dates(n)):
            kind = self.pick("team_kind", kind)
            name, title = f"{unit['short']}{kind}", self.rng.choice(P.LEADER_TITLES)
            leader = dict(self.person(born=(1966, 1990)), phone=self.phone())
            cats = self.some(P.KIND_CATEGORIES.get(kind, P.KIND_CATEGORIES["职工志愿服务队"]), 2, 4, "service_category")
            forms = self.some(s.CHOICE_LISTS["service_form"][1][:3], 1, 3, "service_form")
            team = {"name": name, "kind": kind, "unit": unit["name"], "founded": founded, "categories": cats,
                    "forms": forms, "roster": []}
            team["id"] = self.add("team", {
                "name": name, "kind": kind, "unit": unit["name"], "founded_on": founded.isoformat(),
                "leader": leader["name"], "leader_title": title, "leader_phone": leader["phone"],
                "contact": self.person()["name"], "contact_phone": self.phone(), "categories": cats,
                "service_forms": forms, "area": f"{self.city}{self.rng.choice(P.DISTRICTS)}及周边社区",
                "intro": f"{name}由{unit['name']}组织成立，现有队员{size}名，主要开展{'、'.join(cats)}等志愿服务。"
                         f"{self.year}年计划每月至少开展一次{'、'.join(forms)}活动，把服务送到职工群众身边。"},
                unit["name"])
            self.teams.append(team)
            for k in range(size):   # the leader is the roster's first member
                p = leader if k == 0 else dict(self.person(), phone=self.phone())
                workplace = self.rng.choice(list(unit["workplaces"]))
                post = title if k == 0 else self.rng.choice(unit["workplaces"][workplace])
                young = self.year - p["birth"].year <= 28   # 共青团员 only up to 28
                skills = P.SKILLS.get(kind, P.SKILLS["职工志愿服务队"])
                values = {"team_id": team["id"], "name": p["name"], "gender": p["gender"],
                          "birth_month": f"{p['birth']:%Y-%m}", "work": f"{workplace} {post}",
                          "politics": self.weighted(self.choices["politics"], (35, 3, 15 * young, 4, 3, 40)),
                          "phone": p["phone"], "skills": "、".join(self.rng.sample(skills, self.rng.randint(1, 3)))}
                if self.rng.random() < 0.7:
                    values["id_number"] = self.id_number(p["birth"], p["gender"])
                if self.rng.random() < 0.3:
                    values["volunteer_no"] = f"ZY{self.year}{self.rng.randrange(10 ** 6):06d}"
                team["roster"].append(dict(p, id=self.add("member", values, unit["name"]), work=workplace,
                                           politics=values["politics"]))

    def build_enterprise_visits(self) -> None:
        firms = []
        for i, brand in enumerate(self.rng.sample(P.ENTERPRISE_BRANDS, 40)):
            trade, industry = self.rng.choice(P.ENTERPRISE_TRADES)
            firms.append({"enterprise": f"{self.city}{brand}{trade}有限公司", "industry": industry,
                          "address": f"{self.street()}{self.rng.randint(1, 399)}号",
                          "workers": self.rng.randint(30, 3000), **({"uscc": self.uscc()} if i % 2 == 0 else {})})
        self.firms = [f["enterprise"] for f in firms]
        visits = [(f, self.in_year(3, 1, 10, 31)) for f in firms]
        visits += [(f, min(d + dt.timedelta(days=self.rng.randint(20, 60)), dt.date(self.year, 11, 30)))
                   for f, d in self.rng.sample(visits, 5)]   # five enterprises visited twice
        statuses = [self.pick("demand_status", x) for x in ("已办结", "办理中", "待办理")]
        for i, (firm, day) in enumerate(visits):
            g = self.groups[i % len(self.groups)]
            visit_id = self.add("enterprise_visit", {
                **firm, "date": day.isoformat(), "group_id": g["id"], "leader": g["leader"], "visitors": g["visitors"],
                "interviewees": self.rng.choice(P.INTERVIEWEES).format(n=self.rng.randint(5, 15))}, self.our_unit)
            for _ in range(self.rng.choices((0, 1, 2, 3), (2, 4, 3, 1))[0]):
                kind = self.rng.choice(self.choices["demand_kind"])
                status = self.rng.choices(statuses, (60, 25, 15))[0]
                reply = {statuses[0]: self.rng.choice(P.REPLY_DONE), statuses[1]: self.rng.choice(P.REPLY_DOING)}
                self.add("demand", {
                    "visit_id": visit_id, "content": self.rng.choice(P.DEMANDS.get(kind, P.DEMANDS["其他"])),
                    "kind": kind, "handler": self.person()["name"], "status": status, "reply": reply.get(status),
                    "due_on": (day + dt.timedelta(days=self.reply_days)).isoformat()}, self.our_unit)

    def street(self) -> str:
        return f"{self.city}{self.rng.choice(P.DISTRICTS)}{self.rng.choice(P.STREETS)}"

    def build_households(self, n: int = 85) -> None:
        causes, clerks = self.choices["hardship_cause"], [self.person()["name"] for _ in range(3)]
        employers = self.firms + [w for u in self.units for w in u["workplaces"]]
        visit_only, aid_only, neither = self.rng.sample(range(n), 3)   # the other 82 are visited and helped
        for i in range(n):
            me = self.person(born=(1966, 1990))
            hardship = self.weighted(self.choices["hardship_kind"], (30, 45, 25))
            main = self.rng.choice(causes)
            if hardship == self.pick("hardship_kind", "意外致困户"):
                main = self.pick("hardship_cause", self.rng.choice(("意外事故", "灾害", "本人患大病", "家属患大病")))
            family = self.family(me)
            students = sum(1 for f in family if f.pop("student", False))
            r = self.rng.randint
            household_id = self.add("household", {
                "name": me["name"], "gender": me["gender"], "id_number": self.id_number(me["birth"], me["gender"]),
                "birth_date": me["birth"].isoformat(), "employer": self.rng.choice(employers),
                "work_status": self.weighted(self.choices["work_status"], (40, 10, 10, 5, 10, 25)),
                "hardship": hardship, "main_cause": main,
                "other_causes": self.some([c for c in causes if c != main], 0, 3, "hardship_cause"),
                "family_size": 1 + len(family), "income": self.rng.randrange(300, 1500, 10) * 100,
                "health": self.rng.choice(P.HEALTH_BY_CAUSE.get(main, P.HEALTH_COMMON)),
                "address": f"{self.street()}{r(1, 300)}号{r(1, 20)}栋{r(1, 4)}单元{r(1, 6)}0{r(1, 4)}室",
                "phone": self.phone(), "filed_by": self.rng.choice(clerks),
                "filed_on": self.day(dt.date(self.year - 4, 1, 1), dt.date(self.year, 6, 30)).isoformat()},
                self.our_unit)
            for f in family:
                self.add("family_member", {"household_id": household_id, **f}, self.our_unit)
            for _ in range(0 if i in (aid_only, neither) else self.rng.choice((1, 1, 2))):
                g = self.rng.choice(self.groups)
                self.add("household_visit", {
                    "date": self.in_year(3, 1, 11, 20).isoformat(), "group_id": g["id"], "visitors": g["visitors"],
                    "household_id": household_id, "needs": P.NEEDS.get(main, P.NEEDS["其他"]),
                    "findings": f"{me['name']}一家{1 + len(family)}口人，主要困难为{main}。"
                                + (f"家中有{students}名子女在读。" if students else "")}, self.our_unit)
            if i not in (visit_only, neither):
                self.aid(household_id, main, students > 0)

    def family(self, me: dict[str, Any]) -> list[dict[str, Any]]:
        """One to three relatives: a spouse, children at school or work, a parent."""
        out, surname, year = [], me["name"][0], me["birth"].year
        if self.rng.random() < 0.75:
            spouse = self.person("女" if me["gender"] == "男" else "男", (year - 3, year + 3))
            surname = surname if me["gender"] == "男" else spouse["name"][0]
            out.append({"name": spouse["name"], "relation": self.pick("relation", "配偶"),
                        "birth_month": f"{spouse['birth']:%Y-%m}", "health": self.rng.choice(P.HEALTH_COMMON),
                        "income": self.rng.choice((0, 150000, 220000, 300000)),
                        "school": self.rng.choice(self.firms + ["无固定工作"])})
        for _ in range(self.rng.choice((0, 1, 1, 2))):
            born = self.rng.randint(year + 22, max(year + 22, min(year + 35, self.year - 3)))
            child, age = self.person(born=(born, born)), self.year - born
            school = self.tpl(self.rng.choice(P.COLLEGES if age >= 18 else P.SCHOOLS[2:5] if age >= 12
                                              else P.SCHOOLS[:2] if age >= 6 else P.SCHOOLS[5:]))
            out.append({"name": surname + child["name"][1:], "relation": self.pick("relation", "子女"),
                        "birth_month": f"{child['birth']:%Y-%m}", "health": "健康", "student": 6 <= age <= 22,
                        "school": school if age <= 22 else self.rng.choice(self.firms)})
        if len(out) < 3 and (not out or self.rng.random() < 0.3):
            parent = self.person(born=(1940, min(1960, year - 20)))
            out.append({"name": parent["name"], "relation": self.pick("relation", "父母"),
                        "birth_month": f"{parent['birth']:%Y-%m}", "income": self.rng.choice((0, 180000, 260000)),
                        "health": self.rng.choice(("患慢性病", "行动不便", "健康"))})
        return out

    def aid(self, household_id: str, main: str, students: bool) -> None:
        options = ["送温暖", "送清凉", "日常救助"] + ["金秋助学"] * students + ["法律援助"] * (main in P.LEGAL_CAUSES)
        for programme in self.rng.sample(options, self.rng.randint(1, min(3, len(options)))):
            when, amounts, goods, note = P.AID_PLAN[programme]
            g = self.rng.choice(self.groups)
            self.add("aid", {"date": self.in_year(*when).isoformat(), "household_id": household_id,
                             "programme": self.pick("aid_programme", programme), "amount": self.rng.choice(amounts),
                             "goods": goods, "handler": f"{g['name']}（{g['leader']}）", "note": note}, self.our_unit)

    def build_honors(self) -> None:
        person, group = self.pick("subject_kind", "个人"), self.pick("subject_kind", "集体")
        awarded = self.pick("honor_status", "表彰")
        groups = [(self.tpl(name), self.units[u]["name"]) for name, u in P.GROUP_HONOREES]
        groups += [(t["name"], t["unit"]) for t in self.rng.sample(self.teams, 3)]
        self.rng.shuffle(groups)
        doc = 10
        for kind, count in zip(s.CHOICE_LISTS["honor_kind"][1], (4, 3, 3, 3, 2, 3, 2)):
            for k in range(count):   # 工人先锋号 is collective, 双十佳 either, the others persons
                collective = kind == "工人先锋号" or (kind.startswith("职业道德建设") and k == 0)
                if collective:
                    (name, unit), staff = groups.pop(), self.rng.randint(12, 120)
                    employer = name
                    deeds = f"{name}现有职工{staff}人，其中党员{self.rng.randint(3, staff // 3)}人。"
                    pool = list(P.GROUP_DEEDS)
                else:
                    team = self.rng.choice(self.teams)
                    m = self.rng.choice(team["roster"])
                    name, unit, employer = m["name"], team["unit"], m["work"]
                    deeds = (f"{name}，{m['gender']}，{self.year - m['birth'].year}岁，{m['politics']}，"
                             f"现在{employer}工作，从事本岗位工作{self.rng.randint(5, 25)}年。")
                    pool = [t.format(ta="他" if m["gender"] == "男" else "她") for t in P.PERSON_DEEDS]
                self.rng.shuffle(pool)
                for sentence in pool:   # 150–400 characters
                    if len(deeds) >= 150 and (len(deeds) + len(sentence) > 400 or self.rng.random() < 0.4):
                        break
                    deeds += sentence
                status = self.weighted(self.choices["honor_status"], (50, 25, 25))
                doc += status == awarded
                self.add("honor", {
                    "category": self.pick("honor_kind", kind), "subject_kind": group if collective else person,
                    "name": name, "employer": employer, "deeds": deeds[:400], "status": status,
                    "recommended_on": self.in_year(9, 1, 11, 15).isoformat(),
                    "doc_no": (f"{self.city.removesuffix('市')}工发〔{self.year}〕{doc}号"
                               if status == awarded else None)},
                    unit)

    def build_submissions(self) -> None:
        """Some units sent their 登记表 / 实施方案 (one late, some paper copy missing); a few have not yet."""
        names = [u["name"] for u in self.units]
        both = [self.pick("submit_method", "电子版"), self.pick("submit_method", "纸质")]
        for material, count, deadline in (("登记表", 9, self.deadline), ("实施方案", 8, self.plan_deadline)):
            for k, unit in enumerate(self.rng.sample(names, count)):
                late = k == 0 and material == "登记表"
                day = deadline + dt.timedelta(days=3 if late else -self.rng.randint(0, 15))
                paper = self.rng.random() < 0.8
                self.add("submission", {"unit": unit, "material": self.pick("material", material),
                                        "date": day.isoformat(), "methods": both if paper else both[:1],
                                        "note": None if paper else "纸质版待补交"}, unit)
