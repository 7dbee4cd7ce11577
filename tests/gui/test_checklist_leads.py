"""The meeting workspace's checklist leads: its headline says what to fix and by when,
blockers come first and whole, what passes is folded per mistake, and every jump selects the
exact row in the meeting's own client; the workspace fits a 1366×768 laptop screen."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pypdf
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLineEdit, QStyle

from kamdesk.core.account import editing
from kamdesk.core.meeting.readiness import Level
from kamdesk.core.model import models as m
from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.views.meeting import MeetingWorkspace
from kamdesk.gui.widgets.checklist import CheckIdRole
from kamdesk.gui.widgets.pdfpreview import PdfPreview
from tests.gui.conftest import sql
from tests.gui.test_workspace_client import _click_check

BANCA, PATIKA = "Banca Adriatica S.p.A.", "Patika-Lánc Gyógyszertárak Zrt."
PILOT = "adriatica-screening-pilot"  # Wednesday 2026-12-23 15:00 (+01:00), six blockers
MONDAY = dt.datetime(2026, 12, 21, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def laptop(qtbot, demo_window, time_machine) -> MainWindow:
    """The demo's main window at 1366×768 on Monday 21 December 2026, Patika-Lánc selected."""
    time_machine.move_to(MONDAY)
    window = demo_window(PATIKA)
    window.resize(1366, 768)
    qtbot.waitExposed(window)
    assert window.size().width() == 1366 and window.size().height() == 768
    return window


def _open(qtbot, window: MainWindow, key: str = PILOT) -> MeetingWorkspace:
    ws = window.open_meeting(key)
    qtbot.waitUntil(ws.isVisible)
    return ws


def _inside_window(window: MainWindow, widget: Any) -> bool:
    rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
    return widget.isVisible() and window.rect().contains(rect)


def test_every_action_stays_reachable_at_1366_by_768(qtbot, laptop: MainWindow) -> None:
    ws = _open(qtbot, laptop)
    buttons = (ws.preview_button, ws.save_button, ws.print_button, ws.calendar_button)
    for button in buttons:
        assert _inside_window(laptop, button), button.text()
    assert _inside_window(laptop, ws.checklist.status)
    assert _inside_window(laptop, ws.checklist.tree)
    # the checklist and the actions cannot be squeezed out by the splitter
    assert not ws.splitter.childrenCollapsible()
    ws.splitter.setSizes([5000, 1])
    for button in buttons:
        assert _inside_window(laptop, button), button.text()
        assert button.width() >= button.minimumSizeHint().width()


def test_long_fields_show_their_start(qtbot, laptop: MainWindow) -> None:
    ws = _open(qtbot, laptop)
    banca = sql(laptop, "SELECT id FROM client WHERE key = 'banca-adriatica'")
    assert isinstance(banca, int)
    long_title = "ColoScreen pilot design: data flows, consent, DPIA and rollout for 800 employees "
    editing.set_field(laptop.db, m.Meeting, ws.meeting_id, "title", long_title * 2)
    ws.reload()
    title = ws.fields["title"].widget
    assert isinstance(title, QLineEdit)
    assert title.fontMetrics().horizontalAdvance(title.text()) > title.width()  # it is long
    assert title.cursorPosition() == 0
    # a long place typed elsewhere (here: in the file) shows its start when loaded
    place = "Via Roma 1, Trieste, Palazzo della Banca Adriatica, third floor, room Miramare"
    editing.set_field(laptop.db, m.Meeting, ws.meeting_id, "location", place)
    ws.reload()
    location = ws.fields["location"].widget
    assert isinstance(location, QLineEdit)
    assert location.text() == place and location.cursorPosition() == 0
    for field in ws.fields.values():
        if isinstance(field.widget, QLineEdit) and field.widget.text():
            assert field.widget.cursorPosition() == 0, field.column


