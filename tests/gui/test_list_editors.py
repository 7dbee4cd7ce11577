"""The client's lists edited in place: validated cells, uniqueness, add/delete with undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from kamdesk.core.meeting.readiness import Level
from kamdesk.gui.mainwindow import MainWindow
from tests.gui.conftest import sql


@pytest.fixture
def window(demo_window) -> MainWindow:
    win = demo_window("Banca Adriatica S.p.A.")
    return win


def _cell(editor, row: int, column: str):
    col = next(i for i, c in enumerate(editor.model.columns) if c.name == column)
    return editor.model.index(row, col)


def test_financial_periods(window: MainWindow, monkeypatch) -> None:
    window.tabs.setCurrentWidget(window.lists["finances"])
    finances, _targets = window.lists["finances"].editors
    count = finances.model.rowCount()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("2026-Q4", True))
    finances.add()
    assert finances.model.rowCount() == count + 1
    row = next(i for i, r in enumerate(finances.model.rows) if r.period == "2026-Q4")
    assert finances.model.setData(_cell(finances, row, "our_sales"), "1,250,000")
    assert sql(window, "SELECT our_sales FROM financial_period WHERE period = '2026-Q4'") == 1250000
    # a bad value is explained under the table and not saved
    assert not finances.model.setData(_cell(finances, row, "period"), "2026-Q5")
    assert "is not a period" in finances.error.text() and not finances.error.isHidden()
    # a period the client already has
    assert not finances.model.setData(_cell(finances, row, "period"), "2025")
    assert "already used" in finances.error.text()
    assert sql(window, "SELECT count(*) FROM financial_period WHERE period = '2026-Q4'") == 1
    # negative receivables are refused by the format's range
    assert not finances.model.setData(_cell(finances, row, "receivables"), "-5")
    assert "is not in 0.." in finances.error.text()
    window.undo_action.trigger()  # the sales figure
    assert sql(window, "SELECT our_sales FROM financial_period WHERE period = '2026-Q4'") is None
    window.undo_action.trigger()  # the new period
    assert finances.model.rowCount() == count


def test_answering_an_objection_clears_the_meeting_blocker(qtbot, window: MainWindow) -> None:
    ws = window.open_meeting("adriatica-screening-pilot")
    blocking = [
        c
        for c in ws.report.checks
        if c.id.startswith("arguing.response.") and c.level is Level.BLOCK
    ]
    assert blocking
    issue_id = int(blocking[0].id.rsplit(".", 1)[1])
    ws.go_to(blocking[0].target)
    assert window.tabs.currentWidget() is window.lists["issues"]
    window.tabs.setCurrentWidget(window.lists["issues"])
    (issues,) = window.lists["issues"].editors
    row = next(i for i, r in enumerate(issues.model.rows) if r.id == issue_id)
    assert issues.model.setData(
        _cell(issues, row, "response"),
        "Hosting in Milan is available; we will co-sign the DPIA before the pilot.",
    )
    qtbot.waitUntil(
        lambda: not any(c.id == blocking[0].id and c.level is Level.BLOCK for c in ws.report.checks)
    )


def test_plans_choices_and_deleting_with_undo(window: MainWindow, monkeypatch) -> None:
    window.tabs.setCurrentWidget(window.lists["plans"])
    (plans,) = window.lists["plans"].editors
    count = plans.model.rowCount()
    plans.add()
    row = plans.model.rowCount() - 1
    assert plans.model.setData(_cell(plans, row, "kind"), "tender")
    assert plans.model.data(_cell(plans, row, "kind")) == "Tender"
    assert not plans.model.setData(_cell(plans, row, "kind"), "wish")
    assert "is not one of" in plans.error.text()
    plan_id = plans.model.rows[row].id
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    plans.view.selectRow(row)
    plans.ask_delete()
    assert plans.model.rowCount() == count
    window.undo_action.trigger()
    assert plans.model.rowCount() == count + 1 and plans.model.rows[-1].id == plan_id
    assert plans.model.rows[-1].kind == "tender"


def test_needs_keep_their_proposals_through_delete_and_undo(window: MainWindow) -> None:
    rows = {window.proxy.index(r, 0).data(): r for r in range(window.proxy.rowCount())}
    window.table.selectRow(rows["Pomorska Grupa Szpitalna S.A."])
    window.tabs.setCurrentWidget(window.lists["needs"])
    (needs,) = window.lists["needs"].editors
    linked = sql(
        window,
        "SELECT p.need_id FROM proposal p JOIN need n ON n.id = p.need_id "
        "JOIN client c ON c.id = n.client_id WHERE c.key = 'szpital-pomorze' LIMIT 1",
    )
    assert linked in {r.id for r in needs.model.rows}
    before = sql(window, f"SELECT count(*) FROM proposal WHERE need_id = {linked}")
    assert before >= 1
    count = needs.model.rowCount()
    needs.delete_row(linked)
    assert needs.model.rowCount() == count - 1
    assert sql(window, f"SELECT count(*) FROM proposal WHERE need_id = {linked}") == 0
    window.undo_action.trigger()
    assert needs.model.rowCount() == count
    assert sql(window, f"SELECT count(*) FROM proposal WHERE need_id = {linked}") == before


def test_finance_figures_and_need_products(window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.lists["finances"])
    figures = window.lists["finances"].figures.text()
    assert "of target" in figures and "receivables" in figures
    needs_tab = window.lists["needs"]
    window.tabs.setCurrentWidget(needs_tab)
    (needs,) = needs_tab.editors
    needs.view.selectRow(0)
    need_id = needs.model.rows[0].id
    products = needs_tab.products
    assert products.count() >= 3 and products.isEnabled()
    links = f"SELECT count(*) FROM need_product WHERE need_id = {need_id}"
    before = sql(window, links)
    item = next(
        products.item(i)
        for i in range(products.count())
        if products.item(i).checkState() == Qt.CheckState.Unchecked
    )
    item.setCheckState(Qt.CheckState.Checked)
    assert sql(window, links) == before + 1
    window.undo_action.trigger()
    assert sql(window, links) == before
