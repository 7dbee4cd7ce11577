"""The client's people as a map: drag people around (positions are saved), zoom, double-click
to open a person, link two people, export the picture.

The drawing follows ``kamdesk.core.documents.relmap`` (the brief's SVG): size by influence, colour by
attitude, VIP/KOL badges, arrows styled by relation kind, the same map units.

Signals:
    sig_open_person(str): a person was double-clicked (their key).
    sig_changed(): a relation was added or removed (or that was undone).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QLineF,
    QPointF,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import reading
from kamdesk.core.account import editing
from kamdesk.core.documents import maplayout, relmap
from kamdesk.core.errors import KamdeskError
from kamdesk.core.files import write_atomically, write_bytes_atomically
from kamdesk.core.model import labels
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database
from kamdesk.gui.widgets.listeditor import AddOrDeleteRow

DASHES = {
    "reports_to": Qt.PenStyle.SolidLine,
    "influences": Qt.PenStyle.DashLine,
    "ally": Qt.PenStyle.DotLine,
    "rival": Qt.PenStyle.DashDotLine,
}


LABEL_COLOURS = {
    maplayout.NAME: QColor("#212121"),
    maplayout.BADGE: QColor("#b71c1c"),
    maplayout.POSITION: QColor("#607d8b"),
}


def label_fonts(base: QFont) -> dict[str, QFont]:
    """The label's fonts on screen: the name in the view's font, badges bold and the position
    a little smaller."""
    small = QFont(base)
    small.setPointSizeF(max(base.pointSizeF() - 1, 6.0))
    badge = QFont(small)
    badge.setBold(True)
    return {maplayout.NAME: QFont(base), maplayout.BADGE: badge, maplayout.POSITION: small}


class PersonNode(QGraphicsEllipseItem):
    def __init__(self, view: RelationshipMap, person: m.Stakeholder, x: float, y: float):
        r = maplayout.radius(person)
        super().__init__(-r, -r, 2 * r, 2 * r)
        self.view, self.person, self.radius = view, person, r
        self.edges: list[RelationEdge] = []
        self.lines: list[QGraphicsSimpleTextItem] = []
        self.setPos(x, y)
        self.setBrush(
            QBrush(
                QColor(relmap.ATTITUDE_COLOURS.get(person.attitude, relmap.ATTITUDE_COLOURS[None]))
            )
        )
        self.setPen(QPen(QColor("#263238"), 1))
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip(f"{person.name}\n{person.position or ''}")
        bold = QFont()
        bold.setBold(True)
        letters = QGraphicsSimpleTextItem(relmap.initials(person.name), self)
        letters.setFont(bold)
        letters.setBrush(QBrush(Qt.GlobalColor.white))
        letters.setPos(-letters.boundingRect().width() / 2, -letters.boundingRect().height() / 2)

    def set_label(
        self, label: maplayout.Label, box: maplayout.Rect, fonts: dict[str, QFont]
    ) -> None:
        """The label's lines, centred in ``box`` (map units, as laid out by maplayout)."""
        scene = self.scene()
        for line in self.lines:
            if scene is not None:
                scene.removeItem(line)  # off the node too; gone with the last reference
        self.lines = []
        top = box.top - self.pos().y()
        middle = box.left + box.width / 2 - self.pos().x()
        for (text, style), height in zip(label.lines, label.heights, strict=True):
            item = QGraphicsSimpleTextItem(text, self)
            item.setFont(fonts[style])
            item.setBrush(QBrush(LABEL_COLOURS[style]))
            item.setPos(middle - QFontMetricsF(fonts[style]).horizontalAdvance(text) / 2, top)
            self.lines.append(item)
            top += height

    def label_rect(self) -> QRectF:
        """Where the label stands, in scene coordinates."""
        rect = QRectF()
        for line in self.lines:
            rect = rect.united(line.sceneBoundingRect())
        return rect

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:  # noqa: N802
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for edge in self.edges:
                edge.adjust()
        return super().itemChange(change, value)

    def mouseReleaseEvent(self, event: Any) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        self.view.node_moved(self)

    def mouseDoubleClickEvent(self, event: Any) -> None:  # noqa: N802
        self.view.sig_open_person.emit(self.person.key)


class RelationEdge(QGraphicsPathItem):
    def __init__(self, relation: m.Relation, source: PersonNode, target: PersonNode):
        super().__init__()
        self.relation, self.source, self.target = relation, source, target
        colour, _dash = relmap.RELATION_STYLES[relation.kind]
        label = labels.relation_short().get(relation.kind, relation.kind)
        pen = QPen(QColor(colour), 1.8, DASHES[relation.kind])
        self.setPen(pen)
        self.setBrush(QBrush(QColor(colour)))
        self.setZValue(-1)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setToolTip(f"{source.person.name} — {label} — {target.person.name}")
        source.edges.append(self)
        target.edges.append(self)
        self.adjust()

    def adjust(self) -> None:
        a, b = self.source.pos(), self.target.pos()
        line = QLineF(a, b)
        if line.length() < 1:
            self.setPath(QPainterPath())
            return
        unit = (b - a) / line.length()
        start = a + unit * (self.source.radius + 2)
        end = b - unit * (self.target.radius + 4)
        path = QPainterPath(start)
        path.lineTo(end)
        for tip, direction in (
            ((end, unit), (start, -unit))
            if self.relation.kind in ("ally", "rival")
            else ((end, unit),)
        ):
            path.addPolygon(_arrow(tip, direction))
        self.setPath(path)


