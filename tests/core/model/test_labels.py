"""The vocabularies' labels (core.labels): one label per value of each enum in every form that
exists, nothing else, translated when asked for, and the wordings chosen where they drifted."""

from __future__ import annotations

import gettext
from enum import StrEnum

import pytest

from kamdesk.core import i18n
from kamdesk.core.model import enums, labels


def test_every_vocabulary_enum_has_its_labels() -> None:
    strenums = {
        v for v in vars(enums).values() if isinstance(v, type) and v.__module__ == enums.__name__
    }
    assert {enum for enum, _form in labels.FORMS.values()} == strenums | {enums.Dependency}


@pytest.mark.parametrize("name", list(labels.FORMS))
def test_each_form_labels_exactly_its_enums_values(name: str) -> None:
    enum, form = labels.FORMS[name]
    texts = form()
    values = [member.value for member in enum]
    named = [key for key in texts if key is not None]
    # every value has a label, no key is a value the enum does not have, in the enum's order
    assert named == values, name
    assert all(isinstance(text, str) and text.strip() for text in texts.values()), name
    # None only where an empty field is printed or offered, and then as the dash
    assert texts.get(None, labels.DASH) == labels.DASH, name
    assert labels.labels()[name] == texts


def test_the_empty_field_is_offered_exactly_where_it_may_be_empty() -> None:
    nullable = {name for name, (_e, form) in labels.FORMS.items() if None in form()}
    assert nullable == {
        "buying_role",
        "attitude",
        "stage",
        "info_source",
        "key_level",
        "dependency",
        "verdict",
        "achieved",
    }


@pytest.mark.parametrize("name", list(labels.FORMS))
def test_choices_are_the_enums_values_in_order(name: str) -> None:
    enum, form = labels.FORMS[name]
    choices = labels.choices(form)
    blank = [None] if None in form() else []
    assert [value for value, _text in choices] == blank + [m.value for m in enum]
    # plain strings: what the tables store and the combos hand back
    assert all(type(value) is str for value, _text in choices if value is not None)
    assert [text for _value, text in choices] == [form()[v] for v, _t in choices]


class _Shouting(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return message.upper()


def test_labels_are_translated_when_asked_for(monkeypatch) -> None:
    """Each call translates afresh: a locale set after import applies."""
    assert labels.stage()[enums.Stage.LOYAL] == "Loyal"
    monkeypatch.setattr(i18n, "translations", lambda locale: _Shouting())
    assert labels.stage()[enums.Stage.LOYAL] == "LOYAL"
    assert labels.labels()["dependency_short"]["key"] == "KEY"
    assert labels.stage()[None] == labels.DASH  # the dash is not a word


def test_the_wordings_chosen_where_they_drifted() -> None:
    assert labels.info_source() == {
        "public": "Public information",
        "self": "Told us themselves",
        "others": "From others",
        None: "—",
    }
    assert labels.plan_kind() == {
        "client_development": "Client development",
        "account_goal": "Account goal",
        "tender": "Tender",
    }
    assert labels.achieved()["fully"] == "Fully achieved"
    # two forms where one wording cannot serve both places
    assert labels.dependency()["key"] == "key client"
    assert labels.dependency_short()["key"] == "key"
    assert labels.relation()["ally"] == "is an ally of"
    assert labels.relation_short()["ally"] == "ally"


def test_keys_look_up_by_the_stored_string() -> None:
    """Keys are the enum's members, so a value read from the database (a plain str) finds its
    label, in Python and in the templates alike."""
    role: StrEnum = enums.BuyingRole.ECONOMIC
    assert labels.buying_role()["economic"] == labels.buying_role()[role] == "Economic buyer"
