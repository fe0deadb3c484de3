"""数据包 through the window (issue 17): a sub-union exports through the dialogs (passphrase typed per character), the
city imports it (a wrong passphrase said beside the field first), a conflict is decided in the preview, a refused
bundle's one sentence is shown, a cancel during the import leaves the city's file unchanged; settings go down."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel, QMessageBox, QPushButton, QWidget

from leifeng_desktop.core import bundle_file, bundle_merge
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui import bundle_dialogs, bundle_import
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.bundle_dialogs import BundleDoneBox, BundleExportDialog
from leifeng_desktop.ui.bundle_import import PassphraseDialog
from leifeng_desktop.ui.bundle_preview import BundlePreviewDialog, SettingsPreviewDialog
from leifeng_desktop.ui.pages.bundle_page import BundlePage
from leifeng_desktop.ui.pages.dashboard import DashboardPage

from keyboard import type_text

SUB, CITY = "青山区总工会", "某市总工会"
SECRET = "青山2026口令"


class Script:
    """Answers the modal dialogs a flow opens, in order: each step waits for a visible widget of its class (and
    `ready`), then acts on it. A QTimer polls, so the flow under test runs in its own event loops meanwhile."""

    def __init__(self, qtbot, steps: list[tuple[type, Callable[[QWidget], bool], Callable[[QWidget], None]]]):
        self.steps, self.done = list(steps), []
        self.timer = QTimer(interval=20)
        self.timer.timeout.connect(self._poll)
        self.timer.start()
        qtbot.addWidget(QWidget())   # keeps qtbot's cleanup in charge of the app

    def _poll(self) -> None:
        if not self.steps:
            self.timer.stop()
            return
        cls, ready, act = self.steps[0]
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, cls) and widget.isVisible() and ready(widget):
                self.steps.pop(0)
                self.done.append(cls.__name__)
                act(widget)
                return

    def finished(self) -> bool:
        return not self.steps


def always(_w) -> bool:
    return True


def press_enter(widget: QWidget, on: QWidget) -> None:
    from PySide6.QtTest import QTest
    QTest.keyClick(on, Qt.Key.Key_Return)


@pytest.fixture
def said(monkeypatch):
    """What the flow says at its end (information / warning), and the export's done box."""
    lines: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: lines.append(("info", text)))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: lines.append(("warning", text)))
    monkeypatch.setattr(BundleDoneBox, "show_done", classmethod(
        lambda cls, parent, path, summary, encrypted: lines.append(("done", f"{path}|{summary}|{encrypted}"))))
    return lines


def office(path: Path, unit: str, kind: str) -> Store:
    store = Store.open(path)
    store.settings.set({"our_unit": unit, "our_unit_kind": kind, "year": 2026})
    return store


@pytest.fixture
def sub(tmp_path, team_values):
    (tmp_path / "sub").mkdir()
    store = office(tmp_path / "sub" / "sub.db", SUB, "区县总工会")
    team = store.insert("team", {**team_values, "unit": SUB})
    store.insert("member", {"team_id": team, "name": "张伟", "phone": "13812345678"})
    yield store
    store.close()


@pytest.fixture
def city(tmp_path):
    (tmp_path / "city").mkdir()
    store = office(tmp_path / "city" / "city.db", CITY, "市总工会")
    yield store
    store.close()


def export_through_dialogs(qtbot, store: Store, target: Path, monkeypatch) -> list[str]:
    """导出数据包… on the page, the options answered by keyboard, the file given (the save dialog is the system's)."""
    create_application()
    monkeypatch.setattr(bundle_dialogs, "ask_save_bundle", lambda parent, title, name: target)
    page = BundlePage(store)
    qtbot.addWidget(page)

    def options(dialog: BundleExportDialog) -> None:
        type_text(dialog.secret.passphrase, SECRET)
        type_text(dialog.secret.repeat, SECRET)
        press_enter(dialog, dialog.secret.repeat)

    script = Script(qtbot, [(BundleExportDialog, always, options)])
    page.buttons["export_bundle"].click()
    assert script.finished() and target.exists()
    return script.done


def import_script(qtbot, *, wrong_first: bool = True, preview: Callable[[BundlePreviewDialog], None] | None = None):
    steps = []
    if wrong_first:
        def wrong(dialog: PassphraseDialog) -> None:
            type_text(dialog.passphrase, "不是这个口令")
            press_enter(dialog, dialog.passphrase)
        steps.append((PassphraseDialog, always, wrong))

    def right(dialog: PassphraseDialog) -> None:
        if wrong_first:
            assert "口令不正确" in dialog.error.text() and dialog.passphrase.hasFocus()
            assert dialog.passphrase.selectedText() == "不是这个口令"   # typing replaces it
        type_text(dialog.passphrase, SECRET)
        press_enter(dialog, dialog.passphrase)
    steps.append((PassphraseDialog, (lambda d: d.error.isVisibleTo(d)) if wrong_first else always, right))
    steps.append((BundlePreviewDialog, always, preview or (lambda d: d.import_button.click())))
    return Script(qtbot, steps)


