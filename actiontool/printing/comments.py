"""A packet of written public comment on one agenda item, printed for hand delivery to the clerk: a cover sheet
(who meets, when in King County time, the item, how many comments), then each comment's letter as the public
record gets it (meetings.comments.comment_letter: the street only where the supporter chose to include it).

A print job of kind "comments" (printing.jobs) runs it in the worker, like an event's print run.
"""

from flask import render_template

from actiontool.i18n import force_locale
from actiontool.letters.content import compose
from actiontool.letters.store import letter_dict
from actiontool.meetings.agenda import PRINTED
from actiontool.meetings.comments import comment_letter
from actiontool.meetings.schedule import meeting_values
from actiontool.models import PublicComment, db
from actiontool.printing import batch


def packet_letters(meeting_id, item_id):
    """The comments on one agenda item (`item_id` None: on any county matter) that went, or are queued to go,
    before the cut-off, in the order they were asked for, each as the letter (a plain dict) the public
    record gets. A letter whose details retention removed has nothing left to print and is left out."""
    on_item = (PublicComment.agenda_item_id.is_(None) if item_id is None
               else PublicComment.agenda_item_id == item_id)
    query = (db.select(PublicComment)
             .where(PublicComment.meeting_id == meeting_id, on_item, PublicComment.status.in_(PRINTED))
             .order_by(PublicComment.id))
    letters = []
    for comment in db.session.scalars(query):
        letter = letter_dict(comment.letter)
        if letter["purged_at"] is None:
            letters.append(comment_letter(letter, comment.include_street))
    return letters


def cover_sheet(meeting, item_id, count, language):
    """The packet's cover sheet (HTML), in `language`."""
    item = next((item for item in meeting["items"] if item["id"] == item_id), None)
    with force_locale(language):
        return render_template("pdf/comment_cover.html", meeting=meeting, item=item, count=count)


def render_packet(params, letters, processes=None, progress=None):
    """The packet's PDF: the cover sheet, then each letter from its own page. `params` are the print job's
    (meeting_id, item_id, cover_language)."""
    meeting = meeting_values(params["meeting_id"])

    def blocks():
        cover = cover_sheet(meeting, params.get("item_id"), len(letters), params.get("cover_language", "en"))
        return [cover] + [str(compose(letter)) for letter in letters]

    return batch.render_blocks(blocks, len(letters) + 1, processes, progress)
