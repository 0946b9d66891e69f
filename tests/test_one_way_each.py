"""Rules that used to live in two places and drifted, now one each: a purged letter answers 410 on every
page of it; CSV files read the same way uploaded or from the command line; a helper never commits or rolls
back the transaction of the function that called it."""

import datetime as dt
import os

import pytest

from actiontool.lookup.cache import LookupCache
from actiontool.models import Event, Letter, db, utcnow
from actiontool.retention import purge
from tests.helpers import (
    ROSTER,
    ask_to_email,
    confirmation_link,
    letter_token,
    replace_field,
    submit_letter,
    text,
)


def _purged_letter(app, client, smtp):
    token = letter_token(submit_letter(client))
    assert ask_to_email(client, token).status_code == 200
    from_worker = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert from_worker.exit_code == 0, from_worker.output
    link = confirmation_link(smtp.messages_to("jose@example.org")[-1])
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        letter.created_at = utcnow() - dt.timedelta(days=int(app.config["RETENTION_DAYS"]) + 1)
        db.session.commit()
        assert purge(app.config)["letters"] == 1
    return token, link


def test_a_purged_letter_is_gone_from_every_page_that_shows_it(app, client, smtp):
    token, link = _purged_letter(app, client, smtp)
    for path in (f"/letters/{token}", f"/letters/{token}.pdf", f"/letters/{token}/status", link):
        response = client.get(path)
        assert response.status_code == 410, path
        assert "This letter's details were deleted" in text(response), path


@pytest.mark.parametrize("content", [ROSTER.encode("utf-16"), b"office,district\x00\n"])
def test_roster_import_refuses_a_file_that_is_not_utf8_in_one_line(runner, tmp_path, content):
    path = tmp_path / "officials.csv"
    path.write_bytes(content)
    result = runner.invoke(args=["roster", "import", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == (f'Error: {path}: The file is not UTF-8 text. Save it as "CSV UTF-8" and '
                                     "try again.")


def test_roster_import_reads_a_spreadsheet_export_with_a_byte_order_mark(app, runner, tmp_path):
    path = tmp_path / "officials.csv"
    path.write_bytes(ROSTER.encode("utf-8-sig"))
    result = runner.invoke(args=["roster", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "0 added, 0 changed, 0 removed, 10 unchanged" in result.output


def test_print_command_refuses_a_sheet_that_is_not_utf8_in_one_line(runner, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes("name,street,city,zip\nJosé,1 Main St,Seattle,98104\n".encode("utf-16"))
    result = runner.invoke(args=["print", str(path), "-o", str(tmp_path / "out.pdf")])
    assert result.exit_code == 1
    assert "The file is not UTF-8 text" in result.output
    assert not (tmp_path / "out.pdf").exists()


def test_caching_a_lookup_answer_leaves_the_callers_transaction_alone(app):
    with app.app_context():
        db.session.add(Event(name="Not yet saved", date=dt.date(2026, 12, 1), place="", created_by="x"))
        LookupCache(app.config["SECRET_KEY"], 30).put("geocode\n100 main st seattle 98104", ["an answer"])
        db.session.rollback()  # the caller changes its mind: its event must not have been committed
        assert db.session.scalar(db.select(db.func.count(Event.id))) == 0
        assert LookupCache(app.config["SECRET_KEY"], 30).get("geocode\n100 main st seattle 98104") == ["an answer"]


def test_pruning_the_lookup_cache_is_committed_by_the_purge_that_asked_for_it(app):
    cache = LookupCache("test-secret-key", 1)
    with app.app_context():
        cache.put("old question", "old answer")
        db.session.execute(db.text("UPDATE lookup_cache SET created_at = :old"),
                           {"old": utcnow() - dt.timedelta(days=40)})
        db.session.commit()
        assert cache.prune() == 1
        db.session.rollback()  # prune alone commits nothing
        assert db.session.scalar(db.text("SELECT count(*) FROM lookup_cache")) == 1
        assert purge(dict(app.config, LOOKUP_CACHE_DAYS=1))["lookups"] == 1
        db.session.rollback()
        assert db.session.scalar(db.text("SELECT count(*) FROM lookup_cache")) == 0


@pytest.mark.parametrize("command", [("roster", "import", "{path}"), ("print", "{path}", "-o", "{out}")])
def test_a_csv_with_a_field_too_long_for_the_csv_module_is_one_line_not_a_traceback(runner, tmp_path, command):
    path = tmp_path / "file.csv"
    huge = "x" * 200_000
    path.write_text(replace_field(ROSTER, 2, "name", huge) if command[0] == "roster"
                    else f"name,street,city,zip\n{huge},1 Main St,Seattle,98104\n")
    result = runner.invoke(args=[arg.format(path=path, out=tmp_path / "out.pdf") for arg in command])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}: not a CSV file this tool can read")


def test_a_fifo_is_refused_before_anything_waits_on_it(runner, tmp_path):
    fifo = tmp_path / "officials.csv"
    os.mkfifo(fifo)
    result = runner.invoke(args=["roster", "import", str(fifo)])
    assert result.exit_code == 1
    assert "not a regular file" in result.output
