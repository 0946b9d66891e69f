"""Printing many letters: the app's print path (both cores) vs plain WeasyPrint in one process.

Run by hand, not by pytest:

    .venv/bin/python bench/batch.py [--letters N] [--rounds R]

Both paths print the SAME letters (N signers spread over the nine districts, a mix of
English, Spanish and both, composed by the app's own templates):

  plain  weasyprint.HTML(string=<one document with every letter and cover sheet>).write_pdf()
         in one process (WeasyPrint already imported), with the app's stylesheet and fonts:
         the one-process baseline.
  app    actiontool.printing.render_batch(): chunks rendered by worker processes started
         with WeasyPrint imported, joined with pypdf.

Printed, for each round: both wall times, pages per second and the ratio plain/app (the
speed-up; the aim is at least 1.6x on a 2-core machine, about 30 s for 1000 letters); then
the peak memory of each process (aim under 300 MB).

Rounds alternate which path goes first, so neither always gets the cooler or quieter
machine. The plain render runs in its own process, so its memory (about 1 GB for 1000
letters) neither counts against nor lingers in this one. Peak memory is read from /proc
(Linux): the print workers are children of multiprocessing's fork server, which
getrusage(RUSAGE_CHILDREN) never sees, so a thread samples every descendant's high-water
mark (VmHWM) while render_batch runs. Timings on a shared machine move by 10-20% from run
to run: compare runs made together.
"""

import argparse
import io
import multiprocessing
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
import pypdf  # noqa: E402
import weasyprint  # noqa: E402
from flask import render_template  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from actiontool import create_app  # noqa: E402
from actiontool.config import MIGRATIONS  # noqa: E402
from actiontool.models import utcnow  # noqa: E402
from actiontool.officials import councilmember_for, recipient_snapshot  # noqa: E402
from actiontool.roster import apply_roster, parse_roster  # noqa: E402

LANGUAGES = ("en", "es", "both", "en", "es")


def letters(count):
    officials = {str(d): recipient_snapshot(councilmember_for(str(d))) for d in range(1, 10)}
    return [{
        "name": f"Signer Número {n:04d}", "street": f"{n} Pine St", "city": "Seattle", "zip": "98104",
        "note": "Mi familia vive aquí." if n % 3 == 0 else "", "language": LANGUAGES[n % len(LANGUAGES)],
        "district": str(1 + n % 9), "recipient": officials[str(1 + n % 9)], "created_at": utcnow(),
    } for n in range(count)]


def peak_rss_mb(pid):
    """The process's high-water resident memory in MB, or 0 if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else 0


def descendants(pid):
    """Every live process below `pid` (children, grandchildren, ...), from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


class WorkerPeak(threading.Thread):
    """Samples the largest descendant's peak memory until stopped (workers die with the pool),
    leaving out the processes in `exclude` (the baseline's)."""

    def __init__(self, exclude):
        super().__init__(daemon=True)
        self.stopping = threading.Event()
        self.exclude = set(exclude)
        self.peak = 0

    def run(self):
        while not self.stopping.wait(0.25):
            self.sample()

    def sample(self):
        self.peak = max([self.peak] + [peak_rss_mb(pid) for pid in descendants(os.getpid()) - self.exclude])

    def stop(self):
        self.stopping.set()
        self.join()
        return self.peak


def plain_render(html, static_folder):
    """Runs in a process of its own: (seconds, PDF bytes, peak MB) for one-document rendering."""
    base_url = Path(static_folder).as_uri() + "/"
    started = time.perf_counter()
    fonts = FontConfiguration()
    css = weasyprint.CSS(filename=str(Path(static_folder) / "pdf.css"), font_config=fonts)
    pdf = weasyprint.HTML(string=html, base_url=base_url).write_pdf(stylesheets=[css], font_config=fonts)
    return time.perf_counter() - started, pdf, peak_rss_mb(os.getpid())


def app_render(batch, exclude):
    """(seconds, PDF bytes, largest worker's peak MB) for the app's print path, in this process."""
    sampler = WorkerPeak(exclude)
    sampler.start()
    started = time.perf_counter()
    pdf = batch.render_batch(batch)
    seconds = time.perf_counter() - started
    return seconds, pdf, sampler.stop()


def page_count(pdf):
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder}/b.db"})
    # "spawn", not "forkserver": the app's print path must start the fork server itself, with
    # WeasyPrint preloaded, as it does in the worker.
    baseline = multiprocessing.get_context("spawn").Pool(1)
    with app.app_context(), app.test_request_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS))
        apply_roster(parse_roster((ROOT / "officials.csv").read_text(encoding="utf-8")))
        batch = letters(args.letters)
        html = render_template("pdf/batch.html", body="\n".join(batch._pages(batch, "en")), title="bench")
        print(f"{args.letters} letters; {args.rounds} round(s), alternating which path goes first")
        worker_peaks, plain_peaks = [], []
        for round_number in range(args.rounds):
            results = {}
            for path in (("plain", "app") if round_number % 2 == 0 else ("app", "plain")):
                if path == "plain":
                    results[path] = baseline.apply(plain_render, (html, app.static_folder))
                else:
                    results[path] = app_render(batch, exclude={p.pid for p in baseline._pool})
            (plain, plain_pdf, plain_peak), (app_time, app_pdf, worker_peak) = results["plain"], results["app"]
            worker_peaks.append(worker_peak)
            plain_peaks.append(plain_peak)
            pages, plain_pages = page_count(app_pdf), page_count(plain_pdf)
            print(f"round {round_number + 1}: {pages} pages (plain: {plain_pages})")
            print(f"  plain  {plain:7.1f} s  {plain_pages / plain:6.1f} pages/s  (one process)")
            print(f"  app    {app_time:7.1f} s  {pages / app_time:6.1f} pages/s  (render_batch, worker processes)")
            print(f"  speed-up plain/app: {plain / app_time:.2f}x  (aim >= 1.6x)")
    baseline.close()
    print(f"peak memory: app: this process {peak_rss_mb(os.getpid()):.0f} MB, largest worker "
          f"{max(worker_peaks):.0f} MB (aim < 300 MB); plain: {max(plain_peaks):.0f} MB (one process)")


if __name__ == "__main__":
    main()
