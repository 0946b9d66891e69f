"""What the letters did, counted: the staff dashboard and its CSV exports (dashboard), the public figures at
/numbers (numbers), charts as inline SVG (charts), and the one CSV writer every download goes through
(spreadsheets).

All counts come from columns that retention keeps (district, language, status, dates, partner, reply tallies),
so they survive `actiontool purge`. Every CSV a person downloads is written by `safe_csv`, so no cell runs as a
spreadsheet formula.
"""

from actiontool.reports.charts import bar_chart_svg, horizontal_bars_svg, stacked_bar_svg
from actiontool.reports.dashboard import (
    CHANNELS,
    EMAIL_STATUSES,
    WRITERS,
    by_partner,
    channel_counts,
    channel_of,
    letters_csv,
    opt_ins_csv,
    summary,
)
from actiontool.reports.numbers import ANSWERS, MIN_ANSWERS, MIN_DELIVERIES, FiguresCache, figures_csv, public_figures
from actiontool.reports.spreadsheets import cell_value, csv_line, safe_csv, spreadsheet_cell

__all__ = [
    "ANSWERS", "CHANNELS", "EMAIL_STATUSES", "MIN_ANSWERS", "MIN_DELIVERIES", "WRITERS", "FiguresCache",
    "bar_chart_svg", "by_partner", "cell_value", "channel_counts", "channel_of", "csv_line", "figures_csv",
    "horizontal_bars_svg", "letters_csv", "opt_ins_csv", "public_figures", "safe_csv", "spreadsheet_cell",
    "stacked_bar_svg", "summary",
]
