"""The team editor: the 登记表 fields (forms/team.ui) on one tab and the roster on the other; the team and its
whole roster are saved together in one transaction."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core import lookups, teams
from ..core.store import Store
from .child_table import COLUMNS, RosterDelegate, RosterModel
from .folders import start_folder
from .qt import shortcut
from .record_dialog import RecordDialog, fitting_size, tool_button


class TeamDialog(RecordDialog):
    def __init__(self, store: Store, record_id: str | None = None, *, parent: QWidget | None = None,
                 defaults: dict | None = None):
        self.roster = RosterModel(store.settings.choices())
        super().__init__(store, "team", record_id, parent=parent, defaults=defaults)
        self.roster.setParent(self)
        self._load_roster()
        self.roster.changed.connect(self._roster_changed)
        self._update_count()
        self.resize(fitting_size(self, QSize(max(self.form.sizeHint().width(), 860), self.form.sizeHint().height())))

    # -- layout --------------------------------------------------------------------------------------------
    def extra_tabs(self) -> list[tuple[str, QWidget]]:
        return [("队员名单", self._roster_page())]

    def _roster_page(self) -> QWidget:
        page = QWidget()
        self.add_button = tool_button("添加队员(&A)", "add_member")
        self.remove_button = tool_button("删除所选(&R)", "remove_members")
        self.import_button = tool_button("从 Excel 导入(&I)…", "import_members")
        self.template_button = tool_button("保存导入模板(&T)…", "save_template")
        self.reveal_box = QCheckBox("显示完整身份证号和电话(&V)")
        self.reveal_box.setObjectName("reveal")
        bar = QHBoxLayout()
        for widget in (self.add_button, self.remove_button, self.import_button, self.template_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.reveal_box)

        self.table = QTableView()
        self.table.setObjectName("roster")
        self.table.setModel(self.roster)
        self.table.setItemDelegate(RosterDelegate(self.roster, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, field in enumerate(COLUMNS):
            self.table.setColumnWidth(i, {"name": 80, "gender": 50, "birth_month": 80, "politics": 90,
                                          "id_number": 170, "phone": 110}.get(field.key, 140))
        self.count_label = QLabel()
        self.count_label.setObjectName("member_count")
        self.count_label.setWordWrap(True)

        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.add_button.clicked.connect(self.add_member)
        self.remove_button.clicked.connect(self.remove_selected)
        self.import_button.clicked.connect(self.import_from_excel)
        self.template_button.clicked.connect(self.save_template)
        self.reveal_box.toggled.connect(self.roster.set_reveal)
        shortcut(QKeySequence("Ctrl+Shift+A"), page, self.add_member)
        shortcut(QKeySequence.StandardKey.Delete, self.table, self.remove_selected,
                 context=Qt.ShortcutContext.WidgetShortcut)
        return page

    # -- roster actions ------------------------------------------------------------------------------------
    def add_member(self) -> None:
        row = self.roster.add_rows([{}])
        self.tab_widget.setCurrentIndex(1)
        index = self.roster.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.setFocus()
        self.table.edit(index)

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}
                      or ({self.table.currentIndex().row()} if self.table.currentIndex().isValid() else set()))
        if not rows:
            return
        members = [self.roster.members()[r] for r in rows]
        names = [m.get("name") or f"第 {r + 1} 行" for m, r in zip(members, rows)]
        served = teams.service_count(self.store, [m["id"] for m in members if m.get("id")])
        hours = (f"\n\n其中有人已有 {served} 条志愿服务记录（活动参加人员及时长），删除队员后这些服务时长也将一并删除，"
                 "志愿服务记录证明中也不再列出。" if served else "")
        answer = QMessageBox.question(self, "删除队员", f"从名单中删除 {'、'.join(names[:5])}"
                                      f"{' 等' if len(names) > 5 else ''} {len(rows)} 人吗？（保存队伍后生效）{hours}")
        if answer == QMessageBox.StandardButton.Yes:
            self.roster.remove_rows(rows)

    def import_from_excel(self) -> None:
        from .import_dialog import run_import
        path, _ = QFileDialog.getOpenFileName(self, "选择队员名单", str(start_folder()), "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        rows = run_import(self, Path(path), "member", choices=self.store.settings.choices(),
                          existing=self.roster.members())
        if rows:
            self.roster.add_rows(rows)
            self.tab_widget.setCurrentIndex(1)

    def save_template(self) -> None:
        from .import_dialog import save_template
        save_template(self, "member", "队员名单导入模板.xlsx", choices=self.store.settings.choices())

    def _roster_changed(self) -> None:
        self.touched()
        self._update_count()

    def _update_count(self) -> None:
        bad, doubtful = len(self.roster.problems()), len(self.roster.warnings())
        text = f"队员 {self.roster.rowCount()} 人"
        if bad:
            text += f"；<span style='color:#c0392b'>{bad} 行有错误（红色），改正后才能保存</span>"
        if doubtful:
            text += f"；<span style='color:#8a6d00'>{doubtful} 行可能重复（黄色），请核对，不影响保存</span>"
        if bad or doubtful:
            text += "。鼠标停在格子上可看原因"
        self.count_label.setText(text)

    # -- RecordDialog hooks --------------------------------------------------------------------------------
    def check_more(self) -> bool:
        problems = self.roster.problems()
        if not problems:
            return True
        self.tab_widget.setCurrentIndex(1)
        QMessageBox.warning(self, "队员名单有误", "以下队员信息需要修改后才能保存：\n\n" + "\n".join(problems[:15])
                            + (f"\n……共 {len(problems)} 行" if len(problems) > 15 else ""))
        return False

    def write(self, values: dict) -> str:
        return teams.save_team(self.store, self.record_id, values, self.roster.members(),
                               expected_revision=self.revision)

    def reload(self, record: dict) -> None:
        super().reload(record)
        self._load_roster()
        self._update_count()
        self.mark_clean()

    def renew_missing_rows(self) -> None:
        self.roster.renew_missing({m["id"] for m in self._stored_roster()})

    def _stored_roster(self) -> list[dict]:
        return lookups.children(self.store, "member", self.record_id)

    def _load_roster(self) -> None:
        self.roster.load(self._stored_roster())