def test_export_then_import_between_two_files(qtbot, sub, city, tmp_path, monkeypatch, said):
    target = tmp_path / "青山.lfx"
    export_through_dialogs(qtbot, sub, target, monkeypatch)
    total = bundle_file.read_manifest(target).total_records   # the team, its member, the units and groups
    assert said[-1][0] == "done" and f"共 {total} 条记录" in said[-1][1] and said[-1][1].endswith("True")
    page = BundlePage(city)
    qtbot.addWidget(page)
    assert page.empty.isVisibleTo(page) and not page.table.isVisibleTo(page)
    seen = {}
    script = import_script(qtbot, preview=lambda d: (seen.update(counts=d.counts), d.import_button.click()))
    monkeypatch.setattr(bundle_import, "ask_open_bundles", lambda parent, title, several=True: [target])
    page.buttons["import_bundle"].click()
    assert script.finished()
    assert said[-1][0] == "info" and "“青山.lfx”（青山区总工会）：新增" in said[-1][1]
    assert city.count("team") == 1 and city.count("member") == 1
    assert city.rows("member")[0]["phone"] == "13812345678"
    assert page.table.rowCount() == 1 and page.table.item(0, 0).text() == SUB
    assert page.table.item(0, 2).text() == str(total)
    assert "新增" in page.status.text()
    dashboard = DashboardPage(city)   # per unit: when its last bundle arrived, how many records it brought
    qtbot.addWidget(dashboard)
    dashboard.refresh_now()
    box = dashboard.body.findChild(QGroupBox, "arrivals")
    texts = [label.text() for label in box.findChildren(QLabel)]
    assert SUB in texts and any(text.endswith(f"导入，{total} 条记录") for text in texts)
    assert CITY not in texts   # the city's own unit sends it no bundle
    # the same bundle again: said, nothing asked beyond the passphrase, nothing changed
    script = Script(qtbot, [(PassphraseDialog, always, lambda d: (type_text(d.passphrase, SECRET),
                                                                  press_enter(d, d.passphrase)))])
    lines = bundle_import.import_in_window(page, city, [target])
    assert script.finished() and "已导入过" in lines[0].text and "没有变化" in lines[0].text


def test_a_conflict_is_decided_in_the_preview(qtbot, sub, city, tmp_path, monkeypatch, said):
    first, second = tmp_path / "一.lfx", tmp_path / "二.lfx"
    export_through_dialogs(qtbot, sub, first, monkeypatch)
    page = BundlePage(city)
    qtbot.addWidget(page)
    script = import_script(qtbot, wrong_first=False)   # kept: its timer answers the dialogs
    bundle_import.import_in_window(page, city, [first])
    assert script.finished()
    member = city.rows("member")[0]
    city.update("member", member["id"], {"phone": "13900000001"})            # both sides change the phone
    sub.update("member", member["id"], {"phone": "13700000002", "work": "电工"})
    export_through_dialogs(qtbot, sub, second, monkeypatch)

    def decide(dialog: BundlePreviewDialog) -> None:
        assert not dialog.import_button.isEnabled() and dialog.tabs.count() == 2
        top = dialog.tree.topLevelItem(0)
        fields = {top.child(i).text(0): top.child(i) for i in range(top.childCount())}
        assert "张伟" in top.text(0) and "联系电话" in fields
        assert fields["联系电话"].text(1) != fields["联系电话"].text(2)
        dialog.tree.clearSelection()
        dialog.tree.setCurrentItem(top)   # the record row: every field of it
        dialog.findChild(QPushButton, "take_theirs").click()
        assert dialog.import_button.isEnabled()
        dialog.import_button.click()

    script = import_script(qtbot, wrong_first=False, preview=decide)
    lines = bundle_import.import_in_window(page, city, [second])
    assert script.finished() and lines[0].ok, lines
    stored = city.get("member", member["id"])
    assert stored["phone"] == "13700000002" and stored["work"] == "电工"


