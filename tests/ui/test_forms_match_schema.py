"""Every forms/<key>.ui has exactly one input per field of schema.RECORD_TYPES[key] (campaign.ui: core.settings
.CAMPAIGN), named by the field key, of the widget class the binder expects. Plain XML parsing, no Qt objects."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from leifeng_desktop.core import schema as s
from leifeng_desktop.core.settings import CAMPAIGN
from leifeng_desktop.paths import forms_dir
from leifeng_desktop.ui.widgets import INPUT_CLASSES, WIDGET_CLASSES

FORMS = sorted(forms_dir().glob("*.ui"))


def record_type_for(stem: str) -> s.RecordType | None:
    return CAMPAIGN if stem == CAMPAIGN.key else s.RECORD_TYPES.get(stem)


def problems(path: Path) -> list[str]:
    """What is wrong with one form, in words; empty when it fits its record type."""
    rt = record_type_for(path.stem)
    if rt is None:
        return [f"{path.name}: no record type named {path.stem!r} (forms are named forms/<record type key>.ui)"]
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        return [f"{path.name}: not valid XML: {exc}"]
    inputs = [(el.get("class"), el.get("name")) for el in root.iter("widget") if el.get("class") in INPUT_CLASSES]
    names = Counter(name for _cls, name in inputs)
    expected = {f.key for f in rt.fields if f.key != rt.parent}
    out = [f"{path.name}: {name!r} is used by {n} widgets" for name, n in names.items() if n > 1]
    missing, unknown = expected - set(names), set(names) - expected
    if missing:
        out.append(f"{path.name}: no widget for {sorted(missing)}")
    if unknown:
        out.append(f"{path.name}: widgets named {sorted(unknown)} match no field of {rt.key}")
    for cls, name in inputs:
        if name in expected:
            field = rt.field(name)
            if cls not in WIDGET_CLASSES[field.type]:
                out.append(f"{path.name}: {name} is a {field.type} field and needs a "
                           f"{' or '.join(WIDGET_CLASSES[field.type])}, not a {cls}")
    tabstops = [t.text for t in root.iter("tabstop")]
    if tabstops and Counter(tabstops) != Counter(name for _cls, name in inputs):
        out.append(f"{path.name}: <tabstops> should name every input once: {tabstops}")
    return out


def test_there_are_forms():
    assert {p.stem for p in FORMS} >= {"unit", "working_group"}


@pytest.mark.parametrize("path", FORMS, ids=[p.name for p in FORMS])
def test_form_matches_its_record_type(path):
    assert problems(path) == []


def test_a_form_named_after_no_record_type_fails(tmp_path):
    bad = tmp_path / "nonesuch.ui"
    bad.write_text((forms_dir() / "working_group.ui").read_text(encoding="utf-8"), encoding="utf-8")
    assert problems(bad) and "no record type" in problems(bad)[0]


def test_missing_unknown_and_mistyped_widgets_are_named(tmp_path):
    text = (forms_dir() / "unit.ui").read_text(encoding="utf-8")
    text = text.replace('class="QLineEdit" name="contact"', 'class="QLineEdit" name="contact_person"')
    text = text.replace('class="QCheckBox" name="expected"', 'class="QComboBox" name="expected"')
    bad = tmp_path / "unit.ui"
    bad.write_text(text, encoding="utf-8")
    found = "\n".join(problems(bad))
    assert "no widget for ['contact']" in found
    assert "contact_person" in found
    assert "expected is a bool field and needs a QCheckBox, not a QComboBox" in found


def test_a_child_form_leaves_out_its_parent_ref(tmp_path):
    """member.ui binds everything but team_id (the roster page sets it)."""
    rows = "".join(f'<widget class="{WIDGET_CLASSES[f.type][0]}" name="{f.key}"/>'
                   for f in s.record_type("member").fields)
    bad = tmp_path / "member.ui"
    bad.write_text(f'<ui version="4.0"><widget class="QWidget" name="MemberForm">{rows}</widget></ui>',
                   encoding="utf-8")
    assert problems(bad) == ["member.ui: widgets named ['team_id'] match no field of member"]