def _two_days_before(ws: MeetingWorkspace) -> None:
    """The workspace's clock set two days before its meeting (the demo's dates follow the day
    it is loaded, by whole weeks: its meetings keep their weekdays)."""
    assert ws.report is not None and ws.report.starts_at is not None
    moment = ws.report.starts_at - dt.timedelta(days=2)
    ws.clock = lambda: moment
    ws.refresh_readiness()


def test_the_headline_says_what_to_fix_and_by_when(qtbot, laptop: MainWindow) -> None:
    ws = _open(qtbot, laptop)
    _two_days_before(ws)
    assert ws.report is not None and ws.report.starts_at is not None
    start = ws.report.starts_at
    assert (start.strftime("%A %H:%M"), start.utcoffset()) == (
        "Wednesday 15:00",
        dt.timedelta(hours=1),
    )
    blockers = len(ws.report.blockers())
    assert blockers >= 2
    assert ws.checklist.status.text() == f"{blockers} things to fix before Wednesday 3:00\u202fPM"
    detail = ws.checklist.detail.text()
    assert f"score {ws.report.score}/100" in detail and "to consider" in detail
    assert ws.checklist.status.textFormat() is Qt.TextFormat.PlainText
    # further away than a week: the full date
    ws.clock = lambda: start - dt.timedelta(days=30)
    ws.refresh_readiness()
    assert ws.checklist.status.text().endswith(
        f"before Wednesday, {start:%B} {start.day}, {start.year} 3:00\u202fPM"
    )
    # a ready meeting: Pomorska's tender, on a Wednesday at 10:00
    ready = _open(qtbot, laptop, "pomorze-tender-2027")
    _two_days_before(ready)
    assert ready.report is not None and ready.report.ready
    assert ready.checklist.status.text() == "Ready for Wednesday 10:00\u202fAM"


def test_blockers_come_first_whole_then_warnings_then_passes_folded(
    qtbot, laptop: MainWindow
) -> None:
    ws = _open(qtbot, laptop)
    assert ws.report is not None
    tree = ws.checklist.tree
    assert tree.wordWrap()
    blockers, warnings = ws.report.blockers(), ws.report.warnings()
    tops = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    leading = tops[: len(blockers) + len(warnings)]
    assert [t.text(0) for t in leading] == [c.message for c in blockers + warnings]
    assert [t.data(0, CheckIdRole) for t in leading] == [c.id for c in blockers + warnings]
    # each blocker whole: the row is as high as its text wrapped to the row's width
    icon = tree.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
    wrapped_some = False
    for item in leading[: len(blockers)]:
        rect = tree.visualItemRect(item)
        assert rect.right() <= tree.viewport().width()
        metrics = QFontMetrics(tree.font())
        room = QRect(0, 0, rect.width() - icon - 12, 10_000)
        needed = metrics.boundingRect(room, Qt.TextFlag.TextWordWrap, item.text(0)).height()
        assert rect.height() >= needed, item.text(0)
        wrapped_some |= rect.height() >= 2 * metrics.lineSpacing()
    assert wrapped_some  # at least one blocker is longer than a line: it wraps, not elides
    # then one folded group per mistake holding only what passes
    groups = [t for t in tops[len(leading) :] if str(t.data(0, CheckIdRole)).startswith("mistake.")]
    assert groups
    passing = {c.id for c in ws.report.checks if c.level is Level.OK}
    for group in groups:
        assert not group.isExpanded()
        ids = {group.child(j).data(0, CheckIdRole) for j in range(group.childCount())}
        assert ids and ids <= passing
    assert sum(g.childCount() for g in groups) == len(passing)
    # a group opened by the user stays open when the checklist is recomputed
    opened = groups[0].data(0, CheckIdRole)
    groups[0].setExpanded(True)
    ws.refresh_readiness()
    reopened = next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).data(0, CheckIdRole) == opened
    )
    assert reopened.isExpanded()


