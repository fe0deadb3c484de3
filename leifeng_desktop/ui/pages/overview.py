"""仪表盘 until the dashboard issue lands: the plan's targets and deadlines as set, and what is on file now.
Every figure here is read from the database; nothing is estimated."""
from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from ...core import schema as s
from ...core.store import Store

SHOWN = ("unit", "team", "member", "activity", "publicity", "enterprise_visit", "household", "household_visit",
         "aid", "honor", "submission")


class OverviewPage(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        title = QLabel("仪表盘")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        note = QLabel("这里将显示实施方案各项目标的完成进度、截止期限、未报送单位和统计图表；"
                      "目前先列出已设定的目标与期限，以及数据库中各类记录的数量。")
        note.setWordWrap(True)
        note.setObjectName("pageNote")
        layout.addWidget(note)
        self.body = QLabel()
        self.body.setObjectName("overview")
        self.body.setWordWrap(True)
        self.body.setTextFormat(self.body.textFormat().RichText)
        self.body.setAlignment(self.body.alignment().AlignTop | self.body.alignment().AlignLeft)
        scroll = QScrollArea()   # the page must shrink to a 150 % scaled laptop screen
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)
        layout.addWidget(scroll, 1)
        self.refresh()

    def refresh(self, *args) -> None:
        c = self.store.settings.campaign()
        counts = self.store.counts()
        rows = "".join(f"<tr><td>{s.RECORD_TYPES[k].label}</td><td align='right'>{counts[k]}</td></tr>"
                       for k in SHOWN)
        self.body.setText(
            f"<h3>{c['city']}{c['year']}年学雷锋职工志愿服务活动</h3>"
            f"<p>本单位：{c['our_unit']}（{c['our_unit_kind']}）</p>"
            f"<p>目标：走访企业不少于 <b>{c['enterprise_target']}</b> 家；走访帮扶困难职工不少于 "
            f"<b>{c['household_target']}</b> 户。</p>"
            f"<p>期限：服务队成立及登记表报送 {c['registration_deadline']}；实施方案报送 {c['plan_deadline']}；"
            f"总结材料报送 {c['summary_deadline'] or '（未设定）'}。</p>"
            f"<table cellspacing='0' cellpadding='3'>{rows}</table>")
