"""The one definition of every record type and field.

Tables (store), form binding (ui.binder), list headers (ui.record_model), validation and exports all read this
module. Choice lists are named here but their items live in the database (core.settings), so clerks can edit them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Field types. Money is integer fen and hours integer minutes: never floats.
TEXT, LONGTEXT, DATE, DATETIME, MONTH = "text", "longtext", "date", "datetime", "month"
INT, MONEY, HOURS, BOOL = "int", "money", "hours", "bool"
CHOICE, MULTI, REF, UNIT = "choice", "multi", "ref", "unit"
TYPES = (TEXT, LONGTEXT, DATE, DATETIME, MONTH, INT, MONEY, HOURS, BOOL, CHOICE, MULTI, REF, UNIT)

# Content checks beyond the type.
RIC, USCC, PHONE, URL = "ric", "uscc", "phone", "url"
SHADOW_SUFFIXES = ("__hmac", "__tail")   # keyed hashes beside an encrypted number (core.sealed)

# Years a date may have (core.values): what the campaign records happens from 2000 on; births and the founding of
# a team or unit may lie further back. Wider than any real value, narrow enough to catch 0206 for 2026.
RECORD_YEARS, HISTORIC_YEARS = (2000, 2100), (1900, 2100)
DATE_TYPES = (DATE, DATETIME, MONTH)
NUMBER_TYPES = (INT, MONEY, HOURS, BOOL)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str = TEXT
    required: bool = False
    choices: str | None = None      # name of a choice list (CHOICE_LISTS) for choice/multi
    ref: str | None = None          # record type a REF points to
    check: str | None = None        # RIC, USCC, PHONE, URL
    sensitive: bool = False         # masked wherever it leaves the app
    max_length: int | None = None   # defaults by type, see max_len
    max_items: int | None = None    # for MULTI
    minimum: int = 0                # for INT, MONEY, HOURS
    maximum: int | None = None     # every INT, MONEY and HOURS field sets one (a test checks)
    years: tuple[int, int] | None = None   # for DATE, DATETIME, MONTH; RECORD_YEARS unless given
    default: object = None
    on_delete: str = "CASCADE"      # for REF: CASCADE (child rows) or SET NULL (loose links)
    help: str = ""

    @property
    def max_len(self) -> int:
        if self.max_length:
            return self.max_length
        return 20000 if self.type == LONGTEXT else 200

    @property
    def sql_type(self) -> str:
        return "INTEGER" if self.type in NUMBER_TYPES else "TEXT"

    @property
    def max_value(self) -> int:
        """The largest number the field takes; a missing maximum still stays within SQLite's INTEGER."""
        if self.type == BOOL:
            return 1
        return self.maximum if self.maximum is not None else 2**53

    @property
    def year_range(self) -> tuple[int, int]:
        return self.years or RECORD_YEARS

    @property
    def target(self) -> str:
        """The record type a REF field points to (ValueError for a field that is not a reference)."""
        if self.ref is None:
            raise ValueError(f"{self.key} is not a reference")
        return self.ref


