"""The x labels of a bar chart, fitted to the bars: each label wrapped onto at most four
lines as wide as its bar, whole; when the bars are too narrow for that (many clients on a
Pareto chart), every label is slanted at 45°, shortened only where it would leave the picture
(at most two fifths of its height, and not past its left edge), the whole label then in the
text's ``<title>``. Widths are measured in the bundled font (``textwidth``).

``lay_out`` runs once pygal knows the plot's width and says how much room the labels take
below the plot; ``draw`` rewrites the labels pygal drew.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from kamdesk.core.documents import textwidth

MOST_LINES = 4
PAD = 6.0  # between the labels of neighbouring bars
SLANT = math.radians(45)
MOST_OF_HEIGHT = 0.4  # slanted labels take at most this share of the chart's height


@dataclass(frozen=True)
class Layout:
    whole: list[str]
    lines: list[list[str]]  # each label's lines (one, shortened, when slanted)
    slanted: bool
    height: float  # room below the plot, counted as pygal counts one line of labels
    line_height: float


def lay_out(
    labels: list[str], plot_width: float, left: float, height: float, size: float
) -> Layout:
    """Wrapped when every label fits its bar in at most four lines, slanted otherwise."""
    step = plot_width / max(len(labels), 1)
    line_height = textwidth.line_height(size)
    wrapped = [_wrap(label, step - PAD, size) for label in labels]
    if all(lines is not None and len(lines) <= MOST_LINES for lines in wrapped):
        lines = [w or [""] for w in wrapped]
        most = max((len(w) for w in lines), default=1)
        return Layout(labels, lines, False, size + (most - 1) * line_height, line_height)
    longest = (MOST_OF_HEIGHT * height - size) / math.sin(SLANT)
    shortened = []
    for i, label in enumerate(labels):
        room_left = left + (i + 0.5) * step - 4  # the label runs down to the left of its bar
        shortened.append([_shorten(label, min(longest, room_left / math.cos(SLANT)), size)])
    widest = max((textwidth.width(s[0], size) for s in shortened), default=0.0)
    return Layout(labels, shortened, True, size + widest * math.sin(SLANT) + 2, line_height)


def _wrap(text: str, limit: float, size: float) -> list[str] | None:
    """Words filled into lines no wider than ``limit``; None when a word alone is wider."""
    lines: list[str] = []
    for word in text.split():
        if textwidth.width(word, size) > limit:
            return None
        if lines and textwidth.width(f"{lines[-1]} {word}", size) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _shorten(text: str, limit: float, size: float) -> str:
    if textwidth.width(text, size) <= limit:
        return text
    while text and textwidth.width(text + "…", size) > limit:
        text = text[:-1]
    return text.rstrip() + "…"


def draw(graph: Any, layout: Layout) -> None:
    """Put the laid-out lines in place of pygal's x labels (user text stays text: escaped)."""
    axis = next(
        (
            node
            for node in graph.nodes["plot"]
            if "axis" in (node.get("class") or "") and " x" in (node.get("class") or "")
        ),
        None,
    )
    if axis is None:
        return
    texts = [
        (guides, text)
        for guides in axis
        for text in guides
        if isinstance(text.tag, str) and text.tag.rpartition("}")[2] == "text"
    ]
    for (guides, text), lines, whole in zip(texts, layout.lines, layout.whole, strict=False):
        x, y = float(text.get("x")), float(text.get("y"))
        text.text = lines[0]
        if layout.slanted:
            text.set("transform", f"rotate(-45 {x:.1f} {y:.1f})")
            text.set("style", "text-anchor:end")
            if lines[0] != whole:
                graph.svg.node(text, "title").text = whole
            continue
        text.set("style", "text-anchor:middle")
        for k, line in enumerate(lines[1:], start=1):
            extra = graph.svg.node(
                guides, "text", x=f"{x:.1f}", y=f"{y + k * layout.line_height:.1f}"
            )
            extra.set("class", text.get("class") or "")
            extra.set("style", "text-anchor:middle")
            extra.text = line
