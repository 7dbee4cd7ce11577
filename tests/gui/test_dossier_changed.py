"""The window's one "dossier changed" signal: every edit becomes it, with its scope (the
clients touched, or every client) and its origin; open workspaces of the clients touched
re-read their meeting, the others and the origin do not."""

from __future__ import annotations

import pytest

from kamdesk.core import reading
from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.operations import Change
from kamdesk.gui.views.meeting import MeetingWorkspace
from tests.gui.conftest import sql


@pytest.fixture
def window(demo_window) -> MainWindow:
    return demo_window("Banca Adriatica S.p.A.")


def count_reloads(workspace: MeetingWorkspace) -> list[int]:
    """A counter of the workspace's re-reads (its own method still runs)."""
    calls: list[int] = []
    original = workspace.reload

    def reload() -> None:
        calls.append(1)
        original()

    workspace.reload = reload  # type: ignore[method-assign]
    return calls


def test_an_edit_in_a_workspace_reaches_its_clients_workspaces_only(qtbot, window) -> None:
    adriatica = reading.client_id(window.db, "banca-adriatica")
    pilot = window.open_meeting("adriatica-screening-pilot")
    review = window.open_meeting("adriatica-welfare-review-2026")
    elsewhere = window.open_meeting("patika-q1-listing")
    same_client, other_client, origin = (
        count_reloads(review),
        count_reloads(elsewhere),
        count_reloads(pilot),
    )
    window.tabs.setCurrentWidget(pilot)
    with qtbot.waitSignal(window.sig_dossier_changed, timeout=5000) as blocker:
        pilot.fields["travel_min"].widget.setValue(35)
        pilot.flush()
    (change,) = blocker.args
    assert change == Change(frozenset({adriatica}), pilot)
    assert (
        sql(window, "SELECT travel_min FROM meeting WHERE key = 'adriatica-screening-pilot'") == 35
    )
    # the origin re-read once, after its own write; the signal did not make it read again
    assert (same_client, other_client, origin) == ([1], [], [1])


def test_an_edit_in_a_dossier_tab_is_scoped_to_the_shown_client(qtbot, window) -> None:
    adriatica = reading.client_id(window.db, "banca-adriatica")
    window.tabs.setCurrentWidget(window.people)
    field = window.people.form.fields["form_of_address"]
    with qtbot.waitSignal(window.sig_dossier_changed, timeout=5000) as blocker:
        field.widget.setText("Ing. Bortolotti")
        field.widget.textEdited.emit("Ing. Bortolotti")
    (change,) = blocker.args
    assert change.clients == frozenset({adriatica}) and change.origin is window.people


def test_our_company_changes_every_client(qtbot, window) -> None:
    workspace = window.open_meeting("patika-q1-listing")
    reloads = count_reloads(workspace)
    dialog = window.company_dialog()
    with qtbot.waitSignal(window.sig_dossier_changed, timeout=5000) as blocker:
        dialog.form.fields["annual_income"].widget.setValue(96_000_000)
        dialog.form.flush()
    (change,) = blocker.args
    assert change.clients is None and change.touches(12345)
    assert sql(window, "SELECT annual_income FROM company") == 96_000_000
    assert reloads  # every open workspace re-reads
