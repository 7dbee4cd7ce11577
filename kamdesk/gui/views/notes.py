"""After the meeting: notes per meeting, edited in place (who was present, summary, whether the
objective was achieved, decisions, action items, the next meeting) and a self-review on the
seven mistakes with a comment per point, so patterns show over time.

The notes have a part for the client and a part for the KAM: the summary goes to the client
only once ticked as shareable; the private remarks, the outcome and the self-review never do.
Before the e-mail draft is written, a dialog shows exactly what it holds (dialogs/email_preview).

Signals:
    sig_changed(): notes, actions or the self-review changed (or that was undone).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import reading, settings
from kamdesk.core.account import editing
from kamdesk.core.errors import KamdeskError
from kamdesk.core.filenames import file_name
from kamdesk.core.meeting.readiness import MISTAKES
from kamdesk.core.model import labels
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database
from kamdesk.gui import saving
from kamdesk.gui.widgets.listeditor import Column, ListEditor
from kamdesk.gui.widgets.recordform import ActionCommand, RecordForm


class NotesView(QWidget):
    sig_changed = Signal()

    def __init__(
        self,
        db: Database,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
        *,
        current_settings: Callable[[], settings.Settings] = settings.current,
        clock: Callable[[], dt.datetime] | None = None,
    ):
        super().__init__(parent)
        self.db, self.undo_stack = db, undo_stack
        self.current_settings = current_settings  # the window's settings, read when needed
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.client_id: int | None = None
        self.notes: int | None = None
        tr = self.tr
        self.meetings = QListWidget(self)
        self.meetings.setAccessibleName(tr("Meetings"))

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        self.empty = QLabel(tr("No notes for this meeting yet."), right)
        self.no_meetings = QLabel(
            tr(
                "No meetings yet. Notes are written after a meeting: plan one in the Meetings "
                "tab (New meeting…) or import it from a calendar (File › Import meetings)."
            ),
            right,
        )
        self.no_meetings.setWordWrap(True)
        self.no_meetings.setEnabled(False)
        self.write_button = QPushButton(tr("Write notes"), right)
        self.export_button = QPushButton(tr("Export notes…"), right)
        self.export_button.setToolTip(tr("Markdown, Word, PDF or an e-mail draft to the attendees"))
        self.form = RecordForm(db, m.MeetingNotes, undo_stack, right)
        self.present = QListWidget(right)
        self.present.setAccessibleName(tr("Present"))
        self.present.setToolTip(tr("Tick who was actually there"))
        self.present.setMaximumHeight(120)
        self.present.itemChanged.connect(self._present_changed)
        self.form.layout_.addRow(tr("Present"), self.present)
        self.form.add_text("summary", tr("Summary"), 110)
        shared = self.form.add_bool("summary_shared", tr("Shareable"))
        shared.setText(tr("The client may read the summary"))
        shared.setToolTip(tr("Ticked: the summary goes into the e-mail draft to the client"))
        private = self.form.add_text("private", tr("Private remarks"), 80)
        private.setPlaceholderText(tr("Only for you: never sent to the client"))
        self.form.add_choice("objective_achieved", tr("Objective"), labels.choices(labels.achieved))
        self.form.add_lines("decisions", tr("Decisions (one per line)"))
        self.action_list = ListEditor(
            db,
            m.ActionItem,
            [
                Column("text", tr("Action")),
                Column("owner", tr("Owner"), width=140),
                Column("due", tr("Due"), "date", width=100),
                Column("done", tr("Done"), "bool", width=60),
            ],
            tr("Action items"),
            undo_stack,
            lambda nid: {"notes_id": nid, "text": tr("New action")},
            right,
        )
        self.next_form = RecordForm(db, m.MeetingNotes, undo_stack, right)
        self.next_form.add_date("next_meeting_on", tr("Next meeting on"))
        self.next_form.add_line("next_meeting_purpose", tr("Next meeting: purpose"))
        self.next_form.sig_changed.connect(self.sig_changed)
        review = QGroupBox(tr("Self-review on the seven mistakes"), right)
        review_form = QFormLayout(review)
        self.review: dict[int, QComboBox] = {}
        verdicts = labels.choices(labels.verdict)
        self.comments: dict[int, QLineEdit] = {}
        for number, title in MISTAKES.items():
            combo = QComboBox(review)
            for value, text in verdicts:
                combo.addItem(text, value)
            combo.setAccessibleName(tr(title))
            combo.activated.connect(lambda _i, n=number: self._review_changed(n))
            comment = QLineEdit(review)
            comment.setPlaceholderText(tr("What happened, what to do next time"))
            comment.setAccessibleName(tr("Comment on {title}").format(title=tr(title)))
            comment.editingFinished.connect(lambda n=number: self._comment_changed(n))
            row = QHBoxLayout()
            row.addWidget(combo)
            row.addWidget(comment, 1)
            review_form.addRow(f"{number}. {tr(title)}", row)
            self.review[number] = combo
            self.comments[number] = comment
        self.review_error = QLabel(review)
        self.review_error.setObjectName("fieldError")
        self.review_error.setWordWrap(True)
        self.review_error.hide()
        review_form.addRow(self.review_error)
        self.review_box = review
        host = QWidget(right)
        host_layout = QVBoxLayout(host)
        host_layout.addWidget(self.form)
        host_layout.addWidget(self.action_list)
        host_layout.addWidget(self.next_form)
        host_layout.addWidget(review)
        scroll = QScrollArea(right)
        scroll.setWidgetResizable(True)
        scroll.setWidget(host)
        right_layout.addWidget(self.no_meetings)
        right_layout.addWidget(self.empty)
        right_layout.addWidget(self.write_button)
        right_layout.addWidget(scroll, 1)
        right_layout.addWidget(self.export_button)
        self.scroll_area = scroll

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.meetings)
        splitter.addWidget(right)
        splitter.setSizes([300, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.meetings.currentItemChanged.connect(lambda item, _prev: self._show(item))
        self.write_button.clicked.connect(self.write_notes)
        self.export_button.clicked.connect(self.ask_export)
        self.form.sig_changed.connect(self.sig_changed)
        self.action_list.sig_changed.connect(self.sig_changed)

    def set_client(self, client_id: int | None) -> None:
        self.form.flush()
        self.next_form.flush()
        self.client_id = client_id
        self.meetings.blockSignals(True)
        self.meetings.clear()
        if client_id is not None:
            rows = reading.meetings(self.db, client_id)
            now = self.clock()
            first_past = next(
                (i for i, mt in enumerate(rows) if mt.starts_at and mt.starts_at <= now), 0
            )
            for meeting in rows:
                start = meeting.starts_at
                item = QListWidgetItem(
                    f"{start.strftime('%Y-%m-%d') if start else '—'}  {meeting.title}"
                )
                item.setData(Qt.ItemDataRole.UserRole, meeting.id)
                self.meetings.addItem(item)
        self.meetings.blockSignals(False)
        if self.meetings.count():  # notes are written after a meeting: the latest held one
            self.meetings.setCurrentRow(first_past if client_id is not None else 0)
        self._show(self.meetings.currentItem())

    def select_meeting(self, meeting_id: int) -> bool:
        for i in range(self.meetings.count()):
            if self.meetings.item(i).data(Qt.ItemDataRole.UserRole) == meeting_id:
                self.meetings.setCurrentRow(i)
                return True
        return False

    def _meeting_id(self) -> int | None:
        item = self.meetings.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _show(self, item: QListWidgetItem | None) -> None:
        meeting_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.notes = editing.notes_id(self.db, meeting_id) if meeting_id is not None else None
        has = self.notes is not None
        self.empty.setVisible(not has and meeting_id is not None)
        self.no_meetings.setVisible(self.client_id is not None and not self.meetings.count())
        self.write_button.setVisible(not has and meeting_id is not None)
        self.scroll_area.setVisible(has)
        self.export_button.setVisible(has)
        self.form.show_row(self.notes)
        self.next_form.show_row(self.notes)
        self.action_list.load(self.notes)
        self._show_present(meeting_id)
        verdicts = editing.self_review(self.db, self.notes) if self.notes is not None else {}
        comments = editing.review_comments(self.db, self.notes) if self.notes is not None else {}
        for number, combo in self.review.items():
            combo.setCurrentIndex(max(0, combo.findData(verdicts.get(number))))
            self.comments[number].setText(comments.get(number, ""))
            self.comments[number].setCursorPosition(0)  # show the start of a long comment
            self.comments[number].setEnabled(number in verdicts)
        self.review_error.hide()

    def _show_present(self, meeting_id: int | None) -> None:
        """The client's people, the invited first; ticked if they were there."""
        self.present.blockSignals(True)
        self.present.clear()
        if self.notes is not None and meeting_id is not None and self.client_id is not None:
            here = set(editing.present(self.db, self.notes))
            invited = reading.attendee_ids(self.db, meeting_id)
            people = reading.people(self.db, self.client_id)
            people.sort(key=lambda p: p.id not in invited)
            for person in people:
                label = person.name if person.id in invited else self.tr("{name} (not invited)")
                item = QListWidgetItem(label.format(name=person.name))
                item.setData(Qt.ItemDataRole.UserRole, person.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                checked = person.id in here
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                self.present.addItem(item)
        self.present.blockSignals(False)

    def present_ids(self) -> list[int]:
        return [
            self.present.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.present.count())
            if self.present.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _present_changed(self, _item: QListWidgetItem) -> None:
        notes = self.notes
        if notes is None:
            return
        new, old = self.present_ids(), editing.present(self.db, notes)
        if set(new) == set(old):
            return
        self.undo_stack.push(
            ActionCommand(
                self.tr("Who was present"),
                lambda: editing.set_present(self.db, notes, new),
                lambda: editing.set_present(self.db, notes, old),
                self._after,
            )
        )

    def _comment_changed(self, number: int) -> None:
        notes = self.notes
        if notes is None:
            return
        new = self.comments[number].text().strip() or None
        old = editing.review_comments(self.db, notes).get(number)
        if new == old:
            return
        try:
            editing.validate(m.SelfReview, "comment", new)
        except KamdeskError as exc:
            self.review_error.setText(str(exc))
            self.review_error.show()
            return
        self.undo_stack.push(
            ActionCommand(
                self.tr("Self-review comment {n}").format(n=number),
                lambda: editing.set_review_comment(self.db, notes, number, new),
                lambda: editing.set_review_comment(self.db, notes, number, old),
                self._after,
            )
        )

    def ask_export(self) -> None:
        item = self.meetings.currentItem()
        if item is None or self.notes is None:
            return
        meeting = reading.row(self.db, m.Meeting, item.data(Qt.ItemDataRole.UserRole))
        client = reading.row(self.db, m.Client, self.client_id) if self.client_id else None
        path = saving.ask_path(
            self,
            self.tr("Export the notes"),
            file_name(
                [
                    client.name if client else None,
                    meeting.title if meeting else None,
                    self.tr("notes"),
                ],
                "pdf",
            ),
            "PDF (*.pdf);;Word (*.docx);;Markdown (*.md);;E-mail draft (*.eml)",
        )
        if path is not None:
            self.export(path)

    def export(self, path: Path) -> None:
        """Write the notes of the selected meeting; the format follows the file's extension."""
        from kamdesk.core.documents import notes_export
        from kamdesk.core.files import write_bytes_atomically

        self.form.flush()  # what was typed a moment ago goes out too
        self.next_form.flush()
        meeting_id = self._meeting_id()
        fmt = path.suffix.lower().lstrip(".")
        if meeting_id is None or fmt not in notes_export.FORMATS:
            QMessageBox.warning(
                self, self.tr("Not exported"), self.tr("Choose a .pdf, .docx, .md or .eml file.")
            )
            return
        prefs = self.current_settings()
        try:
            data = reading.notes(self.db, meeting_id)
            content = notes_export.export(data, fmt, prefs.locale, sender=prefs.kam_name)
            if fmt == "eml" and not self.confirm_email(data, content):
                return
            write_bytes_atomically(path, content)
        except KamdeskError as exc:
            QMessageBox.critical(self, self.tr("Not exported"), str(exc))
            return
        saving.announce_saved(self, path)

    def confirm_email(self, data: Any, content: bytes) -> bool:
        """Show what the e-mail draft holds (read back from ``content``); True: write it."""
        from kamdesk.core.documents.notes_export import describe_eml
        from kamdesk.gui.dialogs.email_preview import EmailPreviewDialog

        self.email_preview = EmailPreviewDialog(describe_eml(content), data.left_out(), self)
        return self.email_preview.exec() == EmailPreviewDialog.DialogCode.Accepted

    def write_notes(self) -> None:
        meeting_id = self._meeting_id()
        if meeting_id is None:
            return
        editing.notes_id(self.db, meeting_id, create=True)
        self._show(self.meetings.currentItem())
        self.sig_changed.emit()
        self.form.fields["summary"].widget.setFocus()

    def _review_changed(self, number: int) -> None:
        notes = self.notes
        if notes is None:
            return
        combo = self.review[number]
        new = combo.currentData()
        old = editing.self_review(self.db, notes).get(number)
        if new == old:
            return
        old_comment = editing.review_comments(self.db, notes).get(number)

        def apply(value: Any) -> None:
            editing.set_self_review(self.db, notes, number, value)
            if value == old and old_comment:  # undoing a clear: the comment comes back too
                editing.set_review_comment(self.db, notes, number, old_comment)

        self.undo_stack.push(
            ActionCommand(
                self.tr("Self-review {n}").format(n=number),
                lambda: apply(new),
                lambda: apply(old),
                self._after,
            )
        )

    def _after(self) -> None:
        self._show(self.meetings.currentItem())
        self.sig_changed.emit()
