"""The user-written parts of the 总结材料 and 实施方案: drafts, saving in the settings table, highlights."""
import pytest

from leifeng_desktop.core import service_record as sr
from leifeng_desktop.core import text_context as tc
from leifeng_desktop.core import texts as tx
from leifeng_desktop.core.validation import ValidationError

SUB = "XX市供电公司工会"


def test_parts_are_ordered_unique_and_every_draft_is_written(store):
    for doc, parts in tx.PARTS.items():
        keys = [p.key for p in parts]
        assert len(keys) == len(set(keys))
        texts = tx.load_texts(store, doc)
        assert list(texts) == keys
        assert all(t.strip() for t in texts.values())
    assert [p.key for p in tx.SUMMARY_PARTS][:3] == ["addressee", "opening", "basic"]
    assert [p.key for p in tx.PLAN_PARTS][:2] == ["preamble", "guiding"]


def test_drafts_name_the_settings_and_fit_the_unit(store):
    store.settings.set({"city": "广州市", "plan_deadline": "2026-08-28", "registration_deadline": "2026-08-20"})
    city = tx.load_texts(store, "summary")
    assert city["addressee"] == "广州市精神文明建设委员会办公室："
    sub = tx.load_texts(store, "summary", unit=SUB)
    assert sub["addressee"] == "广州市总工会：" and "我会" in sub["opening"]
    plan = tx.load_texts(store, "plan", unit=SUB)
    assert "2026年8月28日前报广州市总工会宣教部" in plan["steps.mobilize"]
    assert "8月20日前成立" in plan["content.service"]
    city_plan = tx.load_texts(store, "plan")
    assert "分成4个工作组" in city_plan["content.visits"] and "不少于40家" in city_plan["content.visits"]
    assert "不少于80户" in city_plan["content.visits"]


def test_saved_texts_round_trip_and_an_empty_text_brings_the_draft_back(store):
    heard = []
    store.subscribe(heard.append)
    tx.save_texts(store, "summary", {"problems": "  一是队伍不稳定。\r\n二是经费不足。  ", "addressee": "市总工会："})
    assert heard == ["settings"]
    texts = tx.load_texts(store, "summary")
    assert texts["problems"] == "一是队伍不稳定。\n二是经费不足。" and texts["addressee"] == "市总工会："
    assert store.settings.get("summary.problems") == "一是队伍不稳定。\n二是经费不足。"
    assert store.settings.campaign()["city"] == "XX市"     # campaign settings untouched
    tx.save_texts(store, "summary", {"problems": ""})
    assert tx.load_texts(store, "summary")["problems"] == tx.draft_texts(store, "summary")["problems"]
    assert store.settings.get("summary.problems") is None
    tx.save_texts(store, "plan", {"guiding": "以新的指导思想为指导。"})
    assert tx.load_texts(store, "plan")["guiding"] == "以新的指导思想为指导。"
    assert "guiding" not in tx.saved_texts(store, "summary")


def test_a_bad_part_saves_nothing(store):
    with pytest.raises(ValidationError) as err:
        tx.save_texts(store, "summary", {"problems": "有问题", "nonsense": "x", "opening": 5})
    assert set(err.value.errors) == {"nonsense", "opening"}
    assert tx.saved_texts(store, "summary") == {}
    with pytest.raises(ValidationError):
        tx.save_texts(store, "plan", {"highlights.values": ["a"]})     # the plan has no highlights
    with pytest.raises(ValueError):
        tx.load_texts(store, "minutes")


@pytest.fixture
def records(store, team_values):
    """Publicity of several kinds, honors, an activity with hours, in two units and two years."""
    ids = {}
    ins = store.insert
    ids["speech"] = ins("publicity", {"kind": "演讲", "date": "2026-05-04", "title": "“雷锋在身边”演讲比赛",
                                      "outlet": "市工人文化宫", "participants": 120}, unit=SUB)
    ids["essay"] = ins("publicity", {"kind": "征文", "date": "2026-06-01", "title": "职工征文活动",
                                     "participants": 300}, unit="XX市总工会")
    ids["old"] = ins("publicity", {"kind": "演讲", "date": "2025-05-04", "title": "去年的演讲"}, unit=SUB)
    ids["film"] = ins("publicity", {"kind": "送电影", "date": "2026-07-01", "title": "送电影进社区"}, unit=SUB)
    ids["media"] = ins("publicity", {"kind": "媒体报道", "date": "2026-07-02", "title": "供电职工学雷锋",
                                     "outlet": "XX市日报"}, unit=SUB)
    ids["awarded"] = ins("honor", {"category": "金牌工人", "subject_kind": "个人", "name": "王芳",
                                   "employer": "XX市供电公司", "status": "表彰", "recommended_on": "2026-09-01",
                                   "deeds": "王芳同志扎根一线二十年。"}, unit=SUB)
    ids["proposed"] = ins("honor", {"category": "岗位技术能手", "subject_kind": "个人", "name": "李强",
                                    "status": "推荐", "recommended_on": "2026-03-01"}, unit="XX市总工会")
    team = ins("team", team_values)
    m = [ins("member", {"team_id": team, "name": n}) for n in ("甲", "乙")]
    for n, minutes in enumerate((60, 300, 120)):
        ids[f"act{n}"] = sr.save_activity(store, None, {
            "title": f"活动{n}", "starts_at": f"2026-0{n + 3}-10T09:00", "ends_at": f"2026-0{n + 3}-10T15:00",
            "category": "便民利民", "team_id": team, "place": "新华社区", "beneficiaries": 10 * (n + 1)},
            [{"member_id": x, "minutes": minutes} for x in m])
    return ids


