"""Printing many letters: a sign-up sheet in, one PDF out, sorted for delivery with cover sheets."""

import io
import os
from pathlib import Path

import pypdf
import pytest

from actiontool.printing.batch import delivery_order, surname_key
from tests.helpers import HOME

HEADER = "name,street,city,zip,language,email,phone,note,district\n"


def pages_of(path):
    """Each page's text, with line breaks as they come (the cover's title may wrap)."""
    return [page.extract_text() for page in pypdf.PdfReader(str(path)).pages]


def flat(text):
    return " ".join(text.split())


def sheet(tmp_path, rows):
    path = tmp_path / "signers.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return str(path)


def test_sheet_prints_every_good_signer_sorted_by_district_then_surname_with_cover_sheets(runner, tmp_path):
    path = sheet(tmp_path, [
        "Ana López,1 Pine St,Seattle,98104,es,,,,4\n",
        "Bob Zed,2 Pine St,Seattle,98104,en,,,,1\n",
        f"Carla Abad,{HOME['street']},{HOME['city']},{HOME['zip']},both,,,Por mi barrio,\n",  # looked up: 4
    ])
    output = tmp_path / "letters.pdf"
    result = runner.invoke(args=["print", path, "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "Wrote 3 letters" in result.output
    pages = pages_of(output)
    starts = [next(i for i, text in enumerate(pages) if needle in flat(text)) for needle in (
        "Letters for Councilmember Rod", "Bob Zed", "Letters for Councilmember Jorge L. Barón",
        "Carla Abad", "Ana López")]
    assert starts == sorted(starts)
    assert "1 letter" in pages[starts[0]] and "2 letters" in pages[starts[2]]
    assert "516 Third Avenue, Room 1200" in pages[starts[2]]
    carla = " ".join(pages[starts[3]:starts[4]])
    assert "Estimado concejal Barón:" in carla and "Dear Councilmember Barón:" in carla
    assert "Por mi barrio" in carla
    assert "Estimado concejal Barón:" in pages[starts[4]]  # Ana wrote in Spanish


def test_bad_rows_are_listed_by_line_and_the_good_ones_still_print(runner, tmp_path):
    path = sheet(tmp_path, [
        "Ana López,1 Pine St,Seattle,98104,es,,,,4\n",
        "No Street,,Seattle,98104,en,,,,\n",
        "Far Away,1 Main St,Spokane,99201,en,,,,\n",
        "Bad Email,1 Main St,Seattle,98104,en,not-an-email,,,2\n",
    ])
    output = tmp_path / "letters.pdf"
    result = runner.invoke(args=["print", path, "-o", str(output)])
    assert result.exit_code == 3
    assert "line 3: Street address: Please enter your street address." in result.output
    assert "line 4: That ZIP code is not in King County" in result.output
    assert "line 5: Email (optional): Please enter an email address like name@example.com." in result.output
    assert "Wrote 1 letters" in result.output
    assert any("Ana López" in text for text in pages_of(output))


def test_a_sheet_without_the_needed_columns_prints_nothing(runner, tmp_path):
    path = tmp_path / "signers.csv"
    path.write_text("who,where\nAna,1 Pine\n", encoding="utf-8")
    result = runner.invoke(args=["print", str(path), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0
    assert "missing columns: name, street, city, zip" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_many_letters_render_in_chunks_and_stay_in_order(runner, tmp_path):
    rows = [f"Signer {n:02d},{n} Pine St,Seattle,98104,en,,,,{1 + n % 3}\n" for n in range(45)]
    output = tmp_path / "letters.pdf"
    result = runner.invoke(args=["print", sheet(tmp_path, rows), "-o", str(output)])
    assert result.exit_code == 0, result.output
    pages = pages_of(output)
    signers = [next(word for word in text.split("\n") if word.startswith("Signer ")) for text in pages
               if text.startswith("Signer ")]
    expected = sorted((f"Signer {n:02d}" for n in range(45)), key=lambda s: (1 + int(s[-2:]) % 3, s))
    assert signers == expected
    assert sum(text.startswith("Letters for ") for text in pages) == 3


def test_in_a_print_run_each_letter_starts_a_page_and_a_letter_in_both_languages_takes_two(runner, tmp_path):
    path = sheet(tmp_path, [
        "Ana Abad,1 Pine St,Seattle,98104,en,,,Mi barrio,4\n",
        "Bea Baca,2 Pine St,Seattle,98104,both,,,Mi barrio,4\n",
        "Cruz Cano,3 Pine St,Seattle,98104,es,,,Mi barrio,4\n",
    ])
    output = tmp_path / "letters.pdf"
    result = runner.invoke(args=["print", path, "-o", str(output)])
    assert result.exit_code == 0, result.output
    pages = [flat(text) for text in pages_of(output)]
    assert len(pages) == 5, pages
    assert pages[0].startswith("Letters for Councilmember Jorge L. Barón")
    assert pages[1].startswith("Ana Abad 1 Pine St")
    assert pages[2].startswith("A constituent of District 4 wrote to you in Spanish. An English translation follows. "
                               "Bea Baca")
    assert pages[3].startswith("English translation Dear Councilmember Barón:") and "Sincerely, Bea Baca" in pages[3]
    assert pages[4].startswith("A constituent of District 4 wrote to you in Spanish. Cruz Cano")
    assert all(page.count("Mi barrio") == 1 for page in (pages[1], pages[2], pages[4]))


def test_blank_letters_have_lines_to_fill_in_for_one_district(runner, tmp_path):
    output = tmp_path / "blank.pdf"
    result = runner.invoke(args=["print-blank", "--district", "8", "--copies", "3", "--language", "es",
                                 "-o", str(output)])
    assert result.exit_code == 0, result.output
    pages = pages_of(output)
    assert "Letters for Councilmember Teresa Mosqueda" in flat(pages[0]) and "3 letters" in pages[0]
    letters = [flat(text) for text in pages[1:] if "Estimada concejala Mosqueda:" in text]
    assert len(letters) == 3
    for text in letters:
        assert text.startswith("A constituent of District 8 wrote to you in Spanish. Nombre / Name")
        for label in ("Dirección / Address", "Ciudad / City", "Código postal / ZIP", "Fecha / Date",
                      "Firma / Signature"):
            assert label in text


@pytest.mark.parametrize("names, expected", [
    (["Ana López", "carla abad", "José Núñez", "Bob Zed"],
     ["carla abad", "Ana López", "José Núñez", "Bob Zed"]),
])
def test_surnames_sort_without_accents_or_case(names, expected):
    assert sorted(names, key=surname_key) == expected


def test_delivery_order_is_district_number_then_surname():
    letters = [{"district": d, "name": n} for d, n in [("10", "A Z"), ("2", "B Y"), ("2", "C A"), ("9", "D D")]]
    assert [(letter["district"], letter["name"]) for letter in delivery_order(letters)] == [
        ("2", "C A"), ("2", "B Y"), ("9", "D D"), ("10", "A Z")]


def test_printed_pages_are_us_letter_size(runner, tmp_path):
    output = tmp_path / "letters.pdf"
    result = runner.invoke(args=["print", sheet(tmp_path, ["Ana López,1 Pine St,Seattle,98104,es,,,,4\n"]),
                                 "-o", str(output)])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(io.BytesIO(output.read_bytes()))
    assert len(reader.pages) >= 2  # a cover sheet and the letter
    assert all([float(v) for v in page.mediabox] == [0, 0, 612, 792] for page in reader.pages)


def test_the_spanish_sign_up_sheet_is_read_too(runner, tmp_path):
    path = tmp_path / "hoja.csv"
    path.write_text("nombre,calle,ciudad,codigo_postal,idioma,correo,telefono,nota,distrito\n"
                    "Ana López,1 Pine St,Seattle,98104,es,,,,4\n", encoding="utf-8")
    output = tmp_path / "cartas.pdf"
    result = runner.invoke(args=["print", str(path), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert any("Estimado concejal Barón:" in text for text in pages_of(output))


def descendants():
    """Every live process below this one (the fork server and its rendering workers), from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = set(), {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process priorities from Linux's /proc")
def test_rendering_workers_run_at_a_lower_priority_than_the_web_app(app):
    """A print run must not starve the web pages: its workers yield the CPU (niceness +10)."""
    from actiontool.models import utcnow
    from actiontool.officials import councilmember_for, recipient_snapshot
    from actiontool.printing.batch import RENDER_NICENESS, render_batch


    mine = os.getpriority(os.PRIO_PROCESS, 0)
    seen = []

    def progress(done, total):
        if not seen:  # the pool is still open: its workers are alive
            seen.extend(os.getpriority(os.PRIO_PROCESS, pid) for pid in descendants())

    with app.test_request_context():
        recipient = recipient_snapshot(councilmember_for("4"))
        letters = [{"name": f"Signer {n}", **HOME, "note": "", "language": "en", "district": "4",
                    "recipient": recipient, "created_at": utcnow()} for n in range(45)]
        assert render_batch(letters, progress=progress).startswith(b"%PDF-")
    assert seen.count(min(mine + RENDER_NICENESS, 19)) == 2, seen  # two workers; the fork server is not lowered


def test_mail_that_falls_due_during_a_long_print_run_goes_out_before_the_run_ends(app, client, smtp):
    """A canvasser's big print job must not hold up a supporter's confirmation email until it is done."""
    import datetime as dt

    from actiontool.models import Letter, OutboxMessage, PrintJob, db, utcnow
    from actiontool.printing import jobs
    from tests.helpers import ask_to_email, letter_token, run_worker, submit_letter

    token = letter_token(submit_letter(client))
    assert ask_to_email(client, token, email="waiting@example.org").status_code == 200
    with app.app_context():
        job = jobs.request_job("blank", {"district": "4", "language": "both", "copies": 40,
                                               "cover_language": "en"}, "staff@campaign.test")
        # Due a moment after the worker's first mail pass: only a pass between print chunks can send it.
        message = db.session.scalar(db.select(OutboxMessage).join(Letter).where(Letter.token == token))
        message.next_attempt_at = utcnow() + dt.timedelta(seconds=1)
        db.session.commit()
    run_worker(app)
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).join(Letter).where(Letter.token == token))
        finished = db.session.scalar(db.select(PrintJob.finished_at).where(PrintJob.token == job))
        assert message.status == OutboxMessage.SENT
        assert message.sent_at < finished, "the confirmation waited for the whole print run"
    assert smtp.messages_to("waiting@example.org")
