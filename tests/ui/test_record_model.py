"""ui.record_model.RecordListModel: one model for every record list."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QModelIndex, Qt  # noqa: E402

from leifeng_desktop.ui.record_model import RecordIdRole, RecordListModel  # noqa: E402

DISPLAY, USER = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole


def team(store, name, kind_index=0, **extra):
    kind = store.settings.choices()["team_kind"][kind_index]
    return {"name": name, "kind": kind, "unit": "XX市供电公司工会", "leader": "王建国",
            "leader_phone": "13812345678", **extra}


@pytest.fixture
def many_teams(store):
    with store.transaction():
        for i in range(450):
            store.insert("team", team(store, f"第{i:03d}服务队", i % 6, founded_on=f"2026-{i % 12 + 1:02d}-01"))
    return store


_open: list = []


def model_of(store, key, **kw):
    model = RecordListModel(store, key, **kw)
    _open.append(model)
    return model


@pytest.fixture(autouse=True)
def _close_models():
    yield
    while _open:
        _open.pop().close()


def column(model, key):
    return model.columns.index(key)


def texts(model, key, role=DISPLAY):
    c = column(model, key)
    return [model.data(model.index(r, c), role) for r in range(model.rowCount())]


def test_empty_model_passes_the_model_tester(qtmodeltester, store):
    model = model_of(store, "team")
    assert model.rowCount() == 0 and model.total_count() == 0 and not model.canFetchMore()
    qtmodeltester.check(model)


def test_filled_model_passes_the_model_tester(qtmodeltester, many_teams):
    model = model_of(many_teams, "team", batch_size=100)
    qtmodeltester.check(model)


def test_headers_are_the_schema_labels(store):
    model = model_of(store, "team")
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert headers == ["队伍名称", "队伍类型", "所属单位", "队长姓名", "成立日期"]


def test_rows_arrive_a_batch_at_a_time(many_teams):
    model = model_of(many_teams, "team", batch_size=200)
    assert model.rowCount() == 200 and model.total_count() == 450 and model.canFetchMore()
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 400
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 450 and not model.canFetchMore()
    ids = [model.data(model.index(r, 0), RecordIdRole) for r in range(450)]
    assert len(set(ids)) == 450 and model.record_id(449) == ids[449]


def test_a_list_scrolled_far_reads_larger_batches(many_teams, monkeypatch):
    from leifeng_desktop.ui import record_model
    monkeypatch.setattr(record_model, "GROWN", 150)
    model = model_of(many_teams, "team", batch_size=100)
    loaded = [model.rowCount()]
    while model.canFetchMore():
        model.fetchMore(QModelIndex())
        loaded.append(model.rowCount())
    assert loaded == [100, 200, 350, 450]   # as many as are loaded, up to GROWN
    ids = [model.record_id(r) for r in range(450)]
    assert len(set(ids)) == 450


def test_sorting_both_ways_with_a_stable_tiebreak(many_teams):
    model = model_of(many_teams, "team", batch_size=500)
    c = column(model, "founded_on")
    model.sort(c, Qt.SortOrder.AscendingOrder)
    up = texts(model, "founded_on")
    assert up == sorted(up) and up[0] == "2026-01-01"
    model.sort(c, Qt.SortOrder.DescendingOrder)
    down = texts(model, "founded_on")
    assert down == sorted(up, reverse=True)
    model.sort(column(model, "name"), Qt.SortOrder.DescendingOrder)
    assert texts(model, "name")[:2] == ["第449服务队", "第448服务队"]
    model.sort(-1)   # back to the record type's own order
    assert texts(model, "name")[0] == "第000服务队"


def test_sorting_keeps_paging_consistent(many_teams):
    model = model_of(many_teams, "team", batch_size=100)
    model.sort(column(model, "kind"), Qt.SortOrder.AscendingOrder)
    while model.canFetchMore():
        model.fetchMore(QModelIndex())
    ids = [model.record_id(r) for r in range(model.rowCount())]
    assert len(set(ids)) == 450


def test_text_filter_with_chinese_and_a_total_for_the_status_line(many_teams):
    many_teams.insert("team", team(many_teams, "雷锋车队"))
    model = model_of(many_teams, "team")
    model.set_filter_text("雷锋")
    assert model.rowCount() == 1 and model.total_count() == 1 and texts(model, "name") == ["雷锋车队"]
    model.set_filter_text("服务队 第01")   # both words
    assert model.total_count() == 10
    model.set_filter_text("")
    assert model.total_count() == 451


def test_set_where_narrows_and_survives_refresh(many_teams):
    kind = many_teams.settings.choices()["team_kind"][0]
    model = model_of(many_teams, "team")
    model.set_where("kind = ?", [kind])
    assert model.total_count() == 75 and set(texts(model, "kind")) == {kind}
    model.refresh()
    assert model.total_count() == 75


def test_member_list_shows_team_name_and_masks_the_phone(store):
    team_id = store.insert("team", team(store, "供电公司职工志愿服务队"))
    store.insert("member", {"team_id": team_id, "name": "张三", "phone": "13912345678"})
    model = model_of(store, "member", columns=["name", "team_id", "phone"])
    assert texts(model, "team_id") == ["供电公司职工志愿服务队"]
    assert texts(model, "team_id", USER) == [team_id]    # the raw stored value is the uuid
    assert texts(model, "phone") == ["139****5678"]
    assert texts(model, "phone", USER) == ["13912345678"]
    model.set_reveal(True)
    assert texts(model, "phone") == ["13912345678"]


def test_member_list_follows_a_renamed_team(store):
    team_id = store.insert("team", team(store, "旧名称队"))
    store.insert("member", {"team_id": team_id, "name": "张三"})
    model = model_of(store, "member", columns=["name", "team_id"])
    store.update("team", team_id, {"name": "新名称队"})
    assert texts(model, "team_id") == ["新名称队"]


def test_numbers_are_right_aligned(store):
    household = store.insert("household", {"name": "赵六"})
    store.insert("aid", {"date": "2026-01-20", "household_id": household, "programme": "送温暖", "amount": 50000})
    model = model_of(store, "aid", columns=["date", "household_id", "amount"])
    amount = model.index(0, column(model, "amount"))
    assert model.data(amount) == "500.00" and model.data(amount, USER) == 50000
    assert model.data(amount, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.data(model.index(0, 0), Qt.ItemDataRole.TextAlignmentRole) is None
    assert texts(model, "household_id") == ["赵六"]


def test_an_insert_elsewhere_refreshes_the_list(qtbot, store):
    model = model_of(store, "team")
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        new_id = store.insert("team", team(store, "新成立的服务队"))
    assert model.rowCount() == 1 and model.row_of(new_id) == 0 and model.total_count() == 1


def test_refresh_keeps_the_loaded_rows_and_row_of_can_fetch(many_teams):
    model = model_of(many_teams, "team", batch_size=100)
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 200
    model.refresh()
    assert model.rowCount() == 200
    last = many_teams.rows("team")[-1]["id"]
    assert model.row_of(last) is None
    assert model.row_of(last, fetch=True) == 449


def test_close_stops_following_the_store(store):
    model = RecordListModel(store, "team")
    model.close()
    store.insert("team", team(store, "不会出现的队"))
    assert model.rowCount() == 0


def test_a_model_destroyed_by_its_parent_lets_go_of_the_store(qtbot, store):
    from PySide6.QtWidgets import QWidget
    parent = QWidget()
    RecordListModel(store, "team", parent=parent)
    listeners = len(store._listeners)
    parent.deleteLater()
    qtbot.waitUntil(lambda: len(store._listeners) == listeners - 1, timeout=1000)
    store.insert("team", team(store, "之后新建的队"))   # no callback into a dead model
