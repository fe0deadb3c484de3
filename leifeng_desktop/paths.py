"""Where forms/ and resources/ are: inside the package in a wheel, at the top of the source tree otherwise."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name}/ folder beside {_PACKAGE}")


def forms_dir() -> Path:
    return _find("forms")


def resources_dir() -> Path:
    return _find("resources")
