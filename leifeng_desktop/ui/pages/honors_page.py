"""选树典型 and 报送记录: the honors (推荐 → 公示 → 表彰) and which unit sent which material when."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ...core import filters
from ...core.store import Store
from .record_page import RecordListPage


class HonorPage(RecordListPage):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(store, "honor", parent=parent,
                         columns=("category", "subject_kind", "name", "employer", "recommended_on", "status",
                                  "doc_no"), keys=("name", "category", "status"),
                         description="工人先锋号、职业道德建设“双十佳”、金牌工人和各类标兵：推荐、公示、表彰。"
                                     "事迹可在总结材料的“典型事迹”部分选用。")
        self.add_filter("category", "按类别筛选", lambda: filters.choices(store, "honor", "category", "全部类别"))
        self.add_filter("status", "按状态筛选", lambda: filters.choices(store, "honor", "status", "全部状态"))
        self.add_filter("subject", "按个人/集体筛选",
                        lambda: filters.choices(store, "honor", "subject_kind", "个人和集体"))


class SubmissionPage(RecordListPage):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(store, "submission", parent=parent, columns=("unit", "material", "date", "methods", "note"),
                         keys=("unit", "material", "date"),
                         description="各单位报送登记表、实施方案、总结材料和数据包的记录；仪表盘的“未报送”"
                                     "名单据此计算。")
        self.add_filter("material", "按材料筛选", lambda: filters.choices(store, "submission", "material", "全部材料"))
        self.add_filter("unit", "按单位筛选", lambda: filters.units_in_use(store, "submission"))
        self.model.modelReset.connect(self.refresh_filters)
