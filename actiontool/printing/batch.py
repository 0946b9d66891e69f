"""Printing many letters at once: sorted for delivery, a cover sheet per office, both cores.

The parent process composes every letter's HTML (cheap, needs the app's
templates); worker processes, started with WeasyPrint already imported, turn
chunks of that HTML into PDF (the expensive part); pypdf joins the chunks in
order. Everything here takes and returns plain values.
"""

import gc
import io
import multiprocessing
import os
import re
import unicodedata

from flask import current_app, render_template
from flask_babel import gettext as _
from pypdf import PdfWriter

from actiontool.i18n import force_locale
from actiontool.letters.content import compose, draft
from actiontool.models import utcnow
from actiontool.printing.pdf import PdfRenderer

CHUNK = 20  # letters per rendering task: big enough to amortise, small enough to balance two cores
RENDER_NICENESS = 10  # rendering yields the CPU to the web app and the mail queue
# A blank letter has labelled lines in place of the signer's name, address, phone, own words, date and signature.
BLANK = {"name": "", "street": "", "city": "", "zip": "", "note": "", "blank": True}

_worker_renderer = None


def _start_worker(static_folder):
    """Runs once in each worker process: WeasyPrint imported, fonts and stylesheet loaded.

    The worker runs at a lower priority, so web pages served on the same cores answer
    first. Then the garbage collector is set aside, and run once after each chunk
    instead: layout makes objects by the million, and with the default settings about a
    tenth of a worker's time went to collections that rescanned every imported module.
    Freezing what exists now (modules, fonts, stylesheet) keeps it out of every later
    collection. Measured: 2.5 s of ~28 s CPU -> 0.5 s, with a flat peak (~130 MB); only
    raising the first generation's threshold saved as much but let memory creep up.
    """
    global _worker_renderer

    os.nice(RENDER_NICENESS)
    _worker_renderer = PdfRenderer(static_folder)
    gc.collect()
    gc.freeze()
    gc.disable()


def _render_chunk(html):
    """One chunk's PDF; its garbage (reference cycles included) is freed before the next."""
    try:
        return _worker_renderer.render(html)
    finally:
        gc.collect()


def surname_key(name):
    """Sort key: the last word of the name, without accents or case ("Núñez" ~ "nunez")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = re.findall(r"[a-z0-9]+", plain)
    return (words[-1] if words else "", plain)


def delivery_order(letters):
    """Letters sorted by district (council districts in number order), then surname."""
    return sorted(letters, key=lambda letter: (int(letter["district"] or 99), surname_key(letter["name"])))


def _pages(letters, cover_language):
    """The document as a list of HTML blocks: a cover sheet before each district's letters."""
    blocks, current = [], None
    ordered = delivery_order(letters)
    counts = {}
    for letter in ordered:
        counts[letter["district"]] = counts.get(letter["district"], 0) + 1
    for letter in ordered:
        if letter["district"] != current:
            current = letter["district"]
            with force_locale(cover_language):
                blocks.append(render_template("pdf/cover.html", recipient=letter["recipient"],
                                              district=current, count=counts[current]))
        blocks.append(str(compose(letter)))
    return blocks


def _document(blocks, title):
    return render_template("pdf/batch.html", body="\n".join(blocks), title=title)


def _process_count(blocks):
    """One worker per chunk, at most two (one print uses both cores), counted before composing."""
    return min(-(-blocks // CHUNK), os.cpu_count() or 1, 2)


def render_batch(letters, cover_language="en", processes=None, progress=None):
    """One PDF of every letter, in delivery order with cover sheets, rendered on two cores.

    `letters` are plain dicts as letters.content.compose takes them, each with `district`
    and `recipient`. `progress(done, total)` is called as chunks finish.
    """
    if not letters:
        return b""
    # Each district's cover sheet is one more block; the count only sizes the pool.
    count = len(letters) + len({letter["district"] for letter in letters})
    return render_blocks(lambda: _pages(letters, cover_language), count, processes, progress)


def render_blocks(make_blocks, count, processes=None, progress=None):
    """One PDF of the HTML blocks `make_blocks()` returns (about `count` of them: a letter, a cover sheet),
    each starting on a new page, rendered in chunks on two cores.

    The pool starts first: its workers take longer to start than the parent takes to
    compose every block, so composing costs no time.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", "actiontool.printing.pdf"])
    writer = PdfWriter()
    with context.Pool(processes or _process_count(count), initializer=_start_worker,
                      initargs=(current_app.static_folder,)) as pool:
        blocks = make_blocks()
        title = _("Letters for delivery")
        chunks = [_document(blocks[i:i + CHUNK], title) for i in range(0, len(blocks), CHUNK)]
        for done, pdf in enumerate(pool.imap(_render_chunk, chunks), start=1):
            writer.append(io.BytesIO(pdf))
            if progress:
                progress(done, len(chunks))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_letters(recipient, district, language, copies):
    """Letters with lines to write a name, address, date and signature by hand, each line labelled in
    both languages, for people who sign on paper."""
    letter = draft(dict(BLANK, letter_language=language), recipient, district, utcnow())
    return [dict(letter) for _ in range(copies)]
