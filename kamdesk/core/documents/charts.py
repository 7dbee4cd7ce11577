"""Charts as SVG text, drawn with pygal: the same pictures for the dossier PDF and the GUI.

What comes out is plain, self-contained SVG that both WeasyPrint (inline in HTML) and Qt's
QSvgRenderer draw the same way:

- no script, no style sheet, no external reference of any kind: pygal's script (it always
  writes one, holding the chart's configuration) and comments are removed, and its CSS is
  applied to the elements as ``style`` attributes (QtSvg understands only part of CSS);
- no XML declaration, so the text can be inlined in HTML as ``Markup``;
- every piece of user text (client names, titles) goes into the tree as text and comes out
  escaped; x labels are wrapped to their bars or slanted (``xlabels``), whole where they fit;
- colours differ in lightness (dark navy for us, light grey for the target or the rest) and
  reference lines are dashed, so the charts read in print and in greyscale;
- numbers are formatted with Babel for the given locale.

Every function takes the locale, the size (SVG units; the SVG scales to its container), an
optional visible ``title`` and an accessible ``label`` (the SVG's ``<title>`` and
``aria-label``; an English description when not given: pass a translated one).

Empty data: every function returns ``None`` when there is nothing to draw. The caller says so
in its own words (the dossier prints a sentence, so the PDF keeps real, searchable text).
"""

from __future__ import annotations

import math
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import babel.numbers

from kamdesk.core.account import analytics
from kamdesk.core.documents import textwidth, xlabels
from kamdesk.core.formats import Formatter
from kamdesk.core.model import models as m
from kamdesk.core.model.labels import dependency_short

NAVY = "#0d3b66"  # us: dark
LIGHT = "#b9c4cc"  # target, the rest: light
INK = "#263238"
GUIDE = "#dde3e7"
FONT = textwidth.FAMILY  # bundled in resources/fonts

WIDTH, HEIGHT = 640, 260

# The dependency levels drawn on the income-share chart: (share, label, dash pattern).
CRITICAL_DASH, MONO_DASH, KEY_DASH = "7 4", "2 3", "12 4 2 4"

SVG_NS = "http://www.w3.org/2000/svg"

# CSS properties that mean something to an SVG renderer; pygal's others (transitions,
# user-select, background-color of the root) are dropped.
SVG_PROPERTIES = frozenset(
    {
        "fill",
        "fill-opacity",
        "stroke",
        "stroke-width",
        "stroke-opacity",
        "stroke-dasharray",
        "stroke-linejoin",
        "stroke-linecap",
        "opacity",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "display",
        "visibility",
    }
)


# --- the charts ---------------------------------------------------------------------------------


def revenue_trend(
    periods: Sequence[m.FinancialPeriod],
    *,
    currency: str | None = None,
    locale: str = "en",
    width: int = WIDTH,
    height: int = HEIGHT,
    title: str | None = None,
    label: str | None = None,
) -> str | None:
    """The client's own revenue per year (bars, labelled). Quarters and months are left out:
    they would not compare with whole years. ``None`` when no year has a revenue."""
    fmt = Formatter(locale)
    years = sorted(
        (p for p in periods if len(p.period) == 4 and _finite(p.client_revenue) is not None),
        key=lambda p: p.period,
    )
    if not years:
        return None
    chart = _chart(
        width,
        height,
        title,
        show_legend=False,
        print_values=True,
        print_values_position="top",
        y_title=currency,
        value_formatter=lambda v: _compact(fmt, v),
        **_range(max(p.client_revenue or 0.0 for p in years)),
    )
    chart.x_labels = [p.period for p in years]
    chart.add("Revenue", [p.client_revenue for p in years])
    return _finish(chart, label or title or "Client revenue per year")


