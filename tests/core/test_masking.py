from leifeng_desktop.core import schema as s
from leifeng_desktop.core.formatting import HIDDEN, display
from leifeng_desktop.core.masking import mask_id_number, mask_phone, mask_record

HOUSEHOLD = s.RECORD_TYPES["household"]


def test_masks_follow_domain_rules():
    assert mask_id_number("110101199003079999") == "110101********9999"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("010-12345678") == "010****5678"


def test_record_mask_hides_income_health_bank_and_keeps_the_rest():
    rec = {"name": "张三", "id_number": "110101199003079999", "income": 80000, "health": "残疾", "bank_account": "6222"}
    out = mask_record(HOUSEHOLD, rec)
    assert out["name"] == "张三" and out["id_number"] == "110101********9999"
    assert out["income"] == "" and out["health"] == "" and out["bank_account"] == ""
    assert mask_record(HOUSEHOLD, rec, reveal=True) == rec


def test_display_formats_and_masks():
    assert display(HOUSEHOLD.field("income"), 80000) == HIDDEN
    assert display(HOUSEHOLD.field("income"), 80000, reveal=True) == "800.00"
    assert display(HOUSEHOLD.field("other_causes"), ["失业", "灾害"]) == "失业、灾害"
    assert display(s.RECORD_TYPES["participant"].field("minutes"), 150) == "2.5"
    assert display(s.RECORD_TYPES["activity"].field("starts_at"), "2026-08-25T09:00") == "2026-08-25 09:00"
