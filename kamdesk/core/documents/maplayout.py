"""Where the relationship map puts each person, their label and each relation's line: the one
layout the brief's and the dossier's SVG and the desktop map share (each measures text in its
own font, through ``measure``).

- A label shows the whole name (on two lines when it is long, split where the lines come out
  most even), the VIP/KOL badges, and the position (wrapped, at most two lines; the rest is
  shortened, the whole text is in the tooltip).
- A relation's line runs from one circle's edge to the other's, never from the centres.
- Each label goes beside its circle, on the first side (the compass point nearest to
  outwards, outwards, then the other compass points) where it overlaps no other label, no other circle and no line between two
  other people. People not placed by hand stand on an ellipse that grows until every label
  finds such a side: as the lines are chords of the ellipse and each label lies beyond the
  ellipse's tangent at its person, no line crosses a label. People placed by hand keep their
  places; their labels take the best side there is.

Deterministic: the same people, relations and measure give the same picture.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kamdesk.core.model import models as m

Point = tuple[float, float]
# (text, style) -> (advance, line height), in map units; the styles are those below
Measure = Callable[[str, str], tuple[float, float]]
NAME, BADGE, POSITION = "name", "badge", "position"

MAP_WIDTH, MAP_HEIGHT = 640, 330  # map units, shared with the desktop map
NAME_WRAP = 125.0  # a name wider than this goes on two lines
POSITION_WRAP = 150.0  # the position wraps at this width (or the name's, when wider)
GAP = 4.0  # between a circle and its label, and around labels
GROWTH, MAX_ROUNDS = 1.12, 48


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def overlaps(self, other: Rect, margin: float = 0.0) -> bool:
        return (
            self.left < other.right + margin
            and other.left < self.right + margin
            and self.top < other.bottom + margin
            and other.top < self.bottom + margin
        )

    def meets_circle(self, centre: Point, radius: float) -> bool:
        x = min(max(centre[0], self.left), self.right)
        y = min(max(centre[1], self.top), self.bottom)
        return math.hypot(x - centre[0], y - centre[1]) < radius

    def crosses(self, a: Point, b: Point) -> bool:
        """Whether the segment a–b enters the rectangle (Liang–Barsky clipping)."""
        dx, dy = b[0] - a[0], b[1] - a[1]
        low, high = 0.0, 1.0
        for p, q in (
            (-dx, a[0] - self.left),
            (dx, self.right - a[0]),
            (-dy, a[1] - self.top),
            (dy, self.bottom - a[1]),
        ):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low > high:
                return False
        return True

    def united(self, other: Rect) -> Rect:
        left, top = min(self.left, other.left), min(self.top, other.top)
        return Rect(
            left, top, max(self.right, other.right) - left, max(self.bottom, other.bottom) - top
        )


@dataclass(frozen=True)
class Label:
    lines: tuple[tuple[str, str], ...]  # (text, style), top to bottom
    heights: tuple[float, ...]
    width: float

    @property
    def height(self) -> float:
        return sum(self.heights)


@dataclass(frozen=True)
class Edge:
    relation: m.Relation
    start: Point  # on the edge of the first person's circle
    end: Point


@dataclass(frozen=True)
class MapLayout:
    centres: dict[int, Point]
    radii: dict[int, float]
    labels: dict[int, Label]
    boxes: dict[int, Rect]  # where each label stands
    edges: tuple[Edge, ...]
    bounds: Rect  # everything drawn


def radius(person: m.Stakeholder) -> float:
    return 14 + 4 * (person.influence or 1)


def label(person: m.Stakeholder, measure: Measure) -> Label:
    """The lines under a person: the whole name, the badges, the position."""
    lines = [(text, NAME) for text in _split(person.name, measure)]
    badges = " · ".join(b for b, on in (("VIP", person.vip), ("KOL", person.kol)) if on)
    if badges:
        lines.append((badges, BADGE))
    if person.position:
        widest = max(measure(text, NAME)[0] for text, _ in lines)
        limit = max(POSITION_WRAP, widest)
        lines += [(text, POSITION) for text in _wrap(person.position, limit, measure)]
    sizes = [measure(text, style) for text, style in lines]
    return Label(tuple(lines), tuple(h for _, h in sizes), max(w for w, _ in sizes))


def _split(name: str, measure: Measure) -> list[str]:
    """One line, or two split at the space that makes the wider line narrowest."""
    name = " ".join(name.split())
    words = name.split(" ")
    if len(words) < 2 or measure(name, NAME)[0] <= NAME_WRAP:
        return [name]
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    first, second = min(splits, key=lambda s: max(measure(s[0], NAME)[0], measure(s[1], NAME)[0]))
    return [first, second]


def _wrap(text: str, limit: float, measure: Measure, most: int = 2) -> list[str]:
    """Words filled into lines of at most ``limit``; past ``most`` lines the last is shortened."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < most:
        line = words.pop(0)
        while words and measure(f"{line} {words[0]}", POSITION)[0] <= limit:
            line += " " + words.pop(0)
        lines.append(line)
    if words:
        last = lines[-1] + " " + words[0]
        while " " in last and measure(last + "…", POSITION)[0] > limit:
            last = last.rsplit(" ", 1)[0]
        lines[-1] = last.rstrip(",;:") + "…"
    return lines


