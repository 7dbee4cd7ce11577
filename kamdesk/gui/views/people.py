"""The client's people: a list beside a form editing every person field in place.

Where each person's facts come from and the legal basis for keeping them sit at the top of the
form. Two personal-data rights act on the selected person (core.privacy): "Export everything
about this person…" (JSON or PDF, by the file's extension) and "Erase this person…" (a dialog
asking why; not undoable, so the undo stack is cleared afterwards: none of its commands may
bring back, or still hold, what was erased).

Signals:
    sig_changed(): a person was added, edited, deleted, erased, or an edit was undone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import privacy, reading, settings
from kamdesk.core.account import editing
from kamdesk.core.errors import KamdeskError
from kamdesk.core.model import labels
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database
from kamdesk.gui import operations
from kamdesk.gui.dialogs.erase_person import ErasePersonDialog
from kamdesk.gui.operations import Runner
from kamdesk.gui.widgets.listeditor import Column, ListEditor
from kamdesk.gui.widgets.recordform import RecordForm
from kamdesk.gui.workers import SyncRunner


class _AddPerson(QUndoCommand):
    def __init__(self, view: PeopleView, client_id: int, name: str):
        super().__init__(view.tr("Add {name}").format(name=name))
        self.view, self.client_id, self.name = view, client_id, name
        self.person_id: int | None = None
        self.snapshot: editing.Snapshot | None = None
        self.error: KamdeskError | None = None

    def redo(self) -> None:
        try:
            if self.snapshot is None:
                self.person_id = editing.add_stakeholder(self.view.db, self.client_id, self.name)
            else:
                editing.restore(self.view.db, self.snapshot)
        except KamdeskError as exc:
            self.error = exc
            self.setObsolete(True)
        self.view.refresh(select_id=self.person_id, changed=True)

    def undo(self) -> None:
        assert self.person_id is not None
        self.snapshot = editing.delete_stakeholder(self.view.db, self.person_id)
        self.view.refresh(changed=True)


class _DeletePerson(QUndoCommand):
    def __init__(self, view: PeopleView, person_id: int, name: str):
        super().__init__(view.tr("Delete {name}").format(name=name))
        self.view, self.person_id = view, person_id
        self.snapshot: editing.Snapshot | None = None

    def redo(self) -> None:
        self.snapshot = editing.delete_stakeholder(self.view.db, self.person_id)
        self.view.refresh(changed=True)

    def undo(self) -> None:
        assert self.snapshot is not None
        editing.restore(self.view.db, self.snapshot)
        self.view.refresh(select_id=self.person_id, changed=True)


class PeopleView(QWidget):
    sig_changed = Signal()

    def __init__(
        self,
        db: Database,
        undo_stack: QUndoStack,
        runner: Runner | None = None,
        parent: QWidget | None = None,
        *,
        current_settings: Callable[[], settings.Settings] = settings.current,
    ):
        super().__init__(parent)
        self.db, self.undo_stack = db, undo_stack
        self.runner: Runner = runner or SyncRunner()
        self.current_settings = current_settings  # the window's settings, read when needed
        self.client_id: int | None = None
        self.erase_dialog: ErasePersonDialog | None = None
        self._build()
        self._connect_signals()

    def _build(self) -> None:
        tr = self.tr
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget(left)
        self.list.setAccessibleName(tr("People of the client"))
        self.empty_hint = QLabel(
            tr(
                "No people yet. Add the decision makers, VIPs and KOLs with Add person…, or "
                "bring them in from contacts (File › Import people)."
            ),
            left,
        )
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setEnabled(False)
        self.empty_hint.hide()
        # each person on two lines, the name first and whole, the position under it (wrapped
        # to the width): no sideways scrolling to find who someone is
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setSpacing(3)  # one person from the next
        buttons = QHBoxLayout()
        self.add_button = QPushButton(tr("Add person…"))
        self.delete_button = QPushButton(tr("Delete"))
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        rights = QVBoxLayout()
        self.export_button = QPushButton(tr("Export everything about this person…"))
        self.export_button.setToolTip(
            tr("Everything kept about them, as JSON or a readable PDF (to answer their request)")
        )
        self.erase_button = QPushButton(tr("Erase this person…"))
        self.erase_button.setToolTip(tr("Remove them for good, with a recorded reason"))
        rights.addWidget(self.export_button)
        rights.addWidget(self.erase_button)
        self.status = QLabel(left)
        self.status.setWordWrap(True)
        left_layout.addWidget(self.empty_hint)
        left_layout.addWidget(self.list)
        left_layout.addLayout(buttons)
        left_layout.addLayout(rights)
        left_layout.addWidget(self.status)

        form = RecordForm(self.db, m.Stakeholder, self.undo_stack, self)
        self.form = form
        form.add_line("name", tr("Name"))
        # Where the personal facts come from, and why we may keep them: first, not last.
        form.add_choice(
            "info_source", tr("Source of personal facts"), labels.choices(labels.info_source)
        )
        basis = form.add_text("legal_basis", tr("Legal basis for keeping them"), height=48)
        basis.setPlaceholderText(
            tr("e.g. consent given on …; or legitimate interest: business contact details")
        )
        form.add_line("position", tr("Position"))
        form.add_line("department", tr("Department"))
        form.add_line("email", tr("E-mail"))
        form.add_line("phone", tr("Phone"))
        form.add_bool("vip", tr("VIP"))
        form.add_bool("kol", tr("KOL (key opinion leader)"))
        form.add_choice(
            "buying_role", tr("Role in the decision"), labels.choices(labels.buying_role)
        )
        form.add_choice("attitude", tr("Attitude to us"), labels.choices(labels.attitude))
        form.add_int("influence", tr("Influence (1–5)"), 1, 5)
        form.add_choice("stage", tr("Relationship stage"), labels.choices(labels.stage))
        form.add_choice("target_stage", tr("Target stage"), labels.choices(labels.stage))
        form.add_date("last_contact_on", tr("Last contact"))
        form.add_int("contact_every_days", tr("Keep in touch every"), 1, 3650, tr("days"))
        form.add_line("form_of_address", tr("Form of address"))
        form.add_line("pronunciation", tr("Pronunciation"))
        form.add_line("language", tr("Preferred language"))
        form.add_text("etiquette", tr("Etiquette"))
        form.add_text("communication_style", tr("Communication style"))
        form.add_text("interests", tr("Interests"))
        form.add_text("competitor_affinity", tr("Ties to competitors"))
        form.add_text("personal_notes", tr("Personal notes"))
        self.steps = ListEditor(
            self.db,
            m.RelationshipStep,
            [
                Column("step", tr("Step")),
                Column("due", tr("Due"), "date", width=100),
                Column("done", tr("Done"), "bool", width=60),
            ],
            tr("Relationship plan"),
            self.undo_stack,
            lambda pid: {"stakeholder_id": pid, "step": tr("Next step")},
            self,
        )
        self.steps.setMinimumHeight(160)
        host = QWidget(self)
        host_layout = QVBoxLayout(host)
        host_layout.addWidget(form)
        host_layout.addWidget(self.steps)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(host)
        self.scroll_area = scroll

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setSizes([300, 700])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def _connect_signals(self) -> None:
        self.list.currentItemChanged.connect(lambda item, _prev: self._show_person(self._id(item)))
        self.steps.sig_changed.connect(self.sig_changed)
        self.add_button.clicked.connect(self.ask_add)
        self.delete_button.clicked.connect(self.ask_delete)
        self.export_button.clicked.connect(self.ask_export)
        self.erase_button.clicked.connect(self.ask_erase)
        self.form.sig_changed.connect(self._edited)

    def _show_person(self, person_id: int | None) -> None:
        self.form.show_row(person_id)
        self.steps.load(person_id)

    @staticmethod
    def _id(item: QListWidgetItem | None) -> int | None:
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def set_client(self, client_id: int | None) -> None:
        self.form.flush()
        self.client_id = client_id
        self.refresh()

    def refresh(self, select_id: int | None = None, changed: bool = False) -> None:
        """Re-read the list; ``changed`` says the dossier changed (not just the client shown)."""
        current = select_id if select_id is not None else self._id(self.list.currentItem())
        self.list.blockSignals(True)
        self.list.clear()
        if self.client_id is not None:
            people = reading.people(self.db, self.client_id)
            for person in people:
                marks = " ".join(b for b, on in (("VIP", person.vip), ("KOL", person.kol)) if on)
                label = person.name + (f"  [{marks}]" if marks else "")
                if person.position:
                    label += f"\n{person.position}"
                item = QListWidgetItem(label)
                item.setToolTip(label)
                item.setData(Qt.ItemDataRole.UserRole + 2, person.name)
                item.setData(Qt.ItemDataRole.UserRole, person.id)
                item.setData(Qt.ItemDataRole.UserRole + 1, person.key)
                self.list.addItem(item)
        self.list.blockSignals(False)
        row = next(
            (i for i in range(self.list.count()) if self._id(self.list.item(i)) == current), 0
        )
        if self.list.count():
            self.list.setCurrentRow(row)
            self._show_person(self._id(self.list.currentItem()))
        else:
            self._show_person(None)
        for button in (self.delete_button, self.export_button, self.erase_button):
            button.setEnabled(self.list.count() > 0)
        self.empty_hint.setVisible(self.client_id is not None and not self.list.count())
        self.add_button.setEnabled(self.client_id is not None and not self.db.readonly)
        self._fit_list()
        if changed:
            self.sig_changed.emit()

    def _fit_list(self) -> None:
        """Widen the list (up to half the tab) until the longest name line fits whole."""
        metrics = self.list.fontMetrics()
        widest = max(
            (
                metrics.horizontalAdvance(self.list.item(i).text().split("\n")[0])
                for i in range(self.list.count())
            ),
            default=0,
        )
        # the item's padding, the frame and a vertical scroll bar
        chrome = 24 + 2 * self.list.frameWidth() + self.list.verticalScrollBar().sizeHint().width()
        left, right = self.splitter.sizes()
        wanted = min(widest + chrome, (left + right) // 2)
        if wanted > left:
            self.splitter.setSizes([wanted, left + right - wanted])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_list()

    def _edited(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.refresh(select_id=self._id(item), changed=True)

    def select_person(self, key: str, column: str | None = None) -> bool:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole + 1) == key:
                self.list.setCurrentRow(i)
                field = self.form.fields.get(column or "")
                if field is not None:
                    field.widget.setFocus(Qt.FocusReason.OtherFocusReason)
                    self.scroll_area.ensureWidgetVisible(field.widget)
                return True
        return False

    def ask_add(self) -> None:
        if self.client_id is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("Add a person"), self.tr("Name:"))
        if ok and name.strip():
            self.add_person(name.strip())

    def add_person(self, name: str) -> None:
        assert self.client_id is not None
        command = _AddPerson(self, self.client_id, name)
        self.undo_stack.push(command)
        if command.error is not None:
            QMessageBox.warning(self, self.tr("Not added"), str(command.error))

    def ask_delete(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        name = item.data(Qt.ItemDataRole.UserRole + 2)
        answer = QMessageBox.question(
            self,
            self.tr("Delete this person?"),
            self.tr(
                "Delete {name} with their relationship plan, relations and meeting attendances? "
                "You can undo this (Ctrl+Z)."
            ).format(name=name),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_person(self._id(item), name)

    def delete_person(self, person_id: int | None, name: str) -> None:
        if person_id is not None:
            self.undo_stack.push(_DeletePerson(self, person_id, name))

    # -- personal-data rights --

    def _current(self) -> tuple[int, str] | None:
        item = self.list.currentItem()
        person_id = self._id(item)
        if item is None or person_id is None:
            return None
        return person_id, item.data(Qt.ItemDataRole.UserRole + 1)

    def ask_export(self) -> None:
        current = self._current()
        if current is None:
            return
        name, chosen = QFileDialog.getSaveFileName(
            self,
            self.tr("Export everything about this person"),
            f"{current[1]}.pdf",
            self.tr("PDF (*.pdf);;JSON (*.json)"),
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() not in privacy.EXPORT_SUFFIXES:
            path = path.with_name(path.name + (".json" if "json" in chosen.lower() else ".pdf"))
        self.export_person(path)

    def export_person(self, path: Path) -> None:
        """Write the selected person's export: JSON here, a PDF on the view's runner (off the
        GUI thread in the app)."""
        from kamdesk.core.files import write_atomically

        current = self._current()
        if current is None:
            return
        self.form.flush()
        try:
            data = reading.person_export(self.db, current[0])
            if path.suffix.lower() == ".json":
                write_atomically(path, privacy.to_json(data))
                self._exported(path)
                return
            html = privacy.render_html(data, self.current_settings())
        except KamdeskError as exc:
            self._export_failed(exc)
            return
        self.export_button.setEnabled(False)
        self.status.setText(self.tr("Making the PDF…"))
        operations.save_pdf(self.runner, lambda: html, path, self._exported, self._export_failed)

    def _exported(self, path: Path) -> None:
        self.export_button.setEnabled(self.list.count() > 0)
        self.status.setText(self.tr("Saved {path}").format(path=path))

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(self.list.count() > 0)
        self.status.setText("")
        operations.show_failure(self, self.tr("The export could not be made"), exc)

    def ask_erase(self) -> ErasePersonDialog | None:
        """Open the erasure dialog for the selected person (window-modal; returned for tests)."""
        current = self._current()
        if current is None:
            return None
        self.form.flush()
        person_id = current[0]
        plan = reading.erasure_preview(self.db, person_id, privacy.default_backups(self.db.path))
        dialog = ErasePersonDialog(
            plan,
            lambda reason, done, failed: self.start_erase(person_id, reason, done, failed),
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_args: setattr(self, "erase_dialog", None))
        self.erase_dialog = dialog
        dialog.open()
        return dialog

    def start_erase(
        self,
        person_id: int,
        reason: str,
        done: Callable[[privacy.ErasureResult], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Erase for good, on the view's runner (the worker thread in the app: compacting a
        large file takes seconds; the dialog stays modal meanwhile); ``done``/``failed`` are called
        on the GUI thread. A refused reason fails with FieldError and erases nothing. Not
        undoable: the undo stack is cleared, so that no command brings the person back or
        keeps their old values in memory."""
        db = self.db
        self.form.show_row(None)

        def work() -> privacy.ErasureResult:
            return privacy.erase(db, person_id, reason)

        def ok(result: privacy.ErasureResult) -> None:
            self.undo_stack.clear()
            self.refresh(changed=True)
            done(result)

        def bad(exc: BaseException) -> None:
            self.refresh(select_id=person_id)
            failed(exc)

        self.runner.run(work, ok, bad)
