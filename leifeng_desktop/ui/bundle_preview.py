"""What an import would do, before anything is written (issue 17). BundlePreviewDialog shows a data bundle's sender,
creation time and year, per record type 新增/更新/未变/冲突/删除 (core.bundle_merge.MergePlan), and each conflict
field by field with 保留本地 / 采用数据包 (全部保留本地 / 全部采用数据包 too); 导入 is enabled once every conflict is
decided. SettingsPreviewDialog lists what a settings bundle would change (core.bundle_settings.SettingsPlan)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import schema as s

MINE, THEIRS = "mine", "theirs"
CHOICE_TEXT = {MINE: "保留本地", THEIRS: "采用数据包", None: "未决定"}
UNDECIDED = QColor("#c0392b")
COUNT_COLUMNS = (("new", "新增"), ("changed", "更新"), ("unchanged", "未变"), ("conflicts", "冲突"),
                 ("deleted", "删除"))
WHOLE = ""   # the field key of a deletion conflict's one choice (keep the record or delete it)


def when(iso: str | None) -> str:
    """2026-12-03T10:20:31+08:00 → 2026-12-03 10:20, in this PC's time zone (a stamp without one as it is)."""
    try:
        stamp = dt.datetime.fromisoformat(iso or "")
    except ValueError:
        return (iso or "").replace("T", " ")[:16]
    return (stamp.astimezone() if stamp.tzinfo else stamp).strftime("%Y-%m-%d %H:%M")


def fit(dialog: QDialog, width: int, height: int) -> None:
    """`width`×`height`, or less on a small screen (1366×768 at 150 % leaves about 910×512, title bar included)."""
    screen = dialog.screen().availableGeometry() if dialog.screen() else None
    if screen is not None and screen.width() > 0:
        width, height = min(width, screen.width() - 20), min(height, screen.height() - 50)
    dialog.resize(width, height)


def sender_rows(form: QFormLayout, manifest: Any) -> None:
    """发送单位, 生成时间, 活动年度 of a bundle, as rows of `form`."""
    kind = f"（{manifest.sender_kind}）" if manifest.sender_kind else ""
    for label, text, name in (("发送单位：", f"{manifest.sender_unit or '未填写'}{kind}", "sender"),
                              ("生成时间：", when(manifest.created_at), "created"),
                              ("活动年度：", f"{manifest.year} 年", "year")):
        value = QLabel(text)
        value.setObjectName(name)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(label, value)