def test_a_refused_bundle_is_said_in_one_sentence(qtbot, sub, city, tmp_path, monkeypatch, said):
    target = tmp_path / "青山.lfx"
    export_through_dialogs(qtbot, sub, target, monkeypatch)
    broken = tmp_path / "半截.lfx"
    broken.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    page = BundlePage(sub)
    qtbot.addWidget(page)
    script = Script(qtbot, [(PassphraseDialog, always, lambda d: (type_text(d.passphrase, SECRET),
                                                                  press_enter(d, d.passphrase)))])
    lines = bundle_import.import_in_window(page, sub, [broken, target])   # nothing asked for the broken one
    assert script.finished()
    assert not lines[0].ok and lines[0].text.startswith("“半截.lfx”不是完整的数据包文件")
    assert not lines[1].ok and "本数据库自己导出的数据包" in lines[1].text
    assert said[-1] == ("warning", "\n".join(line.text for line in lines))
    assert sub.count("team") == 1 and bundle_merge.arrivals(sub) == {}


def test_cancel_during_the_import_leaves_the_file_unchanged(qtbot, sub, city, tmp_path, monkeypatch, said):
    target = tmp_path / "青山.lfx"
    export_through_dialogs(qtbot, sub, target, monkeypatch)
    made = bundle_import.store_task

    def cancelled_at_once(parent, store, job, *, read_only, **kw):
        task = made(parent, store, job, read_only=read_only, **kw)
        if not read_only:   # the merge: 取消 pressed before its first chunk
            task.dialog.canceled.emit()   # what its 取消 button sends
        return task

    monkeypatch.setattr(bundle_import, "store_task", cancelled_at_once)
    before = {key: city.count(key) for key in ("unit", "team", "member", "submission")}
    page = BundlePage(city)
    qtbot.addWidget(page)
    script = import_script(qtbot, wrong_first=False)
    lines = bundle_import.import_in_window(page, city, [target])
    assert script.finished()
    assert lines[0].text == "“青山.lfx”：已取消，数据库未作任何改动。"
    assert {key: city.count(key) for key in before} == before and bundle_merge.arrivals(city) == {}


def test_settings_go_down(qtbot, sub, city, tmp_path, monkeypatch, said):
    create_application()
    target = tmp_path / "设置.lfx"
    city.settings.set({"enterprise_target": 321})
    monkeypatch.setattr(bundle_dialogs, "ask_save_bundle", lambda parent, title, name: target)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)   # 不加密: yes
    page = BundlePage(city)
    qtbot.addWidget(page)

    def plain(dialog: BundleExportDialog) -> None:
        assert dialog.windowTitle() == "导出活动设置"
        dialog.secret.plain.click()
        press_enter(dialog, dialog.secret.plain)

    script = Script(qtbot, [(BundleExportDialog, always, plain)])
    page.buttons["export_settings"].click()
    assert script.finished() and target.exists() and said[-1][1].endswith("False")
    seen = {}
    script = Script(qtbot, [(SettingsPreviewDialog, always,
                             lambda d: (seen.update(text=[d.changes.item(r, 0).text()
                                                          for r in range(d.changes.rowCount())]),
                                        d.import_button.click()))])
    line = bundle_import.import_settings_in_window(BundlePage(sub), sub, target)
    assert script.finished() and line is not None and line.ok, line
    assert sub.settings.campaign()["enterprise_target"] == 321 and sub.settings.campaign()["our_unit"] == SUB
    assert seen["text"]


def test_a_read_only_file_offers_no_import(qtbot, city, monkeypatch, said):
    create_application()
    with Store.open(city.path, create=False, read_only=True) as read_only:
        page = BundlePage(read_only)
        qtbot.addWidget(page)
        for name in ("import_bundle", "import_settings"):
            assert not page.buttons[name].isEnabled() and "只读" in page.buttons[name].toolTip()
        assert page.buttons["export_bundle"].isEnabled()
        assert bundle_import.import_in_window(page, read_only, []) == [] and "只读" in said[-1][1]


def test_a_file_unlocked_by_its_password_exports_through_the_worker(qtbot, sub, tmp_path, monkeypatch, said):
    """The worker's own connection gets the window's key: a password typed at open (the key not kept on this PC)
    would otherwise leave it locked, and a locked file exports nothing."""
    from leifeng_desktop.core import vault
    vault.set_password(sub, "办公室密码2026")
    vault.forget(sub)
    with Store.open(sub.path, create=False) as locked:
        assert locked.locked
    with Store.open(sub.path, create=False, password="办公室密码2026") as unlocked:
        assert not unlocked.locked
        target = tmp_path / "解锁后.lfx"
        export_through_dialogs(qtbot, unlocked, target, monkeypatch)
    assert said[-1][0] == "done" and bundle_file.read_manifest(target).counts["member"] == 1