@dataclass(frozen=True)
class RecordType:
    key: str                         # also the table name
    label: str
    fields: tuple[Field, ...]
    title: str = "name"              # field shown when a record is named in lists and references
    parent: str | None = None        # REF field that ties a child row to its owner (member.team_id …)
    order_by: str = "created_at"
    list_columns: tuple[str, ...] = ()   # default list columns; empty means all non-long fields

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        for f in META_FIELDS:
            if f.key == key:
                return f
        raise KeyError(f"{self.key} has no field {key!r}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    @property
    def columns(self) -> tuple[Field, ...]:
        """Every column of the table: meta fields first, then the record's own (a record may show `unit`), then the
        keyed-hash columns of its encrypted lookup fields."""
        own = {f.key for f in self.fields}
        return tuple(f for f in META_FIELDS if f.key not in own) + self.fields + self.shadow_columns

    @property
    def lookup_fields(self) -> tuple[Field, ...]:
        """Encrypted numbers found without decrypting them (身份证号, phones, bank cards; not prose like health)."""
        return tuple(f for f in self.fields if f.sensitive and f.type == TEXT and f.max_len <= 30)

    @property
    def shadow_columns(self) -> tuple[Field, ...]:
        """`<key>__hmac` and `<key>__tail` beside each lookup field: keyed hashes of the value and of its last 4
        digits (core.sealed), for duplicates and search by last digits."""
        return tuple(F(f.key + suffix, f.label) for f in self.lookup_fields for suffix in SHADOW_SUFFIXES)

    @property
    def list_fields(self) -> tuple[Field, ...]:
        if self.list_columns:
            return tuple(self.field(k) for k in self.list_columns)
        return tuple(f for f in self.fields if f.type != LONGTEXT and f.key != self.parent)

    @property
    def sensitive_keys(self) -> frozenset[str]:
        return frozenset(f.key for f in self.fields if f.sensitive)


def F(key: str, label: str, type: str = TEXT, **kw: Any) -> Field:
    return Field(key, label, type, **kw)


META_FIELDS = (
    F("id", "编号"),
    F("unit", "填报单位", UNIT),
    F("created_at", "创建时间"),
    F("updated_at", "修改时间"),
)

# name -> (Chinese label, default items). Items are editable data kept in the database.
CHOICE_LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "team_kind": ("队伍类型", ("职工志愿服务队", "职工维权志愿服务团", "心理咨询志愿服务团", "医疗卫生志愿服务团",
                             "技能大师志愿服务团", "职工业余文化志愿服务团")),
    "service_category": ("服务内容", ("扶老助残", "帮困解难", "应急救助", "便民利民", "文明礼仪", "保护环境",
                                      "维护秩序")),
    "service_form": ("服务形式", ("广场咨询", "上门服务", "送文化下基层", "其他")),
    "aid_programme": ("帮扶项目", ("送温暖", "送清凉", "金秋助学", "日常救助", "法律援助")),
    "publicity_kind": ("宣传类型", ("演讲", "征文", "先进模范人物事迹巡回报告", "送电影", "送培训", "送书籍", "送讲座",
                                  "媒体报道", "标语/横幅/电子屏")),
    "honor_kind": ("荣誉类别", ("工人先锋号", "职业道德建设“双十佳”", "金牌工人", "岗位技术能手", "建功立业标兵",
                              "职业道德标兵", "节能减排标兵")),
    "competition_kind": ("竞赛活动", ("创先争优劳动竞赛", "职工技能比武", "技术革新/发明创造/合理化建议")),
    "honor_status": ("评选状态", ("推荐", "公示", "表彰")),
    "subject_kind": ("个人/集体", ("个人", "集体")),
    "politics": ("政治面貌", ("中共党员", "中共预备党员", "共青团员", "民主党派成员", "无党派人士", "群众")),
    "gender": ("性别", ("男", "女")),
    "hardship_kind": ("困难类别", ("低保户", "低保边缘户", "意外致困户")),
    "hardship_cause": ("致困原因", ("本人患大病", "家属患大病", "残疾", "子女就学", "失业", "下岗", "无社会保险",
                                  "灾害", "意外事故", "其他")),
    "work_status": ("工作状态", ("在岗", "下岗", "失业", "退休", "内退", "农民工")),
    "relation": ("家庭关系", ("配偶", "子女", "父母", "兄弟姐妹", "其他")),
    "demand_kind": ("诉求类别", ("劳动报酬", "社会保险", "劳动安全", "技能培训", "生活困难", "劳动关系", "其他")),
    "demand_status": ("办理状态", ("待办理", "办理中", "已办结")),
    "evaluation": ("服务质量评价", ("优秀", "良好", "一般", "较差")),
    "material": ("报送材料", ("登记表", "实施方案", "总结材料", "数据包")),
    "submit_method": ("报送方式", ("电子版", "纸质")),
    "unit_kind": ("单位类型", ("市总工会", "产业工会", "区县工会", "基层工会")),
}

_phone: dict[str, Any] = dict(check=PHONE, sensitive=True, max_length=30)
_ric: dict[str, Any] = dict(check=RIC, sensitive=True, max_length=18)

RECORD_TYPES: dict[str, RecordType] = {}


def _register(rt: RecordType) -> RecordType:
    RECORD_TYPES[rt.key] = rt
    return rt


UNIT_T = _register(RecordType("unit", "单位", (
    F("name", "单位名称", required=True, max_length=60),
    F("kind", "单位类型", CHOICE, choices="unit_kind", default="基层工会"),
    F("contact", "联系人", max_length=30),
    F("phone", "联系电话", **_phone),
    F("expected", "应报送", BOOL, default=1),
    F("note", "备注", LONGTEXT, max_length=1000),
), order_by="name"))

WORKING_GROUP = _register(RecordType("working_group", "工作组", (
    F("name", "工作组名称", required=True, max_length=30),
    F("leader", "带队领导", max_length=30),
    F("members", "成员", LONGTEXT, max_length=500),
), order_by="rowid"))

TEAM = _register(RecordType("team", "志愿服务队", (
    F("name", "队伍名称", required=True, max_length=60),
    F("kind", "队伍类型", CHOICE, required=True, choices="team_kind"),
    F("unit", "所属单位", UNIT, required=True),
    F("founded_on", "成立日期", DATE, years=HISTORIC_YEARS),
    F("leader", "队长姓名", required=True, max_length=30),
    F("leader_title", "队长职务", max_length=60),
    F("leader_phone", "队长电话", required=True, **_phone),
    F("contact", "联系人", max_length=30),
    F("contact_phone", "联系电话", **_phone),
    F("categories", "服务内容", MULTI, choices="service_category"),
    F("service_forms", "服务形式", MULTI, choices="service_form"),
    F("area", "服务区域/地点", max_length=200),
    F("intro", "队伍简介与活动计划", LONGTEXT),
    F("note", "备注", LONGTEXT, max_length=2000),
), list_columns=("name", "kind", "unit", "leader", "founded_on")))

