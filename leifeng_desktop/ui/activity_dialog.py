"""The activity editor: the record (forms/activity.ui), 参加人员 with hours, 附件 with thumbnails and 宣传报道.
The activity, its participants and its reports are saved in one transaction; attachments are copied after it."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QStyle,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import attachments, lookups, service_record
from ..core import schema as s
from ..core.errors import UserError
from ..core.store import Store
from ..core.validation import check_field, minutes_to_hours
from .folders import start_folder
from .participants import HOURS_COL, MemberPicker, ParticipantModel
from .qt import shortcut
from .record_dialog import RecordDialog, fitting_size, tool_button
from .widgets import change_signal

PUBLICITY = s.record_type("publicity")
REPORT_KEYS = ("outlet", "date", "title", "link")   # the 宣传报道 of domain.md: 媒体, 日期, 标题, 链接
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp"}



class ActivityDialog(RecordDialog):
    def __init__(self, store: Store, record_id: str | None = None, *, parent: QWidget | None = None,
                 defaults: dict | None = None):
        self.participants = ParticipantModel()
        self._pending_files: list[Path] = []
        self._removed_attachments: list[str] = []
        super().__init__(store, "activity", record_id, parent=parent, defaults=defaults)
        self.participants.setParent(self)
        self._load_children()
        self.participants.changed.connect(self._children_changed)
        for key in ("starts_at", "ends_at"):   # the hours rules and overlaps depend on the times
            widget = self.binder.widget(key)
            if widget is not None:
                change_signal(widget).connect(lambda *_: self._check_participants())
        self._check_participants()
        self.resize(fitting_size(self, QSize(max(self.form.sizeHint().width(), 820), self.form.sizeHint().height())))

    # -- layout --------------------------------------------------------------------------------------------
    def extra_tabs(self) -> list[tuple[str, QWidget]]:
        return [("参加人员", self._participants_page()), ("附件", self._attachments_page()),
                ("宣传报道", self._reports_page())]

    def _participants_page(self) -> QWidget:
        page = QWidget()
        self.pick_button = tool_button("从名单选择(&A)…", "pick_members")
        self.remove_participants_button = tool_button("移除所选(&R)", "remove_participants")
        self.fill_hours_button = tool_button("时长都设为活动时长(&H)", "fill_hours")
        bar = QHBoxLayout()
        for b in (self.pick_button, self.remove_participants_button, self.fill_hours_button):
            bar.addWidget(b)
        bar.addStretch(1)
        self.participant_view = QTableView()
        self.participant_view.setObjectName("participants")
        self.participant_view.setModel(self.participants)
        self.participant_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.participant_view.horizontalHeader().setStretchLastSection(True)
        self.participant_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.participant_view.setColumnWidth(1, 220)
        self.participant_view.setColumnWidth(HOURS_COL, 120)
        self.total_label = QLabel()
        self.total_label.setObjectName("participant_total")
        self.total_label.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.participant_view, 1)
        layout.addWidget(self.total_label)
        self.pick_button.clicked.connect(self.pick_members)
        self.remove_participants_button.clicked.connect(self.remove_participants)
        self.fill_hours_button.clicked.connect(lambda: self.participants.set_all_minutes(self.duration()))
        shortcut(QKeySequence.StandardKey.Delete, self.participant_view, self.remove_participants,
                 context=Qt.ShortcutContext.WidgetShortcut)
        return page

    def _attachments_page(self) -> QWidget:
        page = QWidget()
        self.add_file_button = tool_button("添加附件(&F)…", "add_files")
        self.open_file_button = tool_button("打开(&O)", "open_file")
        self.remove_file_button = tool_button("删除附件(&X)", "remove_file")
        bar = QHBoxLayout()
        for b in (self.add_file_button, self.open_file_button, self.remove_file_button):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(QLabel(f"照片或文档，每个不超过 {attachments.MAX_BYTES // (1024 * 1024)} MB"))
        self.files = QListWidget()
        self.files.setObjectName("attachments")
        self.files.setViewMode(QListWidget.ViewMode.IconMode)
        self.files.setIconSize(QSize(96, 96))
        self.files.setGridSize(QSize(130, 130))
        self.files.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.files.setWordWrap(True)
        self.files.setMovement(QListWidget.Movement.Static)
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.files, 1)
        self.add_file_button.clicked.connect(self.choose_files)
        self.open_file_button.clicked.connect(self.open_current_file)
        self.remove_file_button.clicked.connect(self.remove_current_file)
        self.files.itemActivated.connect(lambda *_: self.open_current_file())
        return page

    def _reports_page(self) -> QWidget:
        page = QWidget()
        self.add_report_button = tool_button("添加报道(&P)", "add_report")
        self.remove_report_button = tool_button("删除所选报道", "remove_report")
        bar = QHBoxLayout()
        bar.addWidget(self.add_report_button)
        bar.addWidget(self.remove_report_button)
        bar.addStretch(1)
        self.reports = QTableWidget(0, len(REPORT_KEYS))
        self.reports.setObjectName("reports")
        self.reports.setHorizontalHeaderLabels([PUBLICITY.field(k).label for k in REPORT_KEYS])
        self.reports.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((160, 100, 260)):
            self.reports.setColumnWidth(col, width)
        self.report_note = QLabel("日期如 2026-03-05，不填则取活动日期；链接以 http:// 或 https:// 开头。")
        self.report_note.setObjectName("report_note")
        self.report_note.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.reports, 1)
        layout.addWidget(self.report_note)
        self.add_report_button.clicked.connect(lambda: self._add_report({}))
        self.remove_report_button.clicked.connect(self._remove_report)
        self.reports.itemChanged.connect(self._children_changed)
        return page

    # -- loading -------------------------------------------------------------------------------------------
    def _load_children(self) -> None:
        for report in lookups.linked(self.store, "publicity", "activity_id", self.record_id):
            self._add_report(report)
        for record in lookups.children(self.store, "attachment", self.record_id):
            self._show_file(record["name"], attachments.file_path(self.store, record), record["id"])
        self.participants.load(lookups.activity_participants(self.store, self.record_id))
        self.extra_dirty = False
        self._update_total()

    # -- participants --------------------------------------------------------------------------------------
    def duration(self) -> int | None:
        return service_record.activity_minutes(self.binder.values())

    def pick_members(self) -> None:
        team_id = self.binder.values().get("team_id")
        picker = MemberPicker(self.store, team_id, self.participants.member_ids(), parent=self)
        if picker.exec():
            self.participants.add(picker.chosen(), self.duration())
            self.tab_widget.setCurrentIndex(1)

    def remove_participants(self) -> None:
        rows = [i.row() for i in self.participant_view.selectionModel().selectedRows()]
        if rows:
            self.participants.remove(rows)

    def _check_participants(self) -> None:
        values = self.binder.values()
        rows = self.participants.rows()
        errors = service_record.check_participants(values, rows) if rows else {}
        warnings = service_record.overlap_warnings(self.store, values, rows, activity_id=self.record_id)
        self.participants.set_notes(errors, warnings)
        self._update_total()

    def _update_total(self) -> None:
        n, total = self.participants.rowCount(), self.participants.total_minutes()
        duration = self.duration()
        text = f"共 {n} 人，合计 {minutes_to_hours(total) or 0} 小时"
        if duration:
            text += f"（活动时长 {minutes_to_hours(duration)} 小时）"
        if self.participants.errors:
            text += f"；<span style='color:#c0392b'>{len(self.participants.errors)} 人的时长有误</span>"
        self.total_label.setText(text)

    def _children_changed(self, *args) -> None:
        self.touched()
        if args == () or not isinstance(args[0], QTableWidgetItem):
            self._check_participants()

    # -- attachments ---------------------------------------------------------------------------------------
    def _show_file(self, name: str, path: Path, attachment_id: str | None) -> None:
        item = QListWidgetItem(name)
        icon = QIcon()
        if path.suffix.lower() in IMAGE_SUFFIXES and path.exists():
            pixmap = QPixmap(str(path))
            if not pixmap.isNull():
                icon = QIcon(pixmap.scaled(96, 96, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))
        if icon.isNull():
            icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        item.setIcon(icon)
        item.setToolTip(str(path) if path.exists() else f"文件已不存在：{path}")
        item.setData(Qt.ItemDataRole.UserRole, (str(path), attachment_id))
        self.files.addItem(item)

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "选择附件", str(start_folder()),
                                                "照片和文档 (*.jpg *.jpeg *.png *.gif *.bmp *.pdf *.doc *.docx "
                                                "*.xls *.xlsx *.txt);;所有文件 (*)")
        self.add_files([Path(p) for p in paths])

    def add_files(self, paths: list[Path]) -> None:
        refused = []
        for path in paths:
            problem = attachments.check_file(path)
            if problem:
                refused.append(problem)
                continue
            self._pending_files.append(path)
            self._show_file(path.name, path, None)
            self.touched()
        if refused:
            QMessageBox.warning(self, "未添加", "\n".join(refused))
        self.tab_widget.setCurrentIndex(2)

    def open_current_file(self) -> None:
        item = self.files.currentItem()
        if item is None:
            return
        path = Path(item.data(Qt.ItemDataRole.UserRole)[0])
        if not path.exists():
            QMessageBox.warning(self, "无法打开", f"文件已不存在：{path}")
            return
        if not attachments.allowed(path):   # an older file's, or a bundle's, program is never run by a click
            QMessageBox.warning(self, "未打开", f"“{item.text()}”不是照片或文档"
                                             f"（只能打开{attachments.ALLOWED_KINDS}），为安全起见未打开")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def remove_current_file(self) -> None:
        item = self.files.currentItem()
        if item is None:
            return
        path, attachment_id = item.data(Qt.ItemDataRole.UserRole)
        if attachment_id:
            self._removed_attachments.append(attachment_id)
        else:
            self._pending_files = [p for p in self._pending_files if str(p) != path]
        self.files.takeItem(self.files.row(item))
        self.touched()

    # -- reports -------------------------------------------------------------------------------------------
    def _add_report(self, report: dict) -> None:
        self.reports.blockSignals(True)
        row = self.reports.rowCount()
        self.reports.insertRow(row)
        for col, key in enumerate(REPORT_KEYS):
            item = QTableWidgetItem(str(report.get(key) or ""))
            if col == 0:
                item.setData(Qt.ItemDataRole.UserRole, report.get("id"))
            self.reports.setItem(row, col, item)
        self.reports.blockSignals(False)
        if not report:
            self.touched()
            self.tab_widget.setCurrentIndex(3)
            self.reports.setCurrentCell(row, 0)
            if (first := self.reports.item(row, 0)) is not None:
                self.reports.editItem(first)

    def _remove_report(self) -> None:
        for row in sorted({i.row() for i in self.reports.selectedIndexes()}, reverse=True):
            self.reports.removeRow(row)
            self.touched()

    def report_rows(self) -> tuple[list[dict], list[str]]:
        """The reports typed in the table and a message per bad cell ("第 2 行 日期：…")."""
        reports, problems = [], []
        for row in range(self.reports.rowCount()):
            typed = {k: (item.text().strip() if (item := self.reports.item(row, c)) else "")
                     for c, k in enumerate(REPORT_KEYS)}
            if not any(typed.values()):
                continue
            values: dict[str, str | None] = {k: v or None for k, v in typed.items()}
            values["title"] = values["title"] or values["outlet"]
            for key in REPORT_KEYS:   # an empty date takes the activity's day (core.service_record)
                message = check_field(PUBLICITY.field(key), values.get(key)) if values.get(key) else None
                if message:
                    problems.append(f"第 {row + 1} 行 {message}")
            first = self.reports.item(row, 0)
            values["id"] = first.data(Qt.ItemDataRole.UserRole) if first else None
            reports.append(values)
        return reports, problems

    # -- RecordDialog hooks --------------------------------------------------------------------------------
    def check_more(self) -> bool:
        self._check_participants()
        if self.participants.errors:
            self.tab_widget.setCurrentIndex(1)
            QMessageBox.warning(self, "参加人员有误", "\n".join(
                f"{self.participants.rows()[r]['name']}：{m}" for r, m in sorted(self.participants.errors.items())))
            return False
        _reports, problems = self.report_rows()
        if problems:
            self.tab_widget.setCurrentIndex(3)
            QMessageBox.warning(self, "宣传报道有误", "\n".join(problems))
            return False
        values = self.binder.values()
        twin = service_record.duplicate_activity(self.store, values.get("team_id"), values.get("title"),
                                                 values.get("starts_at"), exclude_id=self.record_id)
        if twin:
            answer = QMessageBox.question(self, "可能重复录入", "同一队伍已有同名、"
                                                          f"同一开始时间的活动《{twin['title']}》。"
                                          "\n仍要保存吗？")
            return answer == QMessageBox.StandardButton.Yes
        return True

    def write(self, values: dict) -> str:
        participants = [{"id": r.get("id"), "member_id": r["member_id"], "minutes": r.get("minutes")}
                        for r in self.participants.rows()]
        reports, _problems = self.report_rows()
        record_id = service_record.save_activity(self.store, self.record_id, values, participants, reports,
                                                 expected_revision=self.revision)
        failed = []   # the activity is saved: a file that fails now is reported, never a failed save
        for attachment_id in self._removed_attachments:
            try:
                attachments.remove_attachment(self.store, attachment_id)
            except UserError as exc:
                failed.append(str(exc))
        for path in self._pending_files:
            try:
                attachments.add_attachment(self.store, record_id, path)
            except (attachments.AttachmentError, OSError, UserError) as exc:
                failed.append(str(exc))
        self._pending_files, self._removed_attachments = [], []
        if failed:
            QMessageBox.warning(self, "部分附件未能保存", "活动已保存，但以下附件未能保存：\n" + "\n".join(failed))
        return record_id

    def reload(self, record: dict) -> None:
        """After taking the version saved elsewhere: its participants, reports and attachments too."""
        super().reload(record)
        self.reports.setRowCount(0)
        self.files.clear()
        self._pending_files, self._removed_attachments = [], []
        self._load_children()
        self._check_participants()
        self.mark_clean()

    def renew_missing_rows(self) -> None:
        stored = {r["id"] for r in lookups.activity_participants(self.store, self.record_id)}
        self.participants.load([{**r, "id": r["id"] if r.get("id") in stored else None}
                                for r in self.participants.rows()])
        self._check_participants()
