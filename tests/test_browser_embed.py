"""The embed in a real browser: a partner's page on another site frames /embed, the supporter writes the letter
inside the frame (no cookie reaches it there, so this proves the form's own CSRF check works without one) and
sees it ready; a page on a site that is not a partner gets no form in its frame; axe finds nothing on the
embed's pages in either language."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from actiontool.models import Letter, db
from tests.browser import (  # noqa: F401 - fixtures
    assert_no_axe_violations,
    axe_source,
    browser,
    expect,
    live_server,
    new_context,
)
from tests.helpers import HOME, UNKNOWN

# The partners' pages are served from 127.0.0.2, another site than the app's 127.0.0.1 (so the browser treats the
# frame as third-party, as on a real partner's site); the allowed page and the refused one differ only by port.
PARTNER_HOST = "127.0.0.2"


class PartnerSite:
    """A real HTTP server on PARTNER_HOST whose one page frames `frame_url` (a partner's page, or an impostor's)."""

    def __init__(self, frame_url):
        page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner</title></head>'
                f'<body><h1>Our campaign partner</h1><iframe src="{frame_url}" title="Write a letter" '
                f'width="380" height="2400"></iframe></body></html>').encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((PARTNER_HOST, 0), Handler)
        self.origin = f"http://{PARTNER_HOST}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="partner-site", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def embed_app(app, live_server):
    """The app with BASE_URL at the live server (the origin the frame's form posts from)."""
    app.config["BASE_URL"] = live_server
    return app


def partner_letters(app):
    with app.app_context():
        return [tuple(row) for row in db.session.execute(db.select(Letter.name, Letter.partner))]


def test_a_supporter_writes_the_letter_inside_a_partners_page(new_context, embed_app, live_server):
    with PartnerSite(f"{live_server}/embed?partner=casa&lang=es") as partner:
        embed_app.config["EMBED_PARTNERS"] = {"casa": partner.origin}
        page = new_context(java_script_enabled=True).new_page()
        posts = []
        page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
        page.goto(partner.origin + "/")
        frame = page.frame_locator("iframe")
        expect(frame.get_by_role("heading", level=1)).to_have_text("Escríbale a su concejal o concejala del "
                                                                   "Condado de King")
        frame.get_by_label("Su nombre completo", exact=True).fill("María Ríos")
        frame.get_by_label("Dirección (calle y número)", exact=True).fill(UNKNOWN["street"])
        frame.get_by_label("Ciudad", exact=True).fill(HOME["city"])
        frame.get_by_label("Código postal", exact=True).fill(HOME["zip"])
        frame.get_by_role("button", name="Buscar a mi concejal o concejala y escribir mi carta").click()
        # The address is unknown: the choice of district, inside the frame, with what was typed.
        expect(frame.locator(".notice")).to_be_visible()
        expect(frame.get_by_label("Su nombre completo", exact=True)).to_have_value("María Ríos")
        frame.locator('input[name="district"][value="4"]').check()
        frame.get_by_role("button", name="Buscar a mi concejal o concejala y escribir mi carta").click()
        expect(frame.get_by_role("heading", level=1)).to_have_text("Su carta está lista")
        # The partner's page was scrolled down to the button: the frame's message is brought into view.
        expect(frame.get_by_role("heading", level=1)).to_be_in_viewport()
        link = frame.locator("main a.button")
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_attribute("href", re.compile(r"^/letters/[\w-]+\?lang=es$"))
        assert partner_letters(embed_app) == [("María Ríos", "casa")]
        assert len(posts) == 2
        for post in posts:
            headers = post.all_headers()
            assert "cookie" not in headers, "the frame is third-party: no cookie of ours may reach it"
            assert headers.get("origin") == live_server
        # The letter opens on the full site in a new tab, in the frame's language.
        with page.context.expect_page() as opened:
            link.click()
        letter_page = opened.value
        expect(letter_page).to_have_url(re.compile(rf"^{re.escape(live_server)}/letters/[\w-]+\?lang=es$"))
        expect(letter_page.locator("html")).to_have_attribute("lang", "es")


def test_a_site_that_is_not_a_partner_gets_no_form_in_its_frame(new_context, embed_app, live_server):
    with PartnerSite(f"{live_server}/embed?partner=casa&lang=en") as partner, \
            PartnerSite(f"{live_server}/embed?partner=casa&lang=en") as impostor:
        embed_app.config["EMBED_PARTNERS"] = {"casa": partner.origin}
        assert impostor.origin != partner.origin  # the same host, another port: another origin
        page = new_context(java_script_enabled=True).new_page()
        refusals = []
        page.on("console", lambda message: refusals.append(message.text) if "frame-ancestors" in message.text
                else None)
        with page.expect_response(lambda response: "/embed?" in response.url) as answered:
            page.goto(impostor.origin + "/")
        assert answered.value.status == 200  # the app answered; the browser refused to show it
        expect(page.get_by_role("heading", name="Our campaign partner")).to_be_visible()
        page.wait_for_timeout(300)
        child = page.frames[1]
        assert child.url.startswith("chrome-error://") or child.url == "about:blank", child.url
        expect(page.frame_locator("iframe").locator("#letter-form")).to_have_count(0)
        assert any("Refused to frame" in text or "frame-ancestors" in text for text in refusals), refusals

        # The same page on the partner's own origin shows the form.
        page.goto(partner.origin + "/")
        expect(page.frame_locator("iframe").locator("#letter-form")).to_be_visible()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_axe_finds_nothing_on_the_embed_and_its_ready_step(new_context, embed_app, axe_source, lang):
    embed_app.config["EMBED_PARTNERS"] = {"casa": "https://casa.example.org"}
    page = new_context(java_script_enabled=True, bypass_csp=True).new_page()
    page.goto(f"/embed?partner=casa&lang={lang}")
    assert_no_axe_violations(page, axe_source)
    page.locator("#letter-form button[type=submit]").last.click()  # everything empty: the errors
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page, axe_source)
    page.locator("#name").fill("Ana Ruiz")
    page.locator("#street").fill(HOME["street"])
    page.locator("#city").fill(HOME["city"])
    page.locator("#zip").fill(HOME["zip"])
    page.locator("#letter-form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/embed/letters/[\w-]+\?partner=casa&lang=" + lang))
    assert_no_axe_violations(page, axe_source)