MEMBER = _register(RecordType("member", "队员", (
    F("team_id", "所在队伍", REF, required=True, ref="team"),
    F("name", "姓名", required=True, max_length=30),
    F("gender", "性别", CHOICE, choices="gender"),
    F("birth_month", "出生年月", MONTH, years=HISTORIC_YEARS),
    F("politics", "政治面貌", CHOICE, choices="politics"),
    F("work", "工作单位及职务", max_length=100),
    F("phone", "联系电话", **_phone),
    F("skills", "服务技能/特长", max_length=200),
    F("id_number", "身份证号", **_ric),
    F("volunteer_no", "志愿者注册编号", max_length=40),
), parent="team_id", order_by="rowid"))

ACTIVITY = _register(RecordType("activity", "志愿服务活动", (
    F("title", "活动名称", required=True, max_length=100),
    F("starts_at", "开始时间", DATETIME, required=True),
    F("ends_at", "结束时间", DATETIME, required=True),
    F("place", "地点", max_length=200),
    F("served", "服务对象", max_length=200),
    F("category", "服务内容", CHOICE, required=True, choices="service_category"),
    F("service_form", "服务形式", CHOICE, choices="service_form"),
    F("team_id", "组织队伍", REF, ref="team", on_delete="SET NULL"),
    F("beneficiaries", "受益人数", INT, maximum=10_000_000),
    F("leader", "活动负责人", max_length=30),
    F("recorder", "记录人", max_length=30),
    F("evaluation", "服务质量评价", CHOICE, choices="evaluation"),
    F("summary", "活动简述", LONGTEXT),
), title="title", order_by="starts_at",
    list_columns=("title", "starts_at", "category", "service_form", "team_id", "beneficiaries")))

PARTICIPANT = _register(RecordType("participant", "参加人员", (
    F("activity_id", "活动", REF, required=True, ref="activity"),
    F("member_id", "队员", REF, required=True, ref="member"),
    F("minutes", "服务时长", HOURS, required=True, maximum=60 * 24 * 366),
), title="member_id", parent="activity_id"))

# A photo or document of an activity. The file itself lives beside the database (core.attachments), named by its
# content hash; the record keeps the name it came with. No form: core.attachments writes these records.
ATTACHMENT = _register(RecordType("attachment", "附件", (
    F("activity_id", "活动", REF, required=True, ref="activity"),
    F("name", "原文件名", required=True, max_length=255),
    F("sha256", "内容摘要", required=True, max_length=64),
    F("size", "大小（字节）", INT, maximum=2**40),
    F("kind", "类型", max_length=10),
    F("note", "说明", max_length=200),
), parent="activity_id", order_by="rowid", list_columns=("name", "kind", "size", "note")))

PUBLICITY = _register(RecordType("publicity", "宣传与文化活动", (
    F("kind", "类型", CHOICE, required=True, choices="publicity_kind"),
    F("date", "日期", DATE, required=True),
    F("title", "标题", required=True, max_length=200),
    F("outlet", "媒体或地点", max_length=200),
    F("participants", "参与人数", INT, maximum=10_000_000),
    F("link", "链接", check=URL, max_length=500),
    F("activity_id", "相关活动", REF, ref="activity", on_delete="SET NULL"),
    F("note", "备注", LONGTEXT, max_length=2000),
), title="title", order_by="date"))

ENTERPRISE_VISIT = _register(RecordType("enterprise_visit", "走访企业", (
    F("date", "走访日期", DATE, required=True),
    F("group_id", "工作组", REF, required=True, ref="working_group", on_delete="RESTRICT"),
    F("leader", "带队领导", max_length=30),
    F("visitors", "走访人员", max_length=200),
    F("enterprise", "企业名称", required=True, max_length=100),
    F("uscc", "统一社会信用代码", check=USCC, max_length=18),
    F("address", "地址", max_length=200),
    F("industry", "行业", max_length=60),
    F("workers", "职工人数", INT, maximum=10_000_000),
    F("interviewees", "座谈对象", max_length=200),
    F("note", "备注", LONGTEXT, max_length=2000),
), title="enterprise", order_by="date"))

