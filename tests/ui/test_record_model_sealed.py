"""RecordListModel fetches sensitive values encrypted and opens each the first time it is shown (issue 18: scrolling
60,000 members decrypted every phone and 身份证号 it passed); what a clerk sees is what it was."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from leifeng_desktop.core import crypto, vault  # noqa: E402
from leifeng_desktop.core.store import Store  # noqa: E402
from leifeng_desktop.ui.record_model import RecordListModel  # noqa: E402

DISPLAY, USER = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole
PHONES = [f"139{n:08d}" for n in range(250)]


@pytest.fixture
def members(store, team_values):
    team_id = store.insert("team", team_values)
    with store.transaction():
        for i, phone in enumerate(PHONES):
            store.insert("member", {"team_id": team_id, "name": f"队员{i:03d}", "phone": phone})
    return store


def phone_column(model):
    return model.columns.index("phone")


def test_rows_keep_ciphertext_until_a_cell_is_shown(members):
    model = RecordListModel(members, "member", columns=["name", "phone"], batch_size=100)
    while model.canFetchMore():
        model.fetchMore()
    def held(row):   # the value as the model keeps it
        return model._cell(row, "phone")
    assert model.rowCount() == 250 and all(crypto.is_encrypted(held(r)) for r in range(250))
    c = phone_column(model)
    assert model.data(model.index(5, c), DISPLAY) == "139****0005"
    assert held(5) == PHONES[5] and crypto.is_encrypted(held(6))   # opened once, in place
    assert model.data(model.index(6, c), USER) == PHONES[6]
    assert model.row_data(7)["phone"] == PHONES[7]
    model.set_reveal(True)
    assert [model.data(model.index(r, c), DISPLAY) for r in range(250)] == PHONES
    model.close()


def test_a_locked_file_shows_its_values_as_encrypted(members, db_path, monkeypatch):
    real = crypto.password_key
    monkeypatch.setattr(crypto, "password_key", lambda pw, salt, n=0, r=8, p=1: real(pw, salt, n=2**10, r=r, p=p))
    vault.set_password(members, "办公室的密码")
    vault.forget(members)
    members.close()
    with Store.open(db_path) as locked:
        assert locked.locked
        model = RecordListModel(locked, "member", columns=["name", "phone"])
        c = phone_column(model)
        assert model.data(model.index(0, c), DISPLAY) == crypto.LOCKED
        assert model.data(model.index(0, c), USER) == crypto.LOCKED
        model.close()
