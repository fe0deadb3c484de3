"""After an export: 打开文件 and 打开所在文件夹 open the right file and folder through QDesktopServices."""
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QMessageBox, QWidget

from leifeng_desktop.ui import export_dialog
from leifeng_desktop.ui.app import create_application


@pytest.fixture
def opened(monkeypatch):
    urls: list[QUrl] = []
    monkeypatch.setattr(export_dialog.QDesktopServices, "openUrl", staticmethod(lambda url: urls.append(url) or True))
    return urls


@pytest.fixture
def parent(qtbot):
    create_application()
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_one_file_opens_itself_and_its_folder(parent, opened, tmp_path):
    target = tmp_path / "出口" / "活动台账.xlsx"
    box = export_dialog.ExportDoneBox(parent, target.parent, [target])
    assert box.open_file_button.text() == "打开文件(&F)" and box.open_file_button.isEnabled()
    assert "活动台账.xlsx" in box.text() and "活动台账.xlsx" in box.open_file_button.toolTip()
    box.open_file_button.click()
    box.open_folder_button.click()
    assert [Path(u.toLocalFile()) for u in opened] == [target, target.parent]
    assert all(u.isLocalFile() for u in opened)


def test_several_files_open_the_combined_document(parent, opened, tmp_path):
    files = [tmp_path / "登记表_甲_一队.docx", tmp_path / "登记表_汇总_20261201.docx", tmp_path / "登记表_乙_二队.docx"]
    box = export_dialog.ExportDoneBox(parent, tmp_path, files)
    assert "3 个文件" in box.text()
    box.open_file_button.click()
    assert [Path(u.toLocalFile()) for u in opened] == [files[1]]


def test_several_files_without_a_combined_one_offer_only_the_folder(parent, opened, tmp_path):
    files = [tmp_path / "a.docx", tmp_path / "b.docx"]
    box = export_dialog.ExportDoneBox(parent, tmp_path, files)
    assert not box.open_file_button.isEnabled() and "打开所在文件夹" in box.open_file_button.toolTip()
    box.open_folder_button.click()
    assert [Path(u.toLocalFile()) for u in opened] == [tmp_path]


def test_nothing_to_open_it_with_is_said_in_chinese(parent, monkeypatch, tmp_path):
    monkeypatch.setattr(export_dialog.QDesktopServices, "openUrl", staticmethod(lambda url: False))
    said = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: said.append(a[2])))
    box = export_dialog.ExportDoneBox(parent, tmp_path, [tmp_path / "x.docx"])
    box.open_file_button.click()
    assert said and "x.docx" in said[0] and said[0].endswith("。")


def test_every_export_of_the_window_ends_in_the_offer(parent, store, opened, qtbot, monkeypatch, tmp_path):
    """run_export is the one way every export in the window runs (登记表, 总结材料, 实施方案, ledgers, 证明, 操作日志):
    its end shows the box, whose 打开文件 opens the file the job wrote."""
    target = tmp_path / "结果.txt"
    shown = []

    def exec_and_open(box):
        shown.append(box)
        box.open_file_button.click()
        return 0
    monkeypatch.setattr(export_dialog.ExportDoneBox, "exec", exec_and_open)
    task = export_dialog.run_export(parent, store, lambda st, progress, cancelled: [target.write_text("x") and target],
                                    title="导出测试", folder=tmp_path)
    with qtbot.waitSignal(task.done, timeout=30000):
        pass
    qtbot.waitUntil(lambda: bool(shown))
    assert [Path(u.toLocalFile()) for u in opened] == [target]


def test_every_export_call_in_the_window_goes_through_run_export():
    """No page writes an export file around run_export (so none misses 打开文件): a module that imports an export
    writer calls run_export, or is a document page whose export_job DocumentPage.export_to runs through it."""
    ui = Path(export_dialog.__file__).parent
    writers = [path for path in ui.rglob("*.py") if re.search(r"from \.+exports(\.(?!files|leftovers)\w+)? import",
                                                              path.read_text(encoding="utf-8"))]
    assert len(writers) >= 6
    for path in writers:
        text = path.read_text(encoding="utf-8")
        assert "run_export(" in text or "def export_job" in text, f"{path.name} exports without run_export"
    assert "run_export(" in (ui / "pages" / "documents_page.py").read_text(encoding="utf-8")
