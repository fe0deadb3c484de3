"""操作日志 of the 回收站: a delete, a restore and a purge each leave their entry (core.trash calls core.oplog)."""
from leifeng_desktop.core import oplog, teams, trash


def newest(store) -> oplog.Entry:
    return next(oplog.entries(store))


def test_trash_restore_and_purge(store, team_values):
    team = teams.save_team(store, None, team_values, [{"name": "李四"}, {"name": "王五"}])
    entry_id = store.delete("team", team)
    assert (newest(store).action, newest(store).record_id) == ("delete", team)
    trash.restore(store, entry_id)
    entry = newest(store)
    assert (entry.action, entry.type_key, entry.record_id, entry.title) == \
        ("restore", "team", team, team_values["name"])
    assert entry.changes_text == "回收站：已恢复（连同队员 2 条）"
    trash.purge(store, store.delete("team", team))
    entry = newest(store)
    assert (entry.action_label, entry.record_id, entry.changes_text) == ("彻底删除", team, "回收站：彻底删除")
    count = oplog.count(store)
    trash.purge(store)   # nothing left to purge: nothing to log
    assert oplog.count(store) == count
