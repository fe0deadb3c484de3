"""File names in one home (exports.files): file_name joins safe parts and cuts a long stem, unique_names numbers a
name met again; each export's name is built with them and reads as it did."""
from types import SimpleNamespace

from leifeng_desktop.exports.certificate import certificate_filename
from leifeng_desktop.exports.files import MAX_STEM, file_name, safe_name, unique_names
from leifeng_desktop.exports.plan import plan_filename
from leifeng_desktop.exports.registration import registration_filename
from leifeng_desktop.exports.summary import summary_filename


def test_file_name_joins_safe_parts():
    assert file_name("登记表", "A/B:C", "队*名") == "登记表_A_B_C_队_名.docx"
    assert file_name("台账", " .工会. ", None, suffix=".xlsx") == "台账_工会__.xlsx"   # nothing becomes "_"
    assert file_name("x") == "x.docx" and safe_name("") == "_"


def test_a_long_stem_is_cut_without_a_trailing_dot_or_space():
    name = file_name("单" * 200, "队")
    assert name == "单" * MAX_STEM + ".docx"
    assert file_name("a" * (MAX_STEM - 3), "b. c") == "a" * (MAX_STEM - 3) + "_b.docx"    # not "_b..docx"


def test_unique_names_number_a_name_met_again_case_blind():
    assert unique_names(["队.docx", "乙.docx", "队.docx", "A.DOCX", "a.docx", "队.docx"]) == [
        "队.docx", "乙.docx", "队 (2).docx", "A.DOCX", "a (2).docx", "队 (3).docx"]
    assert unique_names(["x (2).docx", "x.docx", "x.docx"]) == ["x (2).docx", "x.docx", "x (3).docx"]
    assert unique_names([]) == []


def test_every_export_names_its_file_as_before():
    assert registration_filename({"unit": "XX市供电公司工会", "name": "供电公司职工志愿服务队"}) == \
        "登记表_XX市供电公司工会_供电公司职工志愿服务队.docx"
    record = SimpleNamespace(member={"name": "张伟"}, team={})
    assert certificate_filename(record) == "志愿服务记录证明_张伟__.docx"
    assert plan_filename("XX市总工会", 2026) == "XX市总工会_2026年学雷锋职工志愿服务活动实施方案.docx"
    assert summary_filename(2026, "甲/乙工会") == "甲_乙工会_2026年学雷锋职工志愿服务活动总结.docx"
