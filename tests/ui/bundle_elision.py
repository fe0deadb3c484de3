"""The bundle dialogs and the 数据包 page checked for cut-off text in a process of their own, so the scale is Qt's own:

    QT_SCALE_FACTOR=1.5 python tests/ui/bundle_elision.py WORK_DIR OUT.json

On elision_walk's offscreen 1366×768 screen: a sub-union's bundle merged at a city, then both change a team and a
member so the second bundle has conflicts; the export options, the passphrase dialog with its message, the preview
(both tabs), the settings preview and the window at the 数据包 tab and the dashboard are checked (elision_checks),
each dialog's size held to the screen. The problems go to OUT.json."""
from __future__ import annotations

import json
import sys
from pathlib import Path

SECRET = "secret-123"


def _files(work: Path):
    from leifeng_desktop.core import bundle_export, bundle_merge, bundle_settings
    from leifeng_desktop.core.demo import load_demo
    from leifeng_desktop.core.store import Store
    sub, city = Store.open(work / "sub.db"), Store.open(work / "city.db")
    load_demo(sub)
    sub.settings.set({"our_unit": "XX市青山区总工会", "our_unit_kind": "区县总工会"})
    city.settings.set({"our_unit": "XX市总工会", "our_unit_kind": "市总工会", "year": sub.settings.get("year")})
    first, second, settings = work / "第一次.lfx", work / "XX市青山区总工会_数据包_第二次.lfx", work / "设置.lfx"
    bundle_export.export_bundle(sub, first, passphrase=SECRET)
    bundle_merge.import_bundle(city, first, passphrase=SECRET)
    member, team = sub.rows("member")[0], sub.rows("team")[0]
    city.update("member", member["id"], {"phone": "13900000001", "work": "市总工会改过的工作单位及职务"})
    sub.update("member", member["id"], {"phone": "13700000002", "work": "区总工会改过的工作单位及职务"})
    city.update("team", team["id"], {"leader": "李四"})
    sub.update("team", team["id"], {"leader": "王五"})
    bundle_export.export_bundle(sub, second, passphrase=SECRET)
    city.settings.set({"enterprise_target": 321})
    bundle_settings.export_settings(city, settings, passphrase=None)
    return (sub, city, bundle_merge.preview(city, second, passphrase=SECRET),
            bundle_settings.preview_settings(sub, settings), second)


def main(work: str, out: str) -> int:
    sys.path.insert(0, str(Path(__file__).parent))
    from elision_walk import _platform
    _platform()
    from elision_checks import check_all
    from PySide6.QtCore import QSettings

    from leifeng_desktop.ui.app import create_application
    from leifeng_desktop.ui.bundle_dialogs import BundleExportDialog
    from leifeng_desktop.ui.bundle_import import PassphraseDialog
    from leifeng_desktop.ui.bundle_preview import BundlePreviewDialog, SettingsPreviewDialog
    from leifeng_desktop.ui.main_window import MainWindow
    app = create_application([sys.argv[0]])
    sub, city, plan, settings_plan, second = _files(Path(work))
    screen = app.primaryScreen().availableGeometry()
    problems: list[str] = []

    def check(widget, name: str) -> None:
        widget.show()
        for _ in range(3):
            app.processEvents()
        if widget.width() > screen.width() or widget.height() > screen.height():
            problems.append(f"{name}: {widget.width()}×{widget.height()} larger than the screen")
        problems.extend(f"{name}: {p}" for p in check_all(widget))

    passphrase = PassphraseDialog(None, second, lambda secret, owner: None)
    passphrase.show_error(f"“{second.name}”的口令不正确")
    preview = BundlePreviewDialog(plan)
    for name, dialog in (("导出数据包", BundleExportDialog(None, sub)),
                         ("导出活动设置", BundleExportDialog(None, sub, settings_only=True)),
                         ("输入口令", passphrase), ("预览", preview),
                         ("活动设置预览", SettingsPreviewDialog(settings_plan))):
        check(dialog, name)
        dialog.hide()
    preview.tabs.setCurrentIndex(1)
    check(preview, "预览 › 冲突")
    preview.hide()
    window = MainWindow(city, qsettings=QSettings(str(Path(work) / "ui.ini"), QSettings.Format.IniFormat))
    window.resize(screen.width(), screen.height() - 50)
    window.go_to("报送与导出")
    window.stack.widget(window.PAGES.index("报送与导出")).setCurrentIndex(3)
    check(window, "数据包页")
    window.go_to("仪表盘")
    window.overview.refresh_now()
    check(window.overview, "仪表盘")
    window.overview.shutdown()
    Path(out).write_text(json.dumps(problems, ensure_ascii=False), encoding="utf-8")
    window.close()
    sub.close()
    city.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
