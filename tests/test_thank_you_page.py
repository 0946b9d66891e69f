"""After sending or printing, a thank-you page: what happens next, the status link, and a way to share the
tool (plain links, no third-party scripts) that never shares the letter itself."""

import re
from urllib.parse import parse_qs, unquote, urlsplit

from tests.helpers import ask_to_email, confirm, confirmation_link, letter_token, run_worker, submit_letter, text


def share_links(page):
    html = page.get_data(as_text=True)
    return {name: re.search(rf'href="({prefix}[^"]*)"', html).group(1).replace("&amp;", "&")
            for name, prefix in (("whatsapp", "https://wa.me/"), ("sms", "sms:"), ("email", "mailto:\\?"))}


def test_confirming_the_email_lands_on_the_thank_you_page_with_the_status_link(app, client, smtp):
    token = letter_token(submit_letter(client))
    ask_to_email(client, token)
    run_worker(app)
    [message] = smtp.messages_to("jose@example.org")
    page = confirm(client, confirmation_link(message))
    assert page.request.path == f"/letters/{token}/thanks"
    assert "Thank you for writing!" in text(page)
    assert "Your letter to Councilmember Jorge L. Barón is confirmed and will be sent shortly." in text(page)
    assert f'href="/letters/{token}/status"' in page.get_data(as_text=True)
    assert f'/letters/{token}.pdf' not in page.get_data(as_text=True)  # it is being sent: nothing to print


def test_choosing_to_print_gives_the_pdf_the_address_and_the_way_back_to_email(client):
    token = letter_token(submit_letter(client))
    preview = client.get(f"/letters/{token}").get_data(as_text=True)
    assert f'href="/letters/{token}/thanks"' in preview
    page = client.get(f"/letters/{token}/thanks")
    html = page.get_data(as_text=True)
    assert "is ready to print" in text(page)
    assert f'href="/letters/{token}.pdf"' in html
    assert "516 Third Avenue, Room 1200" in text(page)
    assert f'href="/letters/{token}#send-heading"' in html
    assert f'href="/letters/{token}/status"' not in html


def test_the_thank_you_notice_is_a_status_not_an_alert_or_an_error(client):
    token = letter_token(submit_letter(client))
    html = client.get(f"/letters/{token}/thanks").get_data(as_text=True)
    notice = re.search(r'<div class="([^"]*)" role="(\w+)">\s*<h1>', html)
    assert notice.group(1) == "thanks" and notice.group(2) == "status"
    assert 'class="notice"' not in html and 'role="alert"' not in html


def test_share_links_carry_the_tools_address_in_the_supporters_language_and_never_the_letter(client):
    token = letter_token(submit_letter(client, lang="es"))
    page = client.get(f"/letters/{token}/thanks?lang=es")
    links = share_links(page)
    whatsapp = parse_qs(urlsplit(links["whatsapp"]).query)["text"][0]
    assert whatsapp.endswith("http://letters.campaign.test/?lang=es")
    assert whatsapp.startswith("Le escribí")  # the Spanish share text
    assert unquote(links["sms"]).endswith("http://letters.campaign.test/?lang=es")
    email = parse_qs(urlsplit(links["email"]).query)
    assert email["body"][0].endswith("http://letters.campaign.test/?lang=es") and email["subject"][0]
    html = page.get_data(as_text=True)
    assert 'value="http://letters.campaign.test/?lang=es" readonly' in html
    for link in links.values():
        assert token not in link
    assert "<script" not in html


def test_a_thank_you_page_for_an_unknown_letter_is_not_found(client):
    assert client.get("/letters/no-such-letter/thanks").status_code == 404


def test_the_thank_you_page_is_never_kept_in_a_shared_browsers_cache(client):
    token = letter_token(submit_letter(client))
    assert client.get(f"/letters/{token}/thanks").headers["Cache-Control"] == "no-store"
