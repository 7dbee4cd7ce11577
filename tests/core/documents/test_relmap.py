"""The relationship map's SVG keeps every name whole and its labels clear: no label overlaps
another, and no relation's line runs through a label other than its own two people's, on the
demo's clients and on a client with many people. Checked on the SVG itself (parsed), with the
text measured in the bundled font the PDF uses."""

from __future__ import annotations

import math
import random
import xml.etree.ElementTree as ET

import pytest

from kamdesk.core import demo, reading
from kamdesk.core.documents import maplayout, relmap, textwidth
from kamdesk.core.model import models as m

NS = {"svg": "http://www.w3.org/2000/svg"}
Rect = maplayout.Rect


def _parse(svg: str) -> tuple[list[dict], list[tuple[tuple[float, float], tuple[float, float]]]]:
    """Each person drawn (circle, label lines, the label's box) and each relation's segment."""
    root = ET.fromstring(svg)
    assert root.get("font-family") == textwidth.FAMILY  # drawn in the font it was measured in
    people = []
    for group in root.iterfind("svg:g", NS):
        circle = group.find("svg:circle", NS)
        assert circle is not None
        lines, box = [], None
        for text in group.iterfind("svg:text", NS):
            style = (text.get("class") or "").removeprefix("label-")
            if not style:
                continue  # the initials, inside the circle
            size, bold = float(text.get("font-size", "0")), text.get("font-weight") == "bold"
            width = textwidth.width(text.text or "", size, bold)
            x, baseline = float(text.get("x", "0")), float(text.get("y", "0"))
            assert text.get("text-anchor") == "middle"
            top = baseline - textwidth.ascent(size, bold)
            line = Rect(x - width / 2, top, width, textwidth.line_height(size, bold))
            box = line if box is None else box.united(line)
            lines.append((style, text.text or ""))
        people.append(
            {
                "title": group.findtext("svg:title", "", NS),
                "centre": (float(circle.get("cx", "0")), float(circle.get("cy", "0"))),
                "radius": float(circle.get("r", "0")),
                "lines": lines,
                "box": box,
            }
        )
    segments = [
        (
            (float(line.get("x1", "0")), float(line.get("y1", "0"))),
            (float(line.get("x2", "0")), float(line.get("y2", "0"))),
        )
        for line in root.iterfind("svg:line", NS)
    ]
    return people, segments


def _at(point: tuple[float, float], people: list[dict]) -> int:
    """The person whose circle's edge this line end is on."""
    return min(
        range(len(people)),
        key=lambda i: abs(math.dist(point, people[i]["centre"]) - people[i]["radius"]),
    )


def _assert_clear(svg: str, persons: list[m.Stakeholder], relation_count: int) -> None:
    people, segments = _parse(svg)
    assert len(people) == len(persons) and len(segments) == relation_count
    for person, drawn in zip(persons, people, strict=True):
        names = [text for style, text in drawn["lines"] if style == "name"]
        assert " ".join(names) == " ".join(person.name.split())  # the whole name
        assert drawn["title"].startswith(person.name)
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            assert not a["box"].overlaps(b["box"]), (a["lines"][0], b["lines"][0])
        for j, other in enumerate(people):
            if j != people.index(a):
                assert not a["box"].meets_circle(other["centre"], other["radius"])
    for start, end in segments:
        ends = {_at(start, people), _at(end, people)}
        for k, drawn in enumerate(people):
            if k not in ends:
                assert not drawn["box"].crosses(start, end), (drawn["lines"][0], ends)


@pytest.fixture
def demo_db(db):
    demo.load_demo(db)
    return db


def test_demo_maps_show_whole_names_and_no_line_crosses_a_label(demo_db) -> None:
    keys = ["szpital-pomorze", "patika-lanc", "banca-adriatica", "almaty-lab"]
    ids = {key: reading.client_id(demo_db, key) for key in keys}
    for key in keys:
        people = reading.people(demo_db, ids[key], by="id")
        relations = reading.relations(demo_db, ids[key])
        assert len(people) >= 7 and relations
        svg = str(relmap.relationship_svg(people, relations))
        _assert_clear(svg, people, len(relations))
        # the brief's shorter picture of some attendees too
        few = people[:4]
        shown = {p.id for p in few}
        among = [r for r in relations if r.from_id in shown and r.to_id in shown]
        _assert_clear(str(relmap.relationship_svg(few, relations, height=230)), few, len(among))


