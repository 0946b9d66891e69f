"""How many requests the app serves under gunicorn, as deployed, on loopback.

Run by hand, not by pytest, after `.venv/bin/pip install -e ".[bench]"` (aiohttp):

    .venv/bin/python bench/load.py [--seconds S] [--rounds R] [--concurrency C] [--only NAME]

Setup, all of it started here and stopped at the end. A temporary folder holds an SQLite
database brought up by the real CLI (`actiontool db upgrade`, `actiontool roster import
officials.csv`), the mail folder and the gunicorn log. The fake Census geocoder and county
layer (tests/fakes/: real HTTP servers on 127.0.0.1, in threads of this process)
answer the one lookup that fills the cache. gunicorn serves wsgi:app with the repo's
gunicorn.conf.py (its workers, no access log) on a free port of 127.0.0.1, with the rate
limits raised far out of the way. Nothing listens beyond loopback.

What it measures. Each endpoint is hit by C client coroutines (aiohttp, one process) in
a closed loop for S seconds in all, split into R rounds that alternate the endpoints so
that drift on the machine hits them alike:

  static   GET /static/site.css: a file served by Flask through the same gunicorn and app
           (request hooks, no template, no database). The baseline.
  index    GET /
  form     GET /write
  lookup   GET /api/lookup for an address already in the cache (no outside call)
  invalid  POST /write with a valid CSRF token and no name: the form again, 422

One second of each, not counted, warms every worker first. Printed per endpoint:
requests/s, the ratio to the baseline, p50 and p99 latency, the CPU seconds that gunicorn
(master and workers, from /proc) used per wall second ("cores"), requests per CPU second
of gunicorn ("per core") against the issue's aim (500 on the pages, 300 on a cache-hit
lookup), and answers with an unexpected status or a dropped connection. The last line
counts calls to the fakes: 2 means every measured lookup was a cache hit.

How to read it. The client and the fakes share the machine with gunicorn (the client takes
about a quarter of a core), so requests/s is lower than the server alone could do and
"per core" is the fairer figure. Latencies are end to end at C requests in flight; with
gunicorn's 2 sync workers most of p50 is waiting in the queue (about C / requests/s: 16
clients at 150 lookups/s wait about 100 ms): run with --concurrency 1 for the time one
request takes. On a machine busy with other work every figure moves by 20% or more from
run to run: compare ratios, or runs made together. --only NAME measures fewer endpoints;
the master's pid is printed on stderr for `py-spy record --subprocesses --pid PID`.
"""

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

try:
    import aiohttp
except ImportError:
    raise SystemExit("bench/load.py needs aiohttp: .venv/bin/pip install -e '.[bench]'") from None

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.census import FakeCensusGeocoder, census_match  # noqa: E402
from tests.fakes.county_layer import FakeCountyLayer  # noqa: E402
from tests.fakes.geography import district_center  # noqa: E402

HOST = "127.0.0.1"
ADDRESS = {"street": "100 Main St", "city": "Seattle", "zip": "98104"}
MATCHED = "100 MAIN ST, SEATTLE, WA, 98104"
NO_LIMIT = "1000000 per second"
BASELINE = "static"


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    expected: int
    aim: int = 0  # requests per CPU second of gunicorn (issue 9); 0 for none
    params: dict = field(default_factory=dict)
    form: bool = False


ENDPOINTS = (
    Endpoint(BASELINE, "GET", "/static/site.css", 200),
    Endpoint("index", "GET", "/", 200, aim=500),
    Endpoint("form", "GET", "/write", 200, aim=500),
    Endpoint("lookup", "GET", "/api/lookup", 200, aim=300, params=ADDRESS),
    Endpoint("invalid", "POST", "/write", 422, aim=500, form=True),
)


