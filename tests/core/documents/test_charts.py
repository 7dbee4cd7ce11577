"""Charts: self-contained SVG (no script, no style sheet, no outside reference), user text
escaped, values labelled for the locale, None for nothing to draw. Qt's own check of the same
SVG is in tests/gui/test_charts_qt.py."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from kamdesk.core.account import analytics
from kamdesk.core.documents import charts, textwidth
from kamdesk.core.model import models as m

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE_NAME = '<script>alert("x")</script> & <img src="file:///etc/passwd"> {{ 7*7 }}'


def financials() -> list[m.FinancialPeriod]:
    rows = [
        ("2021", 1_720_000_000, 58_400_000),
        ("2022", 1_905_000_000, 69_100_000),
        ("2023", 2_080_000_000, 81_600_000),
        ("2024", 2_260_000_000, 94_300_000),
        ("2025", 2_410_000_000, 103_800_000),
        ("2026-Q1", 630_000_000, 26_900_000),
        ("2026-Q2", 645_000_000, 27_800_000),
    ]
    return [
        m.FinancialPeriod(client_id=1, period=p, client_revenue=r, our_sales=s) for p, r, s in rows
    ]


def attainments() -> list[analytics.Attainment]:
    targets = [
        m.SalesTarget(client_id=1, period=p, target=t)
        for p, t in (("2026-Q1", 27_500_000), ("2026-Q2", 28_000_000), ("2026-Q3", 28_500_000))
    ]
    return analytics.attainment(targets, financials())


def pareto_items() -> list[tuple[str, float]]:
    return [
        ("Pomorska Grupa Szpitalna S.A.", 10_500_000),
        (HOSTILE_NAME, 6_000_000),
        ("Almaty Laboratory Network LLP (ТОО «Алматинская лабораторная сеть»)", 4_000_000),
        ('Quote "Ltd" & Sons', 3_000_000),
        ("Zero income", 0),
    ]


def all_charts(locale: str = "en") -> dict[str, str]:
    out = {
        "revenue": charts.revenue_trend(financials(), currency="PLN", locale=locale),
        "sales": charts.sales_vs_target(attainments(), currency="PLN", locale=locale),
        "share": charts.income_share_over_time(
            [("2022", 0.12), ("2023", None), ("2024", 0.199), ("2025", 0.22)], 0.10, locale=locale
        ),
        "pareto": charts.pareto(pareto_items(), 48_000_000, currency="EUR", locale=locale),
    }
    assert all(svg is not None for svg in out.values())
    return {k: v for k, v in out.items() if v is not None}


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [("".join(t.itertext())).strip() for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("name", ["revenue", "sales", "share", "pareto"])
def test_svg_is_self_contained_and_inlinable(name: str) -> None:
    svg = all_charts()[name]
    assert svg.startswith("<svg ") and "<?xml" not in svg
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    # nothing that runs, styles from outside, or points anywhere
    lowered = svg.lower()
    for banned in ("<script", "<style", "<!--", "<?", "<a ", "<image", "<use", "<foreignobject"):
        assert banned not in lowered, banned
    for element in root.iter():
        for attr, value in element.attrib.items():
            assert not attr.endswith("href"), (element.tag, attr)
            assert not attr.startswith("on"), (element.tag, attr)
            assert "url(" not in value and "javascript:" not in value.lower()
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", svg)
    # an accessible name, and the bundled font asked for by name
    assert root.get("role") == "img" and root.get("aria-label")
    assert root.find(f"{SVG}title") is not None
    assert "DejaVu Sans Condensed" in (root.get("font-family") or "")
    # pygal's CSS classes are gone: the page's own CSS cannot restyle the chart
    assert not any("class" in e.attrib for e in root.iter() if e is not root)


def test_revenue_shows_years_only_with_compact_locale_values() -> None:
    labels = texts(charts.revenue_trend(financials(), currency="PLN", locale="en") or "")
    assert {"2021", "2022", "2023", "2024", "2025"} <= set(labels)
    assert not any(label.startswith("2026") for label in labels)
    assert "2.4B" in labels and "PLN" in labels  # value label and the axis title
    polish = texts(charts.revenue_trend(financials(), currency="PLN", locale="pl") or "")
    assert any(label.replace("\u00a0", " ") == "2,4 mld" for label in polish), polish


def test_sales_vs_target_labels_attainment_and_legend() -> None:
    labels = texts(
        charts.sales_vs_target(
            attainments(), currency="PLN", locale="en", labels=("Nasza sprzedaż", "Cel")
        )
        or ""
    )
    assert "98%" in labels and "99%" in labels  # 26.9 / 27.5 and 27.8 / 28.0
    assert {"2026-Q1", "2026-Q2", "2026-Q3"} <= set(labels)
    assert "Nasza sprzedaż" in labels and "Cel" in labels
    assert "30M" in labels  # an axis tick, compact


def test_income_share_reference_lines_where_in_range() -> None:
    low = texts(charts.income_share_over_time([("2024", 0.04), ("2025", 0.05)], 0.10) or "")
    assert "key 10%" in low and "critical 20%" not in low and "mono-client 70%" not in low
    tiny = texts(charts.income_share_over_time([("2024", 0.001), ("2025", 0.002)], 0.10) or "")
    assert "↑ key 10%" in tiny and "key 10%" not in tiny  # far below: named, not drawn
    assert "0.20%" in tiny and "0.10%" in tiny  # small shares keep two decimals
    mid = texts(charts.income_share_over_time([("2024", 0.18), ("2025", 0.22)], 0.10) or "")
    assert "key 10%" in mid and "critical 20%" in mid and "mono-client 70%" not in mid
    assert "22.0%" in mid and "18.0%" in mid
    assert not any(label.startswith("↑") for label in mid)  # only a far-away key level is noted
    high = charts.income_share_over_time(
        [("2024", 0.55), ("2025", 0.75)],
        0.15,
        locale="pl",
        level_labels={"key": "kluczowy", "critical": "krytyczny", "mono_client": "monoklient"},
    )
    assert high is not None
    high_labels = [t.replace("\u00a0", " ") for t in texts(high)]
    assert "kluczowy 15%" in high_labels and "monoklient 70%" in high_labels
    assert "75,0%" in high_labels
    assert high.count("stroke-dasharray:12 4 2 4") == 1  # the key line is dashed its own way
    assert high.count("stroke-dasharray:2 3") == 1  # the mono-client line


def test_pareto_sorts_and_escapes_user_names() -> None:
    svg = charts.pareto(pareto_items(), 48_000_000, currency="EUR", limit=25)
    assert svg is not None
    assert "<script>" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg and "&amp;" in svg
    labels = texts(svg)
    # largest first (left to right), zero income left out, every name whole
    found = x_labels(svg, [name for name, _ in pareto_items()[:4]])
    assert [label["name"] for label in sorted(found, key=lambda f: f["x"])] == [
        name for name, _ in pareto_items()[:4]
    ]
    assert not any("Zero income" in label for label in labels)
    assert 'Quote "Ltd" & Sons' in [f["name"] for f in found]  # quotes kept as text
    # the cumulative line: 10.5 / 48 = 22 %, then 34 %, 43 %, 49 %; the right axis to 100 %
    for value in ("22%", "34%", "43%", "49%", "100%", "80%"):
        assert value in labels, value
    assert "Our income" in labels and "Cumulative share of our income" in labels


def test_pareto_draws_only_the_largest_clients() -> None:
    items = [(f"Client {i:04d}", 1_000_000 / (i + 1)) for i in range(2000)]
    svg = charts.pareto(items, sum(v for _, v in items), limit=20)
    assert svg is not None
    labels = texts(svg)
    assert "Client 0000" in labels and "Client 0019" in labels and "Client 0020" not in labels
    # at most: first, last and the 80 % crossing are labelled on a long line
    assert sum(1 for label in labels if re.fullmatch(r"\d+%", label)) <= 6 + 3


def test_nothing_to_draw_gives_none() -> None:
    assert charts.revenue_trend([]) is None
    assert charts.revenue_trend([m.FinancialPeriod(client_id=1, period="2026-Q1")]) is None
    assert charts.sales_vs_target([]) is None
    assert charts.income_share_over_time([]) is None
    assert charts.income_share_over_time([("2025", None)]) is None
    assert charts.pareto([], 100.0) is None
    assert charts.pareto([("A", 0.0)], 100.0) is None
    assert charts.pareto([("A", 5.0)], 0.0) is None


def test_size_is_the_callers() -> None:
    svg = charts.revenue_trend(financials(), width=480, height=200) or ""
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == (
        "480",
        "200",
        "0 0 480 200",
    )


def test_income_share_by_year() -> None:
    company = m.Company(currency="EUR", annual_income=10_000_000, key_share_threshold=0.1)
    client = m.Client(key="c", name="C", currency="PLN")
    rows = [
        m.FinancialPeriod(client_id=1, period="2024", our_income=4_000_000),
        m.FinancialPeriod(client_id=1, period="2025-Q4", our_income=1_000_000),
        m.FinancialPeriod(client_id=1, period="2025", our_income=8_000_000),
        m.FinancialPeriod(client_id=1, period="2026", our_income=9_000_000),  # not ended yet
        m.FinancialPeriod(client_id=1, period="2023"),  # no income
    ]
    today = analytics.Period.parse("2026").start
    shares = analytics.income_share_by_year(client, rows, company, {"PLN": 0.25}, today)
    assert shares == [("2024", pytest.approx(0.10)), ("2025", pytest.approx(0.20))]
    assert analytics.income_share_by_year(client, rows, company, {}, today) == [
        ("2024", None),
        ("2025", None),
    ]
    assert analytics.income_share_by_year(client, rows, None, {"PLN": 0.25}, today) == []


def test_output_ignores_elementtree_prefixes_set_elsewhere() -> None:
    """Other libraries (WeasyPrint's parser among them) register ElementTree prefixes for the
    whole process; the SVG must come out the same: plain tags, SVG as the default namespace."""
    saved = dict(ET._namespace_map)  # type: ignore[attr-defined]
    try:
        ET.register_namespace("", "http://www.w3.org/1999/xhtml")
        svg = charts.revenue_trend(financials()) or ""
    finally:
        ET._namespace_map.clear()  # type: ignore[attr-defined]
        ET._namespace_map.update(saved)  # type: ignore[attr-defined]
    assert (
        svg.startswith("<svg ")
        and "ns0:" not in svg
        and 'xmlns="http://www.w3.org/2000/svg"' in svg
    )


EXTREMES = [0.0, 1e-12, 2e-8, 0.00004, -0.05, -3_000_000.0, 1e15, 1e300, math.nan, math.inf]


@pytest.mark.parametrize("value", EXTREMES, ids=repr)
def test_tiny_zero_negative_huge_and_non_finite_values_draw_or_give_none(value: float) -> None:
    """A client's figures as they come: our income of 1 against 48 M (a share of 2e-8), a
    loss, a typo of fifteen digits, an Infinity stored before the importer refused them."""
    drawn = {
        "revenue": charts.revenue_trend(
            [
                m.FinancialPeriod(client_id=1, period="2024", client_revenue=value),
                m.FinancialPeriod(client_id=1, period="2025", client_revenue=48_000_000),
            ]
        ),
        "revenue alone": charts.revenue_trend(
            [m.FinancialPeriod(client_id=1, period="2025", client_revenue=value)]
        ),
        "sales": charts.sales_vs_target(
            [analytics.Attainment("2026-Q1", value, 10.0), analytics.Attainment("Q2", 5.0, value)]
        ),
        "share": charts.income_share_over_time([("2024", value), ("2025", None)]),
        "share beside": charts.income_share_over_time([("2024", value), ("2025", 0.12)]),
        "pareto": charts.pareto([("A", value), ("B", 1.0)], 48_000_000),
        "pareto total": charts.pareto([("A", 10.0)], value),
    }
    for name, svg in drawn.items():
        if svg is None:
            continue
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg", name
        assert "nan" not in svg.lower().replace("nan-", ""), name
        assert "inf" not in svg.lower(), name


def test_a_share_too_small_to_print_is_labelled_as_below_the_smallest_figure() -> None:
    svg = charts.income_share_over_time([("2024", 1 / 48_000_000), ("2025", 0.0004)])
    assert svg is not None
    assert svg.count("&lt; 0.01%") == 1  # 2024: not "0.00%", which reads as nothing
    assert "0.04%" in svg  # 2025


# --- x labels fit: whole, inside the picture -------------------------------------------------


def _offsets(root: ET.Element) -> dict[ET.Element, tuple[float, float]]:
    """Each element's translation from its ancestors' ``translate(x, y)`` transforms."""
    offsets: dict[ET.Element, tuple[float, float]] = {}

    def walk(element: ET.Element, dx: float, dy: float) -> None:
        found = re.search(r"translate\(([-\d.]+)[ ,]+([-\d.]+)\)", element.get("transform", ""))
        if found and element.tag != f"{SVG}text":
            dx, dy = dx + float(found[1]), dy + float(found[2])
        offsets[element] = (dx, dy)
        for child in element:
            walk(child, dx, dy)

    walk(root, 0.0, 0.0)
    return offsets


def _box(text: ET.Element, offset: tuple[float, float]) -> tuple[float, float, float, float]:
    """The text's extent in the picture (left, top, right, bottom), measured in the font."""
    style = dict(part.split(":", 1) for part in (text.get("style") or "").split(";") if ":" in part)
    size = float(style.get("font-size", "11px").removesuffix("px"))
    content = text.text or ""
    width = textwidth.width(content, size)
    x, y = float(text.get("x", "0")), float(text.get("y", "0"))
    start = {"start": x, "middle": x - width / 2, "end": x - width}[
        style.get("text-anchor", "start")
    ]
    corners = [(start, y - textwidth.ascent(size)), (start + width, y + 0.25 * size)]
    corners += [(corners[0][0], corners[1][1]), (corners[1][0], corners[0][1])]
    rotated = re.search(r"rotate\(([-\d.]+) ([-\d.]+) ([-\d.]+)\)", text.get("transform", ""))
    if rotated:
        angle, cx, cy = (float(v) for v in rotated.groups())
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        corners = [
            (cx + (px - cx) * cos - (py - cy) * sin, cy + (px - cx) * sin + (py - cy) * cos)
            for px, py in corners
        ]
    dx, dy = offset
    xs, ys = [px + dx for px, _ in corners], [py + dy for _, py in corners]
    return min(xs), min(ys), max(xs), max(ys)


def x_labels(svg: str, names: list[str]) -> list[dict]:
    """Each name drawn as an x label: its lines (the texts of one group, top to bottom) joined
    make the whole name, or a shortened text carries the whole name as its title; with the
    extent of its lines in the picture."""
    root = ET.fromstring(svg)
    offsets = _offsets(root)
    found = []
    for group in root.iter(f"{SVG}g"):
        lines = [t for t in group if t.tag == f"{SVG}text"]
        if not lines:
            continue
        shown = " ".join((t.text or "") for t in lines)
        title = lines[0].findtext(f"{SVG}title")
        for name in names:
            if shown == name or (len(lines) == 1 and title == name):
                boxes = [_box(t, offsets[t]) for t in lines]
                found.append(
                    {
                        "name": name,
                        "shown": shown,
                        "x": float(lines[0].get("x", "0")) + offsets[lines[0]][0],
                        "box": (
                            min(b[0] for b in boxes),
                            min(b[1] for b in boxes),
                            max(b[2] for b in boxes),
                            max(b[3] for b in boxes),
                        ),
                    }
                )
    return found


def _assert_inside(svg: str, found: list[dict]) -> None:
    root = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in (root.get("viewBox") or "").split())
    for label in found:
        left, top, right, bottom = label["box"]
        assert left >= 0 and top >= 0, label
        assert right <= width and bottom <= height, label


