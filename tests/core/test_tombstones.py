"""Tombstones (issue 17): every row a delete moves into the 回收站 leaves one (type, id, when, unit), so the deletion
travels in a data bundle; a restore takes them away, a purge keeps them."""
from leifeng_desktop.core import teams, trash


def tombstones(store) -> dict[tuple[str, str], dict]:
    return {(r["type_key"], r["record_id"]): dict(r) for r in store.db.query("SELECT * FROM tombstone")}


def a_team(store, team_values) -> tuple[str, list[str]]:
    team = teams.save_team(store, None, team_values, [{"name": "张伟", "phone": "13900000001"},
                                                      {"name": "李娜", "phone": "13900000002"}])
    return team, [m["id"] for m in store.rows("member", where="team_id = ?", params=[team])]


def test_a_delete_leaves_one_tombstone_per_row_of_its_entry(store, team_values):
    team, members = a_team(store, team_values)
    units = {("team", team): team_values["unit"], **{("member", m): store.get("member", m)["unit"] for m in members}}
    entry_id = store.delete("team", team)
    entry = trash.entry(store, entry_id)
    stones = tombstones(store)
    assert set(stones) == set(units)
    assert {s["deleted_at"] for s in stones.values()} == {entry["deleted_at"]}
    assert {key: s["unit"] for key, s in stones.items()} == units   # each row's own unit (the team's 所属单位)


def test_a_restore_takes_its_tombstones_away_and_a_second_delete_renews_them(store, team_values):
    team, members = a_team(store, team_values)
    other = store.insert("team", {**team_values, "name": "另一队"})
    store.delete("team", other)
    entry_id = store.delete("team", team)
    trash.restore(store, entry_id)
    assert set(tombstones(store)) == {("team", other)}
    store.db.execute("UPDATE tombstone SET deleted_at = '2000-01-01T00:00:00+08:00'")
    store.delete("member", members[0])   # INSERT OR REPLACE: a record deleted again has one stone, the newest
    stones = tombstones(store)
    assert set(stones) == {("team", other), ("member", members[0])}
    assert stones[("member", members[0])]["deleted_at"] > "2000-01-01T00:00:00+08:00"


def test_a_purge_keeps_the_tombstones(store, team_values):
    team, members = a_team(store, team_values)
    store.delete("team", team)
    before = tombstones(store)
    assert trash.purge(store) == 1
    assert trash.entries(store) == [] and tombstones(store) == before and len(before) == 3
