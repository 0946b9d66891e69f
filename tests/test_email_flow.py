"""The whole email path through real servers: ask, confirm by the emailed link, deliver."""

from actiontool.models import Letter, db
from tests.helpers import ask_to_email, confirm, confirmation_link, letter_token, run_worker, submit_letter, text


def test_confirmed_letter_reaches_the_official_with_reply_to_the_supporter(app, client, smtp):
    token = letter_token(submit_letter(client, note="Por mi familia."))
    page = ask_to_email(client, token, wants_copy="y")
    assert page.status_code == 200 and "Check your email" in page.get_data(as_text=True)
    assert smtp.received == []  # nothing is sent by the web request itself

    run_worker(app)
    [confirmation] = smtp.messages_to("jose@example.org")
    assert "Please confirm your letter to Councilmember Jorge L. Barón" == confirmation["Subject"]

    status = confirm(client, confirmation_link(confirmation))
    assert "Thank you for writing!" in text(status) and "is confirmed and will be sent shortly." in text(status)
    run_worker(app)

    [letter_mail] = smtp.messages_to("Jorge.Baron@kingcounty.gov")
    [sender] = letter_mail["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "José Núñez via Stop ICE's Insecure Communities", "letters@campaign.test")
    def only(header):
        [entry] = letter_mail[header].addresses
        return entry.display_name, entry.addr_spec

    assert only("Reply-To") == ("José Núñez", "jose@example.org")
    assert only("To") == ("Jorge L. Barón", "Jorge.Baron@kingcounty.gov")
    assert only("Cc") == ("José Núñez", "jose@example.org")
    assert "Por mi familia." in letter_mail.get_body(preferencelist=("plain",)).get_content()
    assert "Por mi familia." in letter_mail.get_body(preferencelist=("html",)).get_content()
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        assert letter.status == "sent" and letter.sent_at is not None
    assert "Sent by email on" in client.get(f"/letters/{token}/status").get_data(as_text=True)
