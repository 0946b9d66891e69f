"""The log scan: it finds a planted secret however a log line spells it, and it reads the served app's logs.

The last tests of the served suite check the whole suite: no answer was a 5xx, and no log
written so far holds a secret; the suite's teardown scans again once every process has stopped.
"""

import pytest

from tests.served.logscan import LeakWatch, find_leaks, report

NAME, STREET, TOKEN = "José Núñez", "100 Main St", "Vq3b0Yt2mZKx1uQwzS8pD4aN7cRfLh9E"
SECRETS = {NAME: "name", STREET: "street", TOKEN: "letter token", "127.0.0.42": "client IP"}


def write_log(tmp_path, *lines, name="web.log"):
    path = tmp_path / name
    path.write_text("\n".join(["[INFO] Booting worker with pid: 4242", *lines, "[INFO] done"]) + "\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("line, kind", [
    ("sqlalchemy.exc.DataError: [parameters: ('José Núñez', '100 Main St')]", "name, street"),
    ('[CRITICAL] WORKER TIMEOUT GET /api/lookup?street=100+Main+St&city=Seattle', "street"),
    ("GET /api/lookup?street=100%20Main%20St HTTP/1.1", "street"),
    ('{"name": "Jos\\u00e9 N\\u00fa\\u00f1ez"}', "name"),
    ("name='Jos\\xe9 N\\xfa\\xf1ez'", "name"),
    ("<p>JOSÉ NÚÑEZ</p>", "name"),
    (f"POST /letters/{TOKEN}/send 500", "letter token"),
    ("Invalid request from ip=127.0.0.42: Invalid HTTP method", "client IP"),
])
def test_a_planted_secret_is_found_however_the_log_spells_it(tmp_path, line, kind):
    path = write_log(tmp_path, line)
    [leak] = find_leaks([path], SECRETS)
    assert (leak.path, leak.line_no, leak.kind) == (path, 2, kind)


def test_the_report_masks_the_secret_it_found(tmp_path):
    path = write_log(tmp_path, f"GET /letters/{TOKEN}/status?street=100+Main+St from José Núñez")
    text = report(find_leaks([path], SECRETS))
    assert "1 log line(s)" in text and "<letter token>" in text and "<street>" in text and "<name>" in text
    assert TOKEN not in text and "Main" not in text and "Núñez" not in text


def test_a_clean_log_has_no_leak(tmp_path):
    path = write_log(tmp_path, "[INFO] Listening at: http://127.0.0.1:8000", "[INFO] Using worker: sync")
    assert find_leaks([path], SECRETS) == []


def test_the_watch_reads_every_file_in_its_folders_and_reports_each_leak_once(tmp_path):
    watch = LeakWatch()
    watch.watch(tmp_path)
    watch.remember(TOKEN, "letter token")
    write_log(tmp_path, "nothing here", name="web.log")
    (tmp_path / "cli").mkdir()
    write_log(tmp_path / "cli", f"/confirm/{TOKEN}", name="cli-01-users-add.log")
    assert [leak.path.name for leak in watch.new_leaks()] == ["cli-01-users-add.log"]
    assert watch.new_leaks() == []
    write_log(tmp_path, f"late {TOKEN}", name="worker-2.log")
    assert [leak.path.name for leak in watch.new_leaks()] == ["worker-2.log"]


def test_a_value_too_short_to_mean_anything_is_refused():
    with pytest.raises(ValueError):
        LeakWatch().remember("Ana", "name")


@pytest.mark.served
def test_no_answer_in_the_whole_suite_was_a_server_error(served):
    """Runs after every other served test (see conftest.py): any 5xx any browser saw fails it."""
    assert served.server_errors == []


@pytest.mark.served
def test_no_log_holds_a_secret_the_suite_gave_or_received(served, leak_watch):
    """Runs after every other served test (see conftest.py); a leak fails it, masked."""
    web_log = served.logs_folder / "web.log"
    assert web_log in served.logs() and "Booting worker" in web_log.read_text()  # gunicorn writes where we read
    assert {"client IP", "secret key"} <= set(leak_watch.secrets.values())
    leaks = leak_watch.new_leaks()
    if leaks:
        pytest.fail(report(leaks), pytrace=False)