@dataclass
class Result:
    seconds: float = 0.0
    cpu: float = 0.0
    latencies: list = field(default_factory=list)
    unexpected: dict = field(default_factory=dict)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def app_environment(folder, geocoder, layer):
    """ACTIONTOOL_* settings for the CLI and gunicorn: everything in `folder`, fakes, no limits."""
    return {
        **os.environ,
        "ACTIONTOOL_SECRET_KEY": "bench-" + os.urandom(24).hex(),
        "ACTIONTOOL_DATABASE_URL": f"sqlite:///{folder}/bench.db",
        "ACTIONTOOL_DISTRICTS_FILE": f"{folder}/districts.geojson",
        "ACTIONTOOL_MAIL_URL": f"file://{folder}/mail",
        "ACTIONTOOL_GEOCODER_URL": geocoder.base_url,
        "ACTIONTOOL_DISTRICT_LAYER_URL": layer.layer_url,
        "ACTIONTOOL_RATELIMIT_LOOKUPS": NO_LIMIT,
        "ACTIONTOOL_RATELIMIT_SUBMISSIONS": NO_LIMIT,
    }


def tool(name):
    """The path of a console script installed beside this Python (the virtualenv's)."""
    return str(Path(sys.executable).parent / name)


def prepare_database(env):
    """Migrations and the shipped roster, through the CLI as an operator runs them."""
    for args in (["db", "upgrade"], ["roster", "import", "officials.csv"]):
        subprocess.run([tool("actiontool"), *args], cwd=ROOT, env=env, check=True, capture_output=True)