def sales_vs_target(
    attainments: Sequence[analytics.Attainment],
    *,
    currency: str | None = None,
    locale: str = "en",
    width: int = WIDTH,
    height: int = HEIGHT,
    title: str | None = None,
    label: str | None = None,
    labels: tuple[str, str] = ("Our sales", "Target"),
) -> str | None:
    """Our sales (dark bars, labelled with the attainment) beside the target (light bars) for
    each period, in the order given. ``None`` when there is no period."""
    fmt = Formatter(locale)
    attainments = [
        analytics.Attainment(a.period, a.target, _finite(a.actual))
        for a in attainments
        if _finite(a.target) is not None
    ]
    if not attainments:
        return None
    top = max(max(a.target, a.actual or 0.0) for a in attainments)
    chart = _chart(
        width,
        height,
        title,
        show_legend=True,
        print_values=True,
        print_values_position="top",
        y_title=currency,
        value_formatter=lambda v: _compact(fmt, v),
        **_range(top),
    )
    chart.x_labels = [a.period for a in attainments]
    chart.add(
        labels[0],
        [
            {"value": a.actual, "formatter": _fixed(fmt.percent(a.ratio, 0))}
            if a.actual is not None
            else None
            for a in attainments
        ],
    )
    chart.add(labels[1], [{"value": a.target, "formatter": _fixed("")} for a in attainments])
    return _finish(chart, label or title or "Our sales against the target per period")


def income_share_over_time(
    points: Sequence[tuple[str, float | None]],
    threshold: float = 0.10,
    *,
    locale: str = "en",
    width: int = WIDTH,
    height: int = HEIGHT,
    title: str | None = None,
    label: str | None = None,
    level_labels: dict[str, str] | None = None,
) -> str | None:
    """Our income share from the client per year (dark bars, labelled), with the
    key (``threshold``), critical (20 %) and mono-client (70 %) levels as dashed lines where
    they fall within the scale. ``None`` when no year has a share."""
    fmt = Formatter(locale)
    points = [(period, _finite(share)) for period, share in points]
    known = [share for _, share in points if share is not None]
    if not known:
        return None
    # the legend's short names by default; a caller may name the levels its own way
    names: dict[str | None, str] = dict(dependency_short())
    names.update(level_labels or {})
    # The key level is on the scale unless the shares are far below it (then the bars would
    # be invisible slivers): a note at the top says where it is instead.
    peak = max(known)
    wanted = max(peak * 1.1, threshold * 1.15) if threshold <= peak * 4 else peak * 1.15
    # a share of a few hundredths of a per cent or less is drawn on a 0-0.1 % scale: finer
    # ticks could not be labelled, and the bar's own label gives the figure
    top, ticks = _axis(max(wanted, SMALLEST_SHARE_TOP), limit=1.0)
    digits = next(
        (d for d in range(4) if all(abs(round(t * 100, d) - t * 100) < 1e-9 for t in ticks)), 3
    )
    levels = [
        (threshold, names["key"], KEY_DASH),
        (analytics.CRITICAL_SHARE, names["critical"], CRITICAL_DASH),
        (analytics.MONO_CLIENT_SHARE, names["mono_client"], MONO_DASH),
    ]
    chart = _chart(
        width,
        height,
        title,
        show_legend=False,
        print_values=False,
        value_formatter=lambda v: fmt.percent(v, digits),
        range=(0, top),
        y_labels=ticks,
        margin_right=8
        + 6 * max(len(f"{name} {fmt.percent(level, 0)}") for level, name, _ in levels),
    )
    chart.x_labels = [period for period, _ in points]
    chart.add("Income share", [share for _, share in points])
    chart.overlays.append(
        lambda graph: _reference_lines(
            graph,
            [(level, f"{name} {fmt.percent(level, 0)}", dash) for level, name, dash in levels],
            top,
        )
    )
    # value labels last, boxed, so a reference line never runs through one
    chart.overlays.append(
        lambda graph: _bar_labels(
            graph,
            [None if v is None else _share_label(fmt, v) for _, v in points],
            points,
        )
    )
    return _finish(chart, label or title or "Our income share from the client per year")


SMALLEST_SHARE_TOP = 0.001
SMALLEST_SHARE_LABEL = 0.0001  # 0.01 %


def _share_label(fmt: Formatter, share: float) -> str:
    if 0 < share < SMALLEST_SHARE_LABEL:
        return "< " + fmt.percent(SMALLEST_SHARE_LABEL, 2)
    return fmt.percent(share, 1 if abs(share) >= 0.01 else 2)


