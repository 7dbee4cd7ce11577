"""The relationship map as SVG: people as circles (size by influence, colour by attitude,
VIP/KOL badges) and relations as arrows styled by kind. Used by the brief and the dossier; the
GUI draws the same picture with QGraphicsView.

Every piece of user text is escaped: the SVG is inlined into HTML and must never carry markup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from kamdesk.core.model import models as m
from kamdesk.core.model.labels import relation_short

ATTITUDE_COLOURS = {
    "champion": "#1e7b3c",
    "supporter": "#5fae5f",
    "neutral": "#9aa4ab",
    "skeptic": "#e0a030",
    "opponent": "#c9403a",
    None: "#cfd6db",
}

RELATION_STYLES = {  # stroke colour, dash pattern (the names are core.labels.relation_short)
    "reports_to": ("#37474f", ""),
    "influences": ("#1565c0", "6 4"),
    "ally": ("#2e7d32", "2 3"),
    "rival": ("#c62828", "8 3 2 3"),
}


def initials(name: str) -> str:
    """Two letters for a person, skipping titles ("dr n. med.", "prof.", "Ing.", "Avv.")."""
    words = [
        w
        for w in name.split()
        if not w.endswith(".") and w[:1].isupper() and w.lower() not in TITLES
    ]
    words = words or name.split()
    return "".join(w[0] for w in words[:2]).upper()


TITLES = {
    "dr",
    "prof",
    "hab",
    "med",
    "ing",
    "avv",
    "mgr",
    "inż",
    "dott",
    "dott.ssa",
    "sig",
    "sig.ra",
}


def _radius(person: m.Stakeholder) -> float:
    return 14 + 4 * (person.influence or 1)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


MAP_WIDTH, MAP_HEIGHT = 640, 330  # map units, shared with the desktop map


def default_positions(
    people: Sequence[m.Stakeholder], width: float = MAP_WIDTH, height: float = MAP_HEIGHT
) -> dict[int | None, tuple[float, float]]:
    """People on an ellipse, in order: where the map puts anyone not placed by hand."""
    n = len(people)
    cx, cy = width / 2, height / 2 - 8
    ring_x, ring_y = width / 2 - 110, height / 2 - 62
    pos: dict[int | None, tuple[float, float]] = {}
    for i, person in enumerate(people):
        if n == 1:
            pos[person.id] = (cx, cy)
        else:
            angle = -math.pi / 2 + 2 * math.pi * i / n
            pos[person.id] = (cx + ring_x * math.cos(angle), cy + ring_y * math.sin(angle))
    return pos


def relationship_svg(
    people: Sequence[m.Stakeholder],
    relations: Sequence[m.Relation],
    width: int = MAP_WIDTH,
    height: int = MAP_HEIGHT,
    title: str = "Relationship map",
    positions: dict[int, tuple[float, float]] | None = None,
) -> Markup:
    """An SVG of these people and the relations among them (others are left out). People the
    KAM placed on the desktop map keep their place when ``positions`` is given and all of them
    have one; otherwise everyone goes on an ellipse."""
    ids = {p.id for p in people}
    edges = [r for r in relations if r.from_id in ids and r.to_id in ids]
    pos = default_positions(people, width, height)
    if positions and all(p.id in positions for p in people):
        pos = _fit({p.id: positions[p.id] for p in people if p.id is not None}, width, height)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" class="relmap">',
        f"<title>{escape(title)}</title>",
        "<defs>",
    ]
    for kind, (colour, _dash) in RELATION_STYLES.items():
        out.append(
            f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    people_by_id = {p.id: p for p in people}
    names = relation_short()
    for rel in edges:
        (x1, y1), (x2, y2) = pos[rel.from_id], pos[rel.to_id]
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1.0
        r1 = _radius(people_by_id[rel.from_id]) + 2
        r2 = _radius(people_by_id[rel.to_id]) + 4
        sx, sy = x1 + dx / dist * r1, y1 + dy / dist * r1
        ex, ey = x2 - dx / dist * r2, y2 - dy / dist * r2
        colour, dash = RELATION_STYLES[rel.kind]
        label = names.get(rel.kind, rel.kind)
        mutual = rel.kind in ("ally", "rival")
        markers = f'marker-end="url(#arrow-{rel.kind})"' + (
            f' marker-start="url(#arrow-{rel.kind})"' if mutual else ""
        )
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="{colour}" '
            f'stroke-width="1.6"{dash_attr} {markers}><title>{escape(label)}</title></line>'
        )
    for person in people:
        x, y = pos[person.id]
        r = _radius(person)
        fill = ATTITUDE_COLOURS.get(person.attitude, ATTITUDE_COLOURS[None])
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="#263238" stroke-width="1"/>'
        )
        letters = initials(person.name)
        out.append(
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="11" font-weight="bold" '
            f'fill="#ffffff">{escape(letters)}</text>'
        )
        badges = " ".join(b for b, on in (("VIP", person.vip), ("KOL", person.kol)) if on)
        if badges:
            out.append(
                f'<text x="{x + r - 2:.1f}" y="{y - r + 2:.1f}" font-size="9" font-weight="bold" '
                f'fill="#b71c1c">{escape(badges)}</text>'
            )
        out.append(
            f'<text x="{x:.1f}" y="{y + r + 12:.1f}" text-anchor="middle" font-size="10.5" '
            f'fill="#212121">{escape(_clip(person.name, 30))}</text>'
        )
        if person.position:
            out.append(
                f'<text x="{x:.1f}" y="{y + r + 24:.1f}" text-anchor="middle" font-size="9" '
                f'fill="#607d8b">{escape(_clip(person.position, 36))}</text>'
            )
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every user string above is escaped


def _fit(
    points: dict[int, tuple[float, float]], width: float, height: float
) -> dict[int | None, tuple[float, float]]:
    """Scale hand-placed points into the picture, keeping a margin for names and badges."""
    xs = [x for x, _ in points.values()]
    ys = [y for _, y in points.values()]
    margin_x, margin_top, margin_bottom = 90.0, 40.0, 50.0
    span_x = max(xs) - min(xs) or 1.0
    span_y = max(ys) - min(ys) or 1.0
    scale = min(
        (width - 2 * margin_x) / span_x, (height - margin_top - margin_bottom) / span_y, 1.0
    )
    off_x = (width - span_x * scale) / 2 - min(xs) * scale
    off_y = (
        margin_top + ((height - margin_top - margin_bottom) - span_y * scale) / 2 - min(ys) * scale
    )
    return {pid: (x * scale + off_x, y * scale + off_y) for pid, (x, y) in points.items()}
