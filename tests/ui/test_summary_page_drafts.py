"""总结材料 in the window (issue 14): the drafts follow the chosen unit and period, a draft saved unchanged keeps
following the records, a typed part is kept as written, and 附统计图 decides the charts."""
import docx
import pytest
from PySide6.QtCore import QDate

from leifeng_desktop.core import texts
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.pages.summary_page import SummaryPage

from keyboard import commit_text

SUB = "XX市供电公司工会"
KEYS = [p.key for p in texts.SUMMARY_PARTS]


@pytest.fixture
def summary(qtbot, store):
    create_application()
    load_demo(store)
    widget = SummaryPage(store)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def shown(page, key):
    page.part_list.setCurrentRow(KEYS.index(key))
    return page.editor.toPlainText()


def test_the_drafts_follow_the_unit_and_the_period(summary, store):
    summary.unit.setCurrentIndex(summary.unit.findData(SUB))
    assert shown(summary, "area.service") == texts.draft_texts(store, "summary", unit=SUB, date_from="2026-01-01",
                                                               date_to="2026-12-31")["area.service"]
    summary.date_to.setDate(QDate(2026, 1, 31))     # a month without the unit's activities
    january = texts.draft_texts(store, "summary", unit=SUB, date_from="2026-01-01", date_to="2026-01-31")
    assert shown(summary, "area.service") == january["area.service"]
    assert shown(summary, "opening") == january["opening"] and "开展职工志愿服务活动" not in january["opening"]


def test_a_draft_saved_unchanged_stays_a_draft_and_a_typed_part_is_kept(summary, store):
    summary.part_list.setCurrentRow(KEYS.index("problems"))
    summary.editor.selectAll()
    summary.editor.setFocus()
    commit_text(summary.editor, "经费保障不足。")
    assert summary.save()
    saved = texts.saved_texts(store, "summary")
    assert saved["problems"] == "经费保障不足。"
    assert not set(saved) & (set(KEYS) - {"problems"})      # the drafts were not frozen by the save
    store.delete("submission", store.rows("submission", where="unit = ? AND material = '实施方案'",
                                          params=[SUB])[0]["id"])
    assert "实施方案" not in texts.load_texts(store, "summary", unit=SUB)["basic"]   # still following the records


def test_the_chart_checkbox(summary, store, qtbot, tmp_path, monkeypatch):
    from leifeng_desktop.ui import export_dialog
    monkeypatch.setattr(export_dialog, "offer_open", lambda *a: None)
    assert summary.with_chart.isChecked() and summary.with_chart.text() == "附统计图"
    for checked, charts in ((True, 2), (False, 0)):
        summary.with_chart.setChecked(checked)
        out = tmp_path / f"总结{checked}.docx"
        task = summary.export_to(out)
        with qtbot.waitSignal(task.done, timeout=60000):
            pass
        doc = docx.Document(str(out))
        assert len(doc.inline_shapes) == charts
