"""Importing a client's people from a vCard or CSV file: choose the file, check how it was
read (format, encoding, delimiter, and for CSV which column is which), see what will be created
or updated and which rows are bad, then import. Nothing is written before Import.

Reading and planning run on the GUI thread: files are capped at 20 MB.

Use::

    dialog = ImportPeopleDialog(db, client_id, path=None, parent=window)
    if dialog.exec():
        print(dialog.summary)  # an ImportSummary

Signals:
    sig_imported(object): the import was written; the argument is the ImportSummary.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core.errors import InvalidInput, KamdeskError
from kamdesk.core.interchange.people.csvfile import remap
from kamdesk.core.interchange.people.files import read_contacts
from kamdesk.core.interchange.people.importer import (
    ImportPlan,
    ImportSummary,
    PlanItem,
    apply_import,
    plan_import,
)
from kamdesk.core.interchange.people.model import ENCODING_CHOICES, ContactFile
from kamdesk.core.interchange.people.presets import MAPPABLE, PRESETS
from kamdesk.core.storage.db import Database

CUSTOM = "__custom__"


class ImportPeopleDialog(QDialog):
    sig_imported = Signal(object)

    COLUMNS = ("action", "line", "name", "email", "match", "changes")

    def __init__(
        self,
        db: Database,
        client_id: int,
        path: Path | str | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.db, self.client_id = db, client_id
        self.path: Path | None = None
        self.contact_file: ContactFile | None = None
        self.plan: ImportPlan | None = None
        self.summary: ImportSummary | None = None
        self._encoding: str | None = None
        tr = self.tr
        self.setWindowTitle(tr("Import people"))
        layout = QVBoxLayout(self)

        row = QHBoxLayout()
        row.addWidget(QLabel(tr("File:")))
        self.file_edit = QLineEdit(self)
        self.file_edit.setReadOnly(True)
        self.file_edit.setAccessibleName(tr("File to import"))
        self.file_edit.setPlaceholderText(tr("A vCard (.vcf) or CSV file"))
        row.addWidget(self.file_edit, 1)
        self.choose_button = QPushButton(tr("Choose…"), self)
        self.choose_button.clicked.connect(self.choose_file)
        row.addWidget(self.choose_button)
        layout.addLayout(row)

        row = QHBoxLayout()
        self.info = QLabel(self)
        self.info.setAccessibleName(tr("How the file was read"))
        self.info.setWordWrap(True)
        row.addWidget(self.info, 1)
        row.addWidget(QLabel(tr("Encoding:")))
        self.encoding_combo = QComboBox(self)
        self.encoding_combo.setAccessibleName(tr("Encoding"))
        self.encoding_combo.addItem(tr("Detect"), None)
        for codec, label in ENCODING_CHOICES:
            self.encoding_combo.addItem(label, codec)
        self.encoding_combo.currentIndexChanged.connect(self._encoding_chosen)
        row.addWidget(self.encoding_combo)
        layout.addLayout(row)

        self.columns_box = QGroupBox(tr("Columns"), self)
        grid = QGridLayout(self.columns_box)
        self.preset_combo = QComboBox(self.columns_box)
        self.preset_combo.setAccessibleName(tr("Column preset"))
        for name, preset in PRESETS.items():
            self.preset_combo.addItem(preset.label, name)
        self.preset_combo.addItem(tr("Custom (choose below)"), CUSTOM)
        self.preset_combo.currentIndexChanged.connect(self._preset_chosen)
        grid.addWidget(QLabel(tr("Preset:")), 0, 0)
        grid.addWidget(self.preset_combo, 0, 1, 1, 3)
        labels = {
            "name": tr("Full name"),
            "first_name": tr("First name"),
            "middle_name": tr("Middle name"),
            "last_name": tr("Last name"),
            "position": tr("Position"),
            "department": tr("Department"),
            "email": tr("E-mail"),
            "phone": tr("Phone"),
            "language": tr("Language"),
        }
        self.column_combos: dict[str, QComboBox] = {}
        self._left_out: set[str] = set()  # fields the user set to no column
        for n, field in enumerate(MAPPABLE):
            combo = QComboBox(self.columns_box)
            combo.setAccessibleName(tr("Column for %s") % labels[field])
            combo.currentIndexChanged.connect(lambda _i, f=field: self._column_chosen(f))
            self.column_combos[field] = combo
            grid_row, grid_column = 1 + n // 2, 2 * (n % 2)
            caption = QLabel(labels[field] + ":", self.columns_box)
            caption.setBuddy(combo)
            grid.addWidget(caption, grid_row, grid_column)
            grid.addWidget(combo, grid_row, grid_column + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.columns_box.hide()
        layout.addWidget(self.columns_box)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.table = QTableWidget(0, len(self.COLUMNS), splitter)
        self.table.setAccessibleName(tr("Preview"))
        self.table.setHorizontalHeaderLabels(
            [tr("Action"), tr("Line"), tr("Name"), tr("E-mail"), tr("Matches"), tr("Changes")]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        bad_page = QWidget(splitter)
        bad_layout = QVBoxLayout(bad_page)
        bad_layout.setContentsMargins(0, 0, 0, 0)
        self.bad_label = QLabel(bad_page)
        bad_layout.addWidget(self.bad_label)
        self.bad_rows = QListWidget(bad_page)
        self.bad_rows.setAccessibleName(tr("Bad rows (not imported)"))
        bad_layout.addWidget(self.bad_rows)
        splitter.addWidget(self.table)
        splitter.addWidget(bad_page)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

        self.counts = QLabel(self)
        self.counts.setAccessibleName(tr("What the import will do"))
        layout.addWidget(self.counts)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        layout.addWidget(self.error)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, parent=self)
        self.import_button = self.buttons.addButton(
            tr("Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(900, 680)
        self._refresh()
        if path is not None:
            self.load(path)

    # --- reading --------------------------------------------------------------------------

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import people"),
            str(self.path.parent) if self.path else "",
            self.tr("Contacts (*.vcf *.vcard *.csv *.tsv *.txt);;All files (*)"),
        )
        if name:
            self.load(name)

    def load(self, path: Path | str) -> None:
        """Read a file (its encoding detected again) and show the preview."""
        self.path = Path(path)
        self.file_edit.setText(str(self.path))
        self._encoding = None
        self.encoding_combo.blockSignals(True)
        self.encoding_combo.setCurrentIndex(0)
        self.encoding_combo.blockSignals(False)
        self._read(None)

    def set_encoding(self, codec: str | None) -> None:
        """Read the file again in this encoding (None: detect)."""
        index = self.encoding_combo.findData(codec)
        if index >= 0:
            self.encoding_combo.setCurrentIndex(index)

    def set_preset(self, name: str) -> None:
        index = self.preset_combo.findData(name)
        if index >= 0:
            self.preset_combo.setCurrentIndex(index)

    def set_column(self, field: str, header: str | None) -> None:
        """Read ``field`` from the column ``header`` (None: from no column)."""
        combo = self.column_combos[field]
        index = combo.findData(header)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _encoding_chosen(self) -> None:
        self._encoding = self.encoding_combo.currentData()
        if self.path is not None:
            mapping = self._current_mapping() if self.contact_file is not None else None
            self._read(mapping)

    def _read(self, mapping: str | dict[str, list[str]] | None) -> None:
        self.contact_file, self.plan = None, None
        self._show_error(None)
        assert self.path is not None
        try:
            found = read_contacts(self.path, encoding=self._encoding)
            if mapping is not None and found.table is not None:
                found = remap(found, mapping)
        except InvalidInput as exc:
            self._show_error(self._explain(exc))
        except KamdeskError as exc:
            self._show_error(str(exc))
        else:
            self.contact_file = found
            self._fill_columns()
            self._plan()
        self._refresh()

    def _explain(self, exc: InvalidInput) -> str:
        return "\n".join(
            [self.tr("This file cannot be imported:")] + [str(p) for p in exc.problems]
        )

    def _fill_columns(self) -> None:
        """Show the CSV header in the column combos, set as the current mapping says."""
        found = self.contact_file
        is_csv = found is not None and found.table is not None
        self.columns_box.setVisible(is_csv)
        if found is None or found.table is None:
            return
        header = [h for h in found.table.header if h]
        for field, combo in self.column_combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("—", None)
            for h in header:
                combo.addItem(h, h)
            chosen = found.mapping.get(field, [])
            combo.setCurrentIndex(max(0, combo.findData(chosen[0])) if chosen else 0)
            if len(chosen) > 1:
                combo.setToolTip(self.tr("The preset also reads: %s") % ", ".join(chosen[1:]))
            else:
                combo.setToolTip("")
            combo.blockSignals(False)
        self.preset_combo.blockSignals(True)
        self.preset_combo.setCurrentIndex(self.preset_combo.findData(found.preset or CUSTOM))
        self.preset_combo.blockSignals(False)

    def _current_mapping(self) -> str | dict[str, list[str]] | None:
        found = self.contact_file
        if found is None or found.table is None:
            return None
        if found.preset is not None:
            return found.preset
        return dict(found.mapping)

    def _preset_chosen(self) -> None:
        name = self.preset_combo.currentData()
        if self.contact_file is None or self.contact_file.table is None or name == CUSTOM:
            return
        self._remap(name)

    def _column_chosen(self, field: str) -> None:
        if self.contact_file is None or self.contact_file.table is None:
            return
        chosen: dict[str, list[str] | None] = dict(self.contact_file.mapping)
        header = self.column_combos[field].currentData()
        if header is None:
            self._left_out.add(field)
        else:
            self._left_out.discard(field)
            chosen[field] = [header]
        # a field left out by hand stays out (e-mail columns are otherwise found and kept)
        chosen.update(dict.fromkeys(self._left_out))
        self._remap(chosen)

    def _remap(self, mapping: str | Mapping[str, list[str] | None]) -> None:
        assert self.contact_file is not None
        if isinstance(mapping, str):  # a preset chosen: its columns, nothing left out
            self._left_out.clear()
        self._show_error(None)
        try:
            self.contact_file = remap(self.contact_file, mapping)
        except KamdeskError as exc:
            self._show_error(str(exc))
            return
        self._fill_columns()
        self._plan()
        self._refresh()

    def _plan(self) -> None:
        self.plan = None
        if self.contact_file is None:
            return
        try:
            self.plan = plan_import(self.db, self.client_id, self.contact_file.candidates)
        except KamdeskError as exc:
            self._show_error(str(exc))

    # --- showing ----------------------------------------------------------------------------

    def _show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    def _describe(self, found: ContactFile) -> str:
        tr = self.tr
        if found.kind == "vcard":
            parts = [
                tr("vCard"),
                (
                    tr("%n card", "", found.records)
                    if found.records == 1
                    else tr("%n cards", "", found.records)
                ),
            ]
        else:
            delimiter = {",": tr("comma"), ";": tr("semicolon"), "\t": tr("tab")}.get(
                found.delimiter or ",", found.delimiter or ","
            )
            parts = [
                tr("CSV"),
                (
                    tr("%n row", "", found.records)
                    if found.records == 1
                    else tr("%n rows", "", found.records)
                ),
                tr("delimiter: %s") % delimiter,
            ]
            if found.preset:
                parts.append(tr("columns: %s") % PRESETS[found.preset].label)
        parts.append(tr("encoding: %s") % found.encoding)
        return " · ".join(parts)

    def _refresh(self) -> None:
        tr = self.tr
        found, plan = self.contact_file, self.plan
        self.info.setText(self._describe(found) if found else tr("No file read yet."))
        self.table.setRowCount(0)
        self.bad_rows.clear()
        if found is not None and found.needs_mapping:
            self.counts.setText(
                tr("No preset matches this file's header: choose the column holding the names.")
            )
        if plan is not None:
            actions = {"create": tr("New"), "update": tr("Update"), "skip": tr("Unchanged")}
            self.table.setRowCount(len(plan.items))
            for row, item in enumerate(plan.items):
                c = item.candidate
                match = ""
                if item.existing_id is not None:
                    match = f"{item.existing_name} ({item.existing_key})"
                lines = ", ".join(str(n) for n in item.lines)
                values = (
                    actions[item.action],
                    lines,
                    c.name,
                    c.email or "",
                    match,
                    self._changes(item),
                )
                for column, text in enumerate(values):
                    cell = QTableWidgetItem(text)
                    if column == 1:
                        cell.setData(Qt.ItemDataRole.UserRole, item.lines[0])
                    self.table.setItem(row, column, cell)
            self.table.resizeColumnsToContents()
            if not (found is not None and found.needs_mapping):
                self.counts.setText(self._counts(plan))
        elif found is None:
            self.counts.setText("")
        problems = found.problems if found else []
        for problem in problems:
            self.bad_rows.addItem(str(problem))
        bad = len(problems)
        if bad == 0:
            self.bad_label.setText(tr("No bad rows."))
        elif bad == 1:
            self.bad_label.setText(tr("%n bad row, not imported:", "", bad))
        else:
            self.bad_label.setText(tr("%n bad rows, not imported:", "", bad))
        self.import_button.setEnabled(plan is not None and plan.writes)

    def _changes(self, item: PlanItem) -> str:
        tr = self.tr
        labels = {
            "name": tr("name"),
            "position": tr("position"),
            "department": tr("department"),
            "email": tr("e-mail"),
            "phone": tr("phone"),
            "language": tr("language"),
        }
        if item.action == "skip":
            text = tr("nothing new")
        elif item.action == "create":
            text = "; ".join(
                f"{labels[ch.field]}: {ch.new}" for ch in item.changes if ch.field != "name"
            )
        else:
            text = "; ".join(
                f"{labels[ch.field]}: {ch.old or '—'} → {ch.new}" for ch in item.changes
            )
        if item.merged:
            text += (" · " if text else "") + (
                tr("%n duplicate merged", "", item.merged)
                if item.merged == 1
                else tr("%n duplicates merged", "", item.merged)
            )
        return text

    def _counts(self, plan: ImportPlan) -> str:
        tr = self.tr
        text = (
            tr("%1 new, %2 updated, %3 unchanged")
            .replace("%1", str(plan.count("create")))
            .replace("%2", str(plan.count("update")))
            .replace("%3", str(plan.count("skip")))
        )
        if plan.merged:
            text += ", " + (
                tr("%n duplicate merged", "", plan.merged)
                if plan.merged == 1
                else tr("%n duplicates merged", "", plan.merged)
            )
        if not plan.writes:
            text += ". " + tr("Nothing to import.")
        return text

    # --- importing ---------------------------------------------------------------------------

    def accept(self) -> None:
        if self.plan is None or not self.plan.writes:
            return
        try:
            self.summary = apply_import(self.db, self.client_id, self.plan)
        except KamdeskError as exc:
            self._plan()  # show what the file would do now
            self._refresh()
            self._show_error(str(exc))
            return
        self.sig_imported.emit(self.summary)
        super().accept()
