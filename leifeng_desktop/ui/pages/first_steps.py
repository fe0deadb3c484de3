"""The dashboard's first steps on a new database: 1 设置 → 2 登记服务队 → 3 导出登记表 → 4 记录活动, each a button
to its page, ticked when done (core.first_run.first_steps). The panel goes once all four are done; until there is a
team, it stands where the deadlines would say "已过 … 天" about reports nobody could have sent yet."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core import first_run as fr
from ...core.store import Store

# (step key, button text, the page it opens, what to do while it is not done)
STEPS = (
    ("settings", "1 设置", "设置", "设置尚未填写：请先填写城市、本单位及其类型、主送机关和报送截止日期。"),
    ("team", "2 登记服务队", "志愿服务队", "在“志愿服务队”页新建服务队，按登记表填写队伍信息和队员名单。"),
    ("registration", "3 导出登记表", "志愿服务队", "选中服务队，导出登记表打印盖章后报送，并在“报送记录”中登记。"),
    ("activity", "4 记录活动", "活动记录", "每次开展志愿服务后，在“活动记录”页登记活动和参加的志愿者。"),
)
EXPORTED_KEY = "first_steps/registration_exported"   # databases whose 登记表 was exported from this window


def mark_registration_exported(path: Path) -> None:
    """An export writes nothing into the database; the window remembers it for step 3."""
    done = _exported()
    if str(path) not in done:
        QSettings().setValue(EXPORTED_KEY, [*done, str(path)][-50:])


def registration_exported(path: Path) -> bool:
    return str(path) in _exported()


def _exported() -> list[str]:
    value = QSettings().value(EXPORTED_KEY, [])
    if isinstance(value, str):   # QSettings gives a one-entry list back as the entry
        return [value]
    return [str(p) for p in value] if isinstance(value, list) else []


class FirstStepsPanel(QGroupBox):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__("开始使用：按顺序完成四步", parent)
        self.setObjectName("first_steps")
        self.store = store
        self.done: dict[str, bool] = {}
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for i, (key, text, page, hint) in enumerate(STEPS):
            if i:
                row.addWidget(QLabel("→"))
            button = QPushButton(text)
            button.setObjectName(f"step_{key}")
            button.setToolTip(hint)
            button.clicked.connect(lambda _=False, p=page: self.go_to(p))
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        self.hint = QLabel()
        self.hint.setObjectName("first_steps_hint")
        self.hint.setWordWrap(True)
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(self.hint)
        self.update_steps()

    def update_steps(self) -> dict[str, bool]:
        self.done = fr.first_steps(self.store, registration_exported=registration_exported(self.store.path))
        for key, text, _page, _hint in STEPS:
            self.buttons[key].setText(f"✓ {text}" if self.done[key] else text)
        todo = next((hint for key, _t, _p, hint in STEPS if not self.done[key]), "")
        self.hint.setText(f"下一步：{todo}" if todo else "")
        self.setVisible(not all(self.done.values()))
        return self.done

    def showEvent(self, event) -> None:   # back on the dashboard after an export: step 3 may be done
        super().showEvent(event)
        self.update_steps()

    @property
    def has_team(self) -> bool:
        return self.done.get("team", False)

    def go_to(self, page: str) -> None:
        window = self.window()
        if hasattr(window, "go_to"):
            window.go_to(page)


def before_teams_box() -> QGroupBox:
    """In place of the reporting figures while no team is registered: no deadline counts against an empty file."""
    box = QGroupBox("报送情况")
    box.setObjectName("reporting_pending")
    note = QLabel("登记第一支服务队后，这里显示登记表、实施方案和总结材料的报送情况和截止日期。")
    note.setWordWrap(True)
    QVBoxLayout(box).addWidget(note)
    return box
