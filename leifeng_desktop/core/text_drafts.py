"""The starting drafts of the user-written parts of the 总结材料 and the 实施方案 (core.texts keeps what the user
saves).

Wording follows the seed plan (学雷锋职工志愿服务活动实施方案): its sections 指导思想, 活动内容 (five content areas),
实施步骤, 工作要求, adapted to the unit a document is for. A draft names settings (city, year, deadlines, targets)
and records (the unit's teams) but never a count: every figure of the summary is written by exports.summary from
core.stats, so a saved draft cannot go stale.

Every claim a summary draft makes is true of the records (Facts, from core.texts.summary_facts): the 实施方案
sentence only when the unit's 实施方案 submission exists (报送记录), the 登记表 one only when its 登记表 was sent,
teams, visits, aid programmes, service forms and categories, honor kinds and publicity kinds only those recorded in
the period; an area with no records says so. The plan's drafts say what will be done; their few facts (working
groups, the teams listed) are conditional too.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .formatting import cn_date

# The five content areas of the seed's 活动内容, in its order: key, heading.
AREAS = (
    ("values", "深入开展社会主义核心价值体系教育"),
    ("models", "大力选树典型，推动岗位建功立业"),
    ("visits", "扎实开展“面对面，心贴心，实打实服务职工在基层”大走访活动"),
    ("service", "大力开展学雷锋职工志愿服务活动"),
    ("publicity", "积极开展弘扬雷锋精神新闻宣传活动"),
)


VALUES_KINDS = ("演讲", "征文", "先进模范人物事迹巡回报告")   # publicity kinds of the 核心价值 area
MEDIA_KIND = "媒体报道"
CULTURE_KINDS = ("送电影", "送培训", "送书籍", "送讲座")


@dataclass(frozen=True)
class Facts:
    """What the records say, for the claims of the summary's drafts (the document's unit and period)."""
    plan_sent: bool = False            # its 实施方案 submission (报送记录) exists in the year
    registration_sent: bool = False    # its 登记表 submission exists
    unit_plans: bool = False           # some unit sent its 实施方案 (the city's 各级工会 sentence)
    teams: bool = False
    activities: bool = False
    categories: tuple[str, ...] = ()   # service categories with activities, in the list's order
    forms: tuple[str, ...] = ()        # service forms with activities
    enterprise_visits: bool = False
    household_visits: bool = False
    demands_done: bool = False         # some demand settled
    overdue_demands: bool = False
    programmes: tuple[str, ...] = ()   # aid programmes with aid records
    honor_kinds: tuple[str, ...] = ()
    publicity_kinds: tuple[str, ...] = ()
    groups: bool = False               # working groups at work (a 带队领导 named, or enterprise visits)
    groups_led: bool = False           # every working group has a 带队领导
    materials_missing: tuple[str, ...] = ()   # materials past their deadline not sent (by the unit, or by some unit)
    targets_short: tuple[str, ...] = ()   # 走访企业 / 走访帮扶困难职工 below the target (city only)
    kinds_missing: bool = False        # some unit lacks a kind of team (city only)



@dataclass(frozen=True)
class Context:
    """What a draft may name: the campaign settings, the unit the document is for, and what its records say."""
    campaign: dict[str, Any]
    unit: str                      # the unit that signs the document
    is_city: bool                  # the city federation itself (市总工会), not a sub-union
    teams: list[dict[str, Any]] = field(default_factory=list)   # the unit's teams (all for the city federation);
    #                                                             the plan's only: a summary's context has none
    groups: int = 0                # working groups (工作组) of the visiting campaign
    facts: Facts = Facts()         # none by default: a summary draft then claims nothing (core.texts.summary_facts)

    @property
    def city(self) -> str:
        return self.campaign.get("city") or "XX市"

    @property
    def city_union(self) -> str:
        return f"{self.city}总工会"

    @property
    def year(self) -> int:
        return int(self.campaign.get("year") or dt.date.today().year)

    @property
    def we(self) -> str:
        """How the document names its own unit in running text."""
        return "市总工会" if self.is_city else "我会"


# -- 总结材料 ----------------------------------------------------------------------------------------------------
def _quoted(names: tuple[str, ...] | list[str]) -> str:
    """“送温暖”“送清凉” (a name already holding quotes is left as it is)."""
    return "".join(n if "“" in n else f"“{n}”" for n in names)


def _sentence(lead: str, parts: list[str], empty: str, sep: str = "，") -> str:
    return lead + sep.join(parts) + "。" if parts else empty


def summary_addressee(c: Context) -> str:
    """设置's 主送机关 for our own unit's summary, else the usual one (a sub-union reports to the city federation)."""
    chosen = str(c.campaign.get("addressee") or "").strip().rstrip("：:")
    if chosen and c.unit == c.campaign.get("our_unit"):
        return f"{chosen}："
    return f"{c.city}精神文明建设委员会办公室：" if c.is_city else f"{c.city_union}："


def summary_opening(c: Context) -> str:
    whose = f"{c.city}精神文明建设委员会的统一部署" if c.is_city else f"{c.city_union}的统一部署"
    if not c.facts.activities:
        return f"现将{c.year}年{c.we}学雷锋职工志愿服务活动有关情况总结如下："
    return (f"{c.year}年，{c.we}按照{whose}，以“学雷锋职工志愿服务”为主题，团结动员广大职工和工会干部深入学习和大力弘扬"
            f"雷锋精神，开展职工志愿服务活动。现将有关情况总结如下：")


def summary_basic(c: Context) -> str:
    f = c.facts
    parts = []
    if c.is_city:
        if f.plan_sent:
            parts.append("市总工会制定下发了《关于开展学雷锋职工志愿服务活动实施方案》，明确了目标任务和工作措施")
        if f.groups:
            parts.append("成立了由市总领导带队的走访工作组" if f.groups_led else "成立了走访工作组")
        if f.unit_plans:
            parts.append("各级工会结合实际制定具体方案")
        if f.teams:
            parts.append("组建职工志愿服务队伍")
        return _sentence("活动开展以来，", parts, "本期间内尚无实施方案报送、走访工作组和志愿服务队的记录。")
    if f.plan_sent:
        parts.append(f"结合本单位实际制定了具体实施方案并报送{c.city_union}宣教部")
    if f.teams:
        sent = f"，将服务队登记表报送{c.city_union}" if f.registration_sent else ""
        parts.append(f"组织职工组建志愿服务队伍{sent}")
    if f.activities:
        parts.append("组织开展志愿服务活动")
    return _sentence(f"活动开展以来，{c.we}", parts, f"本期间内{c.we}尚无实施方案报送和志愿服务队的记录。")


def _values(c: Context) -> str:
    kinds = [k for k in VALUES_KINDS if k in c.facts.publicity_kinds]
    if not kinds:
        return "本期间内没有演讲、征文、先进模范人物事迹巡回报告等教育活动的记录。"
    return ("坚持用社会主义核心价值体系教育引导职工，广泛开展以爱岗敬业、诚实守信、艰苦奋斗、勇于奉献为主要内容的"
            f"职业道德教育，通过{'、'.join(kinds)}等形式，让雷锋故事和雷锋精神深入广大职工特别是新生代青年职工心里。")


def _models(c: Context) -> str:
    if not c.facts.honor_kinds:
        return "本期间内没有选树先进典型的推荐记录。"
    return (f"积极开展{_quoted(c.facts.honor_kinds)}等先进典型的选树推荐，充分发挥先进典型的示范带动作用，"
            "引导广大职工争当岗位技术能手、建功立业标兵、职业道德标兵、节能减排标兵。")


def _visits(c: Context) -> str:
    f = c.facts
    parts = []
    if f.enterprise_visits:
        parts.append("把学雷锋职工志愿服务活动与“面心实”大走访活动相结合，下基层、进企业，聆听职工呼声，了解职工诉求"
                     + ("，帮助职工解难" if f.demands_done else ""))
    if f.household_visits:
        parts.append("走访困难职工家庭，了解困难职工的实际情况")
    if f.programmes:
        parts.append(f"开展{_quoted(f.programmes)}等帮扶工作，为职工群众排忧解难")
    return _sentence("", parts, "本期间内没有走访企业、走访困难职工和帮扶的记录。", "；")


def _service(c: Context) -> str:
    f = c.facts
    parts = []
    if f.teams:
        parts.append("积极引导、发动职工成立和参与职工志愿服务队")
    if f.activities:
        how = f"采取{'、'.join(f.forms)}等形式，" if f.forms else ""
        what = f"{'、'.join(f.categories)}等" if f.categories else ""
        parts.append(f"结合职工群众需要，{how}开展{what}志愿服务活动")
    return _sentence("", parts, "本期间内没有志愿服务队和志愿服务活动的记录。")


def _publicity(c: Context) -> str:
    f = c.facts
    parts = []
    if MEDIA_KIND in f.publicity_kinds:
        parts.append("积极报送新闻线索，协调媒体宣传报道学雷锋活动的进展、成效和经验")
    culture = [k for k in CULTURE_KINDS if k in f.publicity_kinds]
    if culture:
        parts.append(f"组织开展{'、'.join(culture)}等职工文化走基层活动，让雷锋精神在职工中广泛传颂")
    return _sentence("", parts, "本期间内没有媒体报道和职工文化走基层活动的记录。", "；")


SUMMARY_AREA_DRAFTS: dict[str, Callable[[Context], str]] = {
    "values": _values, "models": _models, "visits": _visits, "service": _service, "publicity": _publicity}


def summary_problems(c: Context) -> str:
    f = c.facts
    found = []
    if f.materials_missing:
        found.append(f"{'有的基层单位' if c.is_city else ''}{'、'.join(f.materials_missing)}未按期报送")
    if f.targets_short:
        found.append(f"{'、'.join(f.targets_short)}尚未完成目标任务")
    if f.overdue_demands:
        found.append("部分职工诉求未在答复期限内办结")
    if f.kinds_missing:
        found.append("有的单位志愿服务队类型还不够齐全")
    found.append("志愿服务的长效机制有待进一步完善，服务项目与职工群众需求的对接还需更加精准")
    return "；".join(found) + "。"


def summary_next_steps(c: Context) -> str:
    return (f"下一步，{c.we}将认真总结经验，一是健全志愿服务工作机制，推动学雷锋职工志愿服务制度化、常态化；"
            "二是围绕职工群众需求拓展服务项目，把帮扶维权工作做实做细；三是加大先进典型的挖掘和宣传力度，营造学雷锋、"
            "做好事的浓厚氛围。")


# -- 实施方案 ----------------------------------------------------------------------------------------------------
def plan_preamble(c: Context) -> str:
    if c.is_city:
        basis = (f"按照{c.city}精神文明建设委员会关于学雷锋志愿服务工作的要求，"
                 f"{c.we}决定在全市广大职工中广泛开展学雷锋职工志愿服务活动")
        where = "结合我市工会工作实际"
    else:
        basis = (f"按照《{c.city_union}关于开展学雷锋职工志愿服务活动实施方案》的要求，"
                 f"{c.we}决定在本单位广大职工中广泛开展学雷锋职工志愿服务活动")
        where = "结合本单位实际"
    return (f"为进一步激发广大职工和工会干部践行爱岗敬业、乐于奉献的雷锋精神，{basis}。为使活动有效开展，{where}，"
            "制定本方案。")


def plan_guiding(c: Context) -> str:
    return ("以“学雷锋职工志愿服务”为主题，围绕社会主义核心价值体系建设，"
            "团结动员广大职工和工会干部深入学习和大力弘扬雷锋精神，开展志愿服务活动，着力推进社会公德、职业道德、"
            "家庭美德、个人品德建设，不断提升广大职工思想道德素质和社会文明程度，"
            f"为推进{c.city}文明城市建设作出贡献。")


def plan_values(c: Context) -> str:
    return ("用社会主义核心价值体系教育引导职工，用工人阶级伟大品格和劳模精神引领社会风尚，广泛开展以爱岗敬业、"
            "诚实守信、艰苦奋斗、勇于奉献为主要内容的职业道德教育，引导广大职工树立正确的世界观、人生观、价值观，"
            "夯实团结奋斗的共同思想基础。")


def plan_models(c: Context) -> str:
    return ("积极开展创建“工人先锋号”、职业道德建设“双十佳”以及“金牌工人”评选表彰活动，"
            "充分发挥示范窗口和先进人物的辐射带动作用。结合单位实际、行业特点，组织实施创先争优劳动竞赛、职工技能比武，"
            "引导职工积极参加技术革新、发明创造、合理化建议活动，争当岗位技术能手、建功立业标兵、职业道德标兵、"
            "节能减排标兵。")


def plan_visits(c: Context) -> str:
    split = f"分成{c.groups}个工作组" if c.groups else "分成若干工作组"
    groups = f"市总机关由领导带队，{split}" if c.is_city else f"积极配合{c.city_union}工作组"
    target = c.campaign.get("enterprise_target")
    households = c.campaign.get("household_target")
    goal = (f"，走访企业不少于{target}家，走访帮扶困难职工不少于{households}户"
            if c.is_city and target and households else "")
    return (f"把学雷锋职工志愿服务活动与“面心实”大走访活动相结合。{groups}深入基层开展走访{goal}。要下基层，进企业，"
            "开展调查研究，聆听职工呼声，真实了解职工诉求，真情帮助职工解难；大力推进企业和谐劳动关系建设，做实“送温暖”"
            "“送清凉”“金秋助学”、日常救助、法律援助等帮扶维权工作，随时随地为职工群众排忧解难。")


def plan_service(c: Context) -> str:
    deadline = cn_date(c.campaign.get("registration_deadline"), year=False)
    when = f"于{deadline}前" if deadline else "及时"
    listed = "（名单见附件）" if c.teams else ""
    who = "各级工会组织要" if c.is_city else ""
    return (f"{who}结合本单位、本行业实际，积极引导、发动职工成立、参与“职工志愿服务队”“职工维权志愿服务团”"
            "“心理咨询志愿服务团”“医疗卫生志愿服务团”“技能大师志愿服务团”“职工业余文化志愿服务团”等职工志愿服务组织，"
            "采取广场咨询、上门服务、送文化下基层等多种形式，开展扶老助残、帮困解难、应急救助、便民利民、文明礼仪、"
            "保护环境、维护秩序等志愿服务活动。"
            f"各志愿服务队{when}成立{listed}，并将《学雷锋职工志愿服务队登记表》报{c.city_union}组宣部（电子版、"
            "纸质各一份）。")


def plan_publicity(c: Context) -> str:
    return ("广泛开展弘扬雷锋精神的主题宣传活动，通过演讲、征文等形式，"
            "让雷锋故事和雷锋精神深入职工特别是新生代青年职工心里；举办先进模范人物事迹巡回报告，深入挖掘先进事迹；"
            "组织开展送电影、送培训、送书籍、送讲座等职工文化走基层活动，让雷锋精神在职工中广泛传颂。")


def plan_mobilize(c: Context) -> str:
    deadline = cn_date(c.campaign.get("plan_deadline"))
    if c.is_city:
        return (f"召开动员部署会议，印发本方案。各级工会结合实际制定具体实施方案"
                f"{f'，并于{deadline}前' if deadline else '，及时'}报市总工会宣教部。")
    return (f"召开动员部署会议，制定本单位实施方案{f'，于{deadline}前' if deadline else '，及时'}"
            f"报{c.city_union}宣教部；组建志愿服务队伍，明确责任分工。")


def plan_implement(c: Context) -> str:
    return ("根据活动方案，在不同时期、不同阶段组织开展学雷锋主题活动，组织动员广大职工积极开展岗位学雷锋、争做好员工"
            "志愿服务活动，做好活动记录和服务时长登记。")


def plan_review(c: Context) -> str:
    deadline = cn_date(c.campaign.get("summary_deadline"))
    to = "宣教部" if c.is_city else f"{c.city_union}宣教部"
    when = f"于{deadline}前" if deadline else "按要求"
    return ("对学雷锋活动开展情况进行认真总结，挖掘学雷锋活动中的先进人物和典型事迹，扩大学雷锋活动的社会影响，"
            f"总结材料{when}报送{to}。")


def plan_leadership(c: Context) -> str:
    return ("推动建立党政领导、工会牵头、有关部门各负其责、积极配合，职工广泛参与的工作机制，周密安排部署，"
            "精心组织实施，加强统筹协调、工作指导和督促检查，分阶段、有步骤扎实推进活动开展，形成声势、掀起热潮。")


def plan_atmosphere(c: Context) -> str:
    return ("注重运用标语、横幅、电子屏等宣传形式，营造学雷锋活动的浓厚氛围；积极报送新闻线索，协调电视、报刊、"
            "网站等媒体，宣传报道学雷锋活动的进展、成效和经验，形成浓厚的舆论氛围。")


def plan_results(c: Context) -> str:
    assess = ("市总工会将学雷锋活动纳入年终考评的重要内容" if c.is_city
              else f"{c.city_union}将学雷锋活动纳入年终考评的重要内容")
    return ("开展职工喜闻乐见的活动，充分调动广大职工参与的积极性和主动性，使学雷锋活动、"
            "职工志愿服务活动开展到公共场所和"
            f"每个服务窗口。{assess}，以推动学雷锋活动持续有效开展。")