def pareto(
    items: Sequence[tuple[str, float]],
    total: float,
    *,
    currency: str | None = None,
    locale: str = "en",
    width: int = WIDTH,
    height: int = 300,
    title: str | None = None,
    label: str | None = None,
    limit: int = 25,
    labels: tuple[str, str] = ("Our income", "Cumulative share of our income"),
) -> str | None:
    """Portfolio Pareto: clients by our income, largest first (dark bars, left axis), and the
    cumulative share of our ``total`` income (line, right axis 0–100 %) with the 80 % line.
    Only the ``limit`` largest clients are drawn; the line still counts against the whole
    ``total``. Names are user text: whole, wrapped under their bars (slanted and, only where
    they would leave the picture, shortened, when the bars are narrow), escaped in the SVG. ``None`` when no
    client has a positive income or ``total`` is not positive."""
    fmt = Formatter(locale)
    ranked = sorted(
        ((name, value) for name, value in items if (_finite(value) or 0) > 0), key=lambda i: -i[1]
    )
    if not ranked or _finite(total) is None or total <= 0:
        return None
    shown = ranked[:limit]
    top, ticks = _axis(shown[0][1])
    cumulative = []
    running = 0.0
    for _name, value in shown:
        running += value
        cumulative.append(min(running / total, 1.0))
    chart = _chart(
        width,
        height,
        title,
        show_legend=False,
        print_values=False,
        y_title=currency,
        value_formatter=lambda v: _compact(fmt, v),
        range=(0, top),
        y_labels=ticks,
        margin_right=44,
        margin_top=26,
    )
    chart.x_labels = [" ".join(name.split()) for name, _ in shown]  # laid out by xlabels
    chart.add(labels[0], [value for _, value in shown])
    chart.overlays.append(lambda graph: _pareto_line(graph, cumulative, top, fmt, labels))
    return _finish(chart, label or title or "Pareto: our income by client")


# --- pygal with our additions ----------------------------------------------------------------------


def _pygal() -> Any:
    import pygal  # ~45 ms, on first use only

    # pygal appends an import hook for its map plugins (unused here) to sys.meta_path. It has
    # only the old find_module API, so every failed import anywhere in the process (optional
    # dependencies probing, e.g. WeasyPrint's fontTools) then raises an ImportWarning. Drop it.
    sys.meta_path[:] = [
        finder for finder in sys.meta_path if type(finder).__name__ != "PluginImportFixer"
    ]
    return pygal


class _Overlaid:
    """After pygal draws its series, run our extra drawing functions (reference lines, the
    Pareto line). They get the chart, whose ``view`` maps values to the plot's coordinates.

    The x labels are laid out here too (``xlabels``): once pygal knows the plot's width, each
    label is wrapped to its bar's width, or, when the bars are too narrow for that, slanted;
    the bottom margin grows by what that takes."""

    overlays: list[Callable[[Any], None]]

    def _plot(self) -> None:
        super()._plot()  # type: ignore[misc]
        for draw in self.overlays:
            draw(self)

    def _compute_margin(self) -> None:
        super()._compute_margin()  # type: ignore[misc]
        graph: Any = self
        if not graph.x_labels:
            return
        graph.x_layout = xlabels.lay_out(
            [str(label) for label in graph.x_labels],
            plot_width=graph.width - graph.margin_box.x,
            left=graph.margin_box.left,
            height=graph.height,
            size=graph.style.label_font_size,
        )
        extra = graph.x_layout.height - graph.style.label_font_size
        graph._x_labels_height += extra
        graph.margin_box.bottom += extra

    def _x_axis(self) -> None:
        super()._x_axis()  # type: ignore[misc]
        graph: Any = self
        if graph.x_labels:
            xlabels.draw(graph, graph.x_layout)


_classes: dict[str, type] = {}


def _bar_chart(**config: Any) -> Any:
    """A pygal bar chart that runs our overlays (the class is made once, on first use)."""
    if "Bar" not in _classes:
        _classes["Bar"] = type("_Bar", (_Overlaid, _pygal().Bar), {})
    chart = _classes["Bar"](**config)
    chart.overlays = []
    return chart


def _style() -> Any:
    from pygal.style import Style

    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground=INK,
        foreground_strong=INK,
        foreground_subtle=GUIDE,
        colors=(NAVY, LIGHT),
        value_colors=(INK, INK),
        font_family=FONT,
        label_font_size=11,
        major_label_font_size=11,
        value_font_size=11,
        value_label_font_size=11,
        legend_font_size=11,
        title_font_size=13,
        guide_stroke_dasharray="none",
        major_guide_stroke_dasharray="none",
        guide_stroke_color=GUIDE,
        major_guide_stroke_color=GUIDE,
        opacity="1",
        opacity_hover="1",
        stroke_opacity="1",
        stroke_opacity_hover="1",
        stroke_width="1",
        stroke_width_hover="1",
        transition="0ms",
    )


