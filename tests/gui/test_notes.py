"""Notes after the meeting: summary, decisions, action items and the self-review, in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamdesk.gui.mainwindow import MainWindow
from tests.gui.conftest import sql


@pytest.fixture
def window(demo_window) -> MainWindow:
    win = demo_window("Patika-Lánc Gyógyszertárak Zrt.")
    win.tabs.setCurrentWidget(win.notes)
    return win


def test_writing_notes_for_a_meeting(qtbot, window: MainWindow) -> None:
    notes = window.notes
    upcoming = sql(window, "SELECT id FROM meeting WHERE key = 'patika-q1-listing'")
    assert notes.select_meeting(upcoming)
    assert not notes.write_button.isHidden() and notes.scroll_area.isHidden()
    notes.write_notes()
    assert notes.notes is not None and not notes.scroll_area.isHidden()
    summary = notes.form.fields["summary"]
    summary.widget.setPlainText("Listing agreed for 214 pharmacies from January.")
    qtbot.waitUntil(
        lambda: (
            sql(window, f"SELECT summary FROM meeting_notes WHERE id = {notes.notes}")
            == "Listing agreed for 214 pharmacies from January."
        )
    )
    notes.action_list.add()
    assert notes.action_list.model.rowCount() == 1
    done_col = next(i for i, c in enumerate(notes.action_list.model.columns) if c.name == "done")
    from PySide6.QtCore import Qt

    assert notes.action_list.model.setData(
        notes.action_list.model.index(0, done_col),
        Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    assert sql(window, f"SELECT done FROM action_item WHERE notes_id = {notes.notes}") == 1
    combo = notes.review[3]
    combo.setCurrentIndex(combo.findData("slip"))
    combo.activated.emit(combo.currentIndex())
    assert (
        sql(
            window,
            f"SELECT verdict FROM self_review WHERE notes_id = {notes.notes} AND mistake = 3",
        )
        == "slip"
    )
    window.undo_action.trigger()
    assert (
        sql(
            window,
            f"SELECT count(*) FROM self_review WHERE notes_id = {notes.notes} AND mistake = 3",
        )
        == 0
    )
    assert notes.review[3].currentData() is None


def test_existing_notes_show_with_their_self_review(window: MainWindow) -> None:
    notes = window.notes
    past = sql(
        window,
        "SELECT m.id FROM meeting m JOIN meeting_notes n ON n.meeting_id = m.id "
        "JOIN client c ON c.id = m.client_id WHERE c.key = 'patika-lanc'",
    )
    assert notes.select_meeting(past)
    assert notes.form.fields["summary"].widget.toPlainText()
    assert notes.action_list.model.rowCount() >= 1
    assert all(combo.currentData() in ("ok", "slip") for combo in notes.review.values())


def test_exporting_notes_and_the_calendar_from_the_app(window: MainWindow, tmp_path: Path) -> None:
    import email
    from email import policy

    import docx
    from icalendar import Calendar

    notes = window.notes
    past = sql(
        window,
        "SELECT m.id FROM meeting m JOIN meeting_notes n ON n.meeting_id = m.id "
        "JOIN client c ON c.id = m.client_id WHERE c.key = 'patika-lanc'",
    )
    assert notes.select_meeting(past) and not notes.export_button.isHidden()
    for suffix in ("pdf", "docx", "md"):
        notes.export(tmp_path / f"notes.{suffix}")
    _answer_email_preview(notes, accept=True)
    notes.export(tmp_path / "notes.eml")
    assert (tmp_path / "notes.pdf").read_bytes().startswith(b"%PDF-")
    assert docx.Document(str(tmp_path / "notes.docx")).tables
    assert "## Summary" in (tmp_path / "notes.md").read_text("utf-8")
    message = email.message_from_bytes((tmp_path / "notes.eml").read_bytes(), policy=policy.default)
    assert list(message.iter_attachments())

    ws = window.open_meeting("patika-q1-listing")
    ws.export_calendar(tmp_path / "m.ics")
    (event,) = Calendar.from_ical((tmp_path / "m.ics").read_bytes()).walk("VEVENT")
    assert "Q1 2027 listing" in str(event["summary"])


def test_who_was_present_outcome_next_meeting_and_review_comments(
    qtbot, window: MainWindow
) -> None:
    from PySide6.QtCore import QDate, Qt

    notes = window.notes
    upcoming = sql(window, "SELECT id FROM meeting WHERE key = 'patika-q1-listing'")
    assert notes.select_meeting(upcoming)
    notes.write_notes()
    nid = notes.notes
    invited = sql(
        window,
        f"SELECT count(*) FROM meeting_attendee WHERE meeting_id = {upcoming}",
    )
    # the invited are taken as present, and listed first
    assert len(notes.present_ids()) == invited > 0
    assert sql(window, f"SELECT count(*) FROM notes_present WHERE notes_id = {nid}") == invited
    first = notes.present.item(0)
    first.setCheckState(Qt.CheckState.Unchecked)  # they did not come
    assert sql(window, f"SELECT count(*) FROM notes_present WHERE notes_id = {nid}") == invited - 1
    uninvited = notes.present.item(notes.present.count() - 1)
    assert "(not invited)" in uninvited.text()
    uninvited.setCheckState(Qt.CheckState.Checked)
    assert sql(window, f"SELECT count(*) FROM notes_present WHERE notes_id = {nid}") == invited
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert sql(window, f"SELECT count(*) FROM notes_present WHERE notes_id = {nid}") == invited
    assert notes.present.item(0).checkState() == Qt.CheckState.Checked

    achieved = notes.form.fields["objective_achieved"].widget
    achieved.setCurrentIndex(achieved.findData("partly"))
    achieved.activated.emit(achieved.currentIndex())
    qtbot.waitUntil(
        lambda: (
            sql(window, f"SELECT objective_achieved FROM meeting_notes WHERE id = {nid}")
            == "partly"
        )
    )
    notes.next_form.fields["next_meeting_on"].widget.setDate(QDate(2027, 1, 20))
    purpose = notes.next_form.fields["next_meeting_purpose"].widget
    purpose.setText("Listing review, 3 months in")
    purpose.textEdited.emit(purpose.text())  # as typing does
    qtbot.waitUntil(
        lambda: (
            sql(window, f"SELECT next_meeting_purpose FROM meeting_notes WHERE id = {nid}")
            == "Listing review, 3 months in"
        )
    )
    assert sql(window, f"SELECT next_meeting_on FROM meeting_notes WHERE id = {nid}") == (
        "2027-01-20"
    )

    comment = notes.comments[2]
    assert not comment.isEnabled()  # rate the point first
    combo = notes.review[2]
    combo.setCurrentIndex(combo.findData("slip"))
    combo.activated.emit(combo.currentIndex())
    assert notes.comments[2].isEnabled()
    notes.comments[2].setText("Argued about the listing fee")
    notes.comments[2].editingFinished.emit()
    where = f"notes_id = {nid} AND mistake = 2"
    assert sql(window, f"SELECT comment FROM self_review WHERE {where}") == (
        "Argued about the listing fee"
    )
    # clearing the verdict drops the comment; undo brings both back
    combo.setCurrentIndex(combo.findData(None))
    combo.activated.emit(combo.currentIndex())
    assert sql(window, f"SELECT count(*) FROM self_review WHERE {where}") == 0
    window.undo_action.trigger()
    assert sql(window, f"SELECT comment FROM self_review WHERE {where}") == (
        "Argued about the listing fee"
    )
    assert notes.comments[2].text() == "Argued about the listing fee"


def test_an_autosaved_edit_is_committed_within_a_second(qtbot, window: MainWindow) -> None:
    """Crash safety of the GUI: a crash loses at most the field being typed. The debounce
    (400 ms) plus the commit must land in the file, read by another connection, within 1 s."""
    from kamdesk.gui.widgets.recordform import DEBOUNCE_MS

    assert DEBOUNCE_MS < 1000
    notes = window.notes
    past = sql(
        window,
        "SELECT m.id FROM meeting m JOIN meeting_notes n ON n.meeting_id = m.id "
        "JOIN client c ON c.id = m.client_id WHERE c.key = 'patika-lanc'",
    )
    assert notes.select_meeting(past)
    summary = notes.form.fields["summary"].widget
    summary.setPlainText("Typed just now, saved by itself.")
    qtbot.waitUntil(
        lambda: (
            sql(window, f"SELECT summary FROM meeting_notes WHERE id = {notes.notes}")
            == "Typed just now, saved by itself."
        ),
        timeout=1000,
    )


def _answer_email_preview(notes, accept: bool, seen: list | None = None) -> None:
    """Answer the e-mail preview as soon as it shows (it is modal), with a real click."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QDialogButtonBox
    from pytestqt.qtbot import QtBot

    def answer() -> None:
        dialog = getattr(notes, "email_preview", None)
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(10, answer)
            return
        if seen is not None:
            seen.append(
                {
                    "to": dialog.fields["to"].text(),
                    "subject": dialog.fields["subject"].text(),
                    "text": dialog.body.toPlainText(),
                    "left_out": dialog.left_out.text(),
                    "attachments": dialog.attachments.text(),
                }
            )
        button = dialog.buttons.button(
            QDialogButtonBox.StandardButton.Ok if accept else QDialogButtonBox.StandardButton.Cancel
        )
        QtBot.mouseClick(button, Qt.MouseButton.LeftButton)

    notes.email_preview = None
    QTimer.singleShot(0, answer)