FIRST = ["Małgorzata", "Zbigniew", "Anna", "Jean-Baptiste", "Динара", "Ferenc", "Giulia", "Li"]
LAST = ["Szczęsna-Kowalewska", "Żółkiewski", "Nagy", "Ахметова", "Rossi", "de la Fontaine", "O"]
TITLES = ["prof. dr hab. n. med.", "dr", "", "", "Avv.", "Ing."]
JOBS = [
    "Head of Laboratory Medicine and chair of the tender committee at the university hospital",
    "CFO",
    "Procurement Director (Dyrektor ds. Zakupów)",
    "",
    "Deputy Head of the Collection Points Network, Gdynia site",
]


def _crowd(n: int, seed: int) -> tuple[list[m.Stakeholder], list[m.Relation]]:
    rng = random.Random(seed)
    people = [
        m.Stakeholder(
            id=i + 1,
            client_id=1,
            key=f"p{i}",
            name=" ".join(
                w for w in (rng.choice(TITLES), rng.choice(FIRST), rng.choice(LAST)) if w
            ),
            position=rng.choice(JOBS) or None,
            influence=rng.randint(1, 5),
            vip=rng.random() < 0.3,
            kol=rng.random() < 0.3,
            attitude=rng.choice(["champion", "neutral", "opponent", None]),
        )
        for i in range(n)
    ]
    pairs = {tuple(rng.sample(range(1, n + 1), 2)) for _ in range(n * 2)} if n > 1 else set()
    kinds = ["reports_to", "influences", "ally", "rival"]
    relations = [
        m.Relation(client_id=1, from_id=a, to_id=b, kind=rng.choice(kinds))
        for a, b in sorted(pairs)
    ]
    return people, relations


@pytest.mark.parametrize(("n", "seed"), [(1, 1), (2, 2), (3, 3), (12, 4), (25, 5), (40, 6)])
def test_a_crowded_map_keeps_labels_whole_and_clear(n: int, seed: int) -> None:
    people, relations = _crowd(n, seed)
    svg = str(relmap.relationship_svg(people, relations))
    _assert_clear(svg, people, len(relations))
    root = ET.fromstring(svg)
    assert root.get("width") == str(relmap.MAP_WIDTH)  # a large map is drawn smaller, whole
    left, top, width, height = (float(v) for v in (root.get("viewBox") or "").split())
    for drawn in _parse(svg)[0]:
        box = drawn["box"]
        assert left <= box.left and box.right <= left + width
        assert top <= box.top and box.bottom <= top + height


def test_the_layout_is_deterministic_and_long_names_take_two_lines() -> None:
    people, relations = _crowd(12, 9)
    assert relmap.relationship_svg(people, relations) == relmap.relationship_svg(people, relations)
    person = m.Stakeholder(
        id=1, client_id=1, key="z", name="prof. dr hab. n. med. Zbigniew Żółkiewski"
    )
    label = maplayout.label(person, relmap.measure)
    assert [t for t, s in label.lines if s == maplayout.NAME] == [
        "prof. dr hab. n. med.",
        "Zbigniew Żółkiewski",
    ]
    short = maplayout.label(
        m.Stakeholder(id=2, client_id=1, key="n", name="Anna Nagy"), relmap.measure
    )
    assert short.lines == (("Anna Nagy", maplayout.NAME),)


def test_hand_placed_people_keep_their_places(demo_db) -> None:
    client_id = reading.client_id(demo_db, "szpital-pomorze")
    people = reading.people(demo_db, client_id, by="id")
    relations = reading.relations(demo_db, client_id)
    # spread out as someone might drag them: a grid with room between the people
    positions = {p.id: (float(200 * (i % 3)), float(170 * (i // 3))) for i, p in enumerate(people)}
    svg = str(relmap.relationship_svg(people, relations, positions=positions))
    drawn = _parse(svg)[0]
    assert [d["centre"] for d in drawn] == [positions[p.id] for p in people]
    _assert_clear(svg, people, len(relations))
