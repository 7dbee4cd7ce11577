"""Whether a text says something: placeholders in five languages count no words, real answers
do; near-duplicates, questions, links and numbers as the readiness gate reads them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamdesk.core.meeting import substance


@pytest.mark.parametrize(
    "text",
    [
        "x",
        "xx",
        "X X X",
        "xxxxx",
        "tbd",
        "TBD.",
        "todo",
        "to-do",
        "...",
        "-",
        "—",
        "n/a",
        "N/A",
        "?",
        "asdf",
        "qwerty",
        "test",
        "lorem ipsum",
        "ok",
        "same",
        "later",
        "brak",
        "nie wiem",
        "do uzupełnienia",  # pl
        "нет",
        "нет данных",
        "не знаю",
        "ххх",  # ru
        "da definire",
        "boh",
        "niente",  # it
        "nincs",
        "nem tudom",
        "később",  # hu
        "aaaa",
        "1",
        "1111",
    ],
)
def test_placeholders_count_no_words(text: str) -> None:
    assert substance.count(text) == 0
    assert substance.is_placeholder(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CFO", 1),
        ("Agree the 2027 volume", 3),
        ("Four hours.", 2),
        ("rapid antigen test", 3),  # "test" is a word in a sentence
        ("Generic oncology drugs", 3),
        ("Łódź HQ", 2),
        ("Андрей Викторович", 2),
        ("Pani Dyrektor", 2),
        ("Lehetséges-e a szállítás", 2),
        ("Nessun problema di consegna", 3),
    ],
)
def test_real_answers_count_their_words(text: str, expected: int) -> None:
    assert substance.count(text) == expected
    assert not substance.is_placeholder(text)


def test_near_duplicates_fold_case_accents_and_punctuation() -> None:
    items = [
        "How do you compare offers?",
        "how do you compare the offers",
        "Who signs the contract?",
        "Łódź visit",
        "LODZ VISIT!",
    ]
    assert substance.near_duplicates(items, 0.85) == [(0, 1), (3, 4)]
    assert substance.near_duplicates(items, 1.0) == [(3, 4)]


@pytest.mark.parametrize(
    ("question", "languages", "expected"),
    [
        ("Budget?", ("en",), True),
        ("What would make 2027 a success", ("en",), True),
        ("Tell me about the tender", ("en",), True),
        ("Pricing details", ("en", "pl"), False),
        ("Czy przetarg się opóźni", ("pl",), True),
        ("Когда будет решение", ("ru",), True),
        ("Quando decide il consiglio", ("it",), True),
        ("Mikor dönt a testület", ("hu",), True),
        ("Megfelel-e az ajánlat", ("hu",), True),
        ("Quando decide il consiglio", ("pl",), False),  # not an interrogative in Polish
    ],
)
def test_questions(question: str, languages: tuple[str, ...], expected: bool) -> None:
    assert substance.looks_like_question(question, languages) is expected


def test_languages_named_in_free_text() -> None:
    assert substance.languages(["pl", "Russian", "magyar", None]) == ("pl", "ru", "hu")
    assert substance.languages(["x", ""]) == substance.LANGUAGES  # unknown: all five
    assert substance.names_language("it") and not substance.names_language("x")


@pytest.mark.parametrize(
    ("link", "ok"),
    [
        ("https://teams.example.com/l/meetup-join/19", True),
        ("http://meet.example.org/abc", True),
        ("teams", False),
        ("x", False),
        ("https://x", False),
        ("ftp://files.example.com/a", False),
        ("javascript:alert(1)", False),
    ],
)
def test_links(link: str, ok: bool) -> None:
    assert substance.link_parses(link) is ok


def test_tags_match_words_with_their_endings() -> None:
    need = "Tumour-marker results within 90 minutes, and no reagent shortages."
    assert substance.tag_matches("shortage", need)
    assert substance.tag_matches("tumour markers", need)
    assert not substance.tag_matches("reference ranges", need)
    assert not substance.tag_matches("x", need)


@given(st.text(max_size=200))
def test_counting_never_fails_and_words_are_never_placeholders(text: str) -> None:
    found = substance.meaningful_words(text)
    assert all(len(w) >= 2 and w not in {"x", "tbd", "todo", "asdf"} for w in found)
    assert substance.count(text) == len(found)
