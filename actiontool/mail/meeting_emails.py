"""Composing the emails about meetings: the public comment itself (to the meeting's comment address), the
notice that a comment could not go on time, and the reminder the day before. Plain values in, a message out.

The comment carries the supporter's name and city (the street only if they chose it) and never their
email address: public comment becomes part of the public record.
"""

from flask import render_template
from flask_babel import gettext as _

from actiontool.i18n import force_locale
from actiontool.letters.content import languages_of
from actiontool.mail.emails import address, build_message, header_text, html_to_text, message_id
from actiontool.meetings.schedule import when_text
from actiontool.officials import official_in_text

# The campaign's topic, as the clerk asks to see it in the subject line.
TOPIC = "Detainer reform in King County"


def comment_subject(comment):
    """The subject the clerk asks for: the topic and the agenda item (if any), with the meeting, in English
    (the clerk's language) whatever the letter's."""
    meeting, item = comment["meeting"], comment["item"]
    when = when_text(meeting, "en", 0)
    about = f"Item {item['file_number']}, {item['title']['en']}" if item else TOPIC
    return header_text(f"Public comment: {about} ({meeting['body']['en']}, {when['date']})")


def public_comment(letter, comment, letter_html, settings, when):
    """The comment: From "<name> via <campaign>" <MAIL_FROM>, To the meeting's comment address, a short
    heading saying what it is (in English, and in Spanish too for a Spanish letter), then the letter as the
    supporter confirmed it, addressed to the council as a body."""
    meeting = comment["meeting"]
    headings = []
    # In English for the clerk, and in Spanish too when the letter is in Spanish.
    for language in ["en"] + [language for language in languages_of(letter["language"]) if language != "en"]:
        with force_locale(language):
            headings.append(render_template("emails/public_comment_heading.txt", comment=comment,
                                            when=when_text(meeting, language, 0), language=language,
                                            name=header_text(letter["name"]), city=letter["city"],
                                            campaign=settings["campaign"]).strip())
    first_language = languages_of(letter["language"])[0]
    with force_locale(first_language):
        via = _("%(name)s via %(campaign)s", name=header_text(letter["name"]), campaign=settings["campaign"])
        html = render_template("emails/public_comment.html", headings=headings, letter_html=letter_html,
                               language=first_language)
    return build_message(
        subject=comment_subject(comment),
        sender=address(via, settings["mail_from"]),
        to=address(meeting["body"]["en"], meeting["comment_email"]),
        text="\n\n".join(headings) + "\n\n" + html_to_text(letter_html),
        html=html,
        message_id_value=message_id(settings["secret"], letter["id"], "public_comment", meeting["comment_email"],
                                    settings["domain"], serial=meeting["id"]),
        when=when,
        from_a_person=True,
    )


def to_supporter(kind, letter, comment, links, settings, when):
    """The notice that a comment did not go (`comment_not_sent`) or the reminder the day before a meeting
    (`meeting_reminder`), in the language of the supporter's pages."""
    language = letter["ui_language"]
    meeting = comment["meeting"]
    context = {
        "name": header_text(letter["name"]),
        "official": official_in_text(letter["recipient"]["title"][language], letter["recipient"]["name"], language),
        "comment": comment,
        "meeting": meeting,
        "body": meeting["body"][language],
        "when": when_text(meeting, language, settings["comment_margin"]),
        "links": links,
        "campaign": settings["campaign"],
        "language": language,
    }
    with force_locale(language):
        if kind == "meeting_reminder":
            subject = _("Reminder: the %(body)s meets tomorrow, %(date)s", body=context["body"],
                        date=context["when"]["date"])
        else:
            subject = _("Your public comment could not go in time")
        text = render_template(f"emails/{kind}.txt", **context)
        html = render_template("emails/meeting_notice.html", text=text, **context)
    return build_message(
        subject=subject,
        sender=address(settings["campaign"], settings["mail_from"]),
        to=address(letter["name"], letter["email"]),
        text=text,
        html=html,
        message_id_value=message_id(settings["secret"], letter["id"], kind, letter["email"], settings["domain"],
                                    serial=meeting["id"]),
        when=when,
    )