def _thin_rows(window: MainWindow) -> dict[str, int]:
    """Rows of Banca Adriatica that say nothing: a need, a development plan, an empty period."""
    banca = sql(window, "SELECT id FROM client WHERE key = 'banca-adriatica'")
    return {
        "need": editing.add_row(
            window.db, m.Need, {"client_id": banca, "key": "thin-need", "text": "tbd"}
        ),
        "plan": editing.add_row(
            window.db,
            m.Plan,
            {"client_id": banca, "kind": "client_development", "text": "x", "status": "open"},
        ),
        "financial": editing.add_row(
            window.db, m.FinancialPeriod, {"client_id": banca, "period": "2019"}
        ),
    }


@pytest.mark.parametrize(
    ("check_id", "kind", "tab", "column"),
    [
        ("substance.uninformed.needs", "need", "needs", "text"),
        ("substance.uninformed.development_plans", "plan", "plans", "text"),
        ("substance.uninformed.financials_figures", "financial", "finances", "period"),
        ("arguing.response.10", "issue", "issues", "response"),
    ],
)
def test_a_jump_selects_the_exact_row_in_the_meetings_client(
    qtbot, laptop: MainWindow, check_id: str, kind: str, tab: str, column: str
) -> None:
    rows = {**_thin_rows(laptop), "issue": 10}
    ws = _open(qtbot, laptop)  # a meeting of Banca Adriatica while Patika-Lánc is shown
    assert laptop.current_client_key() == "patika-lanc"
    check = next(c for c in ws.report.checks if c.id == check_id) if ws.report else None
    assert check is not None and check.level is Level.BLOCK
    assert check.target == f"{kind}:{rows[kind]}.{column}"
    _click_check(qtbot, ws, check_id)
    assert laptop.current_client_key() == "banca-adriatica"
    assert laptop.tabs.currentWidget() is laptop.lists[tab]
    editor = laptop.lists[tab].editors[0]
    index = editor.view.currentIndex()
    assert index.isValid()
    assert editor.model.rows[index.row()].id == rows[kind]
    assert editor.model.columns[index.column()].name == column
    qtbot.waitUntil(editor.view.hasFocus)


def test_a_stale_period_jump_selects_the_latest_period(qtbot, laptop: MainWindow) -> None:
    banca = sql(laptop, "SELECT id FROM client WHERE key = 'banca-adriatica'")
    latest = sql(
        laptop,
        f"SELECT id FROM financial_period WHERE client_id = {banca} ORDER BY period DESC LIMIT 1",
    )
    ws = _open(qtbot, laptop)
    check = next(c for c in ws.report.checks if c.id == "uninformed.financials_age")
    assert check.target == f"financial:{latest}.period"
    ws.go_to(check.target)
    editor = laptop.lists["finances"].editors[0]
    assert laptop.current_client_key() == "banca-adriatica"
    assert editor.model.rows[editor.view.currentIndex().row()].id == latest


def test_the_brief_preview_fits_the_screen(qtbot, laptop: MainWindow) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    preview = PdfPreview(out.getvalue(), "Brief", laptop)
    qtbot.addWidget(preview)
    available = laptop.screen().availableGeometry()
    assert preview.height() <= available.height() and preview.width() <= available.width()
    assert preview.height() < 1000  # the offscreen screen is smaller than the old 820×1000


def test_no_open_objection_jumps_to_add_one(qtbot, laptop: MainWindow) -> None:
    banca = sql(laptop, "SELECT id FROM client WHERE key = 'banca-adriatica'")
    assert isinstance(banca, int)
    laptop._outside_target("client.issues", banca)
    assert laptop.current_client_key() == "banca-adriatica"
    assert laptop.tabs.currentWidget() is laptop.lists["issues"]
    add = laptop.lists["issues"].editors[0].add_button
    qtbot.waitUntil(add.hasFocus)
    assert "no longer in the dossier" not in laptop.statusBar().currentMessage()


def test_the_attendee_list_needs_no_sideways_scrolling(qtbot, laptop: MainWindow) -> None:
    ws = _open(qtbot, laptop)
    people = ws.attendee_list
    assert people.count() > 0
    assert not people.horizontalScrollBar().isVisible()
    for i in range(people.count()):  # a cut line is whole in its tooltip
        assert people.item(i).toolTip() == people.item(i).text()
