"""The app served the way production serves it, for tests that talk to it over HTTP only.

`ServedApp` starts real processes from the repository root: gunicorn with the repo's
`gunicorn.conf.py` (2 workers) and `actiontool worker`, after `actiontool db upgrade` and
`actiontool roster import officials.csv` and `actiontool areas import district_areas.csv`, all with one
environment. Around them run the loopback fakes of the Census geocoder and the county layer and an aiosmtpd server.
Each process writes stdout and stderr to its own file in `<folder>/logs/`.

The database is an SQLite file in the app's folder, or, when ACTIONTOOL_TEST_DATABASE_URL
is set, that PostgreSQL database with every table dropped and migrated again at start (or a
schema of its own, so a second ServedApp can run beside the first), with the rate-limit
counts in Redis (ACTIONTOOL_TEST_REDIS_URL, flushed at start). Each ServedApp has its own
folder, port, fakes and SMTP server.

Requests come from CLIENT_ADDRESS, a loopback address nothing else uses, so finding it in
a log means the client's IP was logged. Tokens seen in URLs, pages and emails are
remembered as secrets for the log scan (see logscan.py); tests remember what they type.
"""

import atexit
import ctypes
import itertools
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import sqlalchemy
from requests.adapters import HTTPAdapter

from tests.fakes.census import FakeCensusGeocoder
from tests.fakes.county_layer import FakeCountyLayer
from tests.helpers import STAFF_PASSWORD, csrf_token, register_addresses
from tests.served.logscan import LeakWatch
from tests.smtp_server import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLIENT_ADDRESS = "127.0.0.42"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"

# Secrets that travel in URLs: letter tokens, signed confirmation links, print job tokens.
TOKEN_PATTERNS = {
    "letter token": re.compile(r"/letters/([A-Za-z0-9_-]{20,})"),
    "confirmation token": re.compile(r"/confirm/([A-Za-z0-9_.-]{20,})"),
    "print token": re.compile(r"/prints/([A-Za-z0-9_-]{20,})"),
    "reply token": re.compile(r"/reply/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{20,})"),
}

_running = weakref.WeakSet()
_client_numbers = itertools.count(100)


# ---------------------------------------------------------------- processes

