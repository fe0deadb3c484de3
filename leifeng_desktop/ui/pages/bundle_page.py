"""报送与导出 → 数据包 (issue 17): 导出数据包…, 导入数据包…, 导出活动设置（下发）…, 导入活动设置…, and below,
per sending unit, its last bundle merged here (core.bundle_merge.arrivals). The work itself is
ui/bundle_dialogs.py (export) and ui/bundle_import.py (import)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.store import Store
from ..bundle_preview import when

COLUMNS = ("单位", "最近数据包时间", "记录数", "文件")
SHOWN_LINES = 3   # result lines kept under the table after an import
INTRO = ("数据包用于向上级工会报送：导出本数据库的记录为一个加密文件（.lfx），通过电子邮件或U盘交给上级；上级导入后，"
         "各单位的记录合并到一起，仪表盘、台账和总结材料随之更新，报送记录中自动登记一次“数据包”报送。"
         "活动设置（年度、目标、截止日期、工作组、选项列表、应报送单位）由上级导出后下发，各单位导入后按同一标准工作。")


class BundlePage(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        intro = QLabel(INTRO)
        intro.setObjectName("pageNote")
        intro.setWordWrap(True)
        buttons = QHBoxLayout()   # four short buttons: they fit 1366×768 at 150 %
        self.buttons: dict[str, QPushButton] = {}
        writes = "以只读方式打开时不能导入"
        for name, text, tip, slot in (
                ("export_bundle", "导出数据包(&E)…", "把本数据库的记录导出为加密的数据包，报送上级工会",
                 self.export_bundle),
                ("import_bundle", "导入数据包(&I)…", "导入下级单位报送的数据包（可一次选择多个），先预览再合并",
                 self.import_bundle),
                ("export_settings", "导出活动设置（下发）(&D)…", "把年度、目标、截止日期、工作组、选项列表和应报送单位"
                 "导出，下发给各单位", self.export_settings),
                ("import_settings", "导入活动设置(&S)…", "导入上级下发的活动设置（本单位名称和填表人等不变）",
                 self.import_settings)):
            button = QPushButton(text)
            button.setObjectName(name)
            read_only = store.read_only and name.startswith("import")
            button.setToolTip(writes if read_only else tip)
            button.setEnabled(not read_only)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[name] = button
        buttons.addStretch(1)
        heading = QLabel("各单位最近一次导入的数据包")
        heading.setObjectName("figureHeading")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("arrivals")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(True)
        self.table.setProperty("key_columns", [0, 1, 2])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel("还没有导入过数据包。")
        self.empty.setObjectName("arrivals_empty")
        self.status = QLabel()
        self.status.setObjectName("bundle_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        from ...core.bundle_merge import arrivals
        shown = sorted(arrivals(self.store).values(), key=lambda a: a.imported_at, reverse=True)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(shown))
        for row, arrival in enumerate(shown):
            count = QTableWidgetItem()
            count.setData(Qt.ItemDataRole.DisplayRole, arrival.records)   # sorts as a number
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            items = (QTableWidgetItem(arrival.unit), QTableWidgetItem(when(arrival.imported_at)), count,
                     QTableWidgetItem(arrival.file_name))
            items[1].setToolTip(f"数据包生成于 {when(arrival.bundle_created_at)}，导入于 {when(arrival.imported_at)}")
            items[3].setToolTip(arrival.file_name)
            for column, item in enumerate(items):
                self.table.setItem(row, column, item)
        self.table.setSortingEnabled(True)
        self.table.sortItems(1, Qt.SortOrder.DescendingOrder)   # the latest first
        self.table.setVisible(bool(shown))
        self.empty.setVisible(not shown)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()   # bundles imported meanwhile (the CLI, another window) show up when the page is shown

    # -- the buttons ---------------------------------------------------------------------------------------------
    def export_bundle(self) -> None:
        from ..bundle_dialogs import export_in_window
        path = export_in_window(self, self.store)
        if path is not None:
            self.status.setText(f"已导出数据包“{path}”。")

    def export_settings(self) -> None:
        from ..bundle_dialogs import export_in_window
        path = export_in_window(self, self.store, settings_only=True)
        if path is not None:
            self.status.setText(f"已导出活动设置“{path}”。")

    def import_bundle(self) -> None:
        from ..bundle_import import import_in_window
        lines = import_in_window(self, self.store)
        if lines:   # a few lines here (the table keeps its room); all of them were shown at the end of the import
            shown = [line.text for line in lines[:SHOWN_LINES]]
            if len(lines) > SHOWN_LINES:
                shown.append(f"……共 {len(lines)} 个文件（鼠标停在这里可看全部结果）")
            self.status.setText("\n".join(shown))
            self.status.setToolTip("\n".join(line.text for line in lines))
        self.refresh()

    def import_settings(self) -> None:
        from ..bundle_import import import_settings_in_window
        line = import_settings_in_window(self, self.store)
        if line is not None:
            self.status.setText(line.text)
