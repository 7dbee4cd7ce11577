"""The GUI's combos offer exactly each vocabulary's values, in its enum's order, worded by
core.labels: driven in the real widgets of a window on the demo portfolio."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem, QWidget

from kamdesk.core.model import enums, labels
from kamdesk.gui.widgets.listeditor import ListEditor


def items(combo: QComboBox) -> list[tuple[object, str]]:
    return [(combo.itemData(i), combo.itemText(i)) for i in range(combo.count())]


def offered(enum: type[StrEnum], form: labels.Form, nullable: bool) -> list[tuple[object, str]]:
    """What a combo must offer: the dash for an empty field first, then every value."""
    texts = form()
    blank: list[tuple[object, str]] = [(None, labels.DASH)] if nullable else []
    return blank + [(member.value, texts[member]) for member in enum]


def column_combo(editor: ListEditor, name: str, parent: QWidget) -> QComboBox:
    """The combo a list's choice column opens to edit a cell."""
    column = [c.name for c in editor.model.columns].index(name)
    delegate = editor.view.itemDelegateForColumn(column)
    combo = delegate.createEditor(parent, QStyleOptionViewItem(), QModelIndex())
    assert isinstance(combo, QComboBox)
    return combo


def test_the_people_form_offers_each_vocabulary(demo_window) -> None:
    window = demo_window("Pomorska Grupa Szpitalna S.A.")
    fields = window.people.form.fields
    expected = {
        "buying_role": offered(enums.BuyingRole, labels.buying_role, True),
        "attitude": offered(enums.Attitude, labels.attitude, True),
        "stage": offered(enums.Stage, labels.stage, True),
        "target_stage": offered(enums.Stage, labels.stage, True),
        "info_source": offered(enums.InfoSource, labels.info_source, True),
    }
    for name, choices in expected.items():
        assert items(fields[name].widget) == choices, name
    assert [data for data, _text in items(fields["buying_role"].widget)][1:] == [
        r.value for r in enums.BuyingRole
    ]


def test_the_overview_the_lists_the_notes_and_the_map_offer_each_vocabulary(demo_window) -> None:
    window = demo_window("Pomorska Grupa Szpitalna S.A.")
    overview = window.overview
    assert items(overview.form.fields["key_level"].widget) == offered(
        enums.KeyLevel, labels.key_level, True
    )
    reasons = labels.key_reason()
    assert list(overview.reasons) == [r.value for r in enums.KeyReason]
    assert [box.text() for box in overview.reasons.values()] == [reasons[r] for r in reasons]

    plans = window.lists["plans"].editors[0]
    issues = window.lists["issues"].editors[0]
    for editor, name, enum, form in (
        (plans, "kind", enums.PlanKind, labels.plan_kind),
        (plans, "status", enums.PlanStatus, labels.plan_status),
        (issues, "kind", enums.IssueKind, labels.issue_kind),
        (issues, "status", enums.IssueStatus, labels.issue_status),
    ):
        assert items(column_combo(editor, name, window)) == offered(enum, form, False), name

    notes = window.notes
    assert items(notes.form.fields["objective_achieved"].widget) == offered(
        enums.Achieved, labels.achieved, True
    )
    for combo in notes.review.values():
        assert items(combo) == offered(enums.Verdict, labels.verdict, True)

    assert items(window.relmap.kind) == offered(enums.RelationKind, labels.relation_short, False)


def test_the_meeting_workspace_offers_each_kind_and_mode(demo_window) -> None:
    window = demo_window("Patika-Lánc Gyógyszertárak Zrt.")
    ws = window.open_meeting("patika-q1-listing")
    assert items(ws.fields["kind"].widget) == offered(enums.MeetingKind, labels.meeting_kind, False)
    assert items(ws.fields["mode"].widget) == offered(enums.MeetingMode, labels.meeting_mode, False)
