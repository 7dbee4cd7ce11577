"""Suggested file names: from the titles the user gave, safe on every common file system."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamdesk.core.filenames import MAX_BYTES, file_name


def test_a_brief_is_named_after_its_client_and_meeting() -> None:
    assert (
        file_name(["Wisła Holding", "Framework tender 2027", "brief"], "pdf")
        == "Wisła Holding – Framework tender 2027 – brief.pdf"
    )
    assert file_name(["Wisła Holding", "dossier"], ".pdf") == "Wisła Holding – dossier.pdf"
    assert file_name(["Wisła Holding", None, "", "notes"], "docx") == "Wisła Holding – notes.docx"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Q1/Q2 review", "Q1-Q2 review"),
        ("A\\B: C*D?E<F>G|H", "A-B- C-D-E-F-G-H"),
        ('The "big" deal', "The 'big' deal"),
        ("Line one\r\nline two\ttab", "Line one line two tab"),
        ("bell\x07 and \x1b escape", "bell and escape"),
        ("  ..leading dots ", "leading dots"),
        ("Wisła S.A.", "Wisła S.A."),
    ],
)
def test_characters_file_systems_refuse_are_replaced(title: str, expected: str) -> None:
    assert file_name([title], "pdf") == f"{expected}.pdf"


def test_an_empty_or_reserved_name_still_makes_a_file(tmp_path: Path) -> None:
    assert file_name(["", "  ", "///"[:0]], "pdf") == "kamdesk.pdf"
    assert file_name(["CON"], "pdf") == "_CON.pdf"
    assert file_name(["nul.tar"], "gz") == "_nul.tar.gz"
    assert file_name(["notes. "], "") == "notes"  # no extension: no trailing dot


def test_a_long_title_is_cut_within_the_limit_and_the_file_can_be_written(
    tmp_path: Path,
) -> None:
    name = file_name(["Łódź " * 80, "brief"], "pdf")
    assert len(name.encode("utf-8")) <= MAX_BYTES
    assert name.endswith("….pdf") and name.startswith("Łódź Łódź")
    (tmp_path / name).write_bytes(b"%PDF")  # a real file system takes it
    assert (tmp_path / name).exists()