def _chart(width: int, height: int, title: str | None, **config: Any) -> Any:
    """A bar chart in our style: white, navy and light grey, the bundled font, no script."""
    return _bar_chart(
        style=_style(),
        width=width,
        height=height,
        explicit_size=True,
        disable_xml_declaration=True,
        js=[],
        no_prefix=True,
        title=title,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        legend_box_size=11,
        truncate_legend=-1,
        truncate_label=-1,
        show_x_guides=False,
        show_y_guides=True,
        show_minor_y_labels=True,
        min_scale=4,
        max_scale=6,
        margin=8,
        spacing=8,
        rounded_bars=0,
        **config,
    )


def _compact(fmt: Formatter, value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) < 10_000:
        return fmt.number(value)
    return babel.numbers.format_compact_decimal(value, locale=fmt.locale, fraction_digits=1)


def _range(value: float) -> dict[str, Any]:
    top, ticks = _axis(value)
    return {"range": (0, top), "y_labels": ticks}


def _fixed(text: str) -> Callable[[Any], str]:
    return lambda _value: text


SMALLEST_TOP = 1e-6  # below this an axis cannot be labelled (the bars are slivers anyway)
LARGEST_TOP = 1e18  # beyond any real revenue; keeps the arithmetic finite


def _finite(value: float | None) -> float | None:
    """A value a chart can draw: ``None`` for a missing, non-finite or absurd one (a NaN or
    an Infinity stored before the importer refused them)."""
    if value is None or not math.isfinite(value) or abs(value) > LARGEST_TOP:
        return None
    return value


def _axis(value: float, limit: float | None = None) -> tuple[float, list[float]]:
    """A round top for the value axis, a little above ``value`` (at most ``limit``), and
    evenly spaced round ticks (at most 8) from 0 to it."""
    if not math.isfinite(value) or value <= 0:
        value = limit or 1.0
    value = min(max(value, SMALLEST_TOP), LARGEST_TOP)
    magnitude = 10 ** math.floor(math.log10(value / 4))
    step = next(
        (f * magnitude for f in (1, 2, 2.5, 5, 10, 20) if value * 1.08 / (f * magnitude) <= 6.5),
        50 * magnitude,
    )
    count = math.ceil(value * 1.08 / step - 1e-9)
    top = round(count * step, 12)
    if limit is not None and top > limit:
        top = limit
        count = math.floor(limit / step + 1e-9)
    return top, [round(i * step, 12) for i in range(count + 1)]


def _reference_lines(graph: Any, levels: list[tuple[float, str, str]], top: float) -> None:
    """Dashed horizontal lines, each labelled at its right end, for levels within the scale.
    When even the first level (the key threshold) is above the scale, it is named at the top,
    with an arrow."""
    view, svg = graph.view, graph.svg
    above = sorted((level, label) for level, label, _dash in levels if level > top)
    if above and above[0][0] == min(level for level, _label, _dash in levels):
        svg.node(
            graph.nodes["text_overlay"],
            "text",
            x=f"{view.width + 5:.1f}",
            y="4",
            style=f"fill:{INK};font-size:10px;font-family:{FONT}",
        ).text = "↑ " + above[0][1]
    for level, label, dash in levels:
        if not 0 < level <= top:
            continue
        y = view.y(level)
        _dashed(svg, graph.nodes["plot"], f"M0 {y:.1f} H{view.width:.1f}", dash)
        svg.node(
            graph.nodes["text_overlay"],
            "text",
            x=f"{view.width + 5:.1f}",
            y=f"{y + 3.5:.1f}",
            style=f"fill:{INK};font-size:10px;font-family:{FONT}",
        ).text = label


def _bar_labels(
    graph: Any, texts: list[str | None], points: Sequence[tuple[str, float | None]]
) -> None:
    """A boxed label above each bar of a single-series bar chart."""
    n = len(points)
    for i, (text, (_label, value)) in enumerate(zip(texts, points, strict=True)):
        if text is None or value is None:
            continue
        x = float(graph.view.x((i + 0.5) / n))
        y = float(graph.view.y(value))
        _text(graph.svg, graph.nodes["text_overlay"], x, y - 5, text, "middle", 11, boxed=True)


