"""Shared Playwright setup for the browser tests: Debian's Chromium, the app on a loopback
port, browser contexts sized like a phone, and axe-core.

Chromium comes from Debian (/usr/bin/chromium; `playwright install` is never run) and axe-core
from npm (`npm install` at the repo root). Without them a test module importing this is skipped,
unless ACTIONTOOL_REQUIRE_BROWSER=1 (as in CI), where a missing piece is an error. Test modules
import the fixtures they use (pytest finds fixtures imported into a module).
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REQUIRE_BROWSER = os.environ.get("ACTIONTOOL_REQUIRE_BROWSER") == "1"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
TIMEOUT_MS = 5_000  # everything is local: a missing element should fail fast, not in 30 s


def _missing(what):
    """Skip the module for lack of `what`, or fail loudly when the browser tests are required."""
    if REQUIRE_BROWSER:
        pytest.fail(f"{what}, but ACTIONTOOL_REQUIRE_BROWSER=1 requires the browser tests",
                    pytrace=False)
    pytest.skip(f"{what}: browser tests skipped (set ACTIONTOOL_REQUIRE_BROWSER=1 to fail "
                "instead)", allow_module_level=True)


if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
    _missing(f"{CHROMIUM} not found (apt-get install chromium)")
try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    _missing("the playwright Python package is not installed (pip install -e '.[test]')")


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                    headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The app served by a real threaded HTTP server on 127.0.0.1; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def new_context(browser, live_server):
    """Factory of browser contexts on the live server (closed after the test)."""
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_server)
        options.setdefault("viewport", PHONE)
        options.setdefault("locale", "en-US")  # Accept-Language: English unless asked
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def axe_source():
    if not AXE_JS.is_file():
        if REQUIRE_BROWSER:
            pytest.fail(f"{AXE_JS} is missing (run `npm install` at the repo root), but "
                        "ACTIONTOOL_REQUIRE_BROWSER=1 requires the accessibility checks",
                        pytrace=False)
        pytest.skip(f"{AXE_JS} is missing: run `npm install --no-audit --no-fund` at the repo "
                    "root for the accessibility checks")
    return AXE_JS


def format_violations(url, violations):
    lines = [f"axe-core found {len(violations)} violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"]:
            lines.append(f"    target {node['target']}: {node.get('html', '')[:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page, axe_js):
    page.add_script_tag(path=str(axe_js))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    if results["violations"]:
        pytest.fail(format_violations(page.url, results["violations"]), pytrace=False)
