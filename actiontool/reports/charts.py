"""Charts as inline SVG strings, drawn here (no chart library, no script): readable without JavaScript, each
with a text alternative, and scaled to the page by its viewBox. Colours are presentation attributes (the CSP
allows no inline style); the site's stylesheet may restyle them by class.
"""

from markupsafe import Markup, escape

ACCENT = "#7a1f5c"


def bar_chart_svg(per_day, width=640, height=160, label=""):
    """A bar chart of (date, count) pairs as an SVG string, drawn here: no chart library."""
    peak = max((count for _, count in per_day), default=0) or 1
    bar = width / max(len(per_day), 1)
    bars = []
    for i, (day, count) in enumerate(per_day):
        h = round((height - 20) * count / peak, 1)
        bars.append(f'<rect x="{i * bar + 1:.1f}" y="{height - 15 - h:.1f}" width="{bar - 2:.1f}" '
                    f'height="{h}" fill="#7a1f5c"><title>{day.isoformat()}: {count}</title></rect>')
    first, last = (per_day[0][0].isoformat(), per_day[-1][0].isoformat()) if per_day else ("", "")
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" class="chart">{"".join(bars)}'
        f'<text x="0" y="{height - 2}" font-size="11">{first}</text>'
        f'<text x="{width}" y="{height - 2}" font-size="11" text-anchor="end">{last}</text></svg>')


def horizontal_bars_svg(rows, chart_id, title, description, width=360, row_height=30, label_width=92):
    """Labelled horizontal bars, one per (label, count) row, each with its count at its end.

    `title` names the chart and `description` says what it shows (the same figures in words); the page should
    also give them as a table. `chart_id` makes the ids the SVG is labelled by unique on the page."""
    peak = max((count for _, count in rows), default=0) or 1
    room = width - label_width - 44  # the longest bar leaves room for its count
    parts = []
    for i, (label, count) in enumerate(rows):
        y = i * row_height
        length = round(room * count / peak, 1)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 20}" font-size="15" text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 5}" width="{length}" height="{row_height - 10}" '
            f'fill="{ACCENT}"/>'
            f'<text x="{label_width + length + 5}" y="{y + 20}" font-size="15">{count}</text>')
    height = max(len(rows), 1) * row_height
    return _svg(chart_id, title, description, width, height, "".join(parts))


def stacked_bar_svg(parts, chart_id, title, description, width=360, height=28):
    """One bar split into parts, each (css_class, share in percent), left to right. The stylesheet colours each
    class (as it colours the legend beside the bar, so the colours live in one place)."""
    drawn, x = [], 0.0
    for css_class, percent in parts:
        length = round(width * percent / 100, 1)
        if length > 0:
            drawn.append(f'<rect class="{escape(css_class)}" x="{x:.1f}" y="0" width="{length}" height="{height}"/>')
        x += length
    return _svg(chart_id, title, description, width, height, "".join(drawn))


def _svg(chart_id, title, description, width, height, body):
    chart_id = escape(chart_id)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" class="figure-chart">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        f'{body}</svg>')
