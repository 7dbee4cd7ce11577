"""Preparing one meeting: the form, the live checklist, the leave-by time, and the brief.

Every change is saved on its own (debounced) through an undoable command; a value the field
cannot take is explained beside it and not saved. The checklist is recomputed after each save.

Signals:
    sig_changed(): something of the meeting was saved (or undone).
    sig_outside_target(str): the checklist points at a field outside this form (a person, the
        client, a product); the main window opens it.
    sig_brief_done(str): a brief rendered on the worker was previewed, saved or printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import reading, settings
from kamdesk.core.account import confirmations, editing
from kamdesk.core.account.editing import FieldError
from kamdesk.core.documents import brief
from kamdesk.core.errors import KamdeskError
from kamdesk.core.filenames import file_name
from kamdesk.core.meeting import readiness
from kamdesk.core.meeting.context import MeetingContext
from kamdesk.core.model import labels
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database
from kamdesk.gui import operations, saving
from kamdesk.gui.operations import Runner
from kamdesk.gui.widgets.checklist import ChecklistPanel
from kamdesk.gui.widgets.listeditor import Column, ListEditor
from kamdesk.gui.widgets.recordform import Field, FieldCommand, add_field_row

UNSET_DATE = QDateTime(2000, 1, 1, 0, 0, 0)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _text_writer(box: QPlainTextEdit) -> Callable[[str | None], None]:
    def write(value: str | None) -> None:
        box.setPlainText(value or "")

    return write


def _line_writer(edit: QLineEdit) -> Callable[[str | None], None]:
    """A one-line field shows the start of its text (setText leaves the cursor at its end,
    scrolled to the tail: "…rollout for 800 employees")."""

    def write(value: str | None) -> None:
        edit.setText(value or "")
        edit.setCursorPosition(0)

    return write


def _lines_reader(box: QPlainTextEdit) -> Callable[[], list[str]]:
    return lambda: _lines(box.toPlainText())


def _lines_writer(box: QPlainTextEdit) -> Callable[[list[str] | None], None]:
    def write(value: list[str] | None) -> None:
        box.setPlainText("\n".join(value or []))

    return write


class LessonsEditor(QWidget):
    """What you will do differently this time: one line per mistake the last meeting's
    self-review marked as a slip (and any lesson already written).

    Signals:
        sig_edited(): a line was typed in.
    """

    sig_edited = Signal()

    def __init__(self, slips: dict[int, str], parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.lines: dict[int, QLineEdit] = {}
        for number, comment in sorted(slips.items()):
            title = readiness.mistake_title(number)
            said = self.tr("{n}. {mistake}").format(n=number, mistake=title)
            if comment:
                said += " — " + self.tr("you noted: {comment}").format(comment=comment)
            caption = QLabel(said, self)
            caption.setWordWrap(True)
            line = QLineEdit(self)
            line.setObjectName(f"lesson_{number}")
            line.setAccessibleName(self.tr("This time, on {mistake}").format(mistake=title))
            line.setPlaceholderText(self.tr("What you will do differently this time"))
            line.textEdited.connect(self.sig_edited)
            layout.addWidget(caption)
            layout.addWidget(line)
            self.lines[number] = line

    def value(self) -> dict[str, str]:
        return {str(n): line.text() for n, line in self.lines.items() if line.text().strip()}

    def set_value(self, lessons: dict[str, str] | None) -> None:
        for number, line in self.lines.items():
            line.setText((lessons or {}).get(str(number), ""))


class MeetingWorkspace(QWidget):
    sig_changed = Signal()
    sig_outside_target = Signal(str)
    sig_brief_done = Signal(str)  # the purpose ("preview", "save", "print") once handled

    def __init__(
        self,
        db: Database,
        meeting_key: str,
        undo_stack: QUndoStack,
        runner: Runner,
        parent: QWidget | None = None,
        *,
        current_settings: Callable[[], settings.Settings] = settings.current,
        clock: Callable[[], dt.datetime] | None = None,
        ctx: MeetingContext | None = None,
    ):
        """``ctx``: the meeting as read already (on the worker); else it is read here."""
        super().__init__(parent)
        # what "now" is for the gate and the headline ("… before tomorrow 10:00")
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.db = db
        self.key = meeting_key
        self.undo_stack = undo_stack
        self.runner = runner
        self.current_settings = current_settings  # the window's settings, read when needed
        self.prefs = current_settings()
        self.ctx: MeetingContext = ctx if ctx is not None else self._load()
        self.report: readiness.Report | None = None
        self.fields: dict[str, Field] = {}
        self._pdf_task: Any = None
        self._save_path = Path()  # where the brief being made for saving goes
        self._build()
        self._connect_signals()
        self.reload(self.ctx)  # just read: not again

    # -- data --

    def _load(self) -> MeetingContext:
        return reading.meeting_context(self.db, self.key)

    @property
    def meeting_id(self) -> int:
        assert self.ctx.meeting.id is not None
        return self.ctx.meeting.id

    # -- layout --

    def _build(self) -> None:
        """The workspace: the meeting's form (scrolling) beside the checklist and the actions."""
        form_host = QWidget(self)
        form = QFormLayout(form_host)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form, self._form_host = form, form_host
        self._build_logistics()
        self._build_substance()
        self._build_proposals()
        self._build_ticks()
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)

        side = self._build_side()
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(scroll)
        splitter.addWidget(side)
        splitter.setChildrenCollapsible(False)  # the checklist and the actions never vanish
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 480])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _add(
        self,
        label: str,
        column: str,
        widget: QWidget,
        read: Callable[[], Any],
        write: Callable[[Any], None],
        changed: Any,
    ) -> None:
        """A labelled field row of the form that autosaves through ``commit``."""
        self.fields[column] = add_field_row(
            self.form, self, column, label, widget, read, write, changed, self.commit
        )

    def _build_logistics(self) -> None:
        """When and where: title, kind, start, duration, mode, place, link, phone, travel and buffer."""
        tr = self.tr
        add = self._add
        title = QLineEdit()
        add(
            tr("Title"),
            "title",
            title,
            title.text,
            _line_writer(title),
            title.textEdited,
        )
        kind = QComboBox()
        for value, text in labels.choices(labels.meeting_kind):
            kind.addItem(text, value)
        add(
            tr("Kind"),
            "kind",
            kind,
            kind.currentData,
            lambda v: kind.setCurrentIndex(kind.findData(v)),
            kind.activated,
        )
        start = QDateTimeEdit()
        start.setDisplayFormat("yyyy-MM-dd HH:mm")
        start.setCalendarPopup(True)
        start.setMinimumDateTime(UNSET_DATE)
        start.setSpecialValueText(tr("not set"))
        self.offset_label = QLabel()
        add(
            tr("Starts"),
            "starts_at",
            start,
            lambda: self._read_start(start),
            lambda v: self._write_start(start, v),
            start.dateTimeChanged,
        )
        duration = self._spin(0, 7 * 24 * 60, tr("minutes"))
        add(
            tr("Duration"),
            "duration_min",
            duration,
            lambda: duration.value() or None,
            lambda v: duration.setValue(v or 0),
            duration.valueChanged,
        )
        mode = QComboBox()
        for value, text in labels.choices(labels.meeting_mode):
            mode.addItem(text, value)
        add(
            tr("Mode"),
            "mode",
            mode,
            mode.currentData,
            lambda v: mode.setCurrentIndex(mode.findData(v)),
            mode.activated,
        )
        location = QLineEdit()
        add(
            tr("Place"),
            "location",
            location,
            location.text,
            _line_writer(location),
            location.textEdited,
        )
        on_site = QCheckBox(tr("On site: I am already there (no travel)"))
        add(
            tr("On site"),
            "on_site",
            on_site,
            on_site.isChecked,
            lambda v: on_site.setChecked(bool(v)),
            on_site.toggled,
        )
        link = QLineEdit()
        add(
            tr("Video link"),
            "video_link",
            link,
            link.text,
            _line_writer(link),
            link.textEdited,
        )
        phone = QLineEdit()
        phone.setPlaceholderText(tr("for a phone meeting: the number to call or to be called on"))
        add(
            tr("Number to call"),
            "phone",
            phone,
            phone.text,
            _line_writer(phone),
            phone.textEdited,
        )
        travel = self._spin(-1, 24 * 60, tr("minutes"))
        add(
            tr("Travel time"),
            "travel_min",
            travel,
            lambda: None if travel.value() < 0 else travel.value(),
            lambda v: travel.setValue(-1 if v is None else v),
            travel.valueChanged,
        )
        buffer = self._spin(-1, 24 * 60, tr("minutes"))
        buffer.setSpecialValueText(tr("default ({n} min)").format(n=self.prefs.default_buffer_min))
        add(
            tr("Buffer"),
            "buffer_min",
            buffer,
            lambda: None if buffer.value() < 0 else buffer.value(),
            lambda v: buffer.setValue(-1 if v is None else v),
            buffer.valueChanged,
        )

    def _build_substance(self) -> None:
        """Who and what: attendees, agenda, questions, limits, slips of the last meeting, products."""
        tr = self.tr
        add = self._add
        people = QListWidget()
        people.setMaximumHeight(130)
        # a long "name — position" ends in "…" (whole in its tooltip), never a sideways scroll
        people.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        people.setTextElideMode(Qt.TextElideMode.ElideRight)
        add(
            tr("Attendees"),
            "attendees",
            people,
            lambda: self._checked_ids(people),
            lambda v: self._check_ids(people, v),
            people.itemChanged,
        )
        self.attendee_list = people

        for column, label in (
            ("objective", tr("Objective")),
            ("commitment_sought", tr("Commitment to ask for")),
        ):
            box = QPlainTextEdit()
            box.setTabChangesFocus(True)
            box.setMaximumHeight(70)
            add(
                label,
                column,
                box,
                box.toPlainText,
                _text_writer(box),
                box.textChanged,
            )
        for column, label in (
            ("agenda", tr("Agenda (one item per line)")),
            ("questions", tr("Open questions (one per line)")),
        ):
            box = QPlainTextEdit()
            box.setTabChangesFocus(True)
            box.setMaximumHeight(100)
            add(
                label,
                column,
                box,
                _lines_reader(box),
                _lines_writer(box),
                box.textChanged,
            )
        discount = QDoubleSpinBox()
        discount.setRange(-1, 100)
        discount.setDecimals(1)
        discount.setSuffix(" %")
        discount.setSpecialValueText(tr("not set"))
        add(
            tr("Maximum discount"),
            "max_discount_pct",
            discount,
            lambda: None if discount.value() < 0 else discount.value(),
            lambda v: discount.setValue(-1 if v is None else v),
            discount.valueChanged,
        )
        walk = QLineEdit()
        add(
            tr("Walk-away point"),
            "walk_away",
            walk,
            walk.text,
            _line_writer(walk),
            walk.textEdited,
        )
        credit = QLineEdit()
        credit.setPlaceholderText(tr("how you handle overdue debt or a downgraded rating"))
        add(
            tr("Credit line"),
            "credit_line",
            credit,
            credit.text,
            _line_writer(credit),
            credit.textEdited,
        )
        previous = self.ctx.previous
        slips = {r.mistake: r.comment or "" for r in previous.slips} if previous else {}
        for number in self.ctx.meeting.lessons or {}:
            slips.setdefault(int(number), "")
        self.lessons = LessonsEditor(slips, self._form_host)
        if slips:
            add(
                tr("Slips last time"),
                "lessons",
                self.lessons,
                self.lessons.value,
                self.lessons.set_value,
                self.lessons.sig_edited,
            )
        products = QListWidget()
        products.setMaximumHeight(110)
        add(
            tr("Products"),
            "products",
            products,
            lambda: self._checked_ids(products),
            lambda v: self._check_ids(products, v),
            products.itemChanged,
        )
        self.product_list = products

    def _build_proposals(self) -> None:
        """Proposals, each answering one of the client's needs."""
        tr = self.tr
        assert self.ctx.client.id is not None
        needs = reading.needs(self.db, self.ctx.client.id)
        need_choices = ((None, tr("(no need)")), *((n.id, n.text) for n in needs))
        self.proposals = ListEditor(
            self.db,
            m.Proposal,
            [
                Column("text", tr("Proposal")),
                Column("need_id", tr("Answers the need"), "choice", need_choices, 190),
                Column("no_product", tr("No product"), "bool", width=78),
            ],
            tr("Proposals"),
            self.undo_stack,
            lambda mid: {"meeting_id": mid, "text": tr("New proposal")},
            self._form_host,
        )
        self.proposals.setMinimumHeight(170)
        self.form.addRow(self.proposals)

    def _build_ticks(self) -> None:
        """The three confirmations the KAM gives."""
        tr = self.tr
        ticks = QGroupBox(tr("Your confirmations"))
        tick_layout = QVBoxLayout(ticks)
        self.ticks: dict[str, QCheckBox] = {}
        self._tick_labels: dict[str, str] = {}
        for name, text in (
            ("route_checked", tr("Route / connection checked")),
            ("listening_plan", tr("Listening plan reviewed")),
            ("etiquette_reviewed", tr("Etiquette reviewed")),
        ):
            tick = QCheckBox(text)
            self._tick_labels[name] = text
            tick.setObjectName(f"tick_{name}")
            tick.setAccessibleName(text)
            tick_layout.addWidget(tick)
            self.ticks[name] = tick
        self.form.addRow(ticks)

    def _build_side(self) -> QWidget:
        """The checklist, the leave-by time and the actions on the brief."""
        tr = self.tr
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        self.leave_label = QLabel(side)
        self.leave_label.setAccessibleName(tr("Leave by"))
        big = self.leave_label.font()
        big.setPointSizeF(big.pointSizeF() * 2.0)
        big.setBold(True)
        self.leave_label.setFont(big)
        self.leave_caption = QLabel(side)
        self.checklist = ChecklistPanel(side)
        # two by two: the actions fit a narrow side panel (a laptop screen) and stay in view
        buttons = QGridLayout()
        self.preview_button = QPushButton(tr("Preview brief"))
        self.save_button = QPushButton(tr("Save PDF…"))
        self.print_button = QPushButton(tr("Print…"))
        self.calendar_button = QPushButton(tr("Add to calendar…"))
        self.calendar_button.setToolTip(tr("An .ics file with an alarm at the leave-by time"))
        for number, button in enumerate(
            (self.preview_button, self.save_button, self.print_button, self.calendar_button)
        ):
            buttons.addWidget(button, number // 2, number % 2)
        self.busy = QProgressBar(side)
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(tr("Rendering the brief"))
        self.busy.hide()
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.hide()
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.busy)
        busy_row.addWidget(self.cancel_button)
        side_layout.addWidget(self.leave_caption)
        side_layout.addWidget(self.leave_label)
        side_layout.addWidget(self.checklist, 1)
        side_layout.addLayout(buttons)
        side_layout.addLayout(busy_row)
        return side

    def _spin(self, low: int, high: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSuffix(" " + suffix)
        spin.setSpecialValueText(self.tr("not set"))
        return spin

    def _connect_signals(self) -> None:
        for name, box in self.ticks.items():
            box.clicked.connect(lambda checked, n=name: self._tick(n, checked))
        self.checklist.sig_target_activated.connect(self.go_to)
        self.preview_button.clicked.connect(lambda: self.render_brief("preview"))
        self.save_button.clicked.connect(lambda: self.render_brief("save"))
        self.print_button.clicked.connect(lambda: self.render_brief("print"))
        self.cancel_button.clicked.connect(self.cancel_render)
        self.calendar_button.clicked.connect(self.ask_calendar)
        self.proposals.sig_changed.connect(self._after_write)

    # -- showing --

    def reload(self, ctx: MeetingContext | None = None) -> None:
        """Re-read the meeting (and the settings, if their file changed) and show it; recompute
        the checklist. ``ctx``: the meeting as just read, shown without reading it again."""
        self.prefs = self.current_settings()
        self.ctx = ctx if ctx is not None else self._load()
        mt = self.ctx.meeting
        people = reading.people(self.db, mt.client_id)
        products = reading.products(self.db)
        self._fill_list(
            self.attendee_list, [(p.id, f"{p.name} — {p.position or '?'}") for p in people]
        )
        self._fill_list(self.product_list, [(p.id, p.name) for p in products])
        values = {
            "title": mt.title,
            "kind": mt.kind,
            "starts_at": mt.starts_at,
            "duration_min": mt.duration_min,
            "mode": mt.mode,
            "location": mt.location,
            "video_link": mt.video_link,
            "travel_min": mt.travel_min,
            "buffer_min": mt.buffer_min,
            "attendees": [p.id for p in self.ctx.attendees],
            "objective": mt.objective,
            "commitment_sought": mt.commitment_sought,
            "agenda": list(mt.agenda),
            "questions": list(mt.questions),
            "max_discount_pct": mt.max_discount_pct,
            "walk_away": mt.walk_away,
            "credit_line": mt.credit_line,
            "on_site": mt.on_site,
            "phone": mt.phone,
            "lessons": dict(mt.lessons or {}),
            "products": [info.product.id for info in self.ctx.products if info.on_agenda],
        }
        for column, value in values.items():
            field = self.fields.get(column)
            if field is None:  # e.g. no slips last time: no lessons to write
                continue
            if not field.timer.isActive():  # never overwrite what is being typed
                field.show_value(value)
        if self.proposals.model.parent_id != self.meeting_id:
            self.proposals.load(self.meeting_id)
        self.refresh_readiness()

    def refresh_readiness(self) -> None:
        now = self.clock()
        self.report = readiness.evaluate(self.ctx, self.prefs, now)
        imported = confirmations.unreviewed(self.ctx.meeting, self.ctx.attendees)
        for name, box in self.ticks.items():
            counted = {c.id: c.level for c in self.report.checks}.get(f"tick.{name}")
            box.blockSignals(True)
            box.setChecked(
                bool(getattr(self.ctx.meeting, f"{name}_fp")) and counted is readiness.Level.OK
            )
            # an imported tick: shown, but it counts only once confirmed here (a click)
            label = self._tick_labels[name]
            if name in imported:
                label += " — " + self.tr("imported, not reviewed here")
            box.setText(label)
            box.setAccessibleName(label)
            box.setToolTip(
                self.tr("Click to confirm you checked it yourself.") if name in imported else ""
            )
            box.blockSignals(False)
        self.checklist.show_report(
            self.report, readiness.headline(self.report, self.prefs.locale, now)
        )
        mt = self.ctx.meeting
        if mt.mode == "in_person":
            self.leave_caption.setText(self.tr("Leave by"))
            leave = self.report.leave_by
            self.leave_label.setText(leave.strftime("%H:%M") if leave else "—")
            if leave:
                self.leave_label.setToolTip(leave.strftime("%Y-%m-%d %H:%M (UTC%z)"))
        else:
            self.leave_caption.setText(self.tr("Join at"))
            start = mt.starts_at
            self.leave_label.setText(start.strftime("%H:%M") if start else "—")

    def _fill_list(self, widget: QListWidget, rows: list[tuple[int | None, str]]) -> None:
        field = next(f for f in self.fields.values() if f.widget is widget)
        field.loading = True
        widget.clear()
        for row_id, text in rows:
            item = QListWidgetItem(text)
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, row_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            widget.addItem(item)
        field.loading = False

    @staticmethod
    def _checked_ids(widget: QListWidget) -> list[int]:
        return [
            widget.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        ]

    @staticmethod
    def _check_ids(widget: QListWidget, ids: list[int]) -> None:
        wanted = set(ids or [])
        for i in range(widget.count()):
            item = widget.item(i)
            state = (
                Qt.CheckState.Checked
                if item.data(Qt.ItemDataRole.UserRole) in wanted
                else Qt.CheckState.Unchecked
            )
            item.setCheckState(state)

    def _read_start(self, widget: QDateTimeEdit) -> dt.datetime | None:
        value = widget.dateTime()
        if value == UNSET_DATE:
            return None
        offset = self.ctx.meeting.utc_offset_min
        tz = (
            dt.timezone(dt.timedelta(minutes=offset))
            if offset is not None
            else dt.datetime.now().astimezone().tzinfo
        )
        date, time = value.date(), value.time()
        return dt.datetime(
            date.year(), date.month(), date.day(), time.hour(), time.minute(), tzinfo=tz
        )

    def _write_start(self, widget: QDateTimeEdit, value: dt.datetime | None) -> None:
        if value is None:
            widget.setDateTime(UNSET_DATE)
            return
        widget.setDateTime(
            QDateTime(value.year, value.month, value.day, value.hour, value.minute, 0)
        )
        widget.setToolTip(value.strftime("UTC%z"))

    # -- saving --

    def commit(self, field: Field) -> None:
        """Save a field now (the debounce ended). Invalid values are explained, not saved."""
        column = field.column
        new = field.read()
        old: Any
        apply: Callable[[Any], object]
        if column in ("attendees", "products"):
            old = (
                [p.id for p in self.ctx.attendees]
                if column == "attendees"
                else [i.product.id for i in self.ctx.products if i.on_agenda]
            )
            if new == old:
                return
            apply = (
                (lambda v: editing.set_attendees(self.db, self.meeting_id, v))
                if column == "attendees"
                else (lambda v: editing.set_meeting_products(self.db, self.meeting_id, v))
            )
        else:
            try:
                clean = editing.validate(m.Meeting, column, new)
            except FieldError as exc:
                field.show_error(exc.message)
                return
            old = (
                self.ctx.meeting.starts_at
                if column == "starts_at"
                else getattr(self.ctx.meeting, column)
            )
            if clean == old or (isinstance(old, list) and list(clean or []) == old):
                field.show_error(None)
                return
            new = clean

            def apply(v: Any, c: str = column) -> object:
                return editing.set_field(self.db, m.Meeting, self.meeting_id, c, v)

        field.show_error(None)
        command = FieldCommand(
            self.tr("Edit {field}").format(field=field.widget.accessibleName()),
            apply,
            old,
            new,
            self._after_write,
        )
        self.undo_stack.push(command)
        if command.error is not None:
            field.show_error(str(command.error))
            QMessageBox.warning(self, self.tr("Not saved"), str(command.error))

    def _tick(self, name: str, checked: bool) -> None:
        # the box showed the opposite before the click: that is what undo restores
        command = FieldCommand(
            self.tr("Tick {name}").format(name=self._tick_labels[name]),
            lambda v: editing.set_tick(self.db, self.meeting_id, name, v),
            not checked,
            checked,
            self._after_write,
        )
        self.undo_stack.push(command)
        if command.error is not None:
            QMessageBox.warning(self, self.tr("Not saved"), str(command.error))

    def _after_write(self) -> None:
        self.reload()
        self.sig_changed.emit()

    def flush(self) -> None:
        """Save every field whose debounce is still running (e.g. before closing)."""
        for field in self.fields.values():
            if field.timer.isActive():
                field.timer.stop()
                self.commit(field)

    # -- the checklist points somewhere --

    def go_to(self, target: str) -> None:
        if target.startswith("meeting."):
            column = target.split(".", 1)[1]
            if column in self.ticks:
                self.ticks[column].setFocus()
                return
            if column == "proposals":
                self.proposals.select(None, "text")
                scroll = self.findChild(QScrollArea)
                if scroll is not None:
                    scroll.ensureWidgetVisible(self.proposals)
                return
            field = self.fields.get(column)
            if field is not None:
                field.widget.setFocus(Qt.FocusReason.OtherFocusReason)
                scroll = self.findChild(QScrollArea)
                if scroll is not None:
                    scroll.ensureWidgetVisible(field.widget)
                return
        self.sig_outside_target.emit(target)

    # -- the calendar --

    def _file_name(self, what: str, extension: str) -> str:
        """ "Client – Meeting title – what.ext": the titles the user knows, not our keys."""
        return file_name([self.ctx.client.name, self.ctx.meeting.title, what], extension)

    def ask_calendar(self) -> None:
        path = saving.ask_path(
            self,
            self.tr("Add to calendar"),
            file_name([self.ctx.client.name, self.ctx.meeting.title], "ics"),
            "iCalendar (*.ics)",
        )
        if path is not None:
            self.export_calendar(path)

    def export_calendar(self, path: Path) -> None:
        from kamdesk.core.meeting import calendar

        try:
            saving.write_and_announce(
                self, path, calendar.meeting_calendar(self.ctx, self.prefs.default_buffer_min)
            )
        except KamdeskError as exc:
            QMessageBox.warning(self, self.tr("No calendar file"), str(exc))

    # -- the brief --

    def render_brief(self, purpose: str) -> None:
        """Render the brief off the GUI thread, then preview, save or print it."""
        self.flush()
        assert self.report is not None
        reason = self.ctx.meeting.override_reason
        if purpose != "preview" and not self.report.ready:
            from kamdesk.gui.dialogs.override import OverrideDialog

            dialog = OverrideDialog(self.report, reason or "", self, purpose)
            if not dialog.exec():
                return
            reason = dialog.reason()
            editing.set_field(self.db, m.Meeting, self.meeting_id, "override_reason", reason)
            self.ctx.meeting.override_reason = reason
        if purpose == "save":  # where it goes is asked first: the render takes seconds
            path = saving.ask_path(
                self,
                self.tr("Save the brief"),
                self._file_name(self.tr("brief"), "pdf"),
                "PDF (*.pdf)",
            )
            if path is None:
                return
            self._save_path = path
        ctx, report, prefs = self.ctx, self.report, self.prefs
        options = brief.BriefOptions(override_reason=reason if not report.ready else None)

        def work() -> bytes:
            html = brief.build_html(ctx, report, prefs, options)
            return self.runner.render_pdf(html)  # in the app: in the render process

        self._set_busy(True)
        self._pdf_task = self.runner.run(
            work, lambda pdf: self._rendered(purpose, pdf), self._render_failed
        )

    def cancel_render(self) -> None:
        if self._pdf_task is not None:
            self._pdf_task.cancel()
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.cancel_button.setVisible(busy)
        for button in (self.preview_button, self.save_button, self.print_button):
            button.setEnabled(not busy)

    def _render_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        operations.show_failure(self, self.tr("The brief could not be made"), exc)

    def _rendered(self, purpose: str, pdf: bytes) -> None:
        self._set_busy(False)
        self.last_pdf = pdf
        from kamdesk.gui.widgets.pdfpreview import PdfPreview, print_pdf

        if purpose == "preview":
            self.preview = PdfPreview(
                pdf, self.tr("Brief: {title}").format(title=self.ctx.meeting.title), self
            )
            self.preview.show()
        elif purpose == "save":
            try:
                saving.write_and_announce(self, self._save_path, pdf)
            except KamdeskError as exc:
                QMessageBox.critical(self, self.tr("Not saved"), str(exc))
        else:
            print_pdf(self, pdf)
        self.sig_brief_done.emit(purpose)
