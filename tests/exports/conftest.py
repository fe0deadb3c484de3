"""Exports keep a journal of exports in progress in the app's data folder: point it at a private folder."""
import pytest


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path_factory, monkeypatch):
    data = tmp_path_factory.mktemp("data-home")
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("APPDATA", str(data))
    return data