def _dashed(svg: Any, parent: Any, path: str, dash: str) -> None:
    """A dark dashed line on a white one, so it shows over dark bars too."""
    svg.node(parent, "path", d=path, style="fill:none;stroke:#ffffff;stroke-width:3")
    svg.node(
        parent,
        "path",
        d=path,
        style=f"fill:none;stroke:{INK};stroke-width:1.3;stroke-dasharray:{dash}",
    )


def _pareto_line(
    graph: Any, cumulative: list[float], top: float, fmt: Formatter, labels: tuple[str, str]
) -> None:
    """The cumulative share as a line over the bars with its own 0–100 % axis on the right,
    the dashed 80 % line, and a legend for both series above the plot."""
    view, svg = graph.view, graph.svg
    n = len(cumulative)
    plot, text = graph.nodes["plot"], graph.nodes["text_overlay"]

    def y_of(share: float) -> float:
        return float(view.y(share * top))

    for tick in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        _text(svg, text, view.width + 5, y_of(tick) + 3.5, fmt.percent(tick, 0))
    svg.node(
        plot,
        "path",
        d=f"M{view.width:.1f} {y_of(0):.1f} V{y_of(1):.1f}",
        style=f"fill:none;stroke:{INK};stroke-width:1",
    )
    _dashed(svg, plot, f"M0 {y_of(0.8):.1f} H{view.width:.1f}", CRITICAL_DASH)
    xs = [float(view.x((i + 0.5) / n)) for i in range(n)]
    svg.node(
        plot,
        "path",
        d="M" + " L".join(f"{x:.1f} {y_of(s):.1f}" for x, s in zip(xs, cumulative, strict=True)),
        style=f"fill:none;stroke:{INK};stroke-width:2;stroke-linejoin:round",
    )
    crossing = next((i for i, share in enumerate(cumulative) if share >= 0.8), None)
    for i, (x, share) in enumerate(zip(xs, cumulative, strict=True)):
        svg.node(
            plot,
            "circle",
            cx=f"{x:.1f}",
            cy=f"{y_of(share):.1f}",
            r="3",
            style=f"fill:#ffffff;stroke:{INK};stroke-width:1.5",
        )
        if n <= 10 or i in (0, n - 1) or i == crossing:
            _text(svg, text, x, y_of(share) - 8, fmt.percent(share, 0), "middle", boxed=True)
    # the legend, above the plot: a dark square for the bars, a line for the cumulative share
    y = -13.0  # just above the plot (the chart keeps 26 units free there), under any title
    svg.node(text, "rect", x="0", y=f"{y - 5.5:.1f}", width="11", height="11", style=f"fill:{NAVY}")
    _text(svg, text, 16, y + 4, labels[0], size=11)
    x = 30 + 6.2 * len(labels[0])
    svg.node(
        text,
        "path",
        d=f"M{x:.1f} {y:.1f} h22",
        style=f"fill:none;stroke:{INK};stroke-width:2",
    )
    svg.node(
        text,
        "circle",
        cx=f"{x + 11:.1f}",
        cy=f"{y:.1f}",
        r="3",
        style=f"fill:#ffffff;stroke:{INK};stroke-width:1.5",
    )
    _text(svg, text, x + 28, y + 4, labels[1], size=11)


def _text(
    svg: Any,
    parent: Any,
    x: float,
    y: float,
    content: str,
    anchor: str = "start",
    size: int = 10,
    boxed: bool = False,
) -> None:
    """A label; ``boxed`` puts a white box behind it so it reads over bars and lines."""
    if boxed:
        width = 0.62 * size * len(content) + 4
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor] - 2
        svg.node(
            parent,
            "rect",
            x=f"{left:.1f}",
            y=f"{y - size:.1f}",
            width=f"{width:.1f}",
            height=f"{size + 3:.1f}",
            rx="2",
            style="fill:#ffffff;fill-opacity:0.85;stroke:none",
        )
    svg.node(
        parent,
        "text",
        x=f"{x:.1f}",
        y=f"{y:.1f}",
        style=f"fill:{INK};font-size:{size}px;text-anchor:{anchor};font-family:{FONT}",
    ).text = content


# --- making pygal's output safe and portable ----------------------------------------------------


