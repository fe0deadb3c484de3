"""The records of a generated city (core.generate), table by table, from the demo's pools (core.demo_pools).

Each builder yields (values as a clerk would give them, unit, id) and keeps what the next tables need (rosters,
activities, households), so a table is built only when it is written and memory stays small. Counts are exact: a
table's rows are spread over their owners by `spread` (skewed like real offices: a few large teams, many small).
Identifiers are made up but valid: 身份证号 with "99" in the sequence (as the demo's), check digits by python-stdnum.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from typing import Any

from stdnum.cn import ric

from . import demo_pools as P
from . import schema as s
from .fake_values import FakeValues
from .generate_more import MoreRows, cn_number, new_id, spread
from .store import Store

Row = tuple[dict[str, Any], str, str]   # (values, unit, record id)

REGIONS = ("110101", "110102", "110105", "110106", "110107", "110108", "110109", "120101", "120102", "120103",
           "120104", "120105", "310101", "310104", "310105", "310106")   # codes stdnum knows
COUNTIES = ("城东区", "城西区", "城南区", "城北区", "高新区", "经开区", "青山县", "白水县", "临江县", "长河县",
            "桃源县", "新港区")
INDUSTRIES = ("教育", "卫生健康", "建设", "财贸", "交通运输", "机械冶金", "能源化工", "农林水利", "邮电通信",
              "文化体育", "金融", "科技", "机关")
COUNTY_PLACES = ("人力资源和社会保障局", "司法局", "文化馆", "卫生健康局", "城市管理局", "人民医院", "第一中学",
                 "实验小学", "社区卫生服务中心", "税务局")
COUNTY_POSTS = ("科员", "副科长", "工会干事", "馆员", "医师", "教师", "办事员")
DEPARTMENTS = ("生产部", "技术部", "质检部", "销售部", "综合办公室", "仓储物流部", "财务部", "一车间", "二车间",
               "客服中心")
POSTS = ("操作工", "技术员", "班组长", "工程师", "销售员", "会计", "车间主任", "质检员", "驾驶员", "维修工", "客服专员")
COMPANY_FORMS = ("有限公司", "股份有限公司", "有限责任公司")
TEAM_KINDS_W = (50, 12, 10, 10, 8, 10)   # 职工志愿服务队 most common
MARCH_SHARE = 0.3                         # 学雷锋月: a third of the year's activities


class CityRows(FakeValues, MoreRows):
    """The builders, in the order core.generate writes them (parents first)."""

    def __init__(self, store: Store, counts: dict[str, int], rng: random.Random):
        self.rng, self.counts = rng, counts
        cfg = store.settings.campaign()
        self.city, self.year, self.our_unit = cfg["city"] or "XX市", int(cfg["year"]), cfg["our_unit"]
        self.deadline = dt.date.fromisoformat(cfg["registration_deadline"] or f"{self.year}-08-25")
        self.reply_days = int(cfg["demand_reply_days"] or 3)
        self.choices = store.settings.choices()
        self.existing_units = {r["name"] for r in store.rows("unit")}
        self.groups = [{"id": r["id"], "name": r["name"], "leader": r["leader"]} for r in store.rows("working_group")]
        self.used: set[str] = set()

    # -- small helpers ---------------------------------------------------------------------------------------
    def id_number(self, birth: dt.date, gender: str) -> str:
        """Unique in the file: another region code when a birthday's five sequence digits are taken."""
        while True:
            digit = self.rng.randrange(1 if gender == "男" else 0, 10, 2)
            first17 = f"{self.rng.choice(REGIONS)}{birth:%Y%m%d}99{digit}"
            number = first17 + ric.calc_check_digit(first17 + "0")
            if number not in self.used:
                self.used.add(number)
                return number

    def lognormal(self, n: int, sigma: float) -> list[float]:
        return [self.rng.lognormvariate(0, sigma) for _ in range(n)]

    # -- units and working groups ----------------------------------------------------------------------------
    def unit_plans(self, n: int) -> list[dict[str, Any]]:
        """County and industry unions first, then the demo's institutions, then enterprise unions."""
        plans: list[dict[str, Any]] = []
        kinds = s.CHOICE_LISTS["team_kind"][1]
        places: dict[str, Sequence[str]]
        for county in COUNTIES[:max(1, n // 25)]:
            places = {f"{self.city}{county}{p}": COUNTY_POSTS for p in self.rng.sample(COUNTY_PLACES, 4)}
            plans.append({"name": f"{self.city}{county}总工会", "kind": "区县工会", "short": county,
                          "team_kinds": kinds, "workplaces": places})
        for trade in INDUSTRIES[:max(1, n // 25)]:
            places = {f"{self.city}{trade}{p}": COUNTY_POSTS for p in ("系统机关", "服务中心", "第一基层单位")}
            plans.append({"name": f"{self.city}{trade}工会", "kind": "产业工会", "short": f"{trade}系统",
                          "team_kinds": kinds, "workplaces": places})
        for name_tpl, kind, short, team_kinds, workplaces in P.UNITS:
            plans.append({"name": self.tpl(name_tpl), "kind": kind, "short": short, "team_kinds": team_kinds,
                          "workplaces": {self.tpl(w): posts for w, posts in workplaces.items()}})
        firms = [(b, t, f) for f in COMPANY_FORMS for b in P.ENTERPRISE_BRANDS for t, _ in P.ENTERPRISE_TRADES]
        self.rng.shuffle(firms)
        for brand, trade, form in firms[:max(0, n - len(plans))]:
            company = f"{self.city}{brand}{trade}{form}"
            places = {f"{company}{d}": POSTS for d in self.rng.sample(DEPARTMENTS, 3)}
            plans.append({"name": f"{company}工会", "kind": "基层工会", "short": f"{brand}{trade}",
                          "team_kinds": kinds, "workplaces": places})
        return plans[:n]

    def units(self) -> Iterator[Row]:
        self.unit_list = self.unit_plans(self.counts["unit"])
        for u in self.unit_list:
            if u["name"] not in self.existing_units:
                yield ({"name": u["name"], "kind": self.pick("unit_kind", u["kind"]), "contact": self.person()["name"],
                        "phone": self.phone(), "expected": 1}, self.our_unit, new_id())

    def working_groups(self) -> Iterator[Row]:
        for k in range(len(self.groups), len(self.groups) + self.counts["working_group"]):
            group = {"name": f"第{cn_number(k + 1)}工作组", "leader": self.person(born=(1963, 1975))["name"],
                     "members": self.names(3)}
            record_id = new_id()
            self.groups.append({"id": record_id, **group})
            yield group, self.our_unit, record_id
        for g in self.groups:
            g["leader"] = g["leader"] or self.person(born=(1963, 1975))["name"]
            g["visitors"] = f"{g['leader']}、{self.names(2)}"

    # -- teams, members, activities, participants ------------------------------------------------------------
    def teams(self) -> Iterator[Row]:
        n = self.counts["team"]
        per_unit = spread(self.rng, n, self.lognormal(len(self.unit_list), 0.9), 1 if n >= len(self.unit_list) else 0,
                          [n] * len(self.unit_list))
        sizes = spread(self.rng, self.counts["member"], self.lognormal(n, 0.7), 5, [300] * n)
        self.team_list: list[dict[str, Any]] = []
        for unit, count in zip(self.unit_list, per_unit):
            seen: dict[str, int] = {}
            for _ in range(count):
                kind = self.pick("team_kind", self.weighted(unit["team_kinds"], TEAM_KINDS_W))
                seen[kind] = seen.get(kind, 0) + 1
                name = f"{unit['short']}{kind}" + (f"第{cn_number(seen[kind])}分队" if seen[kind] > 1 else "")
                team = self.team(unit, kind, name, sizes[len(self.team_list)])
                self.team_list.append(team)
                yield team["values"], unit["name"], team["id"]

    def founded(self) -> dt.date:
        """Most teams are older than this year; a third formed this year before the deadline, a few after it."""
        roll = self.rng.random()
        if roll < 0.05:
            return self.deadline + dt.timedelta(days=self.rng.randint(1, 25))
        if roll < 0.4:
            return self.deadline - dt.timedelta(days=self.rng.randint(0, 170))
        return dt.date(self.year - self.rng.randint(1, 8), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def team(self, unit: dict[str, Any], kind: str, name: str, size: int) -> dict[str, Any]:
        leader = dict(self.person(born=(1966, 1990)), phone=self.phone())
        cats = self.some(P.KIND_CATEGORIES.get(kind, P.KIND_CATEGORIES["职工志愿服务队"]), 2, 4, "service_category")
        forms = self.some(s.CHOICE_LISTS["service_form"][1][:3], 1, 3, "service_form")
        founded = self.founded()
        values = {"name": name, "kind": kind, "unit": unit["name"], "founded_on": founded.isoformat(),
                  "leader": leader["name"], "leader_title": self.rng.choice(P.LEADER_TITLES),
                  "leader_phone": leader["phone"], "contact": self.person()["name"], "contact_phone": self.phone(),
                  "categories": cats, "service_forms": forms,
                  "area": f"{self.city}{self.rng.choice(P.DISTRICTS)}及周边社区",
                  "intro": f"{name}由{unit['name']}组织成立，现有队员{size}名，主要开展{'、'.join(cats)}等志愿服务。"}
        return {"id": new_id(), "unit": unit, "kind": kind, "name": name, "size": size, "leader": leader,
                "founded": founded, "categories": cats, "forms": forms, "roster": [], "values": values}

    def members(self) -> Iterator[Row]:
        self.people: list[tuple[str, str, int, str, str, str]] = []   # name, gender, birth year, politics, work, unit
        politics = self.choices["politics"]
        for team in self.team_list:
            unit, kind = team["unit"], team["kind"]
            skills = P.SKILLS.get(kind, P.SKILLS["职工志愿服务队"])
            for k in range(team["size"]):   # the leader is the roster's first member
                p = team["leader"] if k == 0 else dict(self.person(), phone=self.phone())
                workplace = self.rng.choice(list(unit["workplaces"]))
                post = team["values"]["leader_title"] if k == 0 else self.rng.choice(unit["workplaces"][workplace])
                young = self.year - p["birth"].year <= 28   # 共青团员 only up to 28
                values = {"team_id": team["id"], "name": p["name"], "gender": p["gender"],
                          "birth_month": f"{p['birth']:%Y-%m}", "work": f"{workplace} {post}",
                          "politics": self.weighted(politics, (35, 3, 15 * young, 4, 3, 40)),
                          "phone": p["phone"], "skills": "、".join(self.rng.sample(skills, self.rng.randint(1, 3)))}
                if self.rng.random() < 0.7:
                    values["id_number"] = self.id_number(p["birth"], p["gender"])
                if self.rng.random() < 0.3:
                    values["volunteer_no"] = f"ZY{self.year}{self.rng.randrange(10 ** 6):06d}"
                record_id = new_id()
                team["roster"].append((record_id, p["name"]))
                self.people.append((p["name"], p["gender"], p["birth"].year, values["politics"], values["work"],
                                    unit["name"]))
                yield values, unit["name"], record_id
            team.pop("values", None)

    def activity_day(self, team: dict[str, Any]) -> dt.date:
        start = max(team["founded"] + dt.timedelta(days=1), dt.date(self.year, 1, 5))
        end = dt.date(self.year, 11, 30)
        start = min(start, end)
        if start.month <= 3 and self.rng.random() < MARCH_SHARE:   # 学雷锋月
            return self.day(max(start, dt.date(self.year, 3, 1)), dt.date(self.year, 3, 31))
        return self.day(start, end)

    def activities(self) -> Iterator[Row]:
        teams = self.team_list
        per_team = spread(self.rng, self.counts["activity"], [t["size"] * w for t, w in
                                                            zip(teams, self.lognormal(len(teams), 0.5))],
                          0, [10 ** 6] * len(teams))
        self.acts: list[tuple[str, int, int, dt.date, str]] = []   # id, team index, minutes, day, title
        for index, (team, count) in enumerate(zip(teams, per_team)):
            for _ in range(count):
                values = self.activity(team)
                record_id = new_id()
                self.acts.append((record_id, index, values.pop("_minutes"), values.pop("_day"), values["title"]))
                yield values, team["unit"]["name"], record_id

    def activity(self, team: dict[str, Any]) -> dict[str, Any]:
        day = self.activity_day(team)
        begins = dt.datetime.combine(day, dt.time(self.rng.choice((8, 9, 10, 14, 15)), self.rng.choice((0, 30))))
        duration = self.rng.choice((60, 90, 120, 150, 180, 240))
        category, place = self.rng.choice(team["categories"]), self.rng.choice(P.PLACES)
        title = self.rng.choice(P.ACTIVITY_TITLES.get(category, P.ACTIVITY_TITLES["便民利民"])).format(p=place)
        served, beneficiaries = P.SERVED.get(category, "社区居民"), self.rng.randint(15, 300)
        where = f"{self.city}{place}{self.rng.choice(P.SPOTS)}"
        roster = team["roster"]
        return {"title": title, "starts_at": f"{begins:%Y-%m-%dT%H:%M}",
                "ends_at": f"{begins + dt.timedelta(minutes=duration):%Y-%m-%dT%H:%M}", "place": where,
                "served": served, "category": category, "service_form": self.rng.choice(team["forms"]),
                "team_id": team["id"], "beneficiaries": beneficiaries, "recorder": self.rng.choice(roster)[1],
                "leader": roster[0][1], "evaluation": self.weighted(self.choices["evaluation"], (50, 40, 10, 0)),
                "summary": f"{day.month}月{day.day}日，{team['name']}在{where}开展“{title}”活动，"
                           f"服务{served}{beneficiaries}人次，{self.rng.choice(P.CLOSINGS)}。",
                "_minutes": duration, "_day": day}

    def participants(self) -> Iterator[Row]:
        teams = self.team_list
        highs = [min(40, len(teams[index]["roster"])) for _, index, _, _, _ in self.acts]
        counts = spread(self.rng, self.counts["participant"], [h * self.rng.uniform(0.3, 1.0) for h in highs], 1
                        if self.counts["participant"] >= len(highs) else 0, highs)
        for (activity_id, index, duration, _, _), count in zip(self.acts, counts):
            team = teams[index]
            for member_id, _ in self.rng.sample(team["roster"], count):   # time on site: never more than it lasted
                minutes = max(30, duration - self.rng.choice((0, 0, 0, 15, 30)))
                yield ({"activity_id": activity_id, "member_id": member_id, "minutes": minutes},
                       team["unit"]["name"], new_id())
