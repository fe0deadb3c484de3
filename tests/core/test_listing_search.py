"""The list search at city scale: m009's search tables find 1-, 2- and ≥ 3-character substrings of any searchable
field and of a shown reference's title; they follow every write (insert, edit, delete to the 回收站 and back, a
foreign key's SET NULL) and are filled for the records of an upgraded file; sensitive values are never in them."""
import shutil
from pathlib import Path

import pytest

from leifeng_desktop.core import listing, trash
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.store import Store

TEAM, MEMBER, ACTIVITY = s.record_type("team"), s.record_type("member"), s.record_type("activity")
FIXTURES = Path(__file__).parent.parent / "fixtures"


def names(store, rt, text, columns=("name", "team_id")):
    return sorted(r[rt.title] for r in listing.fetch_rows(store, rt, columns=list(columns), text=text))


@pytest.fixture
def world(store):
    kind = store.settings.choices()["team_kind"][0]
    with store.transaction():
        a = store.insert("team", {"name": "电力抢修服务队", "kind": kind, "unit": "XX市供电公司工会",
                                  "leader": "王建国", "leader_phone": "13812345678", "area": "城东片区"})
        b = store.insert("team", {"name": "蓝天志愿队", "kind": kind, "unit": "XX市公交集团工会", "leader": "李四",
                                  "leader_phone": "13812345678", "categories": ["扶老助残"]})
        store.insert("member", {"team_id": a, "name": "王秀英", "skills": "电工", "phone": "13900005678",
                                "id_number": "11010519491231002X"})
        store.insert("member", {"team_id": b, "name": "张伟", "work": "公交司机"})
        store.insert("member", {"team_id": b, "name": "Ann Lee", "work": "O'Brien车队"})
    return {"a": a, "b": b}


def test_one_two_and_more_characters_find_substrings_anywhere(store, world):
    assert names(store, MEMBER, "王") == ["王秀英"]
    assert names(store, MEMBER, "秀英") == ["王秀英"]
    assert names(store, MEMBER, "王秀英") == ["王秀英"]
    assert names(store, MEMBER, "秀") == ["王秀英"]                  # the middle of a word
    assert names(store, MEMBER, "公交") == ["张伟"]                  # another field of the record
    assert names(store, MEMBER, "蓝天") == ["Ann Lee", "张伟"]       # the title of the shown team
    assert names(store, MEMBER, "志愿") == ["Ann Lee", "张伟"]       # two characters of that title
    assert names(store, MEMBER, "ann") == ["Ann Lee"]                # any case
    assert names(store, MEMBER, "o'b") == ["Ann Lee"]                # punctuation is text too
    assert names(store, MEMBER, "王 电工") == ["王秀英"]              # words are ANDed
    assert names(store, MEMBER, "秀王") == [] and names(store, MEMBER, "英张") == []   # in order, one field at a time
    assert names(store, TEAM, "扶老", ("name",)) == ["蓝天志愿队"]   # an item of a multiple choice
    assert names(store, TEAM, "残蓝", ("name",)) == []               # no phrase across two fields
    assert names(store, MEMBER, "电力", ("name",)) == []             # the team's title only when it is shown


def test_sensitive_values_are_never_searched(store, world):
    # only the last four digits find a record (issue 19: through their keyed hash, never through plain text)
    for digits in ("1390000", "002X", "19491231"):
        assert names(store, MEMBER, digits, ("name", "phone", "id_number")) == []
    for row in store.db.execute("SELECT title, body FROM member_search"):
        assert "5 6 7 8" not in " ".join(row) and "1 9 4 9" not in " ".join(row)


def test_the_search_follows_every_write(store, world):
    member = listing.fetch_rows(store, MEMBER, columns=["name"], text="张伟")[0]["id"]
    store.update("member", member, {"name": "张卫东"})
    assert names(store, MEMBER, "张伟") == [] and names(store, MEMBER, "卫东") == ["张卫东"]
    store.update("team", world["b"], {"name": "白云志愿队"})        # the shown title of every member follows
    assert names(store, MEMBER, "白云") == ["Ann Lee", "张卫东"] and names(store, MEMBER, "蓝天") == []
    entry = store.delete("team", world["b"])                          # the team and its members to the 回收站
    assert names(store, MEMBER, "卫东") == [] and names(store, TEAM, "白云", ("name",)) == []
    trash.restore(store, entry)
    assert names(store, MEMBER, "卫东") == ["张卫东"] and names(store, TEAM, "白云", ("name",)) == ["白云志愿队"]
    activity = store.insert("activity", {"title": "社区义诊", "starts_at": "2026-03-01 08:00",
                                         "ends_at": "2026-03-01 10:00", "category": "扶老助残",
                                         "team_id": world["a"]})
    store.delete("team", world["a"])                                  # the activity's team_id is SET NULL
    assert [r["id"] for r in listing.fetch_rows(store, ACTIVITY, columns=["title"], text="义诊")] == [activity]


def test_a_search_hook_finds_what_the_search_tables_cannot(store, world, monkeypatch):
    def last_digits(rt, word):
        return ("SELECT rowid FROM member WHERE name = ?", ["张伟"]) if rt.key == "member" and word == "0000" else None
    monkeypatch.setattr(listing, "SEARCH_HOOKS", [last_digits])
    assert names(store, MEMBER, "0000") == ["张伟"]
    assert names(store, TEAM, "0000", ("name",)) == []


@pytest.mark.parametrize("version", sorted(p.name for p in FIXTURES.glob("schema_v*")))
def test_an_upgraded_file_finds_its_old_records(tmp_path, version):
    folder = shutil.copytree(FIXTURES / version, tmp_path / version)
    with Store.open(folder / "leifeng.db") as store:
        for rt in (TEAM, MEMBER, ACTIVITY):
            rows = store.rows(rt.key)
            assert rows
            title = rows[0][rt.title]
            found = listing.fetch_rows(store, rt, columns=[rt.title], text=title[:2])
            assert rows[0]["id"] in {r["id"] for r in found}


def test_a_file_without_the_search_tables_is_searched_row_by_row(store, world):
    """A development file that recorded step m009 before the step had a body: LIKE over every row, same answers."""
    store.db.execute("DROP TABLE list_search_seq")
    assert not listing.indexed(store)
    assert names(store, MEMBER, "秀英") == ["王秀英"] and names(store, MEMBER, "蓝天") == ["Ann Lee", "张伟"]
    assert listing.fetch_count(store, TEAM, columns=["name"], text="扶老") == 1
