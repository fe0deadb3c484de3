"""The 总结材料's default 志愿服务 highlights: the activities with the most service minutes, ranked from m012's
activity_tally (kept by triggers) as they are by summing their participations, ties by date; a change of minutes
moves the pick."""
from leifeng_desktop.core import service_record as sr
from leifeng_desktop.core import texts as tx

PERIOD = {"date_from": "2026-01-01", "date_to": "2026-12-31"}


def test_the_default_pick_is_the_top_of_the_summed_ranking(store, team_values):
    team = store.insert("team", team_values)
    members = [store.insert("member", {"team_id": team, "name": n}) for n in ("甲", "乙", "丙")]
    ids = []
    for n, minutes in enumerate((60, 300, 0, 120, 300, 90)):    # a tie (300) and an activity of no minutes
        ids.append(sr.save_activity(store, None, {
            "title": f"活动{n}", "starts_at": f"2026-0{n + 3}-10T09:00", "ends_at": f"2026-0{n + 3}-10T15:00",
            "category": "便民利民", "team_id": team, "place": "新华社区"},
            [{"member_id": m, "minutes": minutes} for m in members[:1 + n % 3]] if minutes else []))
    summed = [c["id"] for c in tx.summary_highlights(store, **PERIOD)["service"]]     # every one, summed
    picked = {c["id"] for c in tx.chosen_highlights(store, **PERIOD)["service"]}
    assert picked == set(summed[:3]) and ids[1] in picked and ids[4] in picked
    sr.save_activity(store, ids[2], {"title": "活动2"}, [{"member_id": members[0], "minutes": 360}])
    picked = {c["id"] for c in tx.chosen_highlights(store, **PERIOD)["service"]}
    assert picked == set([c["id"] for c in tx.summary_highlights(store, **PERIOD)["service"]][:3])
    assert ids[2] in picked


def test_the_pick_within_a_period_or_unit_and_among_activities_without_minutes(store, team_values):
    """The tally's best of all may lie outside the scope (another month, another unit), or fewer than three
    activities have minutes: the pick is still the top of the scope's summed ranking."""
    other = store.insert("team", {**team_values, "name": "另一支志愿服务队", "unit": "XX市教育工会"})
    team = store.insert("team", team_values)
    members = {t: [store.insert("member", {"team_id": t, "name": n}) for n in ("甲", "乙")] for t in (team, other)}
    for n, (owner, minutes) in enumerate([(other, 600), (team, 60), (other, 500), (team, 0), (team, 30),
                                          (other, 0), (team, 0)]):
        day = f"2026-0{3 + n % 2}-1{n}"
        sr.save_activity(store, None, {
            "title": f"活动{n}", "starts_at": f"{day}T09:00", "ends_at": f"{day}T19:00",
            "category": "便民利民", "team_id": owner, "place": "新华社区"},
            [{"member_id": m, "minutes": minutes} for m in members[owner]] if minutes else [])
    scopes = [PERIOD, {"date_from": "2026-04-01", "date_to": "2026-04-30"},
              {**PERIOD, "unit": team_values["unit"]}, {**PERIOD, "unit": "XX市教育工会"}]
    for scope in scopes:
        summed = [c["id"] for c in tx.summary_highlights(store, **scope)["service"]]
        picked = sorted(c["id"] for c in tx.chosen_highlights(store, **scope)["service"])
        assert picked == sorted(summed[:3]), scope