def layout(
    people: Sequence[m.Stakeholder],
    relations: Sequence[m.Relation],
    measure: Measure,
    positions: dict[int, Point] | None = None,
    width: float = MAP_WIDTH,
    height: float = MAP_HEIGHT,
) -> MapLayout:
    """The map of these people (relations to anyone else are left out). With ``positions``
    for everyone, they stand there; otherwise all stand on an ellipse in ``width`` × ``height``
    (grown as far as their labels need)."""
    ids = [p.id or 0 for p in people]
    radii = {p.id or 0: radius(p) for p in people}
    labels = {p.id or 0: label(p, measure) for p in people}
    shown = set(ids)
    related = [r for r in relations if r.from_id in shown and r.to_id in shown]
    if positions and all(i in positions for i in ids):
        centres = {i: positions[i] for i in ids}
        outward = _from_centroid(centres)
        boxes, _conflicts = _place(
            ids, centres, radii, labels, _edges(related, centres, radii), outward
        )
        return _finish(centres, radii, labels, boxes, related)
    scale = _first_scale(ids, radii, labels, width, height)
    for last in range(MAX_ROUNDS, 0, -1):
        centres, outward = _ellipse(ids, radii, width, height, scale)
        if _circles_meet(centres, radii) and last > 1:
            scale *= GROWTH
            continue
        edges = _edges(related, centres, radii)
        boxes, conflicts = _place(ids, centres, radii, labels, edges, outward, give_up=last > 1)
        if not conflicts:
            break
        scale *= GROWTH
    return _finish(centres, radii, labels, boxes, related)


def _first_scale(
    ids: list[int], radii: dict[int, float], labels: dict[int, Label], width: float, height: float
) -> float:
    """Where the ellipse starts growing from: its circumference at least the people's circles
    and half their labels side by side (fewer rounds of growing; the result is the same
    kind of picture)."""
    need = sum(2 * radii[i] + labels[i].width / 2 + 2 * GAP for i in ids)
    rx, ry = max(width / 2 - 110, 60), max(height / 2 - 62, 40)
    # Ramanujan's approximation of the ellipse's circumference
    around = math.pi * (3 * (rx + ry) - math.sqrt((3 * rx + ry) * (rx + 3 * ry)))
    return max(1.0, need / around)


def _ellipse(
    ids: list[int], radii: dict[int, float], width: float, height: float, scale: float
) -> tuple[dict[int, Point], dict[int, Point]]:
    """Centres on an ellipse from the top, clockwise, and each one's outward normal."""
    cx, cy = width / 2, height / 2
    rx, ry = max(width / 2 - 110, 60) * scale, max(height / 2 - 62, 40) * scale
    centres: dict[int, Point] = {}
    normals: dict[int, Point] = {}
    for i, pid in enumerate(ids):
        if len(ids) == 1:
            centres[pid], normals[pid] = (cx, cy), (0.0, 1.0)
            continue
        angle = -math.pi / 2 + 2 * math.pi * i / len(ids)
        centres[pid] = (cx + rx * math.cos(angle), cy + ry * math.sin(angle))
        nx, ny = math.cos(angle) / rx, math.sin(angle) / ry
        norm = math.hypot(nx, ny)
        normals[pid] = (nx / norm, ny / norm)
    return centres, normals


def _from_centroid(centres: dict[int, Point]) -> dict[int, Point]:
    cx = sum(x for x, _ in centres.values()) / len(centres)
    cy = sum(y for _, y in centres.values()) / len(centres)
    outward: dict[int, Point] = {}
    for pid, (x, y) in centres.items():
        dist = math.hypot(x - cx, y - cy)
        outward[pid] = ((x - cx) / dist, (y - cy) / dist) if dist > 1 else (0.0, 1.0)
    return outward


