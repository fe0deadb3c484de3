"""Made-up values the demo data set and the generated city share: names, days, phones, choices.

Both draw from one seeded `rng` in the same order, so a seed gives the same records every time."""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from . import demo_pools as P
from . import schema as s


class FakeValues:
    """Mixed into a builder that sets rng, city, year, choices (the clerk's lists) and used (numbers given out)."""

    rng: random.Random
    city: str
    year: int
    choices: dict[str, list[str]]
    used: set[str]

    def pick(self, list_name: str, wanted: str) -> str:
        """`wanted` if the clerk's choice list still has it, else the item in its place (lists are editable)."""
        items = self.choices[list_name]
        if wanted in items:
            return wanted
        default = s.CHOICE_LISTS[list_name][1]
        return items[default.index(wanted) % len(items)] if wanted in default else items[0]

    def weighted(self, items: Sequence[str], weights: Sequence[int]) -> str:
        """One item by weight; a clerk may have lengthened or shortened the list, so weights are fitted to it."""
        fitted = list(weights[:len(items)]) + [1] * (len(items) - len(weights))
        return self.rng.choices(list(items), fitted)[0]

    def tpl(self, text: str, **kw: object) -> str:
        return text.format(city=self.city, **kw)

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def in_year(self, m1: int, d1: int, m2: int, d2: int) -> dt.date:
        return self.day(dt.date(self.year, m1, d1), dt.date(self.year, m2, d2))

    def person(self, gender: str | None = None, born: tuple[int, int] = (1966, 2001)) -> dict[str, Any]:
        gender = gender or self.rng.choice("男女")
        given = self.rng.choice(P.MALE_GIVEN if gender == "男" else P.FEMALE_GIVEN)
        birth = dt.date(self.rng.randint(*born), self.rng.randint(1, 12), self.rng.randint(1, 28))
        return {"name": self.rng.choice(P.SURNAMES) + given, "gender": gender, "birth": birth}

    def phone(self) -> str:
        while True:
            number = self.rng.choice(P.MOBILE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"
            if number not in self.used:
                self.used.add(number)
                return number

    def names(self, n: int) -> str:
        return "、".join(self.person()["name"] for _ in range(n))

    def some(self, items: Sequence[str], lo: int, hi: int, list_name: str) -> list[str]:
        """A few distinct items, in the order of the choice list."""
        picked = self.rng.sample(list(items), self.rng.randint(lo, min(hi, len(items))))
        chosen = {self.pick(list_name, i) for i in picked}
        return [i for i in self.choices[list_name] if i in chosen]