def _readonly_table(rows: int, headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(rows, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)   # one line of text each
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    return table


def _deleted_here(conflict: Any) -> bool:
    """A deletion conflict where this file deleted the record and the bundle still has it (else the sender
    deleted it and this file changed it since)."""
    from ..core.bundle_plan import LOCAL_DELETED
    return getattr(conflict, "reason", "") == LOCAL_DELETED


def _choices(conflict: Any) -> list[tuple[str, str, str, str]]:
    """(field key, label, mine, theirs) of a conflict; a deletion is one choice about the whole record."""
    if conflict.kind == "deleted":
        if _deleted_here(conflict):
            return [(WHOLE, "整条记录", "已删除", "保留（数据包中有此记录）")]
        return [(WHOLE, "整条记录", "保留（本地有修改）", "删除（对方已删除）")]
    return [(f.key, f.label, str(f.mine), str(f.theirs)) for f in conflict.fields]


class BundlePreviewDialog(QDialog):
    """Accepted with `decisions()` for core.bundle_merge.apply: {(type_key, record_id): {field: "mine"|"theirs"}},
    a deletion conflict {"": "keep"|"delete"}."""

    def __init__(self, plan: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"导入数据包：{plan.path.name}")
        self._choice: dict[tuple[int, str], str | None] = {}
        self.tabs = QTabWidget()
        self.tabs.addTab(self._overview(), "概况")
        self.tree: QTreeWidget | None = None
        if plan.conflicts:
            self.tabs.addTab(self._conflicts(), "")
        self.status = QLabel()
        self.status.setObjectName("preview_status")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("导入(&I)")
        self.import_button.setObjectName("import")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("不导入")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._update()
        fit(self, 820, 500)

    # -- 概况 ---------------------------------------------------------------------------------------------------
    def _overview(self) -> QWidget:
        page = QWidget()
        form = QFormLayout()
        sender_rows(form, self.plan.manifest)
        m = self.plan.manifest
        scope = f"{m.since} 以来新增或修改的记录" if m.since else "全部记录"
        attachments = f"含附件 {m.attachments} 个" if m.with_attachments else "不含附件"
        form.addRow("范围：", QLabel(f"{scope}；{attachments}"))
        shown = [(k, c) for k, c in self.plan.counts.items() if any(getattr(c, key) for key, _ in COUNT_COLUMNS)]
        self.counts = _readonly_table(len(shown) + 1, ["记录类型"] + [t for _, t in COUNT_COLUMNS], "counts")
        totals = dict.fromkeys((key for key, _ in COUNT_COLUMNS), 0)
        for row, (type_key, counts) in enumerate(shown):
            label = s.RECORD_TYPES[type_key].label if type_key in s.RECORD_TYPES else type_key
            self._count_row(row, label, {key: getattr(counts, key) for key, _ in COUNT_COLUMNS})
            for key in totals:
                totals[key] += getattr(counts, key)
        self._count_row(len(shown), "合计", totals)
        self.counts.resizeColumnsToContents()
        self.counts.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.counts.setProperty("key_columns", [0])
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(self.counts, 1)
        return page

    def _count_row(self, row: int, label: str, values: dict[str, int]) -> None:
        self.counts.setItem(row, 0, QTableWidgetItem(label))
        for column, (key, _) in enumerate(COUNT_COLUMNS, start=1):
            item = QTableWidgetItem(str(values[key]))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if key == "conflicts" and values[key]:
                item.setForeground(QBrush(UNDECIDED))
            self.counts.setItem(row, column, item)

    # -- 冲突 ---------------------------------------------------------------------------------------------------
    def _conflicts(self) -> QWidget:
        page = QWidget()
        note = QLabel("这些记录在本地和对方都修改过。请逐项选择保留本地的值还是采用数据包的值"
                      "（选中一行或几行后按下面的按钮，或双击要采用的那一格）。")
        note.setWordWrap(True)
        tree = self.tree = QTreeWidget()
        tree.setObjectName("conflicts")
        tree.setHeaderLabels(["记录 / 字段", "本地", "数据包", "采用"])
        tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        tree.setAlternatingRowColors(True)
        tree.setWordWrap(True)
        self._items: list[tuple[QTreeWidgetItem, list[tuple[QTreeWidgetItem, tuple[int, str]]]]] = []
        for index, conflict in enumerate(self.plan.conflicts):
            kind = s.RECORD_TYPES[conflict.type_key].label if conflict.type_key in s.RECORD_TYPES else ""
            top = QTreeWidgetItem([f"{kind}“{conflict.title}”", f"{when(conflict.mine_updated_at)} 修改",
                                   f"{when(conflict.theirs_updated_at)} 修改", ""])
            top.setToolTip(0, top.text(0))
            top.setData(0, Qt.ItemDataRole.UserRole, (index, None))
            children = []
            for key, label, mine, theirs in _choices(conflict):
                child = QTreeWidgetItem([label, mine, theirs, ""])
                child.setData(0, Qt.ItemDataRole.UserRole, (index, key))
                child.setToolTip(1, mine)
                child.setToolTip(2, theirs)
                top.addChild(child)
                children.append((child, (index, key)))
                self._choice[(index, key)] = None
            tree.addTopLevelItem(top)
            self._items.append((top, children))
        tree.expandAll()
        header = tree.header()   # the record whole where it can be; the values share the rest (whole in tooltips)
        header.setStretchLastSection(False)
        tree.resizeColumnToContents(0)
        tree.setColumnWidth(0, max(160, min(tree.columnWidth(0) + 12, 340)))
        for column, mode in ((1, QHeaderView.ResizeMode.Stretch), (2, QHeaderView.ResizeMode.Stretch),
                             (3, QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(column, mode)
        tree.itemDoubleClicked.connect(self._double_clicked)
        row = QHBoxLayout()
        for text, name, slot in (("保留本地(&L)", "keep_mine", lambda: self.decide_selected(MINE)),
                                 ("采用数据包(&T)", "take_theirs", lambda: self.decide_selected(THEIRS)),
                                 ("全部保留本地(&M)", "all_mine", lambda: self.decide_all(MINE)),
                                 ("全部采用数据包(&A)", "all_theirs", lambda: self.decide_all(THEIRS))):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setAutoDefault(False)   # Enter means 导入 (once every conflict is decided)
            button.clicked.connect(slot)
            row.addWidget(button)
            if name == "take_theirs":
                row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(note)
        layout.addWidget(tree, 1)
        layout.addLayout(row)
        return page

    def _rows(self, item: QTreeWidgetItem) -> list[tuple[int, str]]:
        index, key = item.data(0, Qt.ItemDataRole.UserRole)
        if key is not None:
            return [(index, key)]
        return [(index, k) for k, *_ in _choices(self.plan.conflicts[index])]

    def decide_selected(self, choice: str) -> None:
        assert self.tree is not None
        for item in self.tree.selectedItems():
            for row in self._rows(item):
                self._choice[row] = choice
        self._update()

    def decide_all(self, choice: str) -> None:
        for row in self._choice:
            self._choice[row] = choice
        self._update()

    def decide(self, conflict: int, key: str, choice: str) -> None:
        self._choice[(conflict, key)] = choice
        self._update()

    def _double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        if column in (1, 2):
            for row in self._rows(item):
                self._choice[row] = MINE if column == 1 else THEIRS
            self._update()

    def undecided(self) -> int:
        """Conflicts (records) with a field still undecided."""
        return len({index for (index, _), choice in self._choice.items() if choice is None})

    def _update(self) -> None:
        left = self.undecided()
        if self.tree is not None:
            for top, children in self._items:
                for child, row in children:
                    choice = self._choice[row]
                    child.setText(3, CHOICE_TEXT[choice])
                    child.setForeground(3, QBrush(UNDECIDED) if choice is None else QBrush())
                open_ = any(self._choice[row] is None for _, row in children)
                top.setText(3, "未决定" if open_ else "已决定")
                top.setForeground(3, QBrush(UNDECIDED) if open_ else QBrush())
            total = len(self.plan.conflicts)
            self.tabs.setTabText(1, f"冲突（{total} 条，未决定 {left}）" if left else f"冲突（{total} 条，已决定）")
        self.import_button.setEnabled(left == 0)
        if left:
            self.status.setText(f"还有 {left} 条冲突记录未决定；全部决定后才能导入。")
        else:
            self.status.setText("导入前会自动备份本数据库；导入要么全部完成，要么不作任何改动。")

    def decisions(self) -> dict[tuple[str, str], dict[str, str]]:
        made: dict[tuple[str, str], dict[str, str]] = {}
        for (index, key), choice in self._choice.items():
            conflict = self.plan.conflicts[index]
            if key == WHOLE and conflict.kind == "deleted":   # mine: this file's side (its deletion, or its record)
                value = "delete" if (choice == MINE) == _deleted_here(conflict) else "keep"
            else:
                value = choice or MINE
            made.setdefault((conflict.type_key, conflict.record_id), {})[key] = value
        return made

    @classmethod
    def ask(cls, parent: QWidget | None, plan: Any) -> dict[tuple[str, str], dict[str, str]] | None:
        """The decisions when the clerk chose 导入, else None."""
        dialog = cls(plan, parent)
        return dialog.decisions() if dialog.exec() else None


class SettingsPreviewDialog(QDialog):
    """A settings bundle's changes: each setting old → new, units and working groups added or changed."""

    def __init__(self, plan: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"导入活动设置：{plan.path.name}")
        form = QFormLayout()
        sender_rows(form, plan.manifest)
        self.changes = _readonly_table(len(plan.changes), ["设置项", "原来", "导入后"], "changes")
        for row, values in enumerate(plan.changes):
            for column, text in enumerate(values):
                item = QTableWidgetItem(str(text))
                item.setToolTip(str(text))
                self.changes.setItem(row, column, item)
        self.changes.resizeColumnsToContents()
        self.changes.setColumnWidth(1, min(self.changes.columnWidth(1), 300))
        self.changes.horizontalHeader().setStretchLastSection(True)
        self.changes.setProperty("key_columns", [0])
        lines = [f"{title} {len(names)} 个：{'、'.join(names)}" for title, names in
                 (("新增单位", plan.units_added), ("更新单位", plan.units_changed), ("新增工作组", plan.groups_added),
                  ("更新工作组", plan.groups_changed)) if names]
        if not plan.changes and not lines:
            lines = ["与本数据库的活动设置相同，导入不会有任何变化。"]
        self.units = QLabel("\n".join(lines))
        self.units.setObjectName("units")
        self.units.setWordWrap(True)
        note = QLabel("本单位名称、填表人、负责人等本单位自己的设置不受影响；导入前会自动备份本数据库。")
        note.setObjectName("pageNote")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("导入(&I)")
        self.import_button.setObjectName("import")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("不导入")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.changes, 1)
        layout.addWidget(self.units)
        layout.addWidget(note)
        layout.addWidget(buttons)
        fit(self, 760, 480)

    @classmethod
    def ask(cls, parent: QWidget | None, plan: Any) -> bool:
        return bool(cls(plan, parent).exec())
