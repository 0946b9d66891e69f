"""The machinery of the tour of every page (tests/test_every_page.py): open a page in a browser tab, then
look at it the way the checks need, at each width, and remember what was wrong.

For each page, language and width the tour records: whether the page scrolls sideways
(document.documentElement.scrollWidth > window.innerWidth, with the elements that stick out), axe-core's
violations, and for public pages how much HTML and CSS a visitor downloads. Public pages are opened in a
browser context with JavaScript turned off; axe needs JavaScript, so it runs on a replay: the very response
the JavaScript-free tab got, served again (same URL, status and body) to a tab with JavaScript on.

With ACTIONTOOL_SCREENSHOTS=DIR, every page is also saved as DIR/<page>-<lang>-<width>.png (whole page).
"""

import os
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException

WIDTHS = (360, 1280)
LANGUAGES = ("en", "es")
HEIGHT = 800
PUBLIC_BUDGET = 30 * 1024  # bytes of HTML + CSS (uncompressed) a public page may cost
SCREENSHOTS = os.environ.get("ACTIONTOOL_SCREENSHOTS")

# What sticks out to the right of the window: the first few elements, as short CSS-like paths.
OVERFLOW_JS = """() => {
  const width = window.innerWidth, out = [];
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    const parent = e.parentElement && e.parentElement.getBoundingClientRect();
    if (r.width && r.right > width + 1 && !(parent && parent.right > width + 1))
      out.push(name(e.parentElement) + ' > ' + name(e) + ' (right edge ' + Math.round(r.right) + ')');
    if (out.length >= 4) break;
  }
  return {scroll: document.documentElement.scrollWidth, view: window.innerWidth, culprits: out};
}"""


