"""Disk full while a workbook or document is saved: the clerk's Chinese line and nothing else — no zip writer left
open to fail again when collected ("Exception ignored in: ZipFile.__del__ … OSError: [Errno 28]")."""
import gc
import sys

import pytest
from test_export_files import aid_store, fill, tmpfs  # noqa: F401  (fixtures)

from leifeng_desktop.core.errors import UserError
from leifeng_desktop.exports.plan import export_plan
from leifeng_desktop.exports.visit_ledgers import export_aid_ledger


@pytest.mark.parametrize("what", ["ledger", "document"])
def test_a_failed_save_leaves_nothing_to_fail_later(aid_store, tmpfs, monkeypatch, what):  # noqa: F811
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    fill(tmpfs, leave=0)   # not even room for a zip header
    target = tmpfs / ("帮扶台账.xlsx" if what == "ledger" else "实施方案.docx")
    try:
        if what == "ledger":
            export_aid_ledger(aid_store, target, reveal=True)
        else:
            export_plan(aid_store, target)
    except UserError as exc:
        message = str(exc)
    else:
        pytest.fail("the save should have failed on a full disk")
    gc.collect()   # what the failed save left behind is collected now, not at exit
    assert "磁盘空间不足" in message and str(target) in message
    assert [(u.exc_type, u.exc_value) for u in unraisable] == []
    assert [p.name for p in tmpfs.iterdir()] == ["filler"]
