"""The portfolio overview tab: concentration, the Pareto chart, figures per client, readiness."""

from __future__ import annotations

from pathlib import Path

import pypdf
from PySide6.QtCore import Qt

from kamdesk.gui.views.portfolio import COLUMNS, READINESS_COLUMN


def test_portfolio_overview_shows_figures_and_opens_clients(qtbot, demo_window, tmp_path: Path):
    window = demo_window(None)
    window.portfolio_action.trigger()
    view = window.portfolio_view
    assert view is not None and window.pages.currentWidget() is view
    assert window.tabs.count() == window.FIXED_TABS  # the dossier's tabs stay as they are
    assert view.figures is not None and view.table.rowCount() == 4
    # the critical dependency is named, in plain words, and the chart is drawn
    assert "Pomorska Grupa Szpitalna" in view.warnings.text()
    assert "critical dependency" in view.warnings.text()
    assert view.chart.renderer().isValid() and view.chart_svg and "<script" not in view.chart_svg
    assert "Herfindahl" in view.headline.text()
    # sorted by income share, largest first; dependency in its own column
    first = view.table.item(0, 0).text()
    assert first == "Pomorska Grupa Szpitalna S.A."
    assert view.table.item(0, COLUMNS.index("Dependency")).text() == "critical dependency"
    assert "Income share" in view.table.item(0, COLUMNS.index("Why key")).text()
    assert view.table.item(0, COLUMNS.index("Key at")).text() == "Company level"
    # readiness filled in by the second pass
    texts = [view.table.item(r, READINESS_COLUMN).text() for r in range(4)]
    assert all(t.startswith(("READY", "NOT READY")) for t in texts), texts
    # sorting by a number column, not by text
    view.table.sortItems(COLUMNS.index("Contacts late"), Qt.SortOrder.DescendingOrder)
    late = [int(view.table.item(r, COLUMNS.index("Contacts late")).text()) for r in range(4)]
    assert late == sorted(late, reverse=True)

    # double-click opens the client's overview
    row = view.row_of("banca-adriatica")
    view.table.cellDoubleClicked.emit(row, 0)
    assert window.current_client_key() == "banca-adriatica"
    assert window.tabs.currentWidget() is window.overview

    # the report, as PDF
    view.save_report(tmp_path / "portfolio.pdf")
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(tmp_path / "portfolio.pdf").pages
    )
    assert "Key-client portfolio" in text and "Banca Adriatica" in text
    assert "critical dependency" in text


def test_save_the_client_dossier_from_the_menu(qtbot, demo_window, tmp_path: Path) -> None:
    window = demo_window("Patika-Lánc Gyógyszertárak Zrt.")
    with qtbot.waitSignal(window.sig_dossier_saved, timeout=60000) as saved:
        window.save_dossier(window.current_client_key(), tmp_path / "d.pdf")
    assert saved.args == [str(tmp_path / "d.pdf")]
    reader = pypdf.PdfReader(tmp_path / "d.pdf")
    assert len(reader.pages) > 5
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert any("Finances" in t for t in titles)
    assert "Patika" in reader.pages[0].extract_text()
    assert window.dossier_action.isEnabled()