DEMAND = _register(RecordType("demand", "职工诉求", (
    F("visit_id", "走访记录", REF, required=True, ref="enterprise_visit"),
    F("content", "诉求内容", LONGTEXT, required=True, max_length=2000),
    F("kind", "类别", CHOICE, choices="demand_kind"),
    F("handler", "承办人", max_length=30),
    F("due_on", "答复期限", DATE),
    F("status", "办理状态", CHOICE, choices="demand_status", default="待办理"),
    F("reply", "答复", LONGTEXT, max_length=2000),
), title="content", parent="visit_id", order_by="rowid"))

HOUSEHOLD = _register(RecordType("household", "困难职工", (
    F("name", "姓名", required=True, max_length=30),
    F("gender", "性别", CHOICE, choices="gender"),
    F("id_number", "身份证号", **_ric),
    F("birth_date", "出生日期", DATE, years=HISTORIC_YEARS),
    F("employer", "所在单位", max_length=100),
    F("work_status", "工作状态", CHOICE, choices="work_status"),
    F("hardship", "困难类别", CHOICE, choices="hardship_kind"),
    F("main_cause", "主要致困原因", CHOICE, choices="hardship_cause"),
    F("other_causes", "次要原因", MULTI, choices="hardship_cause", max_items=3),
    F("family_size", "家庭人口", INT, maximum=50),
    F("income", "家庭月人均收入", MONEY, sensitive=True, maximum=10_000_000_00),
    F("health", "健康/残疾状况", max_length=200, sensitive=True),
    F("bank_account", "银行卡号", max_length=30, sensitive=True),
    F("address", "住址", max_length=200),
    F("phone", "联系电话", **_phone),
    F("filed_on", "建档日期", DATE),
    F("filed_by", "建档人", max_length=30),
), list_columns=("name", "gender", "id_number", "employer", "hardship", "main_cause", "family_size", "phone")))

FAMILY_MEMBER = _register(RecordType("family_member", "家庭成员", (
    F("household_id", "困难职工", REF, required=True, ref="household"),
    F("name", "姓名", required=True, max_length=30),
    F("relation", "关系", CHOICE, choices="relation"),
    F("birth_month", "出生年月", MONTH, years=HISTORIC_YEARS),
    F("health", "健康状况", max_length=100, sensitive=True),
    F("income", "月收入", MONEY, sensitive=True, maximum=10_000_000_00),
    F("school", "单位或学校", max_length=100),
), parent="household_id", order_by="rowid"))

HOUSEHOLD_VISIT = _register(RecordType("household_visit", "走访困难职工", (
    F("date", "走访日期", DATE, required=True),
    F("group_id", "工作组", REF, required=True, ref="working_group", on_delete="RESTRICT"),
    F("visitors", "走访人员", max_length=200),
    F("household_id", "困难职工", REF, required=True, ref="household"),
    F("findings", "了解情况", LONGTEXT, max_length=5000),
    F("needs", "帮扶需求", LONGTEXT, max_length=5000),
), title="date", order_by="date"))

AID = _register(RecordType("aid", "帮扶记录", (
    F("date", "帮扶日期", DATE, required=True),
    F("household_id", "困难职工", REF, required=True, ref="household"),
    F("programme", "帮扶项目", CHOICE, required=True, choices="aid_programme"),
    F("amount", "金额（元）", MONEY, maximum=100_000_000_00),
    F("goods", "物品", max_length=200),
    F("handler", "经办人/工作组", max_length=60),
    F("note", "备注", LONGTEXT, max_length=2000),
), title="programme", order_by="date"))

HONOR = _register(RecordType("honor", "选树典型", (
    F("category", "类别", CHOICE, required=True, choices="honor_kind"),
    F("subject_kind", "个人/集体", CHOICE, required=True, choices="subject_kind"),
    F("name", "姓名或名称", required=True, max_length=100),
    F("employer", "所在单位", max_length=100),
    F("deeds", "事迹", LONGTEXT),
    F("recommended_on", "推荐日期", DATE),
    F("status", "状态", CHOICE, choices="honor_status", default="推荐"),
    F("doc_no", "表彰文号", max_length=60),
), order_by="recommended_on"))

SUBMISSION = _register(RecordType("submission", "报送记录", (
    F("unit", "报送单位", UNIT, required=True),
    F("material", "材料", CHOICE, required=True, choices="material"),
    F("date", "报送日期", DATE, required=True),
    F("methods", "报送方式", MULTI, choices="submit_method"),
    F("note", "备注", LONGTEXT, max_length=2000),
), title="material", order_by="date"))


def record_type(key: str) -> RecordType:
    try:
        return RECORD_TYPES[key]
    except KeyError:
        raise KeyError(f"unknown record type {key!r}") from None


def children_of(key: str) -> list[RecordType]:
    """Record types whose parent REF points at `key` (member → team …)."""
    return [rt for rt in RECORD_TYPES.values() if rt.parent and rt.field(rt.parent).ref == key]