def test_highlight_candidates_per_area(store, records):
    c = tx.summary_highlights(store, date_from="2026-01-01", date_to="2026-12-31")
    assert [x["id"] for x in c["values"]] == [records["essay"], records["speech"]]   # most participants first
    assert c["values"][1]["sentence"] == "5月4日，XX市供电公司工会在市工人文化宫举办“雷锋在身边”演讲比赛，120人参加"
    assert c["values"][0]["sentence"].startswith("6月1日，市总工会举办职工征文活动")   # our own unit
    assert [x["id"] for x in c["publicity"]] == [records["media"], records["film"]]
    assert "XX市日报以《供电职工学雷锋》为题作了报道" in c["publicity"][0]["sentence"]
    assert [x["id"] for x in c["service"]] == [records["act1"], records["act2"], records["act0"]]
    assert "2名志愿者参加，服务10小时，受益20人" in c["service"][0]["sentence"]
    assert c["models"][0]["id"] == records["awarded"]
    assert c["models"][0]["sentence"] == "XX市供电公司王芳获评金牌工人"
    assert c["models"][1]["sentence"] == "李强被推荐参评岗位技术能手"
    only_sub = tx.summary_highlights(store, date_from="2026-01-01", date_to="2026-12-31", unit=SUB)
    assert [x["id"] for x in only_sub["values"]] == [records["speech"]]
    assert only_sub["values"][0]["sentence"].startswith("5月4日，我会在市工人文化宫")
    spring = tx.summary_highlights(store, date_from="2026-03-01", date_to="2026-03-31")
    assert [x["id"] for x in spring["service"]] == [records["act0"]] and spring["values"] == []


def test_chosen_highlights_default_pick_and_saved_choice(store, records):
    period = {"date_from": "2026-01-01", "date_to": "2026-12-31"}
    chosen = tx.chosen_highlights(store, **period)
    assert len(chosen["service"]) == 3 and [x["id"] for x in chosen["deeds"]] == [records["awarded"]]
    assert [x["date"] for x in chosen["service"]] == sorted(x["date"] for x in chosen["service"])
    tx.save_texts(store, "summary", {"highlights.service": [records["act2"], records["act0"], "gone"],
                                     "highlights.values": [], "highlights.deeds": [records["proposed"]]})
    chosen = tx.chosen_highlights(store, **period)
    assert [x["id"] for x in chosen["service"]] == [records["act2"], records["act0"]]
    assert chosen["values"] == [] and [x["id"] for x in chosen["deeds"]] == [records["proposed"]]
    march = tx.chosen_highlights(store, date_from="2026-03-01", date_to="2026-03-31")
    assert [x["id"] for x in march["service"]] == [records["act0"]]     # the period still applies
    tx.save_texts(store, "summary", {"highlights.values": None})
    assert len(tx.chosen_highlights(store, **period)["values"]) == 2


def test_summary_period(store):
    year = store.settings.get("year")
    assert tc.summary_period(store) == (year, f"{year}-01-01", f"{year}-12-31")
    assert tc.summary_period(store, "2026-03-01", None) == (2026, "2026-03-01", "2026-12-31")
    assert tc.summary_period(store, None, "2025-11-30") == (2025, "2025-01-01", "2025-11-30")
    with pytest.raises(ValueError, match="同一年度"):
        tc.summary_period(store, "2025-12-01", "2026-01-31")
    with pytest.raises(ValueError, match="晚于"):
        tc.summary_period(store, "2026-05-01", "2026-04-01")
    with pytest.raises(ValueError, match="无法识别"):
        tc.summary_period(store, "2026/05/01")


def test_summary_drafts_carry_no_figures(store, records):
    """Figures are written from campaign_stats by the export: a saved draft must not freeze a count."""
    for key, text in tx.load_texts(store, "summary").items():
        digits = [ch for ch in text.replace(str(store.settings.get("year")), "") if ch.isdigit()]
        assert not digits, key


def test_a_text_equal_to_its_draft_is_not_frozen(store):
    drafts = tx.draft_texts(store, "summary")
    tx.save_texts(store, "summary", {**drafts, "problems": "经费不足。"}, drafts=drafts)
    assert set(tx.saved_texts(store, "summary")) == {"problems"}
    tx.save_texts(store, "summary", {"problems": drafts["problems"]}, drafts=drafts)   # back to the draft
    assert tx.saved_texts(store, "summary") == {}


def test_the_summary_reads_only_the_candidates_it_prints_and_picks_the_same(tmp_path):
    """chosen_highlights without candidates reads the first few visits, aid and activities (or the saved ones only):
    the same pick as from every candidate, by default, for a saved choice, for a unit and a period."""
    from leifeng_desktop.core.demo import load_demo
    from leifeng_desktop.core.store import Store
    with Store.open(tmp_path / "demo.db") as demo:
        load_demo(demo)
        scopes = [{}, {"unit": SUB}, {"date_from": "2026-03-01", "date_to": "2026-06-30"}]

        def same() -> None:
            for scope in scopes:
                full = tx.chosen_highlights(demo, candidates=tx.summary_highlights(demo, **scope), **scope)
                assert tx.chosen_highlights(demo, **scope) == full
        same()
        every = tx.summary_highlights(demo)
        assert len(every["service"]) > 3 and len(every["visits"]) > 3
        tx.save_texts(demo, "summary", {"highlights.service": [c["id"] for c in every["service"][-4:]][::-1],
                                        "highlights.visits": [every["visits"][-1]["id"], "gone"]})
        same()
        chosen = tx.chosen_highlights(demo)
        assert [c["id"] for c in chosen["service"]] == [c["id"] for c in every["service"][-4:]][::-1]
        tx.save_texts(demo, "summary", {"highlights.service": []})
        assert tx.chosen_highlights(demo)["service"] == []