def _die_with_parent():
    """Linux: the child gets SIGTERM if the test process dies, so nothing outlives a crashed run."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


_PREEXEC = _die_with_parent()


class Process:
    """One long-running process in its own process group, its output in one log file."""

    def __init__(self, name, args, env, log_path):
        self.name, self.log_path = name, Path(log_path)
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True,
                                          preexec_fn=_PREEXEC)
        self.pid = self.popen.pid

    @property
    def alive(self):
        return self.popen.poll() is None

    @property
    def returncode(self):
        return self.popen.poll()

    def send(self, signum):
        """Send `signum` to the process (not its group), if it is still running."""
        if self.alive:
            self.popen.send_signal(signum)

    def stop(self, signum=signal.SIGTERM, timeout=20):
        """Send `signum`, wait up to `timeout` s, then SIGKILL the whole group; the exit code."""
        self.send(signum)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        self._kill_group()
        return self.popen.wait()

    def _kill_group(self):
        """SIGKILL whatever is left of the process group (gunicorn's workers, rendering pools)."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                return
            except PermissionError:
                return
            time.sleep(0.05)
            self.popen.poll()

    def handles(self, signum):
        """Whether the process has installed a handler for `signum` (Linux: SigCgt in /proc/<pid>/status)."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return False
        caught = re.search(r"^SigCgt:\s*([0-9a-f]+)", status, re.M)
        return bool(caught) and bool(int(caught.group(1), 16) >> (signum - 1) & 1)

    def tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class CliResult:
    returncode: int
    output: str


# ---------------------------------------------------------------- the browser

class _FromAddress(HTTPAdapter):
    """Connections from one local address (so the server sees that client IP)."""

    def __init__(self, source_address, **kwargs):
        self.source_address = source_address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source_address, 0)
        super().init_poolmanager(*args, **kwargs)


class Browser(requests.Session):
    """What a browser does over HTTP: cookies, CSRF tokens taken from the page, GET follows redirects.

    Paths are relative to the app's URL. POST does not follow redirects (tests read where it
    sends them); pass allow_redirects=True to follow.
    """

    def __init__(self, base_url, source_address=CLIENT_ADDRESS, language=None, timeout=40, on_response=None):
        super().__init__()
        self.base_url = base_url
        self.timeout = timeout
        self.mount("http://", _FromAddress(source_address))
        if language:
            self.headers["Accept-Language"] = language
        if on_response:
            self.hooks["response"].append(lambda response, *args, **kwargs: on_response(response))

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        if method.upper() == "POST":
            kwargs.setdefault("allow_redirects", False)
        return super().request(method, urljoin(self.base_url, url), *args, **kwargs)

    def submit(self, page, data=None, action=None, files=None, **kwargs):
        """Open `page`, then send its form to `action` (default: the page's path) with the page's CSRF token."""
        form_page = self.get(page)
        assert form_page.status_code == 200, f"GET {urlsplit(page).path}: {form_page.status_code}"
        fields = {**(data or {}), "csrf_token": csrf_token(form_page.text)}
        return self.post(action or urlsplit(page).path, data=fields, files=files, **kwargs)


# ---------------------------------------------------------------- the database

def database_for(url, folder, schema=None):
    """A fresh, empty database for one ServedApp: the URL its processes use.

    SQLite (`url` None): a new file in `folder`. PostgreSQL: every table dropped, as the
    in-process tests' fixture does; or, with `schema`, that schema dropped and made again
    and the URL set to use only it (so two ServedApps can share one database).
    """
    if url is None:
        for stale in Path(folder).glob("actiontool.db*"):
            stale.unlink()
        return f"sqlite:///{Path(folder) / 'actiontool.db'}"
    if schema is not None and not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        raise ValueError(f"not a plain schema name: {schema!r}")
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as connection:
            if schema is None:
                tables = sqlalchemy.MetaData()
                tables.reflect(connection)
                tables.drop_all(connection)
            else:
                connection.execute(sqlalchemy.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                connection.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
    finally:
        engine.dispose()
    if schema is None:
        return url
    in_schema = sqlalchemy.engine.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return in_schema.render_as_string(hide_password=False)


def check_migrated_into(url, schema):
    """Fail clearly when the app did not create its tables in `schema` (it dropped the URL's options)."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.scalar(sqlalchemy.text(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = :schema AND table_name = 'alembic_version'"), {"schema": schema})
    finally:
        engine.dispose()
    if not found:
        raise RuntimeError(f"`actiontool db upgrade` did not create its tables in schema {schema!r}: the app "
                           "replaced the ?options= of ACTIONTOOL_DATABASE_URL (its search_path) with its own")


def flush_redis(url):
    import redis

    redis.Redis.from_url(url, socket_timeout=5).flushdb()


# ---------------------------------------------------------------- the app

class ServedApp:
    """gunicorn + `actiontool worker` + fakes + SMTP, started on enter and all stopped on exit.

    folder: where the database (SQLite), logs and districts file go.
    database_url: PostgreSQL URL (default ACTIONTOOL_TEST_DATABASE_URL; None there means SQLite).
    schema: a PostgreSQL schema of its own for this app's tables (made fresh at start); None: every
        table in the database is dropped and made again.
    settings: extra settings, without the ACTIONTOOL_ prefix, e.g. {"RATELIMIT_LOOKUPS": "5 per minute"}.
    watch: the LeakWatch collecting secrets and log folders (shared by a test session).
    """

    def __init__(self, folder, *, database_url=None, schema=None, settings=None, watch=None,
                 redis_url=None, client_address=CLIENT_ADDRESS):
        self.folder = Path(folder)
        self.logs_folder = self.folder / "logs"
        self.base_database_url = database_url or os.environ.get("ACTIONTOOL_TEST_DATABASE_URL") or None
        self.schema = schema
        self.on_postgresql = self.base_database_url is not None
        self.redis_url = redis_url or os.environ.get("ACTIONTOOL_TEST_REDIS_URL") or DEFAULT_REDIS_URL
        self.extra_settings = dict(settings or {})
        self.watch = watch if watch is not None else LeakWatch()
        self.client_address = client_address
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret_key = secrets.token_urlsafe(32)
        self.geocoder = FakeCensusGeocoder()
        self.county_layer = FakeCountyLayer()
        self.smtp = SmtpServer()
        self.web = None
        self.worker = None
        self.database_url = None
        self.server_errors = []  # (method, path, status) of every 5xx answer any browser saw
        self._cli_count = itertools.count(1)
        self._worker_count = itertools.count(1)
        self.client = None

    # -- lifecycle -------------------------------------------------------------

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        self.logs_folder.mkdir(parents=True, exist_ok=True)
        self.watch.watch(self.logs_folder)
        self.watch.remember(self.client_address, "client IP")
        self.watch.remember(self.secret_key, "secret key")
        _running.add(self)
        self.geocoder.start()
        self.county_layer.start()
        register_addresses(self.geocoder)
        self.smtp.start()
        self.database_url = database_for(self.base_database_url, self.folder, self.schema)
        if self.on_postgresql:
            flush_redis(self.redis_url)
        self.cli("db", "upgrade")
        if self.on_postgresql and self.schema is not None:
            check_migrated_into(self.base_database_url, self.schema)
        self.cli("roster", "import", str(ROOT / "officials.csv"))
        self.cli("areas", "import", str(ROOT / "district_areas.csv"))
        self.start_web()
        self.start_worker()
        self.client = self.browser()

    def stop(self):
        """Stop the worker, then gunicorn, then the fakes; each step runs even if one before failed."""
        steps = [self.stop_worker, self.stop_web, self.smtp.stop, self.geocoder.stop, self.county_layer.stop]
        errors = []
        for step in steps:
            try:
                step()
            except Exception as error:  # stop the rest, then say what failed
                errors.append(error)
        _running.discard(self)
        if errors:
            raise errors[0]

    def environment(self):
        """The environment every process gets: this shell's, minus any ACTIONTOOL_ setting, plus ours."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("ACTIONTOOL_")}
        settings = {
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.database_url,
            "GEOCODER_URL": self.geocoder.base_url,
            "DISTRICT_LAYER_URL": self.county_layer.layer_url,
            "DISTRICTS_FILE": str(self.folder / "districts.geojson"),  # absent: the layer is asked
            "MAIL_URL": self.smtp.url,
            "MAIL_FROM": "letters@campaign.test",
            "BASE_URL": self.url,
            "WORKER_POLL_SECONDS": "0.5",
            "MAIL_RETRY_BASE_SECONDS": "1",
            "MAIL_RETRY_MAX_SECONDS": "4",
        }
        if self.on_postgresql:
            settings["RATELIMIT_STORAGE_URL"] = self.redis_url
        settings.update({k: str(v) for k, v in self.extra_settings.items()})
        env.update({f"ACTIONTOOL_{k}": v for k, v in settings.items()})
        env["PYTHONUNBUFFERED"] = "1"
        return env

    # -- processes -------------------------------------------------------------

    def start_web(self, timeout=60):
        """gunicorn -c gunicorn.conf.py --bind 127.0.0.1:<port> wsgi:app, then wait until GET / answers."""
        # A control socket of its own: gunicorn's default (~/.gunicorn/gunicorn.ctl) is shared by every instance.
        args = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}",
                "--control-socket", str(self.folder / "gunicorn.ctl"), "wsgi:app"]
        self.web = Process("web", args, self.environment(), self.logs_folder / "web.log")
        self._wait_until_serving(timeout)

    def stop_web(self, signum=signal.SIGTERM, timeout=30):
        if self.web is None:
            return None
        return self.web.stop(signum, timeout)

    def start_worker(self, timeout=60):
        """A new `actiontool worker` process, logging to worker-<n>.log; returns once it is working."""
        if self.worker is not None and self.worker.alive:
            raise RuntimeError("the worker is already running; stop_worker() first")
        path = self.logs_folder / f"worker-{next(self._worker_count)}.log"
        self.worker = Process("worker", [str(BIN / "actiontool"), "worker"], self.environment(), path)
        self._wait_until_working(timeout)
        return self.worker

    def _wait_until_working(self, timeout):
        """Until the worker has started: it handles SIGTERM (before that, SIGTERM would just kill it)."""
        deadline = time.monotonic() + timeout
        while not self.worker.handles(signal.SIGTERM):
            if not self.worker.alive:
                raise RuntimeError(f"the worker exited {self.worker.returncode}:\n{self.worker.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start within {timeout} s:\n{self.worker.tail()}")
            time.sleep(0.05)

    def ensure_worker(self):
        """Start a worker unless one is running (after a test that stopped it, whatever happened)."""
        if self.worker is None or not self.worker.alive:
            self.start_worker()
        return self.worker

    def stop_worker(self, sig=signal.SIGTERM, timeout=20):
        """Send `sig` to the worker, wait for it (SIGKILL after `timeout` s); its exit code (-9 when killed)."""
        if self.worker is None:
            return None
        return self.worker.stop(sig, timeout)

    def cli(self, *args, input=None, check=True, timeout=180):
        """`actiontool ARGS...` with the app's environment; its output is also kept in a log file."""
        slug = "-".join(re.sub(r"[^a-z]+", "", a.lower()) for a in args[:2]) or "cli"
        path = self.logs_folder / f"cli-{next(self._cli_count):02d}-{slug}.log"
        with open(path, "wb") as log:
            done = subprocess.run([str(BIN / "actiontool"), *args], cwd=ROOT, env=self.environment(),
                                  input=input.encode() if input is not None else None,
                                  stdout=log, stderr=subprocess.STDOUT, timeout=timeout,
                                  preexec_fn=_PREEXEC)
        result = CliResult(done.returncode, path.read_text(errors="replace"))
        if check and result.returncode != 0:
            raise AssertionError(f"actiontool {args[0]} exited {result.returncode}:\n{result.output[-3000:]}")
        return result

    def _wait_until_serving(self, timeout):
        deadline = time.monotonic() + timeout
        probe = Browser(self.url, self.client_address, timeout=timeout)
        try:
            while time.monotonic() < deadline:
                if not self.web.alive:
                    raise RuntimeError(f"gunicorn exited {self.web.returncode}:\n{self.web.tail()}")
                try:
                    if probe.get("/").status_code == 200:
                        return
                except (requests.ConnectionError, requests.Timeout):
                    pass
                time.sleep(0.1)
        finally:
            probe.close()
        raise RuntimeError(f"gunicorn did not answer GET / within {timeout} s:\n{self.web.tail()}")

    # -- talking to it -------------------------------------------------------------

    def browser(self, language=None, new_address=False):
        """A new browser (fresh cookies) for this app; language sets Accept-Language.

        new_address: connect from a loopback address no other browser uses (another person, with
        per-IP limits of their own), remembered as a client IP for the log scan.
        """
        address = self.fresh_client_address() if new_address else self.client_address
        return Browser(self.url, address, language=language, on_response=self._saw)

    def fresh_client_address(self):
        """127.0.0.100, .101, ...: three digits, so no address is the start of another."""
        number = next(_client_numbers)
        if number > 254:
            raise RuntimeError("no loopback client addresses left")
        return self.remember(f"127.0.0.{number}", "client IP")

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path, **kwargs):
        return self.client.post(path, **kwargs)

    def submit(self, page, data=None, **kwargs):
        return self.client.submit(page, data, **kwargs)

    def healthz(self):
        """GET /healthz as an uptime monitor asks it: the response (its 503s are not counted as a browser's
        server errors)."""
        probe = Browser(self.url, self.client_address)
        try:
            return probe.get("/healthz")
        finally:
            probe.close()

    def add_user(self, email, role, password=STAFF_PASSWORD):
        """`actiontool users add EMAIL --role ROLE`, the password on standard input."""
        self.remember(password, "password")
        self.cli("users", "add", email, "--role", role, input=password + "\n")
        return password

    def signed_in(self, email, role, password=STAFF_PASSWORD, new_address=True):
        """A new browser signed in through the login page as a new account with `role`."""
        self.add_user(email, role, password)
        browser = self.browser(new_address=new_address)
        response = browser.submit("/staff/login", {"email": email, "password": password})
        assert response.status_code == 302, f"sign-in answered {response.status_code}"
        return browser

    # -- secrets and logs -------------------------------------------------------------

    def remember(self, value, kind="secret"):
        """Fail the log scan if `value` shows up in any log; returns `value`."""
        return self.watch.remember(value, kind)

    def remember_tokens(self, text):
        """Remember every letter, confirmation and print token in `text` (a URL, a page, an email)."""
        for kind, pattern in TOKEN_PATTERNS.items():
            for token in pattern.findall(text or ""):
                self.remember(token, kind)

    def _saw(self, response):
        self.remember_tokens(response.url)
        self.remember_tokens(response.headers.get("Location"))
        if response.headers.get("Content-Type", "").startswith("text/html"):
            self.remember_tokens(response.text)
        if response.status_code >= 500:
            self.server_errors.append((response.request.method, urlsplit(response.url).path, response.status_code))

    def logs(self):
        """Every log file this app's processes wrote so far."""
        return sorted(path for path in self.logs_folder.iterdir() if path.is_file())

    def leaks(self):
        """Log lines (so far, in every watched folder) holding a remembered secret."""
        return self.watch.leaks()

    # -- waiting -------------------------------------------------------------

    def wait_until(self, condition, timeout=30, what="the condition", interval=0.2):
        """Call `condition` until it returns something true; that value, or AssertionError after `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout} s for {what}")
            time.sleep(interval)

    def wait_for_mail(self, to, where=lambda message: True, timeout=30):
        """The first message received for `to` that satisfies `where`; its tokens are remembered."""
        def arrived():
            return next((m for m in self.smtp.messages_to(to) if where(m)), None)

        message = self.wait_until(arrived, timeout, f"an email to {to}")
        for part in message.walk():
            if part.get_content_maintype() == "text":
                self.remember_tokens(part.get_content())
        return message


@atexit.register
def _stop_leftovers():
    """Last resort if a run ends without its fixtures' teardown: no process left behind."""
    for app in list(_running):
        try:
            app.stop()
        except Exception:
            pass
