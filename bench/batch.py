"""Printing many letters: the app's print path (both cores) vs plain WeasyPrint in one process.

Run by hand, not by pytest:

    .venv/bin/python bench/batch.py [--letters N]

Both paths print the SAME letters (N signers spread over the nine districts, a mix of
English, Spanish and both, composed by the app's own templates):

  plain  weasyprint.HTML(string=<one document with every letter and cover sheet>).write_pdf()
         in this process, with the app's stylesheet and fonts: the one-process baseline.
  app    actiontool.printing.render_batch(): chunks rendered by worker processes started
         with WeasyPrint imported, joined with pypdf.

Printed: both wall times, pages per second, the ratio plain/app (the speed-up; the aim is
at least 1.6x on a 2-core machine, about 30 s for 1000 letters) and the peak memory (max
RSS) of this process and of the largest worker.
"""

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
import pypdf  # noqa: E402
import weasyprint  # noqa: E402
from flask import render_template  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from actiontool import MIGRATIONS, create_app, printing  # noqa: E402
from actiontool.letters import councilmember_for, recipient_snapshot  # noqa: E402
from actiontool.models import utcnow  # noqa: E402
from actiontool.roster import apply_roster, parse_roster  # noqa: E402

LANGUAGES = ("en", "es", "both", "en", "es")


def letters(count):
    officials = {str(d): recipient_snapshot(councilmember_for(str(d))) for d in range(1, 10)}
    return [{
        "name": f"Signer Número {n:04d}", "street": f"{n} Pine St", "city": "Seattle", "zip": "98104",
        "note": "Mi familia vive aquí." if n % 3 == 0 else "", "language": LANGUAGES[n % len(LANGUAGES)],
        "district": str(1 + n % 9), "recipient": officials[str(1 + n % 9)], "created_at": utcnow(),
    } for n in range(count)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", type=int, default=1000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder}/b.db"})
    with app.app_context(), app.test_request_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS))
        apply_roster(parse_roster((ROOT / "officials.csv").read_text(encoding="utf-8")))
        batch = letters(args.letters)

        started = time.perf_counter()
        html = render_template("pdf/batch.html", body="\n".join(printing._pages(batch, "en")), title="bench")
        fonts = FontConfiguration()
        css = weasyprint.CSS(filename=str(Path(app.static_folder) / "pdf.css"), font_config=fonts)
        plain_pdf = weasyprint.HTML(string=html, base_url=Path(app.static_folder).as_uri() + "/").write_pdf(
            stylesheets=[css], font_config=fonts)
        plain = time.perf_counter() - started
        parent_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        started = time.perf_counter()
        app_pdf = printing.render_batch(batch)
        app_time = time.perf_counter() - started
        worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    pages = len(pypdf.PdfReader(__import__("io").BytesIO(app_pdf)).pages)
    plain_pages = len(pypdf.PdfReader(__import__("io").BytesIO(plain_pdf)).pages)
    print(f"{args.letters} letters, {pages} pages (plain: {plain_pages})")
    print(f"  plain  {plain:7.1f} s  {plain_pages / plain:6.1f} pages/s  (one process)")
    print(f"  app    {app_time:7.1f} s  {pages / app_time:6.1f} pages/s  (render_batch, worker processes)")
    print(f"speed-up plain/app: {plain / app_time:.2f}x  (aim >= 1.6x)")
    print(f"peak memory: this process {parent_peak:.0f} MB (includes the one-process render), "
          f"largest worker {worker_peak:.0f} MB (aim < 300 MB)")


if __name__ == "__main__":
    main()
