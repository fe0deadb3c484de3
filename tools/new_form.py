"""Write a first layout for forms/<type>.ui from the schema: one QFormLayout row per field, in schema order.

    python tools/new_form.py team [--skip team_id] > forms/team.ui
    python tools/new_form.py activity --left title,starts_at,ends_at --right category,service_form,team_id \\
        > forms/activity.ui

With --left/--right the named fields sit in two columns side by side and the rest below, full width (forms must
fit a 1366×768 screen at 150 %).

Designer owns the file afterwards; tests/ui/test_forms_match_schema.py keeps it honest."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from xml.sax.saxutils import escape

from leifeng_desktop.core import schema as s
from leifeng_desktop.core.settings import CAMPAIGN
from leifeng_desktop.ui.widgets import WIDGET_CLASSES


def widget_xml(field: s.Field) -> str:
    cls = WIDGET_CLASSES[field.type][0]
    props = ""
    if field.type == s.LONGTEXT:
        props = '<property name="minimumSize"><size><width>0</width><height>90</height></size></property>'
    if field.type == s.MULTI:
        props = ('<property name="maximumSize"><size><width>16777215</width><height>110</height></size></property>'
                 '<property name="flow"><enum>QListView::LeftToRight</enum></property>'
                 '<property name="isWrapping" stdset="0"><bool>true</bool></property>'
                 '<property name="resizeMode"><enum>QListView::Adjust</enum></property>')
    return f'<widget class="{cls}" name="{field.key}">{props}</widget>'


def form_rows(fields: list[s.Field]) -> str:
    return "\n".join(
        f'    <item row="{i}" column="0"><widget class="QLabel" name="{f.key}_label">'
        f'<property name="text"><string>{escape(f.key)}</string></property></widget></item>\n'
        f'    <item row="{i}" column="1">{widget_xml(f)}</item>' for i, f in enumerate(fields))


def form_layout(name: str, fields: list[s.Field]) -> str:
    return (f'<layout class="QFormLayout" name="{name}">\n'
            '   <property name="fieldGrowthPolicy"><enum>QFormLayout::AllNonFixedFieldsGrow</enum></property>\n'
            '   <property name="labelAlignment"><set>Qt::AlignRight|Qt::AlignVCenter</set></property>\n'
            f'{form_rows(fields)}\n  </layout>')


def form_xml(rt: s.RecordType, skip: set[str], left: Sequence[str] = (), right: Sequence[str] = ()) -> str:
    fields = [f for f in rt.fields if f.key not in skip and f.key != rt.parent]
    if left or right:
        side = set(left) | set(right)
        rest = [f for f in fields if f.key not in side]
        body = ('<layout class="QVBoxLayout" name="main_layout">\n'
                '   <item><layout class="QHBoxLayout" name="columns_layout">\n'
                '    <property name="spacing"><number>18</number></property>\n'
                f'    <item>{form_layout("left_form", [rt.field(k) for k in left])}</item>\n'
                f'    <item>{form_layout("right_form", [rt.field(k) for k in right])}</item>\n'
                '   </layout></item>\n'
                f'   <item>{form_layout("bottom_form", rest)}</item>\n  </layout>')
        fields = [rt.field(k) for k in [*left, *right]] + rest
    else:
        body = form_layout("form_layout", fields)
    tabs = "\n".join(f"  <tabstop>{f.key}</tabstop>" for f in fields)
    name = "".join(part.title() for part in rt.key.split("_")) + "Form"
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<ui version="4.0">
 <class>{name}</class>
 <widget class="QWidget" name="{name}">
  {body}
 </widget>
 <tabstops>
{tabs}
 </tabstops>
 <resources/>
 <connections/>
</ui>
'''


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("type_key")
    parser.add_argument("--skip", action="append", default=[])
    parser.add_argument("--left", default="", help="comma-separated keys for the left column")
    parser.add_argument("--right", default="", help="comma-separated keys for the right column")
    args = parser.parse_args()
    rt = CAMPAIGN if args.type_key == "campaign" else s.record_type(args.type_key)
    split = lambda text: [k for k in text.split(",") if k]  # noqa: E731
    sys.stdout.write(form_xml(rt, set(args.skip), split(args.left), split(args.right)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
