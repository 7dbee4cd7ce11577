"""A KAM's whole preparation in the real widgets: from a not-ready meeting to a saved brief."""

from __future__ import annotations

from pathlib import Path

import pypdf
from PySide6.QtCore import QPoint, Qt

from kamdesk.core import demo
from kamdesk.core.meeting.readiness import Level
from kamdesk.core.storage.db import Database
from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.views.meeting import MeetingWorkspace
from kamdesk.gui.widgets import pdfpreview
from kamdesk.gui.workers import TaskRunner


def test_prepare_a_not_ready_meeting_until_ready_and_save_the_brief(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    db = Database.open(tmp_path / "e2e.db")
    demo.load_demo(db)
    window = MainWindow(db)  # the real thread pool
    qtbot.addWidget(window)
    window.show()
    assert isinstance(window.runner, TaskRunner)

    # find the client by searching for one of its people, then open the meeting
    window.search.setText("Szőke")
    qtbot.waitUntil(
        lambda: bool(window.search_results()) and "Szőke" in window.search_results()[0].text()
    )
    window.open_hit(window.search_results()[0])
    assert window.tabs.currentWidget() is window.people
    window.search.clear()
    window.tabs.setCurrentWidget(window.meetings_page)
    # the list comes from the worker (each meeting's readiness is computed there)
    qtbot.waitUntil(lambda: window.meetings_model.rowCount() > 0)
    keys = [window._meeting_key(r) for r in range(window.meetings_model.rowCount())]
    ws = window.open_meeting("patika-q1-listing")
    assert isinstance(ws, MeetingWorkspace) and "patika-q1-listing" in keys
    assert not ws.report.ready

    # work through the checklist
    ws.fields["travel_min"].widget.setValue(25)
    ws.fields["questions"].widget.setPlainText(
        "What did the CRP pilot show you, pharmacy by pharmacy?\n"
        "Which pharmacies should start the CardioCheck days?\n"
        "What would make the listing easy for your category team?"
    )
    qtbot.waitUntil(
        lambda: {c.id: c.level for c in ws.report.checks}["interrupting.open_questions"] is Level.OK
    )
    # the last meeting's slip (arguing) needs an answer, the overdue debt a prepared line
    qtbot.keyClicks(
        ws.lessons.lines[2], "Ask how they count the balance before showing our figures"
    )
    qtbot.keyClicks(
        ws.fields["credit_line"].widget,
        "Listing only with the repayment schedule kept; new orders on 30-day terms",
    )
    qtbot.waitUntil(lambda: {c.id: c.level for c in ws.report.checks}["slip.2"] is Level.OK)
    ws.flush()
    ws.proposals.add()
    columns = ws.proposals.model.columns
    need_col = next(i for i, c in enumerate(columns) if c.name == "need_id")
    text_col = next(i for i, c in enumerate(columns) if c.name == "text")
    need = next(v for v, _ in columns[need_col].choices if v is not None)
    assert ws.proposals.model.setData(ws.proposals.model.index(0, need_col), need)
    # the new row's own text says nothing yet ("New proposal"): the gate asks for a real one
    assert "substance.unprepared.proposals" in {c.id for c in ws.report.blockers()}
    assert ws.proposals.model.setData(
        ws.proposals.model.index(0, text_col), "QuickCRP listed in 150 pharmacies with free readers"
    )
    for name in ("route_checked", "listening_plan", "etiquette_reviewed"):
        box = ws.ticks[name]
        if not box.isChecked():  # click the box itself, as a user does (not the row's far end)
            qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    blockers = [c.message for c in ws.report.blockers()]
    assert ws.report.ready, blockers
    assert ws.checklist.status.text().startswith("Ready for ")
    assert ws.leave_label.text() == "12:20"  # 13:00 − 25 min travel − 15 min buffer

    # save the brief: rendered on the worker, saved when its signal comes back
    target = tmp_path / "patika-brief.pdf"
    monkeypatch.setattr(
        pdfpreview.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)")
    )
    with qtbot.waitSignal(ws.sig_brief_done, timeout=60000) as blocker:
        qtbot.mouseClick(ws.save_button, Qt.MouseButton.LeftButton)
        assert not ws.busy.isHidden()  # the window is not frozen meanwhile
    assert blocker.args == ["save"]
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(target).pages)
    assert "Szőke Ildikó" in text and "READY" in text and "NOT READY" not in text
    assert "What would make the listing easy for your category team?" in text

    # the portfolio and the meetings list say so too
    window._refresh_meetings()

    def listed_as_ready() -> bool:
        model = window.meetings_model
        keys = [model.key(r) for r in range(model.rowCount())]
        return "patika-q1-listing" in keys and (
            model.index(keys.index("patika-q1-listing"), 2).data() == "ready"
        )

    qtbot.waitUntil(listed_as_ready)
    window.close()
    db.close()
