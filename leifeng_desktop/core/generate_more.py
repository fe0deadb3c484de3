"""The visiting campaign's records of a generated city (core.generate): publicity, enterprise visits and demands,
households with their family, visits and aid, honors, submissions. A mixin of core.generate_rows.CityRows, which
provides the helpers and what earlier tables left (teams, activities, people)."""
from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from . import demo_pools as P
from . import schema as s

Row = tuple[dict[str, Any], str, str]   # (values, unit, record id)
DIGITS = "零一二三四五六七八九"
_VERSION_BITS = (0xF000 << 64) | (0xC000 << 48)   # what uuid.UUID(version=4) sets: version 4, RFC 4122 variant
_VERSION_4 = (0x4000 << 64) | (0x8000 << 48)


def new_id() -> str:
    """A random id in Store.new_id's form (str(uuid.uuid4())), without a UUID object per row (580,000 at city)."""
    h = "%032x" % (int.from_bytes(os.urandom(16), "big") & ~_VERSION_BITS | _VERSION_4)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 40 → 四十 (1–99, as in 第十二分队)."""
    tens, ones = divmod(n, 10)
    if not tens:
        return DIGITS[ones]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def spread(rng: random.Random, total: int, weights: Sequence[float], low: int, highs: Sequence[int]) -> list[int]:
    """Whole numbers, one per weight and about in its proportion, summing to `total`, each within low..highs[i]."""
    if not weights:
        if total:
            raise ValueError(f"cannot spread {total} over nothing")
        return []
    if not len(weights) * low <= total <= sum(highs):
        raise ValueError(f"cannot spread {total} over {len(weights)} within {low}..{sum(highs)}")
    whole = sum(weights)
    sizes = [min(hi, max(low, round(total * w / whole))) for w, hi in zip(weights, highs)]
    diff, n = total - sum(sizes), len(sizes)
    step = 1 if diff > 0 else -1
    while diff:
        i = rng.randrange(n)
        if low <= sizes[i] + step <= highs[i]:
            sizes[i] += step
            diff -= step
    return sizes


class MoreRows:
    if TYPE_CHECKING:   # what CityRows provides
        rng: random.Random
        counts: dict[str, int]
        city: str
        year: int
        our_unit: str
        reply_days: int
        choices: dict[str, list[str]]
        groups: list[dict[str, Any]]
        unit_list: list[dict[str, Any]]
        team_list: list[dict[str, Any]]
        acts: list[tuple[str, int, int, dt.date, str]]
        people: list[tuple[str, str, int, str, str, str]]

        def pick(self, list_name: str, wanted: str) -> str: ...
        def weighted(self, items: Sequence[str], weights: Sequence[int]) -> str: ...
        def tpl(self, text: str, **kw: object) -> str: ...
        def day(self, start: dt.date, end: dt.date) -> dt.date: ...
        def in_year(self, m1: int, d1: int, m2: int, d2: int) -> dt.date: ...
        def person(self, gender: str | None = None, born: tuple[int, int] = (1966, 2001)) -> dict[str, Any]: ...
        def phone(self) -> str: ...
        def id_number(self, birth: dt.date, gender: str) -> str: ...
        def some(self, items: Sequence[str], lo: int, hi: int, list_name: str) -> list[str]: ...
        def lognormal(self, n: int, sigma: float) -> list[float]: ...

    def uscc(self) -> str:
        return P.fake_uscc(self.rng)

    def street(self) -> str:
        return f"{self.city}{self.rng.choice(P.DISTRICTS)}{self.rng.choice(P.STREETS)}"

    # -- publicity ------------------------------------------------------------------------------------------
    def publicity(self) -> Iterator[Row]:
        """Six in ten report an activity (with a link), the others are events of the campaign."""
        units = [self.our_unit] + [u["name"] for u in self.unit_list]
        for i in range(self.counts["publicity"]):
            if self.acts and self.rng.random() < 0.6:
                activity_id, index, _, day, title = self.rng.choice(self.acts)
                team = self.team_list[index]
                day += dt.timedelta(days=self.rng.randint(0, 3))
                page = self.rng.randrange(10 ** 6, 10 ** 7)
                link = f"{self.rng.choice(P.LINK_HOSTS)}/{day:%Y%m}/{day:%d}/{page}.html"
                yield ({"kind": self.pick("publicity_kind", "媒体报道"), "date": day.isoformat(),
                        "title": f"{team['name']}：{title}", "outlet": self.tpl(self.rng.choice(P.OUTLETS)),
                        "link": link, "activity_id": activity_id}, team["unit"]["name"], new_id())
                continue
            kind, title, where = P.PUBLICITY_EVENTS[i % len(P.PUBLICITY_EVENTS)]
            fill = {"p": self.rng.choice(P.PLACES), "n": i // len(P.PUBLICITY_EVENTS) + 1}
            yield ({"kind": self.pick("publicity_kind", kind), "title": self.tpl(title, **fill),
                    "date": self.in_year(3, 1, 11, 30).isoformat(), "outlet": self.tpl(where, **fill),
                    "participants": self.rng.randint(30, 500)}, self.rng.choice(units), new_id())

    # -- enterprise visits and demands -----------------------------------------------------------------------
    def firms(self, n: int) -> list[dict[str, Any]]:
        districts = P.DISTRICTS + ("城南区", "城北区", "经开区", "新港区")
        names = [(d, b, t, f) for d in districts for b in P.ENTERPRISE_BRANDS for t in P.ENTERPRISE_TRADES
                 for f in ("有限公司", "股份有限公司", "有限责任公司")]
        out = []
        for district, brand, (trade, industry), form in self.rng.sample(names, n):
            out.append({"enterprise": f"{self.city}{district}{brand}{trade}{form}", "industry": industry,
                        "address": f"{self.street()}{self.rng.randint(1, 399)}号",
                        "workers": self.rng.randint(30, 3000),
                        **({"uscc": self.uscc()} if self.rng.random() < 0.7 else {})})
        return out

    def enterprise_visits(self) -> Iterator[Row]:
        """Each enterprise once (March to October); one in five visited again later."""
        n = self.counts["enterprise_visit"]
        firms = self.firms(max(1, n * 4 // 5)) if n else []
        visits = [(f, self.in_year(3, 1, 10, 31)) for f in firms][:n]
        while len(visits) < n:
            firm, day = self.rng.choice(visits[:len(firms)])
            visits.append((firm, min(day + dt.timedelta(days=self.rng.randint(20, 60)), dt.date(self.year, 11, 30))))
        self.visit_days: list[tuple[str, dt.date]] = []
        for i, (firm, day) in enumerate(visits):
            g = self.groups[i % len(self.groups)]
            record_id = new_id()
            self.visit_days.append((record_id, day))
            yield ({**firm, "date": day.isoformat(), "group_id": g["id"], "leader": g["leader"],
                    "visitors": g["visitors"],
                    "interviewees": self.rng.choice(P.INTERVIEWEES).format(n=self.rng.randint(5, 15))},
                   self.our_unit, record_id)

    def demands(self) -> Iterator[Row]:
        visits = self.visit_days
        per_visit = spread(self.rng, self.counts["demand"], self.lognormal(len(visits), 0.6), 0, [8] * len(visits))
        statuses = [self.pick("demand_status", x) for x in ("已办结", "办理中", "待办理")]
        for (visit_id, day), count in zip(visits, per_visit):
            for _ in range(count):
                kind = self.rng.choice(self.choices["demand_kind"])
                status = self.rng.choices(statuses, (60, 25, 15))[0]
                reply = {statuses[0]: self.rng.choice(P.REPLY_DONE), statuses[1]: self.rng.choice(P.REPLY_DOING)}
                yield ({"visit_id": visit_id, "content": self.rng.choice(P.DEMANDS.get(kind, P.DEMANDS["其他"])),
                        "kind": kind, "handler": self.person()["name"], "status": status, "reply": reply.get(status),
                        "due_on": (day + dt.timedelta(days=self.reply_days)).isoformat()}, self.our_unit, new_id())

    # -- households, family, visits, aid ---------------------------------------------------------------------
    def households(self) -> Iterator[Row]:
        n = self.counts["household"]
        causes, clerks = self.choices["hardship_cause"], [self.person()["name"] for _ in range(5)]
        employers = [w for u in self.unit_list for w in u["workplaces"]] or [self.our_unit]
        family = spread(self.rng, self.counts["family_member"], [1.0] * n, 0, [4] * n)
        self.homes: list[dict[str, Any]] = []
        for size in family:
            me = self.person(born=(1966, 1990))
            hardship = self.weighted(self.choices["hardship_kind"], (30, 45, 25))
            main = self.rng.choice(causes)
            if hardship == self.pick("hardship_kind", "意外致困户"):
                main = self.pick("hardship_cause", self.rng.choice(("意外事故", "灾害", "本人患大病", "家属患大病")))
            r = self.rng.randint
            home: dict[str, Any] = {"id": new_id(), "me": me, "main": main, "family": size, "students": 0}
            self.homes.append(home)
            yield ({"name": me["name"], "gender": me["gender"], "id_number": self.id_number(me["birth"], me["gender"]),
                    "birth_date": me["birth"].isoformat(), "employer": self.rng.choice(employers),
                    "work_status": self.weighted(self.choices["work_status"], (40, 10, 10, 5, 10, 25)),
                    "hardship": hardship, "main_cause": main,
                    "other_causes": self.some([c for c in causes if c != main], 0, 3, "hardship_cause"),
                    "family_size": 1 + size, "income": self.rng.randrange(300, 1500, 10) * 100,
                    "health": self.rng.choice(P.HEALTH_BY_CAUSE.get(main, P.HEALTH_COMMON)),
                    "address": f"{self.street()}{r(1, 300)}号{r(1, 20)}栋{r(1, 4)}单元{r(1, 6)}0{r(1, 4)}室",
                    "phone": self.phone(), "filed_by": self.rng.choice(clerks),
                    "filed_on": self.day(dt.date(self.year - 4, 1, 1), dt.date(self.year, 6, 30)).isoformat()},
                   self.our_unit, home["id"])

    def family_members(self) -> Iterator[Row]:
        """A spouse first, then children (at school or at work), then a parent."""
        relations = ("配偶", "子女", "子女", "父母")
        for home in self.homes:
            me = home["me"]
            year = me["birth"].year
            for k in range(home["family"]):
                relation = relations[k]
                if relation == "配偶":
                    p = self.person("女" if me["gender"] == "男" else "男", (year - 3, year + 3))
                elif relation == "子女":
                    born = self.rng.randint(year + 22, max(year + 22, min(year + 35, self.year - 3)))
                    p = self.person(born=(born, born))
                    home["students"] += 6 <= self.year - born <= 22
                else:
                    p = self.person(born=(1940, min(1960, year - 20)))
                yield ({"household_id": home["id"], "name": p["name"], "relation": self.pick("relation", relation),
                        "birth_month": f"{p['birth']:%Y-%m}", "health": self.rng.choice(P.HEALTH_COMMON),
                        "income": self.rng.choice((0, 150000, 220000, 300000)),
                        "school": self.tpl(self.rng.choice(P.SCHOOLS)) if relation == "子女" else None},
                       self.our_unit, new_id())

    def household_visits(self) -> Iterator[Row]:
        homes = self.homes
        per_home = spread(self.rng, self.counts["household_visit"], self.lognormal(len(homes), 0.5), 0,
                          [12] * len(homes))
        for home, count in zip(homes, per_home):
            me, main = home["me"], home["main"]
            for _ in range(count):
                g = self.rng.choice(self.groups)
                yield ({"date": self.in_year(3, 1, 11, 20).isoformat(), "group_id": g["id"], "visitors": g["visitors"],
                        "household_id": home["id"], "needs": P.NEEDS.get(main, P.NEEDS["其他"]),
                        "findings": f"{me['name']}一家{1 + home['family']}口人，主要困难为{main}。"},
                       self.our_unit, new_id())

    def aid(self) -> Iterator[Row]:
        homes = self.homes
        per_home = spread(self.rng, self.counts["aid"], self.lognormal(len(homes), 0.5), 0, [12] * len(homes))
        for home, count in zip(homes, per_home):
            options = (["送温暖", "送清凉", "日常救助"] + ["金秋助学"] * bool(home["students"])
                       + ["法律援助"] * (home["main"] in P.LEGAL_CAUSES))
            for _ in range(count):
                programme = self.rng.choice(options)
                when, amounts, goods, note = P.AID_PLAN[programme]
                g = self.rng.choice(self.groups)
                yield ({"date": self.in_year(*when).isoformat(), "household_id": home["id"],
                        "programme": self.pick("aid_programme", programme), "amount": self.rng.choice(amounts),
                        "goods": goods, "handler": f"{g['name']}（{g['leader']}）", "note": note},
                       self.our_unit, new_id())

    # -- honors and submissions ------------------------------------------------------------------------------
    def honors(self) -> Iterator[Row]:
        kinds = s.CHOICE_LISTS["honor_kind"][1]
        person, group = self.pick("subject_kind", "个人"), self.pick("subject_kind", "集体")
        awarded = self.pick("honor_status", "表彰")
        for doc in range(self.counts["honor"]):
            kind = self.weighted(kinds, (25, 15, 15, 15, 10, 10, 10))
            collective = kind == "工人先锋号" or (kind.startswith("职业道德建设") and self.rng.random() < 0.3)
            if collective or not self.people:
                team = self.rng.choice(self.team_list)
                name = unit = team["unit"]["name"]
                name = self.rng.choice((team["name"], name.removesuffix("工会")))
                employer, pool = name, list(P.GROUP_DEEDS)
                deeds = f"{name}现有职工{self.rng.randint(12, 120)}人。"
            else:
                name, gender, born, politics, work, unit = self.rng.choice(self.people)
                employer = work.split(" ")[0]
                pool = [t.format(ta="他" if gender == "男" else "她") for t in P.PERSON_DEEDS]
                deeds = f"{name}，{gender}，{self.year - born}岁，{politics}，现在{employer}工作。"
            deeds += "".join(self.rng.sample(pool, 3))
            status = self.weighted(self.choices["honor_status"], (50, 25, 25))
            yield ({"category": self.pick("honor_kind", kind), "subject_kind": group if collective else person,
                    "name": name[:100], "employer": employer[:100], "deeds": deeds, "status": status,
                    "recommended_on": self.in_year(9, 1, 11, 15).isoformat(),
                    "doc_no": (f"{self.city.removesuffix('市')}工发〔{self.year}〕{doc + 10}号"
                               if status == awarded else None)}, unit, new_id())

    def submissions(self) -> Iterator[Row]:
        """Seven in ten units sent their 登记表 by the deadline or a little after, six in ten their 实施方案."""
        both = [self.pick("submit_method", "电子版"), self.pick("submit_method", "纸质")]
        deadline = dt.date(self.year, 8, 25)
        for material, share in (("登记表", 0.7), ("实施方案", 0.6)):
            for unit in self.unit_list:
                if self.rng.random() < share:
                    day = deadline + dt.timedelta(days=self.rng.randint(-20, 5))
                    paper = self.rng.random() < 0.8
                    yield ({"unit": unit["name"], "material": self.pick("material", material),
                            "date": day.isoformat(), "methods": both if paper else both[:1],
                            "note": None if paper else "纸质版待补交"}, unit["name"], new_id())
