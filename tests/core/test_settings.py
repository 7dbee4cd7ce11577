"""The settings of a process: read from the file once, read again only when the file changed,
and every caller gets its own copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamdesk.core import settings
from kamdesk.core.errors import KamdeskError


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "settings.toml"


def test_the_file_is_read_once_while_it_does_not_change(path: Path) -> None:
    settings.save(settings.Settings(kam_name="Anna Nowak"), path)
    store = settings.Store(path)
    names = [store.current().kam_name for _ in range(50)]
    assert names == ["Anna Nowak"] * 50
    assert store.reads == 1


def test_a_saved_change_is_seen_at_the_next_read(path: Path) -> None:
    store = settings.Store(path)
    assert store.current().kam_name == settings.Settings().kam_name  # no file: the defaults
    settings.save(settings.Settings(kam_name="Łukasz Wróbel"), path)
    assert store.current().kam_name == "Łukasz Wróbel"
    assert store.reads == 2


def test_an_edit_in_place_is_seen_too(path: Path) -> None:
    """An editor that rewrites the same file (same inode): its size changed (its time too, but
    two writes within one clock tick may share it)."""
    settings.save(settings.Settings(locale="en"), path)
    store = settings.Store(path)
    assert store.current().locale == "en"
    text = path.read_text("utf-8").replace('locale = "en"', 'locale = "pl"')
    text = text.replace('kam_name = ""', 'kam_name = "Anna"')
    with path.open("w", encoding="utf-8") as fh:  # the same inode, rewritten
        fh.write(text)
    assert (store.current().locale, store.current().kam_name) == ("pl", "Anna")


def test_each_caller_gets_its_own_copy(path: Path) -> None:
    store = settings.Store(path)
    mine = store.current()
    mine.exchange_rates = {"PLN": 0.23}
    assert store.current().exchange_rates == settings.Settings().exchange_rates


def test_a_broken_file_is_said_each_time_until_it_is_fixed(path: Path) -> None:
    path.write_text("locale = \n", "utf-8")
    store = settings.Store(path)
    for _ in range(2):
        with pytest.raises(KamdeskError, match="not valid TOML"):
            store.current()
    settings.save(settings.Settings(locale="it"), path)
    assert store.current().locale == "it"


def test_the_process_settings_follow_the_configured_file(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAMDESK_CONFIG", str(path))
    settings.save(settings.Settings(kam_name="Ildikó Szőke"), path)
    assert settings.current().kam_name == "Ildikó Szőke"
    other = path.with_name("other.toml")
    monkeypatch.setenv("KAMDESK_CONFIG", str(other))
    assert settings.current().kam_name == settings.Settings().kam_name
