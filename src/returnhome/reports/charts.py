"""Server-rendered SVG charts: no JavaScript, no internet, readable printed in black and white.

Each chart is inline SVG with role="img", a <title> and a <desc> (the figures in words), direct
labels on every bar and line (never colour alone: lines differ by dash pattern and marker shape),
and the page shows the same figures in a table beside it. Presentation attributes only (no style
attributes), so the strict Content-Security-Policy holds. All text is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#0b0c0c"
GREY = "#505a5f"
LIGHT = "#b1b4b6"
FONT = 'font-family="Arial, sans-serif"'
# (stroke, dash pattern, marker) per line series: distinguishable without colour.
LINE_STYLES: tuple[tuple[str, str, str], ...] = (
    (INK, "", "circle"),
    (GREY, "8 4", "square"),
    (INK, "2 3", "triangle"),
    (GREY, "12 3 2 3", "diamond"),
    (INK, "4 2", "cross"),
)


def _svg(
    chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]
) -> SafeString:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" data-chart="{escape(chart_id)}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


MIN_TEXT = 12  # px: no chart text smaller (the SVG is drawn at its own size, never shrunk)
PARTIAL_NOTE = (
    "* Part of a month only (the period starts or ends in it): not comparable with a whole month"
)


def _text(
    x: float, y: float, text: str, anchor: str = "start", size: int = 13, bold: bool = False
) -> str:
    size = max(size, MIN_TEXT)
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" {FONT} '
        f'fill="{INK}"{weight}>{escape(text)}</text>'
    )


def _bold_width(text: str, size: int = 13) -> float:
    """A generous estimate of a bold Arial line's width in pixels (no font metrics on a server)."""
    return len(text) * size * 0.62


def bar_chart(
    chart_id: str, title: str, rows: Sequence[tuple[str, int]], *, note: str = ""
) -> SafeString:
    """Horizontal bars, one per row, each labelled with its value (and share of the total)."""
    total = sum(v for _, v in rows)
    # the labels' column as wide as the longest label, so no label is cut off
    label_w = max(120, int(max((_bold_width(label) for label, _ in rows), default=0)) + 12)
    bar_w, row_h = 330, 26
    width, height = label_w + bar_w + 110, 10 + row_h * max(1, len(rows))
    top = max([v for _, v in rows] + [1])
    body = []
    for i, (label, value) in enumerate(rows):
        y = 10 + i * row_h
        w = bar_w * value / top
        share = f" ({value / total:.0%})" if total else ""
        body.append(_text(label_w - 8, y + 16, label, anchor="end"))
        body.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{GREY}" stroke="{INK}" stroke-width="0.5"/>'
        )
        body.append(_text(label_w + w + 6, y + 16, f"{value}{share}"))
    desc = "; ".join(f"{label}: {value}" for label, value in rows) + (f". {note}" if note else "")
    return _svg(chart_id, title, desc, width, height, body)


def funnel_chart(chart_id: str, title: str, steps: Sequence[tuple[str, int]]) -> SafeString:
    """Centred bars narrowing step by step; each labelled with its count and % of the first."""
    first = steps[0][1] if steps else 0
    # 450 px of bars and room on the right for a narrow bar's figure beside it.
    label_w = max(150, int(max((_bold_width(label) for label, _ in steps), default=0)) + 12)
    row_h, bar_w = 40, 450
    width = label_w + bar_w + 80
    height = 10 + row_h * max(1, len(steps))
    body = []
    for i, (label, value) in enumerate(steps):
        y = 10 + i * row_h
        w = max(2.0, bar_w * value / first) if first else 2.0
        x = label_w + (bar_w - w) / 2
        share = f"{value / first:.0%} of episodes" if first else "n/a"
        body.append(_text(label_w - 8, y + 24, label, anchor="end"))
        body.append(
            f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{LIGHT if i % 2 else "#dddddd"}" stroke="{INK}" stroke-width="1"/>'
        )
        figure = f"{value} ({share})"
        if w >= _bold_width(figure) + 12:  # inside the bar, centred
            body.append(_text(label_w + bar_w / 2, y + 25, figure, "middle", bold=True))
        else:  # a narrow bar: beside it, never across its edges
            body.append(_text(x + w + 6, y + 25, figure, bold=True))
    desc = "; ".join(
        f"{label}: {value}" + (f" ({value / first:.0%} of episodes)" if first else "")
        for label, value in steps
    )
    return _svg(chart_id, title, desc, width, height, body)


def _marker(shape: str, x: float, y: float, stroke: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{stroke}"/>'
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="white" stroke="{stroke}" stroke-width="1.5"/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 4.5:.1f} L{x + 4:.1f} {y + 3:.1f} L{x - 4:.1f} {y + 3:.1f} Z" fill="{stroke}"/>'
    if shape == "diamond":
        return f'<path d="M{x:.1f} {y - 4.5:.1f} L{x + 4.5:.1f} {y:.1f} L{x:.1f} {y + 4.5:.1f} L{x - 4.5:.1f} {y:.1f} Z" fill="white" stroke="{stroke}" stroke-width="1.5"/>'
    return f'<path d="M{x - 4:.1f} {y - 4:.1f} L{x + 4:.1f} {y + 4:.1f} M{x + 4:.1f} {y - 4:.1f} L{x - 4:.1f} {y + 4:.1f}" stroke="{stroke}" stroke-width="1.5"/>'


