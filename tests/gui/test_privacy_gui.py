"""Personal-data rights from the People tab: the source and legal basis at the top of the form,
"Export everything about this person…" (JSON, PDF) and "Erase this person…" (reason, refusal,
erasure, what still names them, no undo)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from kamdesk.core.storage import backup
from kamdesk.gui.mainwindow import MainWindow
from tests.gui.conftest import sql

NAME = "dr n. med. Małgorzata Szczęsna"
REASON = "Her request by letter of 20 November"


@pytest.fixture
def window(demo_window) -> MainWindow:
    win = demo_window("Pomorska Grupa Szpitalna S.A.")
    win.tabs.setCurrentWidget(win.people)
    assert win.people.select_person("szczesna")
    return win


def test_source_and_legal_basis_come_first_in_the_form(window: MainWindow) -> None:
    form = window.people.form
    assert list(form.fields)[:3] == ["name", "info_source", "legal_basis"]
    assert form.fields["info_source"].widget.currentText() == "Told us themselves"
    basis = form.fields["legal_basis"].widget.toPlainText()
    assert basis.startswith("Consent given in writing on 2024-09-12")


def test_export_everything_as_json_and_pdf(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    people = window.people
    target = tmp_path / "szczesna.json"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "JSON (*.json)")
    )
    people.export_button.click()
    doc = json.loads(target.read_text("utf-8"))
    assert doc["person"]["name"] == NAME and doc["client"]["key"] == "szpital-pomorze"
    assert [a["owner"] for a in doc["action_items"]] == ["dr M. Szczęsna (PGS)"]
    assert str(target) in people.status.text()

    # no extension typed: the chosen filter decides (PDF here)
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "szczesna"), "PDF (*.pdf)")
    )
    people.export_button.click()
    pdf = tmp_path / "szczesna.pdf"
    qtbot.waitUntil(pdf.exists, timeout=30000)
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert NAME in text and "Consent given in writing" in text
    assert people.export_button.isEnabled()
    assert sql(window, "SELECT count(*) FROM stakeholder WHERE key = 'szczesna'") == 1


def test_erase_this_person(qtbot, window: MainWindow) -> None:
    people = window.people
    count = people.list.count()
    # an edit of hers is on the undo stack: it must not survive the erasure
    field = people.form.fields["pronunciation"].widget
    field.clear()
    qtbot.keyClicks(field, "mahw-GOH-zhah-tah")
    people.form.flush()
    assert window.undo_stack.canUndo()
    kept = backup.take_backup(window.db.path, "manual")

    people.erase_button.click()
    dialog = people.erase_dialog
    assert dialog is not None and dialog.isVisible()
    assert "cannot be undone" in dialog.explanation.text()
    assert "Backups made before now still hold" in dialog.explanation.text()
    assert [dialog.backups.item(i).text() for i in range(dialog.backups.count())] == [str(kept)]
    listed = [dialog.mentions.item(i).text() for i in range(dialog.mentions.count())]
    assert any("Quarterly business review" in t and "Dr Szczęsna" in t for t in listed)
    assert not dialog.erase_button.isEnabled()  # no reason yet

    dialog.reason.setPlainText("Małgorzata asked us by phone")
    dialog.erase_button.click()
    assert dialog.error.isVisible() and "names the person" in dialog.error.text()
    assert sql(window, "SELECT count(*) FROM stakeholder WHERE key = 'szczesna'") == 1

    dialog.reason.setPlainText(REASON)
    with qtbot.waitSignal(people.sig_changed, timeout=5000):
        dialog.erase_button.click()
    assert sql(window, "SELECT count(*) FROM stakeholder WHERE key = 'szczesna'") == 0
    assert sql(window, "SELECT reason FROM erasure_log") == REASON
    assert sql(window, "SELECT count(*) FROM action_item WHERE owner = '(erased person)'") == 1
    assert people.list.count() == count - 1
    assert not people.select_person("szczesna")
    assert window.undo_stack.count() == 0 and not window.undo_action.isEnabled()

    # afterwards: the record, and the texts to edit
    assert dialog.windowTitle() == "Erased"
    assert "was erased" in dialog.explanation.text() and "Record E-" in dialog.explanation.text()
    after = [dialog.mentions.item(i).text() for i in range(dialog.mentions.count())]
    assert any("Quarterly business review" in t for t in after)
    assert not dialog.erase_button.isVisible() and dialog.cancel_button.text() == "Close"
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: people.erase_dialog is None)

    # the search box no longer finds her as a person
    window.search.setText("szczesna")
    window.run_search()
    assert window.hits.count() > 0  # the search ran (her notes may still name her)
    kinds = {item.data(Qt.ItemDataRole.UserRole).kind for item in window.search_results()}
    assert "person" not in kinds


def test_erase_runs_off_the_gui_thread_with_the_window_runner(qtbot, window: MainWindow) -> None:
    """With the real thread pool the erasure (and the file's compaction) runs on a worker; the
    dialog waits, then shows the result, and the undo stack is cleared on the GUI thread."""
    from kamdesk.gui.workers import TaskRunner

    window.runner = window.people.runner = TaskRunner(window)
    people = window.people
    assert people.select_person("wrobel")
    people.erase_button.click()
    dialog = people.erase_dialog
    assert dialog is not None
    dialog.reason.setPlainText(REASON)
    dialog.erase_button.click()
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=30000)
    assert sql(window, "SELECT count(*) FROM stakeholder WHERE key = 'wrobel'") == 0
    assert window.undo_stack.count() == 0 and dialog.cancel_button.isEnabled()
    window.runner.wait(5000)
