"""PySide6 shorthands its type stubs do not know, spelt so that mypy checks them.

PySide6 connects a signal given as a keyword to a constructor (`QShortcut(key, parent, activated=slot)`,
`QAction(text, parent, triggered=slot)`); its stubs list no such keywords. These build the object and connect the
signal the same way, with types.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QShortcut

if TYPE_CHECKING:   # the Qt namespace's enums cost the start 30 ms (issue 18): not before the first paint
    from PySide6.QtCore import Qt

Key = QKeySequence | QKeySequence.StandardKey | str


def shortcut(key: Key, parent: QObject, slot: Callable[[], object], *,
             context: Qt.ShortcutContext | None = None) -> QShortcut:
    """A shortcut on `parent` that calls `slot` when activated."""
    made = QShortcut(key, parent)
    if context is not None:
        made.setContext(context)
    made.activated.connect(slot)
    return made


def action(text: str, parent: QObject, slot: Callable[..., object], *, key: Key | None = None) -> QAction:
    """An action owned by `parent` that calls `slot` when triggered (with its `checked` argument, if it takes one)."""
    made = QAction(text, parent)
    if key is not None:   # as setShortcut(key) sets it: that overload costs the start the Qt namespace (issue 18)
        made.setShortcuts([key if isinstance(key, QKeySequence) else QKeySequence(key)])
    made.triggered.connect(slot)
    return made
