"""Background print jobs: asked for on a page, rendered by the worker, downloaded once.

A job's PDF is a file in the instance folder's prints/; it is deleted when
downloaded or after a day. A worker renders one job at a time, and at most
PRINT_JOBS_AT_ONCE jobs (1) render at once across all workers; each job uses
both cores at a lower priority, so printing never crowds out the web pages.
"""

import datetime as dt
import os
import secrets

from flask import current_app

from actiontool.canvassing import events
from actiontool.models import PrintJob, db, utcnow
from actiontool.officials import COUNCIL_DISTRICTS, councilmember_for, recipient_snapshot
from actiontool.printing import batch, comments

KEEP = dt.timedelta(days=1)
LEASE = dt.timedelta(minutes=30)


def _folder():
    folder = os.path.join(current_app.instance_path, "prints")
    os.makedirs(folder, exist_ok=True)
    return folder


def pdf_path(token):
    return os.path.join(_folder(), f"{token}.pdf")


def request_job(kind, params, requested_by):
    job = PrintJob(token=secrets.token_urlsafe(24), kind=kind, params=params, requested_by=requested_by)
    db.session.add(job)
    db.session.commit()
    return job.token


def job_values(token):
    job = db.session.scalar(db.select(PrintJob).where(PrintJob.token == token))
    if job is None:
        return None
    return {"token": job.token, "kind": job.kind, "status": job.status, "done": job.done, "total": job.total,
            "letters": job.letters, "error": job.error, "ready": job.status == PrintJob.DONE
            and os.path.exists(pdf_path(job.token)), "requested_by": job.requested_by}


def letters_for(kind, params):
    """The letters a job prints, as plain dicts."""
    if kind == "event":
        return events.event_packet(params["event_id"], current_app.extensions["campaign"].packets_include_executive)
    if kind == "blank":
        districts = [params["district"]] if params["district"] != "all" else list(COUNCIL_DISTRICTS)
        letters = []
        for district in districts:
            official = councilmember_for(district)
            if official is not None:
                letters += batch.blank_letters(recipient_snapshot(official), district, params["language"],
                                                  int(params["copies"]))
        return letters
    if kind == "packet":
        return events.letters_to_office(params["office"], params["district"],
                                        dt.date.fromisoformat(params["since"]), dt.date.fromisoformat(params["until"]))
    if kind == "comments":
        return comments.packet_letters(params["meeting_id"], params.get("item_id"))
    raise ValueError(f"unknown print job kind {kind!r}")


# Any fixed number: the PostgreSQL advisory lock that lets one worker at a time claim a job.
CLAIM_LOCK = 0x5072696E74


def _claim():
    """The oldest waiting job (or one whose worker died), unless PRINT_JOBS_AT_ONCE are running."""
    now = utcnow()
    if db.engine.dialect.name == "postgresql":  # on SQLite only one worker runs at all
        db.session.execute(db.text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK})
    running = db.session.scalar(db.select(db.func.count(PrintJob.id)).where(
        PrintJob.status == PrintJob.RUNNING, PrintJob.claimed_until >= now))
    if running >= int(current_app.config["PRINT_JOBS_AT_ONCE"]):
        db.session.commit()
        return None
    job = db.session.scalar(db.select(PrintJob).where(db.or_(
        PrintJob.status == PrintJob.QUEUED,
        db.and_(PrintJob.status == PrintJob.RUNNING, PrintJob.claimed_until < now)))
        .order_by(PrintJob.id).limit(1).with_for_update(skip_locked=True))
    if job is not None:
        job.status, job.claimed_until, job.done, job.total = PrintJob.RUNNING, now + LEASE, 0, 0
    db.session.commit()
    return job


def run_next(between_chunks=None):
    """Render the oldest waiting job, if any; True when one was run.

    `between_chunks()` is called after each rendered chunk: the worker delivers mail there, so a long
    print run never holds up a confirmation email for more than one chunk.
    """
    job = _claim()
    if job is None:
        return False
    try:
        letters = letters_for(job.kind, job.params)
        job.letters = len(letters)
        db.session.commit()

        def progress(done, total):
            job.done, job.total = done, total
            db.session.commit()
            if between_chunks and done < total:
                between_chunks()

        pdf = _render(job.kind, job.params, letters, progress) if letters else b""
        if letters:
            with open(pdf_path(job.token) + ".tmp", "wb") as out:
                out.write(pdf)
            os.replace(pdf_path(job.token) + ".tmp", pdf_path(job.token))
        job.status, job.finished_at = PrintJob.DONE, utcnow()
    except Exception as error:  # a job that cannot be printed must not stop the worker
        current_app.logger.exception("print job %s failed", job.id)
        db.session.rollback()
        job.status, job.error, job.finished_at = PrintJob.FAILED, error.__class__.__name__, utcnow()
    db.session.commit()
    return True


def _render(kind, params, letters, progress):
    """A job's PDF: written public comment for the clerk has its own cover sheet; the others are letters
    in delivery order with a cover sheet per office."""
    if kind == "comments":
        return comments.render_packet(params, letters, progress=progress)
    return batch.render_batch(letters, cover_language=params.get("cover_language", "en"), progress=progress)


def take_pdf(token):
    """The finished PDF's bytes, deleted from disk as it is handed over (None when not ready)."""
    path = pdf_path(token)
    try:
        with open(path, "rb") as source:
            data = source.read()
    except FileNotFoundError:
        return None
    os.remove(path)
    return data


def clean_up():
    """Delete PDFs of jobs finished more than a day ago."""
    cutoff = utcnow() - KEEP
    for job in db.session.scalars(db.select(PrintJob).where(PrintJob.finished_at < cutoff)):
        if os.path.exists(pdf_path(job.token)):
            os.remove(pdf_path(job.token))