def _nice_top(value: int) -> int:
    """A round axis maximum at or above `value`."""
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return value  # pragma: no cover


def line_chart(
    chart_id: str,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    height: int = 260,
    partial: Sequence[bool] = (),
) -> SafeString:
    """Lines over months: axis with gridlines, each series its own dash and marker, named at its
    end. A month only partly in the period (`partial`) is shaded and starred, with a note: its
    lower figures are not a fall."""
    left, right, top, bottom = 48, 260, 12, 40
    marked = any(partial)
    if marked:  # room under the axis for the note
        height += 20
        bottom += 20
    width = max(560, left + right + 48 * len(x_labels))
    plot_w, plot_h = width - left - right, height - top - bottom
    y_max = _nice_top(max([v for _, values in series for v in values] + [0]))
    step = plot_w / max(1, len(x_labels) - 1)
    body = []
    # Whole numbers on the axis (a count is never 12.5): 5 intervals of a top of 1 or 5 times a power of ten,
    # 4 of a top of 2 times a power of ten.
    intervals = 4 if str(y_max)[0] == "2" else 5
    for tick in range(intervals + 1):
        value = y_max * tick / intervals
        y = top + plot_h - plot_h * tick / intervals
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{LIGHT}" stroke-width="0.7"/>'
        )
        body.append(_text(left - 6, y + 4, f"{value:g}", anchor="end", size=12))
    base = top + plot_h
    for i, label in enumerate(x_labels):
        x = left + step * i if len(x_labels) > 1 else left + plot_w / 2
        star = "*" if i < len(partial) and partial[i] else ""
        if star:
            body.append(
                f'<rect x="{x - step / 2:.1f}" y="{top}" width="{step:.1f}" height="{plot_h}" '
                f'fill="#f3f2f1" stroke="{LIGHT}" stroke-dasharray="3 3"/>'
            )
        body.append(_text(x, base + 16, label.split()[0] + star, "middle", size=12))
        if i == 0 or label.startswith("Jan"):
            body.append(_text(x, base + 30, label.split()[-1], "middle", size=12))
    if marked:
        body.append(_text(left, base + 48, PARTIAL_NOTE, size=12))
    label_ys: list[float] = []
    for n, (name, values) in enumerate(series):
        stroke, dash, marker = LINE_STYLES[n % len(LINE_STYLES)]
        points = [
            (
                left + step * i if len(values) > 1 else left + plot_w / 2,
                top + plot_h - plot_h * v / y_max,
            )
            for i, v in enumerate(values)
        ]
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x:.1f} {y:.1f}" for i, (x, y) in enumerate(points)
        )
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<path d="{path}" fill="none" stroke="{stroke}" stroke-width="2"{dash_attr}/>')
        body.extend(_marker(marker, x, y, stroke) for x, y in points)
        if points:
            end_y = points[-1][1]
            while any(abs(end_y - other) < 14 for other in label_ys):
                end_y += 14
            label_ys.append(end_y)
            x_end = left + plot_w + 22  # clear of the last month's name ("Dec*") under the axis
            body.append(_marker(marker, x_end + 4, end_y, stroke))
            body.append(_text(x_end + 14, end_y + 4, f"{name} ({values[-1]})", size=12))
    desc = "; ".join(
        f"{name}: " + ", ".join(f"{label} {v}" for label, v in zip(x_labels, values, strict=True))
        for name, values in series
    ) + (f". {PARTIAL_NOTE}" if marked else "")
    return _svg(chart_id, title, desc, width, height, body)


def column_chart(
    chart_id: str,
    title: str,
    x_labels: Sequence[str],
    values: Sequence[int],
    *,
    partial: Sequence[bool] = (),
) -> SafeString:
    """Small columns (a tile's monthly trend), each column's value written above it; a month only
    partly in the period is drawn light, dashed and starred."""
    width, height, bottom = 240, 124, 20
    marked = any(partial)
    if marked:
        height += 16
    plot_bottom = height - bottom - (16 if marked else 0)
    top_value = max([*values, 1])
    col_w = width / max(1, len(values))
    body = []
    for i, value in enumerate(values):
        h = (plot_bottom - 18) * value / top_value
        x = i * col_w
        part = i < len(partial) and partial[i]
        fill = f'fill="white" stroke="{INK}" stroke-dasharray="2 2"' if part else f'fill="{GREY}"'
        body.append(
            f'<rect x="{x + 1.5:.1f}" y="{plot_bottom - h:.1f}" width="{col_w - 3:.1f}" '
            f'height="{h:.1f}" {fill}/>'
        )
        if col_w >= 20 or value:
            body.append(_text(x + col_w / 2, plot_bottom - h - 3, str(value), "middle", size=12))
        body.append(
            _text(
                x + col_w / 2, plot_bottom + 15, x_labels[i][:1] + ("*" if part else ""), "middle"
            )
        )
    if marked:
        body.append(_text(0, height - 4, "* part of a month only", size=12))
    desc = ", ".join(f"{label}: {v}" for label, v in zip(x_labels, values, strict=True))
    if marked:
        desc += f". {PARTIAL_NOTE}"
    return _svg(chart_id, title, desc, width, height, body)