def _arrow(tip: QPointF, direction: QPointF) -> QPolygonF:
    angle = math.atan2(direction.y(), direction.x())
    size = 9.0
    left = QPointF(tip.x() - size * math.cos(angle - 0.4), tip.y() - size * math.sin(angle - 0.4))
    right = QPointF(tip.x() - size * math.cos(angle + 0.4), tip.y() - size * math.sin(angle + 0.4))
    return QPolygonF([tip, left, right, tip])


class _MapView(QGraphicsView):
    def wheelEvent(self, event: Any) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
            self.scale(factor, factor)
        else:
            super().wheelEvent(event)


class RelationshipMap(QWidget):
    sig_open_person = Signal(str)
    sig_changed = Signal()

    def __init__(self, db: Database, undo_stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.undo_stack = db, undo_stack
        self.client_id: int | None = None
        self.nodes: dict[int, PersonNode] = {}
        self.people: list[m.Stakeholder] = []
        self.relations: list[m.Relation] = []
        self.title = self.tr("relationship map")
        self.scene = QGraphicsScene(self)
        self.view = _MapView(self.scene, self)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.view.setAccessibleName(self.tr("Relationship map"))
        self.fonts = label_fonts(self.view.font())
        self.kind = QComboBox(self)
        self.kind.setAccessibleName(self.tr("Kind of relation"))
        for kind, label in labels.choices(labels.relation_short):
            self.kind.addItem(label, kind)
        self.link_button = QPushButton(self.tr("Link the two selected"))
        self.unlink_button = QPushButton(self.tr("Remove selected relation"))
        self.zoom_in = QPushButton("+")
        self.zoom_in.setAccessibleName(self.tr("Zoom in"))
        self.zoom_out = QPushButton("−")
        self.zoom_out.setAccessibleName(self.tr("Zoom out"))
        self.fit_button = QPushButton(self.tr("Fit"))
        self.export_button = QPushButton(self.tr("Export…"))
        bar = QHBoxLayout()
        for widget in (
            QLabel(self.tr("Relation:")),
            self.kind,
            self.link_button,
            self.unlink_button,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.zoom_out, self.zoom_in, self.fit_button, self.export_button):
            bar.addWidget(widget)
        hint = QLabel(
            self.tr(
                "Drag people to arrange them; double-click to open; Ctrl+wheel zooms. "
                "Size: influence · colour: attitude."
            ),
            self,
        )
        hint.setEnabled(False)
        self.empty_hint = QLabel(self)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setEnabled(False)
        self.empty_hint.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.view)
        layout.addWidget(hint)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.link_button.clicked.connect(self.link_selected)
        self.unlink_button.clicked.connect(self.unlink_selected)
        self.zoom_in.clicked.connect(lambda: self.view.scale(1.2, 1.2))
        self.zoom_out.clicked.connect(lambda: self.view.scale(1 / 1.2, 1 / 1.2))
        self.fit_button.clicked.connect(self.fit)
        self.export_button.clicked.connect(self.ask_export)

    # -- building the scene --

    def set_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.rebuild()
        QTimer.singleShot(0, self.fit)  # once the view has its size

    def refresh(self) -> None:
        """After a relation was added or removed (or that was undone)."""
        self.rebuild()
        self.sig_changed.emit()

    def people_and_relations(self) -> tuple[list[m.Stakeholder], list[m.Relation]]:
        if self.client_id is None:
            return [], []
        return (
            reading.people(self.db, self.client_id, by="id"),
            reading.relations(self.db, self.client_id),
        )

    def rebuild(self) -> None:
        self.scene.clear()
        self.nodes = {}
        if self.client_id is None:
            self._empty_state([], [])
            return
        people, relations = self.people_and_relations()
        self.people, self.relations = people, relations
        self._empty_state(people, relations)
        saved = editing.map_positions(self.db, self.client_id)
        # people not placed by hand go where the map's own layout puts them
        ring = maplayout.layout(people, relations, self.measure)
        for person in people:
            pid = person.id or 0
            x, y = saved.get(pid, ring.centres[pid])
            node = PersonNode(self, person, x, y)
            self.scene.addItem(node)
            self.nodes[pid] = node
        for relation in relations:
            source, target = self.nodes.get(relation.from_id), self.nodes.get(relation.to_id)
            if source and target:
                self.scene.addItem(RelationEdge(relation, source, target))
        if saved:
            self.place_labels()
        else:  # the ellipse as laid out: its labels are clear of every line
            for pid, node in self.nodes.items():
                node.set_label(ring.labels[pid], ring.boxes[pid], self.fonts)
        self.scene.setSceneRect(
            self.scene.itemsBoundingRect()
            .adjusted(-60, -40, 60, 40)
            .united(QRectF(0, 0, relmap.MAP_WIDTH, relmap.MAP_HEIGHT))
        )

    def _empty_state(self, people: list[m.Stakeholder], relations: list[m.Relation]) -> None:
        """What to do while the map has nothing (or no line) to show; the buttons that need
        people enabled only with them."""
        if self.client_id is None:
            text = self.tr("Select a client to see the people around them.")
        elif not people:
            text = self.tr(
                "No people yet: add the client's people in the People tab (or import them: "
                "File › Import people), then link who reports to or influences whom here."
            )
        elif not relations:
            text = self.tr(
                "No relations yet: select two people (Ctrl+click), choose the kind of relation "
                "and press Link the two selected."
            )
        else:
            text = ""
        self.empty_hint.setText(text)
        self.empty_hint.setVisible(bool(text))
        writable = not self.db.readonly
        self.link_button.setEnabled(writable and len(people) >= 2)
        self.unlink_button.setEnabled(writable and bool(relations))
        self.export_button.setEnabled(bool(people))

    def measure(self, text: str, style: str) -> tuple[float, float]:
        metrics = QFontMetricsF(self.fonts[style])
        return metrics.horizontalAdvance(text), metrics.height()

    def positions(self) -> dict[int, tuple[float, float]]:
        return {pid: (node.pos().x(), node.pos().y()) for pid, node in self.nodes.items()}

    def place_labels(self) -> maplayout.MapLayout:
        """Each label on the side of its circle where it meets no other label, circle or line
        (the same rule as the printed map), after every build and every move."""
        plan = maplayout.layout(self.people, self.relations, self.measure, self.positions())
        for pid, node in self.nodes.items():
            node.set_label(plan.labels[pid], plan.boxes[pid], self.fonts)
        return plan

    def fit(self) -> None:
        if not self.nodes:
            return
        self.view.resetTransform()
        self.view.fitInView(
            self.scene.itemsBoundingRect().adjusted(-40, -30, 40, 30),
            Qt.AspectRatioMode.KeepAspectRatio,
        )

    # -- interaction --

    def node_moved(self, node: PersonNode) -> None:
        self.place_labels()
        try:
            editing.set_map_position(self.db, node.person.id or 0, node.pos().x(), node.pos().y())
        except KamdeskError as exc:
            QMessageBox.warning(self, self.tr("Position not saved"), str(exc))

    def selected_people(self) -> list[PersonNode]:
        return [item for item in self.scene.selectedItems() if isinstance(item, PersonNode)]

    def link_selected(self) -> None:
        nodes = self.selected_people()
        if len(nodes) != 2 or self.client_id is None:
            QMessageBox.information(
                self, self.tr("Link people"), self.tr("Select exactly two people first.")
            )
            return
        first, second = sorted(nodes, key=lambda n: n.pos().x())
        self.add_relation(first.person.id or 0, second.person.id or 0, self.kind.currentData())

    def add_relation(self, from_id: int, to_id: int, kind: str) -> None:
        assert self.client_id is not None
        values = {"client_id": self.client_id, "from_id": from_id, "to_id": to_id, "kind": kind}
        command = AddOrDeleteRow(self, m.Relation, values, None)
        self.undo_stack.push(command)
        if command.error is not None:
            QMessageBox.warning(self, self.tr("Not linked"), str(command.error))

    def unlink_selected(self) -> None:
        edges = [item for item in self.scene.selectedItems() if isinstance(item, RelationEdge)]
        for edge in edges:
            self.undo_stack.push(AddOrDeleteRow(self, m.Relation, None, edge.relation.id))

    # -- export --

    def ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the map"), "relationship-map.svg", "SVG (*.svg);;PNG (*.png)"
        )
        if name:
            self.export(Path(name))

    def export(self, path: Path) -> None:
        """SVG (the same picture the brief prints) or PNG (what is on screen)."""
        if path.suffix.lower() == ".png":
            rect = self.scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)
            image = QImage(
                int(rect.width() * 2), int(rect.height() * 2), QImage.Format.Format_ARGB32
            )
            image.fill(Qt.GlobalColor.white)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.scene.render(painter, QRectF(image.rect()), rect)
            painter.end()
            data = QByteArray()
            buffer = QBuffer(data)
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub says bytes; it takes str
            buffer.close()
            try:  # the output policy of every export (never the dossier, a folder, a link…)
                write_bytes_atomically(path, bytes(data.data()))
            except KamdeskError as exc:
                QMessageBox.critical(self, self.tr("Not exported"), str(exc))
            return
        people, relations = self.people_and_relations()
        # where the people stand on screen, dragged or not: the SVG shows the same map
        svg = relmap.relationship_svg(people, relations, positions=self.positions())
        try:
            write_atomically(path, '<?xml version="1.0" encoding="UTF-8"?>\n' + str(svg))
        except KamdeskError as exc:
            QMessageBox.critical(self, self.tr("Not exported"), str(exc))