def test_the_email_draft_is_previewed_and_leaves_the_private_part_out(
    qtbot, demo_window, tmp_path: Path, monkeypatch
) -> None:
    import email
    from email import policy

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog

    window = demo_window("Banca Adriatica S.p.A.")
    window.tabs.setCurrentWidget(window.notes)
    notes = window.notes
    held = sql(window, "SELECT id FROM meeting WHERE key = 'adriatica-welfare-review-2026'")
    assert notes.select_meeting(held)
    private = notes.form.fields["private"].widget
    assert "'Signora'" in private.toPlainText()
    shared = notes.form.fields["summary_shared"].widget
    assert shared.isChecked()
    # the KAM adds a remark of their own: for them only
    private.setPlainText(private.toPlainText() + " Dr Ferrà seemed tired of our slides.")
    out = tmp_path / "to-client.eml"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "E-mail draft (*.eml)")
    )

    seen: list[dict[str, str]] = []
    _answer_email_preview(notes, accept=False, seen=seen)
    qtbot.mouseClick(notes.export_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1 and not out.exists()  # Cancel: nothing written
    # the pending remark was saved before the draft was made (export flushes the form)
    assert "tired of our slides" in str(
        sql(window, f"SELECT private FROM meeting_notes WHERE id = {notes.notes}")
    )
    preview = seen[0]
    assert "Dr Ferrà wants colorectal screening" in preview["text"]  # the shared summary
    assert "Signora" not in preview["text"] and "tired of our slides" not in preview["text"]
    assert "your private remarks" in preview["left_out"]
    assert "the self-review" in preview["left_out"]
    assert "notes-adriatica-welfare-review-2026.pdf" in preview["attachments"]

    # the summary taken back from the client: the preview shows it gone
    qtbot.mouseClick(shared, Qt.MouseButton.LeftButton, pos=shared.rect().center())
    assert not shared.isChecked()
    _answer_email_preview(notes, accept=True, seen=seen)
    qtbot.mouseClick(notes.export_button, Qt.MouseButton.LeftButton)
    assert out.exists()
    preview = seen[1]
    assert "Dr Ferrà wants colorectal screening" not in preview["text"]
    assert "the summary (not marked as shareable with the client)" in preview["left_out"]
    # what was written is what was shown
    message = email.message_from_bytes(out.read_bytes(), policy=policy.default)
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == preview["text"]
    assert str(message["Subject"]) == preview["subject"] and str(message["To"]) == preview["to"]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            assert "Signora" not in part.get_content()
            assert "tired of our slides" not in part.get_content()
