"""实施方案: the plan's text parts for a unit and its Word document."""
from __future__ import annotations

from pathlib import Path

from .documents_page import DocumentPage


class PlanPage(DocumentPage):
    doc = "plan"
    export_title = "导出实施方案"
    file_name = "{year}年学雷锋职工志愿服务活动实施方案.docx"

    def export_job(self, target: Path, unit: str | None):
        from ...exports.plan import export_plan
        return lambda st, progress, cancelled: [export_plan(st, target, unit=unit)]
