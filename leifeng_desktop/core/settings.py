"""Campaign settings kept in the database: one key per row, JSON values, the seed's defaults on a new file."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from . import oplog
from . import schema as s
from .schema import F
from .values import bad_character, describe

if TYPE_CHECKING:
    from .store import Store

CAMPAIGN = s.RecordType("campaign", "活动设置", (
    F("city", "城市名称", required=True, max_length=30, default="XX市"),
    F("year", "活动年度", s.INT, required=True, minimum=2000, maximum=2100),
    F("our_unit", "本单位名称", required=True, max_length=60, default="XX市总工会"),
    F("our_unit_kind", "本单位类型", s.CHOICE, required=True, choices="our_unit_kind", default="市总工会"),
    F("operator", "操作员", max_length=30, default="",
      help="填表人：登记表、台账和统计表下方的“填表人”"),
    F("leader", "负责人", max_length=30, default="",
      help="在统计表、总结材料附表下方签字的负责人"),
    F("reviewer", "审核人", max_length=30, default="", help="台账下方的“审核人”"),
    F("contact_phone", "联系电话", max_length=30, default="",
      help="本单位的办公电话，印在统计表和志愿服务记录证明上，供接收单位核实"),
    F("addressee", "主送机关", max_length=60, default="",
      help="总结材料的主送机关；留空时按本单位类型自动填写"),
    F("enterprise_target", "走访企业目标（家）", s.INT, required=True, maximum=100000, default=40),
    F("household_target", "走访帮扶困难职工目标（户）", s.INT, required=True, maximum=100000, default=80),
    F("registration_deadline", "服务队成立及登记表报送截止", s.DATE, required=True),
    F("plan_deadline", "实施方案报送截止", s.DATE, required=True),
    F("summary_deadline", "总结材料报送截止", s.DATE),
    F("bundle_deadline", "数据包报送截止", s.DATE,
      help="各单位报来数据包的截止日期；导入一个单位的数据包即记为该单位已报送“数据包”，仪表盘的未报送名单随之更新"),
    F("demand_reply_days", "职工诉求答复期限（天）", s.INT, required=True, minimum=1, maximum=365, default=3),
    F("trash_days", "回收站保留天数", s.INT, required=True, minimum=1, maximum=3650, default=90,
      help="删除的记录在回收站中保留的天数，期满后在打开数据库时彻底删除"),
), title="city")

# Not editable: the app's logic depends on these levels. Only 市总工会 is the city level (its documents address
# the city's 文明办 and count the whole city); the other three are sub-unions reporting to the city's 总工会.
CITY_LEVEL = "市总工会"
FIXED_CHOICES = {"our_unit_kind": [CITY_LEVEL, "区县总工会", "产业工会", "基层工会"]}
SETUP_DONE = "setup_done"   # the date 设置 were first confirmed (core.first_run); absent on a new file
OTHER_LABELS = {SETUP_DONE: "首次设置完成"}
DEFAULT_GROUPS = ("第一工作组", "第二工作组", "第三工作组", "第四工作组")


def campaign_defaults(today: dt.date | None = None, year: int | None = None) -> dict[str, Any]:
    """The seed's values; the deadlines fall in `year` (default: today's)."""
    year = year or (today or dt.date.today()).year
    values = {f.key: f.default for f in CAMPAIGN.fields}
    values.update(year=year, registration_deadline=f"{year}-08-25", plan_deadline=f"{year}-08-31")
    return values


class Settings:
    """Reads and writes the settings table. Choice lists are stored under 'choices.<name>'."""

    def __init__(self, store: Store):
        self._store = store
        # (PRAGMA data_version, lists), cached: every insert validates against them
        self._choices: tuple[int, dict[str, list[str]]] | None = None
        self._fixed: dict[str, list[str]] | None = None   # held by fixed_choices()


    def _raw(self) -> dict[str, Any]:
        return {r["key"]: json.loads(r["value"]) for r in self._store.db.query("SELECT key, value FROM settings")}

    def campaign(self) -> dict[str, Any]:
        raw = self._raw()   # a setting newer than the file (回收站保留天数 …) reads as its default
        return {f.key: raw.get(f.key, f.default) for f in CAMPAIGN.fields}

    def get(self, key: str, default: Any = None) -> Any:
        row = list(self._store.db.query("SELECT value FROM settings WHERE key = ?", [key]))
        return json.loads(row[0]["value"]) if row else default

    def choices(self) -> dict[str, list[str]]:
        """Every choice list, a copy the caller may change (inside fixed_choices the lists held, as they are)."""
        if self._fixed is not None:
            return self._fixed
        return {k: list(v) for k, v in self.lists().items()}

    def lists(self) -> dict[str, list[str]]:
        """Every choice list as held (not copied: Store.prepare reads them at every row); never change it."""
        if self._fixed is not None:
            return self._fixed
        # data_version changes when another connection commits; our own writes clear the cache in set()
        version = self._store.db.execute("PRAGMA data_version").fetchone()[0]
        if self._choices is None or self._choices[0] != version:
            raw = self._raw()
            lists = {name: list(raw.get(f"choices.{name}", items)) for name, (_, items) in s.CHOICE_LISTS.items()}
            lists.update({k: list(v) for k, v in FIXED_CHOICES.items()})
            self._choices = (version, lists)
        return self._choices[1]

    @contextlib.contextmanager
    def fixed_choices(self) -> Iterator[None]:
        """Inside a long write holding the file (core.generate): the lists read once, not asked of SQLite per row
        (the caller must not change them meanwhile, nor change what choices() returns)."""
        self._fixed = self.choices()
        try:
            yield
        finally:
            self._fixed = None

    def set(self, values: dict[str, Any]) -> None:
        """Store several settings in one transaction. Campaign fields are validated first."""
        from .validation import ValidationError, normalize, validate

        campaign = {k: normalize(CAMPAIGN.field(k), v) for k, v in values.items() if k in CAMPAIGN.keys}
        errors = validate(CAMPAIGN, campaign, self.choices(), partial=True)
        for key, items in values.items():
            if key.startswith("choices."):
                errors.update(check_choice_list(key, items))
        if errors:
            raise ValidationError(errors)
        self._choices = None
        with self._store.transaction():
            before = {k: v for k, v in self._raw().items() if k in values}
            for key, value in values.items():
                self._store.db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                                       [key, json.dumps(campaign.get(key, value), ensure_ascii=False)])
            oplog.settings_changed(self._store, before, {k: campaign.get(k, v) for k, v in values.items()},
                                   labels=OTHER_LABELS)
        self._choices = None   # also after a rollback: the lists are read again
        self._store.notify("settings")

    def set_choices(self, name: str, items: list[str]) -> None:
        self.set({f"choices.{name}": items})


MAX_CHOICES, MAX_CHOICE_LENGTH = 200, 60


def check_choice_list(key: str, items: object) -> dict[str, str]:
    name = key.removeprefix("choices.")
    if name not in s.CHOICE_LISTS:
        return {key: f"没有名为 {name} 的选项表"}
    label = s.CHOICE_LISTS[name][0]
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return {key: f"{label}应为文字列表"}
    if len(items) > MAX_CHOICES:    # a forged settings bundle would fill every combo box
        return {key: f"{label}最多 {MAX_CHOICES} 个选项"}
    cleaned = [i.strip() for i in items]
    if any(len(i) > MAX_CHOICE_LENGTH for i in cleaned):
        return {key: f"{label}的每个选项不能超过 {MAX_CHOICE_LENGTH} 字"}
    for item in cleaned:
        bad = bad_character(item, multiline=False)
        if bad:
            return {key: f"{label}的选项含有{describe(bad)}，请删除后再保存"}
    if not cleaned or any(not i for i in cleaned):
        return {key: f"{label}不能有空白选项，且至少保留一项"}
    if len(set(cleaned)) != len(cleaned):
        return {key: f"{label}中有重复的选项"}
    return {}


def seed_defaults(store: Store, today: dt.date | None = None) -> None:
    """A new database starts with the seed's numbers (domain.md, Campaign defaults). Runs inside a migration."""
    values = campaign_defaults(today)
    for key, value in values.items():
        store.db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                         [key, json.dumps(value, ensure_ascii=False)])
    for name, (_, items) in s.CHOICE_LISTS.items():
        store.db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                         [f"choices.{name}", json.dumps(list(items), ensure_ascii=False)])
    store.settings._choices = None   # written around Settings.set: read the lists again
    with oplog.bulk(store, "create", title=store.path.name):
        if not store.count("working_group"):
            for name in DEFAULT_GROUPS:
                store.insert("working_group", {"name": name}, unit=values["our_unit"])
        if not store.count("unit"):
            store.insert("unit", {"name": values["our_unit"], "kind": values["our_unit_kind"], "expected": 0},
                         unit=values["our_unit"])
