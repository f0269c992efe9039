"""Server-rendered SVG bar charts for the statistics pages: no JavaScript, no library.

Accessible: ``role="img"`` named by its ``<title>`` and described by its ``<desc>``, every
bar's value written beside it as text. Presentation attributes only (``fill``,
``font-size``), never a ``style`` attribute: the Content-Security-Policy allows no inline
style. The drawing scales to the width of its container (``viewBox``), so it fits a 320 px
screen; each bar's label sits on its own line above the bar.
"""

from django.utils.html import format_html, format_html_join

WIDTH = 300  # drawn at about its own size on a phone (the stylesheet caps it on wide ones)
LABEL_CHARS = 20
ROW = 40  # px per bar: label line, then the bar
BAR = 14
BAR_COLOUR = "#0a58ca"  # 4.5:1 against white, as the portal's primary buttons
TEXT_COLOUR = "#212529"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(chart_id: str, title: str, description: str, bars) -> str:
    """``bars``: (label, value, text) with ``value`` a number ≥ 0 and ``text`` what to write
    beside the bar. Returns safe SVG markup (empty when there is nothing to draw)."""
    bars = [(label, float(value or 0), text) for label, value, text in bars]
    if not bars:
        return ""
    top = max(value for _label, value, _text in bars) or 1
    room = WIDTH - 100  # leaves space for the value's text after the longest bar
    height = ROW * len(bars) + 8
    parts = []
    for index, (label, value, text) in enumerate(bars):
        y = index * ROW + 4
        length = round(room * value / top) if value else 0
        parts.append(
            (
                y + 13,
                _short(label),
                y + 18,
                max(length, 1),
                BAR,
                y + 30,
                length + 6,
                text,
            )
        )
    body = format_html_join(
        "",
        '<g><text x="0" y="{}" font-size="13" fill="' + TEXT_COLOUR + '">{}</text>'
        '<rect x="0" y="{}" width="{}" height="{}" fill="' + BAR_COLOUR + '"></rect>'
        '<text y="{}" x="{}" font-size="13" fill="' + TEXT_COLOUR + '">{}</text></g>',
        parts,
    )
    return format_html(
        '<svg class="stat-chart" id="{}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}"'
        ' width="100%" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        chart_id,
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        body,
    )
