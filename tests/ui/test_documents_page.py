"""总结材料 and 实施方案 in the window: text parts typed and kept, highlights picked, the document exported."""
import docx
import pytest
from PySide6.QtCore import QDate

from leifeng_desktop.core import texts
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.pages.plan_page import PlanPage
from leifeng_desktop.ui.pages.summary_page import SummaryPage

from keyboard import commit_text


@pytest.fixture
def page(qtbot, store):
    create_application()
    load_demo(store)

    def make(doc):
        if doc == "summary":
            widget = SummaryPage(store)
        else:
            widget = PlanPage(store)
        qtbot.addWidget(widget)
        widget.show()
        return widget
    return make


def all_text(path):
    d = docx.Document(path)
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_a_typed_part_is_kept_and_printed(page, store, qtbot, tmp_path, monkeypatch):
    from leifeng_desktop.ui import export_dialog
    monkeypatch.setattr(export_dialog, "offer_open", lambda *a: None)
    summary = page("summary")
    keys = [p.key for p in texts.SUMMARY_PARTS]
    summary.part_list.setCurrentRow(keys.index("problems"))
    summary.editor.selectAll()
    summary.editor.setFocus()
    commit_text(summary.editor, "部分基层工会活动记录不够及时。")
    assert summary.dirty
    assert summary.save()
    assert texts.load_texts(store, "summary")["problems"] == "部分基层工会活动记录不够及时。"
    again = page("summary")
    again.part_list.setCurrentRow(keys.index("problems"))
    assert again.editor.toPlainText() == "部分基层工会活动记录不够及时。"

    out = tmp_path / "总结.docx"
    task = again.export_to(out)
    with qtbot.waitSignal(task.done, timeout=60000):
        pass
    assert "部分基层工会活动记录不够及时。" in all_text(out)


def test_highlights_picked_in_the_window_reach_the_document(page, store, qtbot, tmp_path, monkeypatch):
    from leifeng_desktop.ui import export_dialog
    monkeypatch.setattr(export_dialog, "offer_open", lambda *a: None)
    summary = page("summary")
    summary.date_from.setDate(QDate(store.settings.get("year"), 1, 1))
    summary.tabs.setCurrentWidget(summary.highlights_tab)   # the highlights are read when their tab is shown
    areas = [a for a, _t in texts.HIGHLIGHT_AREAS]
    summary.area_list.setCurrentRow(areas.index("service"))
    for i in range(summary.candidates.count()):
        summary.candidates.item(i).setCheckState(summary.candidates.item(i).checkState().Unchecked)
    chosen = summary.candidates.item(summary.candidates.count() - 1)
    chosen.setCheckState(chosen.checkState().Checked)
    assert summary.save()
    picked = texts.chosen_highlights(store, date_from=summary.period()[0], date_to=summary.period()[1])["service"]
    assert [c["id"] for c in picked] == [chosen.data(256)]
    out = tmp_path / "总结.docx"
    task = summary.export_to(out)
    with qtbot.waitSignal(task.done, timeout=60000):
        pass
    assert picked[0]["title"] in all_text(out)


def test_the_plan_draft_exports(page, qtbot, tmp_path, monkeypatch):
    from leifeng_desktop.ui import export_dialog
    monkeypatch.setattr(export_dialog, "offer_open", lambda *a: None)
    plan = page("plan")
    assert plan.part_list.count() == len(texts.PLAN_PARTS)
    assert plan.tabs.count() == 1 and not hasattr(plan, "date_from")   # the plan has no period nor highlights
    out = tmp_path / "方案.docx"
    task = plan.export_to(out)
    with qtbot.waitSignal(task.done, timeout=60000):
        pass
    text = all_text(out)
    assert "指导思想" in text and "工作要求" in text


def test_a_busy_database_keeps_the_typed_text_and_says_why(page, store, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from leifeng_desktop.core.errors import StoreBusy, busy_message
    summary = page("summary")
    assert summary.tabs.count() == 2
    keys = [p.key for p in texts.SUMMARY_PARTS]
    summary.part_list.setCurrentRow(keys.index("problems"))
    summary.editor.setPlainText("仍有单位未按时报送。")
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: shown.append(text)))

    def busy(*args, **kwargs):
        raise StoreBusy(busy_message(store.path))
    real_save = texts.save_texts
    monkeypatch.setattr(texts, "save_texts", busy)
    assert not summary.save()
    assert shown == [busy_message(store.path)]
    assert summary.dirty and summary.editor.toPlainText() == "仍有单位未按时报送。"
    monkeypatch.setattr(texts, "save_texts", real_save)   # the lock is gone: the same text saves
    assert summary.save() and texts.load_texts(store, "summary")["problems"] == "仍有单位未按时报送。"