class Tour:
    """The results of visiting pages: problems per (page, lang, width, check) and per (page, lang, check)."""

    def __init__(self, app, axe_js, replay_page):
        self.app, self.axe_js, self.replay_page = app, axe_js, replay_page
        self.problems = defaultdict(list)  # (name, lang, width-or-None, check) -> [str]
        self.not_opened = {}  # (name, lang) -> why the page could not be opened
        self.visited = defaultdict(set)  # endpoint of a GET page the tour checked -> page names
        self.documents = {}  # id(tab) -> the last main-frame document response in that tab
        self.css_sizes = {}
        self.seconds = {}  # (name, lang) -> how long opening and checking the page took
        self.shots = Path(SCREENSHOTS) if SCREENSHOTS else None
        if self.shots:
            self.shots.mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------------ tabs

    def watch(self, tab):
        """Remember each document `tab` loads (the page the checks look at)."""
        def on_response(response):
            if response.request.is_navigation_request() and response.frame == tab.main_frame:
                self.documents[id(tab)] = response
        tab.on("response", on_response)
        return tab

    def endpoint(self, url, method):
        """The Flask endpoint that answers `method url`, or None (unknown path, error)."""
        parts = urlsplit(url)
        try:
            endpoint, _args = self.app.url_map.bind("localhost").match(parts.path, method=method)
        except HTTPException:
            return None
        return endpoint

    # ------------------------------------------------------------------ one page

    def visit(self, name, lang, tab, open_page, public):
        """Open a page with `open_page(tab)`, then check it at every width."""
        started = time.monotonic()
        try:
            self._visit(name, lang, tab, open_page, public)
        finally:
            self.seconds[(name, lang)] = time.monotonic() - started

    def _visit(self, name, lang, tab, open_page, public):
        try:
            open_page(tab)
            tab.wait_for_load_state("load")
            document = self.documents.get(id(tab))
            if document is None or document.url != tab.url.split("#")[0]:
                raise AssertionError(f"no document response for {tab.url}")
            body = document.body()
        except Exception as error:  # noqa: BLE001 - any failure to reach the page is that page's result
            self.not_opened[(name, lang)] = f"{type(error).__name__}: {str(error).splitlines()[0][:300]}"
            return
        if document.request.method == "GET" and not 300 <= document.status < 400:
            endpoint = self.endpoint(tab.url, "GET")  # error pages count: some routes have no other page
            if endpoint:
                self.visited[endpoint].add(name)
        shown_lang = tab.evaluate("() => document.documentElement.lang")
        if shown_lang != lang:
            self.problems[(name, lang, None, "language")].append(f"<html lang={shown_lang!r}>")
        if public:
            self._check_without_javascript(name, lang, tab)
            self._check_weight(name, lang, tab, body)
        for width in WIDTHS:
            tab.set_viewport_size({"width": width, "height": HEIGHT})
            self._check_overflow(name, lang, width, tab)
            if self.shots:
                tab.screenshot(path=str(self.shots / f"{name}-{lang}-{width}.png"), full_page=True)
        if public:
            self._replay(document, body)
            self._check_axe(name, lang, self.replay_page)
        else:
            self._check_axe(name, lang, tab)

    # ------------------------------------------------------------------ checks

    def _check_without_javascript(self, name, lang, tab):
        """The tab runs no script: what it shows is all a visitor without JavaScript gets."""
        heading = tab.locator("main h1")
        if heading.count() != 1 or not heading.is_visible():
            self.problems[(name, lang, None, "nojs")].append("no visible <h1> in <main> without JavaScript")
        if tab.locator("noscript").count():
            self.problems[(name, lang, None, "nojs")].append("the page has a <noscript> fallback")

    def _check_weight(self, name, lang, tab, body):
        hrefs = tab.evaluate("() => [...new Set([...document.querySelectorAll('link[rel~=stylesheet]')]"
                             ".map(link => link.href))]")
        css = 0
        for href in hrefs:
            if href not in self.css_sizes:
                self.css_sizes[href] = len(tab.context.request.get(href).body())
            css += self.css_sizes[href]
        total = len(body) + css
        if total > PUBLIC_BUDGET:
            self.problems[(name, lang, None, "weight")].append(
                f"HTML {len(body)} B + CSS {css} B = {total} B > {PUBLIC_BUDGET} B")

    def _check_overflow(self, name, lang, width, tab):
        measured = tab.evaluate(OVERFLOW_JS)
        if measured["scroll"] > measured["view"]:
            self.problems[(name, lang, width, "overflow")].append(
                f"scrollWidth {measured['scroll']} > {measured['view']}; sticking out: "
                + ("; ".join(measured["culprits"]) or "(not found)"))

    def _replay(self, document, body):
        """Serve `document` again, byte for byte, to the JavaScript tab (stylesheets come from the server)."""
        url = document.url
        headers = {k: v for k, v in document.headers.items() if k.lower() in ("content-type", "content-language")}

        def same_url(candidate):
            return candidate == url

        def serve(route):
            route.fulfill(status=document.status, headers=headers, body=body)

        self.replay_page.route(same_url, serve)
        try:
            self.replay_page.goto(url)
        finally:
            self.replay_page.unroute(same_url, serve)

    def _check_axe(self, name, lang, tab):
        tab.add_script_tag(path=str(self.axe_js))
        for width in WIDTHS:
            tab.set_viewport_size({"width": width, "height": HEIGHT})
            violations = tab.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => "
                "v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))")
            self.problems[(name, lang, width, "axe")].extend(violations)

    # ------------------------------------------------------------------ results

    def failures(self, name, lang, width, check):
        """What is wrong for one check, or why the page could not be checked at all."""
        if (name, lang) in self.not_opened:
            return [f"could not open the page: {self.not_opened[(name, lang)]}"]
        return self.problems.get((name, lang, width, check), [])

    def summary(self):
        """Every problem found, one line each (printed at the end of the run)."""
        lines = [f"{name} [{lang}]: could not open: {why}" for (name, lang), why in sorted(self.not_opened.items())]
        for (name, lang, width, check), found in sorted(self.problems.items(), key=lambda item: str(item[0])):
            for problem in found:
                lines.append(f"{name} [{lang}{'' if width is None else f' {width}px'}] {check}: {problem}")
        slowest = sorted(self.seconds.items(), key=lambda item: -item[1])[:5]
        lines.append(f"{len(self.seconds)} pages in {sum(self.seconds.values()):.0f} s; slowest: "
                     + ", ".join(f"{name} [{lang}] {seconds:.1f} s" for (name, lang), seconds in slowest))
        return lines