def _finish(chart: Any, label: str) -> str:
    return sanitize(chart.render(), label)


def sanitize(svg: str, label: str) -> str:
    """pygal's SVG made self-contained: CSS applied as ``style`` attributes, then no
    ``<style>``, ``<script>``, comment, processing instruction, ``<desc>`` (tooltip data) or
    non-local reference left. ``label`` becomes the accessible name (``<title>``)."""
    root = ET.fromstring(svg)
    sheet = "\n".join(el.text or "" for el in root.iter(f"{{{SVG_NS}}}style"))
    _apply_css(root, sheet)
    _strip(root)
    for attr in list(root.attrib):
        if attr not in ("viewBox", "width", "height"):
            del root.attrib[attr]
    root.set("class", "kamdesk-chart")
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("font-family", FONT)
    title = root.find(f"{{{SVG_NS}}}title")
    if title is None:
        title = ET.Element(f"{{{SVG_NS}}}title")
        root.insert(0, title)
    title.text = label
    for child in list(title):
        title.remove(child)
    # Written with plain tag names and an explicit xmlns, so the output does not depend on
    # ElementTree's process-wide prefix map (other libraries register prefixes there).
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="unicode")


DROPPED = frozenset({"script", "style", "desc", "foreignObject", "a", "image", "use", "metadata"})


def _strip(parent: ET.Element, top: bool = True) -> None:
    """Remove what must not travel (see ``sanitize``) and pygal's tooltips, below ``parent``
    (a label's own ``<title>``, its whole text where it is shortened, stays)."""
    in_text = isinstance(parent.tag, str) and parent.tag.rpartition("}")[2] == "text"
    for child in list(parent):
        tag = child.tag if isinstance(child.tag, str) else ""
        local = tag.rpartition("}")[2]
        if not tag or local in DROPPED or (local == "title" and not top and not in_text):
            parent.remove(child)
            continue
        for attr in list(child.attrib):
            name = attr.rpartition("}")[2]
            value = child.attrib[attr]
            if name == "class":
                del child.attrib[attr]  # classes were for pygal's CSS; the page's must not match
            elif (
                name == "href"
                or name.startswith("on")
                or ("url(" in value and "url(#" not in value)
            ):
                del child.attrib[attr]
        _strip(child, top=False)
        if local == "defs" and not len(child):
            parent.remove(child)


@lru_cache(maxsize=16)
def _matcher(sheet: str) -> Any:
    """pygal's style sheet compiled once (it is the same text for every chart of a kind:
    selectors carry no per-chart id, see ``no_prefix``)."""
    import cssselect2
    import tinycss2

    matcher = cssselect2.Matcher()
    order = 0
    for rule in tinycss2.parse_stylesheet(sheet, skip_whitespace=True, skip_comments=True):
        if rule.type != "qualified-rule":
            continue
        declarations = [
            (d.lower_name, tinycss2.serialize(d.value).strip(), d.important)
            for d in tinycss2.parse_blocks_contents(
                rule.content, skip_whitespace=True, skip_comments=True
            )
            if d.type == "declaration" and d.lower_name in SVG_PROPERTIES
        ]
        if not declarations:
            continue
        try:
            selectors = cssselect2.compile_selector_list(rule.prelude)
        except cssselect2.SelectorError:
            continue  # :hover and the like: nothing to print
        for selector in selectors:
            if selector.pseudo_element is None:
                matcher.add_selector(selector, (order, declarations))
        order += 1
    return matcher


def _apply_css(root: ET.Element, sheet: str) -> None:
    """Write the declarations of ``sheet`` that match each element into its ``style``
    attribute (cascade order: !important, specificity, source order; the element's own
    ``style`` wins over the sheet)."""
    import cssselect2

    matcher = _matcher(sheet)
    for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
        matches = matcher.match(wrapper)
        if not matches:
            continue
        cascade: dict[str, tuple[tuple[int, Any, int], str]] = {}
        for specificity, _order, _pseudo, (rule_order, declarations) in matches:
            for name, value, important in declarations:
                rank = (int(important), specificity, rule_order)
                if name not in cascade or rank >= cascade[name][0]:
                    cascade[name] = (rank, value)
        element = wrapper.etree_element
        own = element.get("style")
        style = ";".join(f"{name}:{value}" for name, (_rank, value) in cascade.items())
        element.set("style", style + (";" + own if own else ""))
