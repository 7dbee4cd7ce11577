"""The core's sort order for names: accents and case do not push a name out of its letter."""

from __future__ import annotations

from kamdesk.core.collation import fold, sort_key


def test_polish_names_sort_among_their_letters() -> None:
    names = ["Pomorska Grupa", "Zielona Góra", "Łódź Medical", "Lublin Labs", "Almaty", "ćma"]
    assert sorted(names, key=sort_key) == [
        "Almaty",
        "ćma",
        "Łódź Medical",
        "Lublin Labs",
        "Pomorska Grupa",
        "Zielona Góra",
    ]
    assert sorted(names) != sorted(names, key=sort_key)  # code points put Ł after Z


def test_fold_and_ties() -> None:
    assert fold("Łódź") == "lodz" and fold("STRAßE") == "strasse" and fold("Øre") == "ore"
    assert sorted(["Łódź", "lodz", "Lodz"], key=sort_key) == ["Lodz", "lodz", "Łódź"]
