"""How long one letter takes to become a PDF: plain WeasyPrint vs the app's renderer.

Run by hand, not by pytest:

    .venv/bin/python bench/pdf.py [--runs N] [--language en|es|both]

What it measures. One real letter is composed once (letters.content.compose on plain dicts,
the recipient taken from the shipped officials.csv; no database) and wrapped in
templates/pdf/letter.html. The SAME HTML string is then turned into PDF bytes by:

  plain  weasyprint.HTML(string=html, base_url=static).write_pdf(
             stylesheets=[weasyprint.CSS(filename=static/pdf.css)])
         built from scratch on every run: new HTML, new CSS, default URL fetcher,
         no FontConfiguration, no cache.
  plain+fonts  the same, plus a fresh FontConfiguration passed to CSS and write_pdf, so
         that pdf.css's @font-face rules take effect (without one WeasyPrint ignores them
         and draws with whatever "serif" the system has). This is the fair "nothing
         reused" baseline for (b): same fonts, same output.
  app    actiontool.printing.pdf.renderer().render(html): the app's PdfRenderer, built once and
         reused, with its static-files-only URL fetcher, one FontConfiguration, the
         parsed print stylesheet and an image cache.

Each variant is warmed up (imports, fontconfig, first font load), then the variants are
run in alternation for N rounds so that drift on the machine (CPU frequency, other load)
hits them all alike. Reported: the median wall time of each in milliseconds, the ratio
app/plain (and app/plain+fonts), the PDF sizes and fonts, and whether libharfbuzz-subset
is available.

How to read it. A ratio below 1 means the app's path is faster than starting from
scratch; near 1 means reuse buys little and the time is in layout and font subsetting.
Without libharfbuzz-subset WeasyPrint subsets fonts with fontTools, several times
slower: if it says "no", expect every figure to be much higher, and install it
(Debian/Ubuntu: libharfbuzz-subset0) before comparing numbers across machines. The
embedded-fonts line shows which fonts each path drew with: "Letter-Serif" is the
shipped DejaVu Serif; anything else is a system font.
"""

import argparse
import io
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import weasyprint  # noqa: E402
from flask import render_template  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from actiontool import create_app  # noqa: E402
from actiontool.letters import content  # noqa: E402
from actiontool.printing.pdf import STYLESHEET, harfbuzz_subset_available, renderer  # noqa: E402
from actiontool.roster import parse_roster  # noqa: E402

NOTE = ("¿Por qué escribo? ¡Porque mi vecina Nguyễn Thị Hường y la señora Peña viven aquí "
        "desde hace años!\n\nGracias por escuchar a todos los vecinos del condado.")


def recipient(district="4"):
    """The councilmember from the shipped roster, shaped like letters.recipient_snapshot."""
    rows = parse_roster((ROOT / "officials.csv").read_text(encoding="utf-8"))
    row = next(r for r in rows if r["office"] == "councilmember" and r["district"] == district)
    return {
        "office": row["office"],
        "district": row["district"],
        "name": row["name"],
        "title": {"en": row["title_en"], "es": row["title_es"]},
        "salutation": {"en": row["salutation_en"], "es": row["salutation_es"]},
        "email": row["email"],
        "postal_address_lines": [
            line.strip() for line in row["postal_address"].splitlines() if line.strip()
        ],
    }


def letter_html(language):
    letter = {
        "name": "José Núñez",
        "street": "100 Main St",
        "city": "Seattle",
        "zip": "98104",
        "note": NOTE,
        "language": language,
        "district": "4",
        "created_at": datetime.now(timezone.utc),
        "recipient": recipient("4"),
    }
    return render_template("pdf/letter.html", letter=letter, letter_html=content.compose(letter))


def fonts_of(pdf):
    import pypdf

    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].get_object().values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return ", ".join(sorted(names))


def pages_of(pdf):
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="alternating rounds (default 30)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up renders of each (default 2)")
    parser.add_argument("--language", choices=content.LETTER_LANGUAGES, default="both",
                        help="the letter's language (default both: the longest letter)")
    args = parser.parse_args(argv)

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": "sqlite://"})
    static = Path(app.static_folder).resolve()
    static_uri = static.as_uri() + "/"
    stylesheet = str(static / STYLESHEET)

    with app.test_request_context():
        html = letter_html(args.language)

        def plain():
            return weasyprint.HTML(string=html, base_url=static_uri).write_pdf(
                stylesheets=[weasyprint.CSS(filename=stylesheet)])

        def plain_fonts():
            font_config = FontConfiguration()
            return weasyprint.HTML(string=html, base_url=static_uri).write_pdf(
                stylesheets=[weasyprint.CSS(filename=stylesheet, font_config=font_config)],
                font_config=font_config)

        def app_path():
            return renderer().render(html)

        variants = {"plain": plain, "plain+fonts": plain_fonts, "app": app_path}
        outputs = {}
        for name, render in variants.items():
            for _ in range(args.warmup):
                outputs[name] = render()

        times = {name: [] for name in variants}
        for _ in range(args.runs):
            for name, render in variants.items():
                start = time.perf_counter()
                render()
                times[name].append((time.perf_counter() - start) * 1000)

    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"letter: {args.language}, {len(html)} characters of HTML; "
          f"{args.runs} alternating runs after {args.warmup} warm-ups of each")
    print(f"libharfbuzz-subset available: {'yes' if harfbuzz_subset_available() else 'no'}")
    for name in variants:
        values = times[name]
        print(f"  {name:<12} median {medians[name]:7.1f} ms  (min {min(values):6.1f}, "
              f"max {max(values):6.1f})  {len(outputs[name]):>7} bytes, "
              f"{pages_of(outputs[name])} pages, fonts: {fonts_of(outputs[name])}")
    print(f"ratio app/plain:       {medians['app'] / medians['plain']:.2f}")
    print(f"ratio app/plain+fonts: {medians['app'] / medians['plain+fonts']:.2f}")


if __name__ == "__main__":
    main()
