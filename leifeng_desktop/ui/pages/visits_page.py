"""走访帮扶: enterprise visits with their 职工诉求, households (困难职工档案), household visits and aid records, the
working groups, and the two ledgers."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QTabWidget, QWidget

from ...core import filters, visits
from ...core.errors import UserError
from ...core.store import Store
from ...core.xlsx_import import XlsxImportError, import_rows
from ..folders import start_folder
from ..import_dialog import ImportPreviewDialog, read_with_message, save_template
from ..visit_dialogs import AidDialog, EnterpriseVisitDialog, HouseholdDialog, HouseholdVisitDialog
from .record_page import RecordListPage


def ledgers():
    """The ledger module, imported when a ledger is first exported (openpyxl is not needed before)."""
    from ...exports import visit_ledgers
    return visit_ledgers


def group_items(store: Store, type_key: str):
    return lambda: filters.references(store, type_key, "group_id", "全部工作组")


def ledger_button(page: RecordListPage, text: str, name: str, default_file: str, export) -> QPushButton:
    """A button that saves one ledger (.xlsx) off the GUI thread; `export(store, path)` writes it."""
    def run():
        from ..export_dialog import ask_save_path, run_export
        target = ask_save_path(page, text.rstrip("…"), default_file)
        if target is None:
            return None
        return run_export(page, page.store, lambda st, progress, cancelled: [export(st, target)],
                          title=text.rstrip("…"), folder=target.parent)
    button = QPushButton(text)
    button.setObjectName(name)
    button.clicked.connect(run)
    page.button_bar.insertWidget(len(page.buttons), button)
    return button


class EnterpriseVisitPage(RecordListPage):
    dialog_class = EnterpriseVisitDialog

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(store, "enterprise_visit", parent=parent, columns=(
            "date", "group_id", "enterprise", "uscc", "leader", "workers", "demand_count", "overdue_count"),
            keys=("enterprise", "date", "demand_count", "overdue_count"),
            description="市总工会领导带队分组走访企业，不少于 40 家（同一企业多次走访只计一家）；"
                        "职工诉求在编辑窗口第二页登记，答复期限默认走访日期后 3 天，逾期未办结的标橙色。")
        self.add_filter("group", "按工作组筛选", group_items(store, "enterprise_visit"))
        self.add_filter("overdue", "按诉求办理情况筛选", filters.visit_demands)
        self.add_date_range("date", "走访日期")
        ledger_button(self, "导出走访台账(&L)…", "ledger_button", "走访台账.xlsx",
                      lambda st, path: ledgers().export_visit_ledger(st, path, year=st.settings.get("year")))
        self.model.modelReset.connect(self.refresh_filters)


class HouseholdPage(RecordListPage):
    dialog_class = HouseholdDialog

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(store, "household", parent=parent, columns=(
            "name", "gender", "id_number", "employer", "hardship", "main_cause", "family_size", "visit_count",
            "aid_fen"), keys=("name", "visit_count", "aid_fen"),
            description="困难职工档案。身份证号、电话等在列表中部分隐藏；收入、健康和银行卡信息只在编辑窗口中点“显示”"
                        "后可见。")
        self.add_filter("hardship", "按困难类别筛选",
                        lambda: filters.choices(store, "household", "hardship", "全部困难类别"))
        self.add_filter("counted", "按是否计入目标筛选", lambda: filters.household_target(store))

        self.import_button = QPushButton("从 Excel 导入(&I)…")
        self.import_button.setObjectName("import_button")
        self.import_button.clicked.connect(self.import_households)
        self.template_button = QPushButton("保存导入模板(&T)…")
        self.template_button.setObjectName("template_button")
        self.template_button.clicked.connect(
            lambda: save_template(self, "household", "困难职工导入模板.xlsx", choices=store.settings.choices()))
        self.button_bar.insertWidget(len(self.buttons), self.import_button)
        self.button_bar.insertWidget(len(self.buttons) + 1, self.template_button)

    def import_households(self, path: Path | None = None) -> list[str]:
        """Preview every row of a workbook, then write the valid ones in one transaction."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "选择困难职工名单", str(start_folder()),
                                                    "Excel 工作簿 (*.xlsx)")
            if not chosen:
                return []
            path = Path(chosen)
        existing = self.store.rows("household")
        preview = read_with_message(self, path, "household", choices=self.store.settings.choices(), existing=existing)
        if preview is None or not ImportPreviewDialog(preview, parent=self).exec():
            return []
        try:
            ids = import_rows(self.store, preview, parent_values={})
        except (XlsxImportError, UserError) as err:   # a refused row, or the database busy: nothing written
            QMessageBox.warning(self, "无法导入", str(err))
            return []
        QMessageBox.information(self, "导入完成", f"已导入 {len(ids)} 户困难职工档案。")
        return ids

    def delete_question(self, record: dict) -> str:
        return (f"确定删除{visits.household_dependents(self.store, record['id'])['text']}吗？删除后可在回收站中恢复，"
                "或按 Ctrl+Z 撤销。")

    def delete_record(self, record_id: str) -> None:
        visits.delete_household(self.store, record_id)


class AidPage(RecordListPage):
    dialog_class = AidDialog

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(store, "aid", parent=parent,
                         columns=("date", "household_id", "programme", "amount", "goods", "handler"),
                         keys=("household_id", "date", "amount"),
                         description="送温暖、送清凉、金秋助学、日常救助、法律援助。金额以元填写，最多两位小数。")
        self.add_filter("programme", "按帮扶项目筛选",
                        lambda: filters.choices(store, "aid", "programme", "全部帮扶项目"))
        self.add_date_range("date", "帮扶日期")
        ledger_button(self, "导出帮扶台账(&L)…", "ledger_button", "帮扶台账.xlsx",
                      lambda st, path: ledgers().export_aid_ledger(st, path, year=st.settings.get("year")))


class HouseholdVisitPage(RecordListPage):
    dialog_class = HouseholdVisitDialog

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(store, "household_visit", parent=parent,
                         columns=("date", "group_id", "household_id", "visitors", "needs"),
                         keys=("household_id", "date"))
        self.add_filter("group", "按工作组筛选", group_items(store, "household_visit"))
        self.add_date_range("date", "走访日期")


def visits_tabs(store: Store) -> QTabWidget:
    tabs = QTabWidget()
    tabs.addTab(EnterpriseVisitPage(store), "走访企业")
    tabs.addTab(HouseholdPage(store), "困难职工")
    tabs.addTab(HouseholdVisitPage(store), "走访困难职工")
    tabs.addTab(AidPage(store), "帮扶记录")
    tabs.addTab(RecordListPage(store, "working_group", description="市总机关由领导带队，分成若干工作组开展大走访。"),
                "工作组")
    return tabs