def _edges(
    relations: Sequence[m.Relation], centres: dict[int, Point], radii: dict[int, float]
) -> list[Edge]:
    """Each relation's line, from circle edge to circle edge (room for the arrowhead)."""
    edges = []
    for rel in relations:
        (x1, y1), (x2, y2) = centres[rel.from_id], centres[rel.to_id]
        dist = math.hypot(x2 - x1, y2 - y1)
        if dist < 1:
            continue
        ux, uy = (x2 - x1) / dist, (y2 - y1) / dist
        r1, r2 = radii[rel.from_id] + 2, radii[rel.to_id] + 4
        edges.append(Edge(rel, (x1 + ux * r1, y1 + uy * r1), (x2 - ux * r2, y2 - uy * r2)))
    return edges


_DIAGONAL = math.sqrt(0.5)
COMPASS: tuple[Point, ...] = (
    (0.0, 1.0),
    (0.0, -1.0),
    (1.0, 0.0),
    (-1.0, 0.0),
    (_DIAGONAL, _DIAGONAL),
    (-_DIAGONAL, _DIAGONAL),
    (_DIAGONAL, -_DIAGONAL),
    (-_DIAGONAL, -_DIAGONAL),
)


def beside(centre: Point, radius: float, text: Label, direction: Point) -> Rect:
    """The label's box beyond the circle in ``direction``: wholly past the line through the
    circle's far point at right angles to ``direction``."""
    nx, ny = direction
    reach = radius + GAP + text.width / 2 * abs(nx) + text.height / 2 * abs(ny)
    x, y = centre[0] + reach * nx, centre[1] + reach * ny
    return Rect(x - text.width / 2, y - text.height / 2, text.width, text.height)


def _sides(outward: Point) -> list[Point]:
    """The sides to try, in order: of under, over and beside, the one nearest to outwards (snug
    against the circle), outwards itself (clear of every line on an ellipse), then the other
    compass points, nearest to outwards first."""
    ox, oy = outward
    nearest = sorted(COMPASS, key=lambda d: -(d[0] * ox + d[1] * oy))
    snug = next(d for d in nearest if 0.0 in d)  # under, over or beside: not a corner
    return [snug, outward, *(d for d in nearest if d != snug)]


def _place(
    ids: list[int],
    centres: dict[int, Point],
    radii: dict[int, float],
    labels: dict[int, Label],
    edges: list[Edge],
    outward: dict[int, Point],
    give_up: bool = False,
) -> tuple[dict[int, Rect], int]:
    """Each label on its best side, in order; and how many found no side free of conflict
    (``give_up``: stop at the first, the ellipse will grow anyway)."""
    boxes: dict[int, Rect] = {}
    conflicts = 0
    for pid in ids:
        best: tuple[float, Rect] | None = None
        for rank, direction in enumerate(_sides(outward[pid])):
            box = beside(centres[pid], radii[pid], labels[pid], direction)
            cost = _cost(pid, box, boxes, centres, radii, edges)
            if cost == 0:  # clear: no later side can do better
                best = (0.0, box)
                break
            if best is None or cost + rank < best[0]:
                best = (cost + rank, box)
        assert best is not None
        boxes[pid] = best[1]
        if best[0] >= 1000:
            conflicts += 1
            if give_up:
                break
    return boxes, conflicts


def _cost(
    pid: int,
    box: Rect,
    boxes: dict[int, Rect],
    centres: dict[int, Point],
    radii: dict[int, float],
    edges: list[Edge],
) -> float:
    """1000 for each label, circle or other people's line the box meets; 100 for each of the
    person's own lines through it."""
    hard = sum(box.overlaps(other, GAP) for other in boxes.values())
    hard += sum(
        box.meets_circle(centres[other], radii[other] + GAP) for other in centres if other != pid
    )
    own = 0
    for edge in edges:
        if box.crosses(edge.start, edge.end):
            if pid in (edge.relation.from_id, edge.relation.to_id):
                own += 1
            else:
                hard += 1
    return 1000.0 * hard + 100.0 * own


def _circles_meet(centres: dict[int, Point], radii: dict[int, float]) -> bool:
    ids = list(centres)
    return any(
        math.dist(centres[a], centres[b]) < radii[a] + radii[b] + 2 * GAP
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
    )


def _finish(
    centres: dict[int, Point],
    radii: dict[int, float],
    labels: dict[int, Label],
    boxes: dict[int, Rect],
    relations: Sequence[m.Relation],
) -> MapLayout:
    edges = tuple(_edges(relations, centres, radii))
    bounds: Rect | None = None
    for pid, (x, y) in centres.items():
        r = radii[pid]
        area = Rect(x - r, y - r, 2 * r, 2 * r).united(boxes[pid])
        bounds = area if bounds is None else bounds.united(area)
    return MapLayout(
        centres, radii, labels, boxes, edges, bounds or Rect(0, 0, MAP_WIDTH, MAP_HEIGHT)
    )
