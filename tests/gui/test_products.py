"""Products: facts, answers and review dates edited in place; the checklist leads there."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox

from kamdesk.core.meeting.readiness import Level
from kamdesk.gui.mainwindow import MainWindow
from tests.gui.conftest import sql


@pytest.fixture
def window(demo_window) -> MainWindow:
    win = demo_window(None)
    return win


def test_reviewing_a_stale_product_clears_the_blocker(qtbot, window: MainWindow) -> None:
    ws = window.open_meeting("almaty-launch-rt")
    stale = next(
        c for c in ws.report.checks if c.id.startswith("product.review.") and c.level is Level.BLOCK
    )
    ws.go_to(stale.target)
    assert window.tabs.currentWidget() is window.products
    key = stale.id.split("product.review.", 1)[1]
    assert key in window.products.list.currentItem().text()
    field = window.products.form.fields["reviewed_on"]
    field.show_value(dt.date.today())
    window.products.form.commit(field)
    qtbot.waitUntil(lambda: {c.id: c.level for c in ws.report.checks}[stale.id] is Level.OK)
    facts = window.products.form.fields["key_facts"]
    facts.widget.setPlainText("Result in 15 minutes\nCE-IVD marked\n")
    qtbot.waitUntil(
        lambda: (
            sql(window, f"SELECT key_facts FROM product WHERE key = '{key}'")
            == '["Result in 15 minutes", "CE-IVD marked"]'
        )
    )
    faqs = window.products.faqs
    count = faqs.model.rowCount()
    faqs.add()
    assert faqs.model.rowCount() == count + 1


def test_add_and_delete_products_with_undo(window: MainWindow, monkeypatch) -> None:
    products = window.products
    count = products.list.count()
    products.add_product("Vireo Sepsis Panel")
    assert (
        products.list.count() == count + 1
        and "VIREO-SEPSIS-PANEL" in products.list.currentItem().text()
    )
    linked = sql(window, "SELECT product_id FROM meeting_product LIMIT 1")
    links = f"SELECT count(*) FROM meeting_product WHERE product_id = {linked}"
    before = sql(window, links)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    products.delete_product(linked)
    assert sql(window, links) == 0
    window.undo_action.trigger()
    assert sql(window, links) == before


def test_an_answers_tags_are_edited_as_comma_separated_words(window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.products)
    faqs = window.products.faqs
    assert faqs.model.rowCount() > 0
    column = next(i for i, c in enumerate(faqs.model.columns) if c.name == "tags")
    index = faqs.model.index(0, column)
    row_id = faqs.model.rows[0].id
    assert faqs.model.data(index) == ", ".join(faqs.model.rows[0].tags)
    assert faqs.model.setData(index, " price,  turnaround time ,, ")
    assert sql(window, f"SELECT tags FROM product_faq WHERE id = {row_id}") == (
        '["price", "turnaround time"]'
    )
    assert faqs.model.data(faqs.model.index(0, column)) == "price, turnaround time"
