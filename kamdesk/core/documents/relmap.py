"""The relationship map as SVG: people as circles (size by influence, colour by attitude,
VIP/KOL badges) and relations as arrows styled by kind. Used by the brief and the dossier; the
GUI draws the same picture with QGraphicsView.

Every piece of user text is escaped: the SVG is inlined into HTML and must never carry markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from kamdesk.core.documents import maplayout, textwidth
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


MAP_WIDTH, MAP_HEIGHT = maplayout.MAP_WIDTH, maplayout.MAP_HEIGHT

# the label's styles in the SVG: font size, bold, colour
STYLES = {
    maplayout.NAME: (10.5, False, "#212121"),
    maplayout.BADGE: (9.0, True, "#b71c1c"),
    maplayout.POSITION: (9.0, False, "#607d8b"),
}
PADDING = 8.0  # around everything drawn


def measure(text: str, style: str) -> tuple[float, float]:
    """A label line's width and height in the bundled font, as the SVG draws it."""
    size, bold, _colour = STYLES[style]
    return textwidth.width(text, size, bold), textwidth.line_height(size, bold)


def view_box(bounds: maplayout.Rect, width: float, height: float) -> maplayout.Rect:
    """What the SVG shows: everything drawn, with a margin, widened or heightened (about its
    centre) to the picture's proportions and to at least its size (a small map is not blown up,
    a large one is drawn smaller, whole)."""
    w = max(bounds.width + 2 * PADDING, width)
    h = max(bounds.height + 2 * PADDING, height)
    w, h = max(w, h * width / height), max(h, w * height / width)
    cx, cy = bounds.left + bounds.width / 2, bounds.top + bounds.height / 2
    return maplayout.Rect(cx - w / 2, cy - h / 2, w, h)


def relationship_svg(
    people: Sequence[m.Stakeholder],
    relations: Sequence[m.Relation],
    width: int = MAP_WIDTH,
    height: int = MAP_HEIGHT,
    title: str = "Relationship map",
    positions: dict[int, tuple[float, float]] | None = None,
) -> Markup:
    """An SVG of these people and the relations among them (others are left out), laid out by
    ``maplayout``: people the KAM placed on the desktop map keep their place when
    ``positions`` is given and all of them have one; otherwise everyone goes on an ellipse.
    The picture is ``width`` × ``height``; a map larger than that is drawn smaller."""
    plan = maplayout.layout(people, relations, measure, positions, width, height)
    box = view_box(plan.bounds, width, height)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="{box.left:.1f} {box.top:.1f} {box.width:.1f} {box.height:.1f}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" class="relmap" '
        # in the font its labels were measured in (inline SVG does not inherit the page's)
        f'font-family="{textwidth.FAMILY}">',
        f"<title>{escape(title)}</title>",
        "<defs>",
    ]
    for kind, (colour, _dash) in RELATION_STYLES.items():
        out.append(
            f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    out += _edges_svg(plan)
    for person in people:
        out += _person_svg(plan, person)
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every user string above is escaped


def _edges_svg(plan: maplayout.MapLayout) -> list[str]:
    names = relation_short()
    out = []
    for edge in plan.edges:
        rel = edge.relation
        (sx, sy), (ex, ey) = edge.start, edge.end
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
    return out


def _person_svg(plan: maplayout.MapLayout, person: m.Stakeholder) -> list[str]:
    """The circle with the initials, and the label in its box (one ``<text>`` a line)."""
    pid = person.id or 0
    x, y = plan.centres[pid]
    r = plan.radii[pid]
    fill = ATTITUDE_COLOURS.get(person.attitude, ATTITUDE_COLOURS[None])
    whole = person.name + (f" — {person.position}" if person.position else "")
    out = [
        f'<g class="person"><title>{escape(whole)}</title>',
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="#263238" stroke-width="1"/>',
        f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="11" font-weight="bold" '
        f'fill="#ffffff">{escape(initials(person.name))}</text>',
    ]
    box, label = plan.boxes[pid], plan.labels[pid]
    middle, top = box.left + box.width / 2, box.top
    for (text, style), line_height in zip(label.lines, label.heights, strict=True):
        size, bold, colour = STYLES[style]
        weight = ' font-weight="bold"' if bold else ""
        out.append(
            f'<text x="{middle:.1f}" y="{top + textwidth.ascent(size, bold):.1f}" '
            f'text-anchor="middle" font-size="{size:g}"{weight} fill="{colour}" '
            f'class="label-{style}">{escape(text)}</text>'
        )
        top += line_height
    out.append("</g>")
    return out
