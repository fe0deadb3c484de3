"""The activity dialog's 打开 on an attachment (T's finding F12): a photo or a document opens with the system's
program; an older file's (or a bundle's) program such as 照片.jpg.exe is never run, a sentence names it instead."""
import hashlib

import pytest

from leifeng_desktop.core import attachments, private_files
from leifeng_desktop.ui import activity_dialog
from leifeng_desktop.ui.activity_dialog import ActivityDialog
from leifeng_desktop.ui.app import create_application


def stored(store, activity_id, name, content):
    """An attachment record and its file as a file from before the allow-list holds them (no add_attachment)."""
    sha = hashlib.sha256(content).hexdigest()
    record = {"activity_id": activity_id, "name": name, "sha256": sha, "size": len(content), "kind": "文档"}
    path = attachments.file_path(store, record)
    private_files.make_dir(path.parent.parent)
    private_files.make_dir(path.parent)
    path.write_bytes(content)
    store.insert("attachment", record)
    return path


@pytest.fixture
def dialog(qtbot, store, monkeypatch):
    create_application()
    activity = store.insert("activity", {"title": "社区义诊", "starts_at": "2026-09-01T09:00",
                                         "ends_at": "2026-09-01T11:00", "category": "扶老助残"})
    stored(store, activity, "照片.jpg.exe", b"MZ a program")
    stored(store, activity, "合影.jpg", b"\xff\xd8\xff a photo")
    opened, warned = [], []
    monkeypatch.setattr(activity_dialog.QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    monkeypatch.setattr(activity_dialog.QMessageBox, "warning",
                        staticmethod(lambda _parent, title, text: warned.append((title, text))))
    box = ActivityDialog(store, activity)
    qtbot.addWidget(box)
    return box, opened, warned


def choose(box, name):
    [item] = [box.files.item(i) for i in range(box.files.count()) if box.files.item(i).text() == name]
    box.files.setCurrentItem(item)


def test_a_program_among_the_attachments_is_not_run(dialog):
    box, opened, warned = dialog
    choose(box, "照片.jpg.exe")
    box.open_current_file()
    assert opened == []
    assert warned == [("未打开", "“照片.jpg.exe”不是照片或文档（只能打开图片、PDF、Word/Excel/PowerPoint、WPS 文档和"
                                 "文本文件），为安全起见未打开")]


def test_a_photo_opens(dialog):
    box, opened, warned = dialog
    choose(box, "合影.jpg")
    box.open_current_file()
    assert warned == [] and len(opened) == 1 and opened[0].endswith(".jpg")
