"""The served suite's fixtures: one app served as in production for the whole suite, and the log scan.

`served` is package-scoped: one ServedApp for every test in tests/served/, stopped when the
last of them is done (not kept idle through the rest of the run). `leak_watch` collects the
secrets tests remember and the folders every ServedApp logs into; when the suite ends,
after every process has stopped, any log line holding one of them fails the run.
`serve_another` starts a second, separate ServedApp (own folder, port, fakes, database
schema) for tests that need one.
"""

import contextlib
import itertools

import pytest

from tests.served.harness import ServedApp
from tests.served.logscan import LeakWatch, report

# Settings of the suite's shared app beyond those the harness sets (fakes, SMTP, short polls); none:
# the rate limits are production's, and each test's browsers connect from addresses of their own.
SUITE_SETTINGS = {}

# Checks of the whole suite: they run after every other served test, before the suite's app stops.
FINAL_TESTS = ("test_no_answer_in_the_whole_suite_was_a_server_error",
               "test_no_log_holds_a_secret_the_suite_gave_or_received")


def pytest_configure(config):
    config.addinivalue_line("markers", "served: talks over HTTP to the app served by gunicorn and its worker")


def pytest_collection_modifyitems(session, config, items):
    """The suite-wide checks run after every other served test (and before the suite's app stops)."""
    final = sorted((item for item in items if item.name in FINAL_TESTS), key=lambda item: FINAL_TESTS.index(item.name))
    if not final:
        return
    rest = [item for item in items if item.name not in FINAL_TESTS]
    served = [i for i, item in enumerate(rest) if "served" in item.keywords]
    position = served[-1] + 1 if served else len(rest)
    items[:] = rest[:position] + final + rest[position:]


@pytest.fixture(scope="package")
def leak_watch():
    """Secrets and log folders of the suite; at its end, a leak in any log fails the run."""
    watch = LeakWatch()
    yield watch
    leaks = watch.new_leaks()
    if leaks:
        pytest.fail("After the served suite stopped:\n" + report(leaks), pytrace=False)


@pytest.fixture(scope="package")
def served(leak_watch, tmp_path_factory):
    """The app as production runs it, shared by the whole served suite."""
    with ServedApp(tmp_path_factory.mktemp("served"), watch=leak_watch, settings=SUITE_SETTINGS) as app:
        yield app


@pytest.fixture
def serve_another(leak_watch, tmp_path_factory):
    """Start more ServedApps in one test, e.g. `serve_another(database_url=<through a proxy>)`; all stopped after.

    Each gets its own folder, port, fakes and SMTP server; on PostgreSQL its own schema
    (`served_2`, ... unless `schema=` says otherwise), so the suite's app keeps its tables.
    Options are ServedApp's (settings=, redis_url=, ...).
    """
    numbers = itertools.count(2)
    with contextlib.ExitStack() as stack:
        def start(**options):
            number = next(numbers)
            options.setdefault("schema", f"served_{number}")
            folder = tmp_path_factory.mktemp(f"served-{number}")
            return stack.enter_context(ServedApp(folder, watch=leak_watch, **options))

        yield start
