"""Shared fixtures. Qt runs offscreen; set before any Qt import."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_SCALE_FACTOR_ROUNDING_POLICY", "PassThrough")

import pytest  # noqa: E402

from leifeng_desktop.core.store import Store  # noqa: E402


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "leifeng.db"


@pytest.fixture
def store(db_path):
    st = Store.open(db_path)
    yield st
    st.close()


@pytest.fixture
def team_values(store):
    """A valid team, as a clerk would fill the 登记表."""
    return {"name": "供电公司职工志愿服务队", "kind": store.settings.choices()["team_kind"][0],
            "unit": "XX市供电公司工会", "leader": "王建国", "leader_phone": "13812345678",
            "categories": ["扶老助残", "便民利民"], "service_forms": ["上门服务"], "founded_on": "2026-08-01"}
