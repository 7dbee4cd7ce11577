"""The relationship map: drawn from the dossier, dragged positions kept (and used by the brief),
relations linked and unlinked with undo, exported as SVG and PNG."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from kamdesk.core.documents import maplayout as relmap_layout
from kamdesk.core.documents import relmap
from kamdesk.core.meeting.context import load_meeting_context
from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.views.relmap import PersonNode, RelationEdge
from tests.gui.conftest import sql


@pytest.fixture
def window(demo_window) -> MainWindow:
    win = demo_window("Pomorska Grupa Szpitalna S.A.")
    win.tabs.setCurrentWidget(win.relmap)
    return win


def test_map_draws_people_and_relations_like_the_brief(window: MainWindow) -> None:
    nodes = [i for i in window.relmap.scene.items() if isinstance(i, PersonNode)]
    edges = [i for i in window.relmap.scene.items() if isinstance(i, RelationEdge)]
    assert len(nodes) == sql(
        window,
        "SELECT count(*) FROM stakeholder s JOIN client c ON c.id = s.client_id WHERE c.key = 'szpital-pomorze'",
    )
    assert len(edges) == sql(
        window,
        "SELECT count(*) FROM relation r JOIN client c ON c.id = r.client_id WHERE c.key = 'szpital-pomorze'",
    )
    wrobel = next(n for n in nodes if n.person.key == "wrobel")
    nowicka = next(n for n in nodes if n.person.key == "nowicka")
    assert wrobel.radius > nowicka.radius  # influence 5 > 4
    assert wrobel.brush().color().name() == relmap.ATTITUDE_COLOURS[wrobel.person.attitude]


def test_dragged_positions_are_kept_and_used_by_the_brief(qtbot, window: MainWindow) -> None:
    node = window.relmap.nodes[
        next(k for k, n in window.relmap.nodes.items() if n.person.key == "wrobel")
    ]
    node.setPos(QPointF(50, 60))
    window.relmap.node_moved(node)
    assert sql(window, f"SELECT x FROM map_position WHERE stakeholder_id = {node.person.id}") == 50
    window.relmap.set_client(window.relmap.client_id)  # redrawn from the database
    assert window.relmap.nodes[node.person.id].pos() == QPointF(50, 60)
    with window.db.session() as session:
        ctx = load_meeting_context(session, "pomorze-tender-2027")
    assert ctx.positions[node.person.id] == (50.0, 60.0)


def test_link_unlink_with_undo(window: MainWindow, monkeypatch) -> None:
    count = "SELECT count(*) FROM relation"
    before = sql(window, count)
    nodes = window.relmap.nodes
    a, b = (n for n in nodes.values() if n.person.key in ("grabowski", "dabrowska"))
    window.relmap.add_relation(a.person.id, b.person.id, "ally")
    assert sql(window, count) == before + 1
    edge = next(
        e
        for e in window.relmap.scene.items()
        if isinstance(e, RelationEdge)
        and e.relation.kind == "ally"
        and {e.source.person.key, e.target.person.key} == {"grabowski", "dabrowska"}
    )
    edge.setSelected(True)
    window.relmap.unlink_selected()
    assert sql(window, count) == before
    window.undo_action.trigger()
    assert sql(window, count) == before + 1
    # the same link twice is refused with a message, not doubled
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    window.relmap.add_relation(a.person.id, b.person.id, "ally")
    assert shown and "already used" in shown[0] and sql(window, count) == before + 1


def test_double_click_opens_the_person(qtbot, window: MainWindow) -> None:
    node = next(n for n in window.relmap.nodes.values() if n.person.key == "nowicka")
    with qtbot.waitSignal(window.relmap.sig_open_person):
        node.mouseDoubleClickEvent(None)
    assert window.tabs.currentWidget() is window.people
    assert "Nowicka" in window.people.list.currentItem().text()


def test_export_svg_and_png(window: MainWindow, tmp_path: Path) -> None:
    svg = tmp_path / "map.svg"
    window.relmap.export(svg)
    text = svg.read_text("utf-8")
    assert text.startswith("<?xml") and "Łukasz Wróbel" in text and "<svg" in text
    png = tmp_path / "map.png"
    window.relmap.export(png)
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 200


def test_a_png_export_obeys_the_output_policy(
    window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    """The PNG went through QImage.save, past the policy every other export obeys: through a
    link it could replace the dossier itself."""
    import hashlib

    from PySide6.QtWidgets import QMessageBox

    from kamdesk.core.storage import backup

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: said.append(text))
    db_path = window.db.path
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    folder = backup.backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    window.relmap.export(folder / "map.png")
    assert said and "backups" in said[-1] and not (folder / "map.png").exists()
    link = tmp_path / "link.png"
    link.symlink_to(db_path)
    window.relmap.export(link)
    assert len(said) == 2 and "dossier" in said[-1]  # refused, as for every other export
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before


def _box(rect) -> relmap_layout.Rect:
    return relmap_layout.Rect(rect.left(), rect.top(), rect.width(), rect.height())


def _assert_labels_clear(window: MainWindow) -> None:
    nodes = list(window.relmap.nodes.values())
    edges = [i for i in window.relmap.scene.items() if isinstance(i, RelationEdge)]
    assert nodes and edges
    boxes = {node: _box(node.label_rect()) for node in nodes}
    for node in nodes:
        lines = [line.text() for line in node.lines]
        # the whole name first, on one or two lines
        assert " ".join(lines).startswith(" ".join(node.person.name.split())), lines
        for other in nodes:
            if other is not node:
                assert not boxes[node].overlaps(boxes[other]), (lines[0], other.lines[0].text())
                centre = (other.pos().x(), other.pos().y())
                assert not boxes[node].meets_circle(centre, other.radius)
    for edge in edges:
        path = edge.path()
        start, end = path.elementAt(0), path.elementAt(1)  # the line, before the arrowheads
        for node in nodes:
            if node not in (edge.source, edge.target):
                assert not boxes[node].crosses((start.x, start.y), (end.x, end.y)), (
                    node.person.name,
                    edge.source.person.name,
                    edge.target.person.name,
                )


def test_labels_are_whole_and_no_line_runs_through_one(qtbot, demo_window) -> None:
    window = demo_window(None)
    window.resize(1366, 768)
    window.tabs.setCurrentWidget(window.relmap)
    for row in range(window.proxy.rowCount()):
        window.table.selectRow(row)
        _assert_labels_clear(window)
    # the person at the top dragged further up, into the open: the labels find their sides
    # again (a person dragged into a crowd may leave no side free: then the least crossed)
    top = min(window.relmap.nodes.values(), key=lambda n: n.pos().y())
    top.setPos(top.pos() + QPointF(0, -200))
    window.relmap.node_moved(top)
    _assert_labels_clear(window)
    texts = [i for i in window.relmap.scene.items() if isinstance(i, QGraphicsSimpleTextItem)]
    nodes = window.relmap.nodes.values()
    assert len(texts) == sum(1 + len(n.lines) for n in nodes)  # the old labels are gone