DEMO_NAMES = [
    "Pomorska Grupa Szpitalna S.A.",
    "Banca Adriatica S.p.A.",
    "Patika-Lánc Gyógyszertárak Zrt.",
    "Almaty Laboratory Network LLP (ТОО «Алматинская лабораторная сеть»)",
]


@pytest.mark.parametrize(("width", "height"), [(640, 300), (1000, 280)])  # report, window
def test_pareto_x_labels_are_whole_and_inside_the_picture(width: int, height: int) -> None:
    items = list(zip(DEMO_NAMES, [10_500_000, 3_800_000, 2_600_000, 1_800_000], strict=True))
    svg = charts.pareto(items, 48_000_000, currency="EUR", width=width, height=height)
    assert svg is not None
    found = x_labels(svg, DEMO_NAMES)
    assert sorted(f["name"] for f in found) == sorted(DEMO_NAMES)
    assert all(f["shown"] == f["name"] for f in found)  # whole, on up to four lines
    _assert_inside(svg, found)
    # side by side, none running into its neighbour
    ordered = sorted(found, key=lambda f: f["x"])
    for left, right in zip(ordered, ordered[1:], strict=False):
        assert left["box"][2] <= right["box"][0], (left["name"], right["name"])


def test_many_bars_slant_their_labels_inside_the_picture_with_the_whole_name_kept() -> None:
    names = [f"{DEMO_NAMES[i % 4]} {i}" for i in range(20)]
    svg = charts.pareto([(n, 1_000_000 / (i + 1)) for i, n in enumerate(names)], 48_000_000)
    assert svg is not None
    found = x_labels(svg, names)
    assert sorted(f["name"] for f in found) == sorted(names)
    _assert_inside(svg, found)
    # where a label had to be shortened, the text says so and its title holds the whole name
    assert all(f["shown"] == f["name"] or f["shown"].endswith("…") for f in found)
    # the shorter names, clear of the left edge, stay whole
    assert all(
        f["shown"] == f["name"] for f in found if f["name"].startswith("Banca") and f["x"] > 200
    )
    # a narrow chart: the long name slanted and shortened, whole in its title
    svg = charts.pareto(
        [(n, 1_000_000 / (i + 1)) for i, n in enumerate(DEMO_NAMES)], 9e6, width=480, height=260
    )
    assert svg is not None
    found = x_labels(svg, DEMO_NAMES)
    assert sorted(f["name"] for f in found) == sorted(DEMO_NAMES)
    _assert_inside(svg, found)


def test_period_labels_of_the_other_charts_are_inside_the_picture() -> None:
    periods = [f"{year}-Q{q}" for year in (2024, 2025, 2026) for q in (1, 2, 3, 4)]
    many = [analytics.Attainment(p, 100.0, 90.0) for p in periods]
    for svg in (
        *all_charts().values(),
        charts.sales_vs_target(many, width=480, height=240),
    ):
        assert svg is not None
        root = ET.fromstring(svg)
        candidates = sorted(
            {
                (t.text or "")
                for t in root.iter(f"{SVG}text")
                if re.fullmatch(r"\d{4}(-Q\d)?", t.text or "")
            }
        )
        found = x_labels(svg, candidates)
        assert {f["name"] for f in found} == set(candidates)
        _assert_inside(svg, found)
