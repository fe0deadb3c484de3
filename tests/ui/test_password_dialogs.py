"""The password in the window (issue 19): unlock at open, wrong tries and the wait, 取消 → a locked file shown as
已加密 and never overwritten, change, the recovery key (shown once) and unlocking with it, 设置 → 密码."""
import stat

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from leifeng_desktop.core import vault
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui import password_dialogs as pd
from leifeng_desktop.ui import recovery
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.password_panel import PasswordPanel
from leifeng_desktop.ui.recovery_key_dialog import RecoveryKeyDialog

PASSWORD = "leifeng-2026"


@pytest.fixture(autouse=True)
def _app(monkeypatch):
    monkeypatch.setenv("LEIFENG_KEYRING", "off")   # keys in the test's own data folder, never the desktop's store
    create_application()


@pytest.fixture
def locked(tmp_path, fake_id):
    """A file with a password and a household, whose key this PC does not keep: it opens locked."""
    path = tmp_path / "加密.db"
    with Store.open(path) as st:
        hid = st.insert("household", {"name": "赵六", "id_number": fake_id(seq=971), "income": 65050,
                                      "bank_account": "6222020200112233445"})
        st.insert("family_member", {"household_id": hid, "name": "赵小六", "relation": "子女", "income": 30000,
                                    "health": "良好"})
        st.insert("aid", {"household_id": hid, "date": f"{st.settings.get('year')}-03-01", "amount": 10000,
                          "programme": st.settings.choices()["aid_programme"][0]})
        recovery_key = vault.set_password(st, PASSWORD)
        vault.forget(st)
    st = Store.open(path)
    assert st.locked
    st.hid, st.recovery_key, st.id_number = hid, recovery_key, fake_id(seq=971)
    yield st
    st.close()


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def press_enter(qtbot):
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def test_unlock_by_keyboard_a_wrong_password_said_beside_the_field(qtbot, locked):
    told = []
    locked.subscribe(told.append)
    dialog = shown(qtbot, pd.UnlockDialog(locked))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.password)
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    qtbot.keyClicks(dialog.password, "not-the-one")
    press_enter(qtbot)
    error = dialog.errors["password"]
    assert dialog.isVisible() and error.isVisible() and "密码不正确" in error.text() and "还可再试 4 次" in error.text()
    assert locked.locked and dialog.password.selectedText() == "not-the-one", "typed over at once"
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.remember
    qtbot.keyClick(dialog.remember, Qt.Key.Key_Space)
    dialog.password.setFocus()
    press_enter(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted and not locked.locked
    assert locked.get("household", locked.hid)["id_number"] == locked.id_number
    assert vault.state(locked).remembered, "记住密码（本机）: the next start asks nothing"
    assert {"household", "member"} <= set(told), "lists showing 已加密 read again"


def test_five_wrong_tries_make_it_wait_with_a_countdown(qtbot, locked, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(vault, "clock", lambda: now[0])
    dialog = shown(qtbot, pd.UnlockDialog(locked))
    for _ in range(vault.FREE_TRIES):
        dialog.password.setText("wrong-one")
        dialog.accept()
    assert not dialog.ok.isEnabled() and not dialog.password.isEnabled()
    assert "连续输错 5 次" in dialog.errors["password"].text() and "1 分 00 秒" in dialog.errors["password"].text()
    assert dialog.timer.isActive()
    now[0] += 45
    dialog.tick()
    assert "15 秒" in dialog.errors["password"].text() and not dialog.ok.isEnabled()
    reopened = pd.UnlockDialog(locked)   # closing the dialog does not end the wait: the file keeps it
    assert not reopened.ok.isEnabled()
    reopened.reject()
    assert not reopened.timer.isActive()
    now[0] += 16
    dialog.tick()
    assert dialog.ok.isEnabled() and not dialog.errors["password"].isVisible() and not dialog.timer.isActive()
    dialog.password.setText(PASSWORD)
    dialog.accept()
    assert not locked.locked


def test_cancel_opens_locked_lists_say_encrypted_and_an_editor_keeps_the_values(qtbot, locked, monkeypatch):
    from leifeng_desktop.ui.record_model import RecordListModel
    from leifeng_desktop.ui.visit_dialogs import HouseholdDialog
    monkeypatch.setattr(pd.UnlockDialog, "exec", lambda self: self.reject() or 0)
    opened = recovery.open_checked(locked.path)
    assert opened is not None
    store, lock = opened
    try:
        assert store.locked, "取消: the file is open, locked"
        model = RecordListModel(store, "household")
        try:
            column = model.columns.index("id_number")
            assert model.index(0, column).data() == "已加密"
            assert model.index(0, model.columns.index("name")).data() == "赵六", "everything else is readable"
        finally:
            model.close()
        before = store.db.execute("SELECT id_number, income, bank_account FROM household").fetchone()
        family = store.db.execute("SELECT income, health FROM family_member").fetchall()
        dialog = shown(qtbot, HouseholdDialog(store, locked.hid))
        assert dialog.binder.widget("id_number").text() == "已加密" and dialog.binder.widget("id_number").isReadOnly()
        income = dialog.child_rows.index(0, dialog.child_rows.columns.index(dialog.child_rows.rt.field("income")))
        assert income.data() == "已加密" and not income.flags() & Qt.ItemFlag.ItemIsEditable
        dialog.binder.widget("name").setText("赵六六")
        assert dialog.save(), "a locked file's record saves without its sensitive values"
        after = store.db.execute("SELECT name, id_number, income, bank_account FROM household").fetchone()
        assert after[0] == "赵六六" and tuple(after[1:]) == tuple(before)
        assert [tuple(r) for r in store.db.execute("SELECT income, health FROM family_member")] == \
            [tuple(r) for r in family], "the family rows' 已加密 cells are neither checked nor written"
    finally:
        if lock is not None:
            lock.release()
        store.close()


def test_a_full_number_export_of_a_locked_file_is_refused_with_a_message(locked, tmp_path):
    from leifeng_desktop.core.errors import UserError
    from leifeng_desktop.exports.visit_ledgers import export_aid_ledger
    with pytest.raises(UserError, match="已加密且尚未解锁"):
        export_aid_ledger(locked, tmp_path / "帮扶台账.xlsx", reveal=True)
    assert not (tmp_path / "帮扶台账.xlsx").exists()


def test_recovery_key_unlocks_and_sets_a_new_password(qtbot, locked):
    dialog = shown(qtbot, pd.RecoveryUnlockDialog(locked))
    dialog.key.setText("AAAAA-" * 7 + "AAAAA")
    dialog.new.setText("new-password-1")
    dialog.repeat.setText("new-password-1")
    dialog.accept()
    assert dialog.errors["key"].isVisible() and "恢复密钥不正确" in dialog.errors["key"].text() and locked.locked
    dialog.key.setText(locked.recovery_key.lower().replace("-", " "))   # as typed from the paper
    dialog.repeat.setText("new-password-2")
    dialog.accept()
    assert "不一致" in dialog.errors["repeat"].text() and locked.locked
    dialog.repeat.setText("new-password-1")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and not locked.locked
    path = locked.path
    locked.close()
    with Store.open(path) as st:
        assert st.locked
        vault.unlock(st, "new-password-1")
        assert not st.locked


def test_the_unlock_dialog_offers_the_recovery_key(qtbot, locked, monkeypatch):
    def by_recovery(self):
        vault.unlock_with_recovery(locked, locked.recovery_key, "another-one")
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(pd.RecoveryUnlockDialog, "exec", by_recovery)
    dialog = shown(qtbot, pd.UnlockDialog(locked))
    qtbot.mouseClick(dialog.recovery, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted and not locked.locked


def test_change_password_checks_the_old_one(qtbot, store):
    vault.set_password(store, PASSWORD)
    dialog = shown(qtbot, pd.PasswordDialog(store))
    assert dialog.windowTitle() == "修改密码" and dialog.old is not None
    dialog.old.setText("not-it-at-all")
    dialog.new.setText("changed-2026")
    dialog.repeat.setText("changed-2026")
    dialog.accept()
    assert dialog.errors["old"].isVisible() and "密码不正确" in dialog.errors["old"].text()
    dialog.old.setText(PASSWORD)
    dialog.new.setText("short")
    assert "太短" in dialog.hint.text()
    dialog.repeat.setText("short")
    dialog.accept()
    assert "至少" in dialog.errors["new"].text()
    dialog.new.setText("changed-2026")
    dialog.repeat.setText("changed-2026")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    vault.unlock(store, "changed-2026")
    with pytest.raises(vault.WrongPassword):
        vault.unlock(store, PASSWORD)


def test_setting_a_password_shows_the_recovery_key_once(qtbot, store, monkeypatch):
    seen = []
    monkeypatch.setattr(RecoveryKeyDialog, "exec", lambda self: seen.append(self.key) or 1)
    monkeypatch.setattr(pd, "RecoveryKeyDialog", RecoveryKeyDialog)
    dialog = shown(qtbot, pd.PasswordDialog(store))
    assert dialog.windowTitle() == "设置密码" and dialog.old is None
    dialog.new.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and seen == [dialog.recovery_key]
    assert vault.state(store).has_password


def test_the_recovery_key_dialog_finishes_only_once_kept(qtbot, tmp_path, monkeypatch):
    key = "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z2345-67ABC-DEFGH"
    dialog = shown(qtbot, RecoveryKeyDialog(key, "台账.db"))
    assert dialog.shown.text().replace("\n", "") == key
    assert dialog.shown.font().pointSizeF() > dialog.font().pointSizeF(), "large"
    assert not dialog.finish.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible(), "Esc does not lose the key"
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == key
    target = tmp_path / "恢复密钥.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert key in target.read_text(encoding="utf-8") and "台账.db" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and "已保存" in dialog.done_note.text()
    dialog.kept.setChecked(True)
    assert dialog.finish.isEnabled()
    qtbot.keyClick(dialog.finish, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_the_settings_panel_sets_a_password_and_forgets_it_on_this_pc(qtbot, store, monkeypatch):
    panel = shown(qtbot, PasswordPanel(store))
    assert panel.password_button.text().startswith("设置密码") and not panel.remember.isEnabled()
    assert "建议设置密码" in panel.status.text()
    monkeypatch.setattr(pd.PasswordDialog, "exec", lambda self: vault.set_password(store, PASSWORD) and 1)
    panel.edit_password()
    assert panel.password_button.text().startswith("修改密码")
    assert panel.remember.isEnabled() and panel.remember.isChecked()
    panel.remember.setFocus()
    qtbot.keyClick(panel.remember, Qt.Key.Key_Space)
    assert not vault.state(store).remembered and "每次打开时都要输入密码" in panel.status.text()
    qtbot.keyClick(panel.remember, Qt.Key.Key_Space)
    assert vault.state(store).remembered


def test_the_strength_hint():
    assert "至少 6" in pd.strength_hint("")
    assert "还差 2" in pd.strength_hint("abcd")
    assert "弱" in pd.strength_hint("abcdef")
    assert "中" in pd.strength_hint("abcdef12")
    assert "强" in pd.strength_hint("Leifeng-2026!")


def test_the_wizard_sets_the_password_and_shows_the_recovery_key(qtbot, store, monkeypatch):
    from PySide6.QtWidgets import QLineEdit, QWizard

    from leifeng_desktop.core.first_run import is_set_up
    from leifeng_desktop.ui import setup_wizard
    seen = []
    monkeypatch.setattr(setup_wizard.RecoveryKeyDialog, "exec", lambda self: seen.append(self.key) or 1)
    wizard = shown(qtbot, setup_wizard.SetupWizard(store))
    for key, edit in wizard.widgets.items():
        if isinstance(edit, QLineEdit) and not edit.text():
            edit.setText("13812345678" if "phone" in key else "广州市" if key == "city" else "示例填写")
    while wizard.nextId() != -1:
        wizard.next()
    page = wizard.password_page
    assert wizard.currentPage() is page and page.title() == "第 4 步（共 4 步）：密码（可不设，建议设置）"
    assert "电脑或文件丢失时他人无法读取" in page.subTitle()
    page.fields.new.setText(PASSWORD)
    page.fields.repeat.setText("something-else")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.isVisible() and "不一致" in page.fields.errors["repeat"].text()
    assert not is_set_up(store), "nothing written while the page refuses"
    page.fields.repeat.setText(PASSWORD)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted and is_set_up(store)
    assert vault.state(store).has_password and len(seen) == 1
    vault.unlock_with_recovery(store, seen[0], "after-recovery")   # the key shown is the file's


def test_no_password_page_once_a_password_is_set(qtbot, store):
    from leifeng_desktop.ui.setup_wizard import SetupWizard
    vault.set_password(store, PASSWORD)
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    assert wizard.password_page is None and wizard.page(0).title().startswith("第 1 步（共 3 步）")