def start_gunicorn(env, port, log):
    """gunicorn with the repo's settings on 127.0.0.1:`port`; returns the master process."""
    command = [tool("gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"{HOST}:{port}", "wsgi:app"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


def stop(process):
    """SIGTERM, then SIGKILL if gunicorn has not finished within 10 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def cpu_seconds(master_pid):
    """CPU time (user + system) of the gunicorn master, its live workers and its reaped ones."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == master_pid:
            total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
        elif ppid == master_pid:
            total += sum(int(v) for v in fields[11:13])  # utime, stime
    return total / ticks


async def wait_until_serving(session, base, process, timeout=30):
    """Poll the baseline URL until gunicorn answers, or fail if it exits or takes too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see its log above")
        try:
            async with session.get(base + ENDPOINTS[0].path) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("gunicorn did not answer within 30 s")


async def form_credentials(session, base):
    """A session cookie and the CSRF token of the letter form, as a browser holds them."""
    async with session.get(base + "/write") as response:
        page = await response.text()
        cookie = response.headers.get("Set-Cookie", "").split(";", 1)[0]
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if not match or not cookie:
        raise SystemExit("GET /write gave no CSRF token or session cookie")
    return {"Cookie": cookie}, {"csrf_token": match.group(1), "name": "", **ADDRESS,
                                "email": "", "note": "", "letter_language": "en"}


async def warm_cache(session, base):
    """One lookup that goes to the fakes and fills the cache; every later one is a hit."""
    async with session.get(base + "/api/lookup", params=ADDRESS) as response:
        body = await response.json()
    if response.status != 200 or body.get("matched_address") != MATCHED:
        raise SystemExit(f"the warm-up lookup failed: {response.status} {body}")


async def hammer(session, base, endpoint, credentials, seconds, concurrency, result):
    """`concurrency` clients in a closed loop on `endpoint` for `seconds`; adds to `result`."""
    headers, data = credentials if endpoint.form else ({}, None)
    url = base + endpoint.path
    stop_at = time.perf_counter() + seconds

    async def client():
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            try:
                async with session.request(endpoint.method, url, params=endpoint.params, data=data,
                                           headers=headers, allow_redirects=False) as response:
                    await response.read()
                outcome = response.status
            except aiohttp.ClientError as error:
                outcome = error.__class__.__name__
            result.latencies.append(time.perf_counter() - start)
            if outcome != endpoint.expected:
                result.unexpected[outcome] = result.unexpected.get(outcome, 0) + 1

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    result.seconds += time.perf_counter() - began


async def measure(base, process, args):
    """Warm up, then run every endpoint for its share of each round; results by endpoint name."""
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as session:
        await wait_until_serving(session, base, process)
        await warm_cache(session, base)
        credentials = await form_credentials(session, base)
        for endpoint in args.endpoints:
            await hammer(session, base, endpoint, credentials, 1.0, args.concurrency, Result())
        results = {endpoint.name: Result() for endpoint in args.endpoints}
        for _ in range(args.rounds):
            for endpoint in args.endpoints:
                result = results[endpoint.name]
                before = cpu_seconds(process.pid)
                await hammer(session, base, endpoint, credentials, args.seconds / args.rounds,
                             args.concurrency, result)
                result.cpu += cpu_seconds(process.pid) - before
        return results


def percentile(values, fraction):
    """The value below which `fraction` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(results, args, client_cpu, wall):
    """One line per endpoint, then the machine and the client's share of it."""
    cores = os.cpu_count()
    baseline = len(results[BASELINE].latencies) / results[BASELINE].seconds
    print(f"gunicorn (gunicorn.conf.py) on {HOST}, SQLite; {args.concurrency} clients, "
          f"{args.seconds:g} s per endpoint in {args.rounds} rounds")
    print(f"{'endpoint':9} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8} {'cores':>6} "
          f"{'per core':>9} {'aim':>12}  unexpected")
    for endpoint in args.endpoints:
        result = results[endpoint.name]
        count = len(result.latencies)
        rate = count / result.seconds
        per_core = count / result.cpu if result.cpu else float("nan")
        aim = f"{endpoint.aim} {'met' if per_core >= endpoint.aim else 'missed'}" if endpoint.aim else "-"
        print(f"{endpoint.name:9} {rate:8.1f} {rate / baseline:6.2f} "
              f"{statistics.median(result.latencies) * 1000:8.1f} {percentile(result.latencies, 0.99) * 1000:8.1f} "
              f"{result.cpu / result.seconds:6.2f} {per_core:9.1f} {aim:>12}  {result.unexpected or '-'}")
    print(f"cores: {cores} on the machine ({len(os.sched_getaffinity(0))} usable here); "
          f"this process (client and fakes) used {client_cpu / wall:.2f} of them while measuring")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="seconds per endpoint (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds (default 2)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight (default 16)")
    parser.add_argument("--only", action="append", choices=[e.name for e in ENDPOINTS[1:]],
                        help="measure only this endpoint (repeatable; the baseline always runs)")
    args = parser.parse_args(argv)
    args.endpoints = [e for e in ENDPOINTS if e.name == BASELINE or not args.only or e.name in args.only]

    with tempfile.TemporaryDirectory(prefix="actiontool-load-") as folder, \
            FakeCensusGeocoder() as geocoder, FakeCountyLayer() as layer:
        geocoder.add_address(**ADDRESS, matches=[census_match(MATCHED, *district_center("4"))])
        env = app_environment(folder, geocoder, layer)
        prepare_database(env)
        port = free_port()
        log_path = Path(folder) / "gunicorn.log"
        with open(log_path, "wb") as log:
            process = start_gunicorn(env, port, log)
            print(f"gunicorn master pid {process.pid} (to profile: py-spy record --subprocesses --pid "
                  f"{process.pid})", file=sys.stderr)
            try:
                cpu_before, wall_before = time.process_time(), time.perf_counter()
                results = asyncio.run(measure(f"http://{HOST}:{port}", process, args))
                client_cpu, wall = time.process_time() - cpu_before, time.perf_counter() - wall_before
            except BaseException:
                print(log_path.read_text(errors="replace")[-3000:], file=sys.stderr)
                raise
            finally:
                stop(process)
        outside_calls = geocoder.request_count + layer.request_count
    report(results, args, client_cpu, wall)
    print(f"calls to the fake geocoder and layer: {outside_calls} (2: only the warm-up lookup missed the cache)")


if __name__ == "__main__":
    main()
