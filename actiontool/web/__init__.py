"""The web layer: one module per audience, on top of everything else (nothing below imports from here).

site.py (CSRF, headers, error pages), identity.py (the campaign's name, colours, logo) and guard.py
(requests no page can read, registered first by create_app) apply to every page;
supporter.py, email_pages.py, staff.py, events.py, prints.py and api.py are the pages each audience uses
(areas.py and meetings.py are more of the staff console's; replies.py answers "did they reply?"; embed.py is the
form in partners' pages; numbers.py the public figures; health.py is for uptime monitors); pages.py holds what
they share, and letter_form.py the one way a letter form is taken (for /write and /embed).
"""

from actiontool.printing import pdf
from actiontool.web import (
    api,
    areas,
    email_pages,
    embed,
    events,
    health,
    identity,
    meetings,
    numbers,
    prints,
    ratelimit,
    replies,
    site,
    staff,
    supporter,
)


def init_app(app):
    """Register every page, the app-wide protections and the rate limits."""
    pdf.init_app(app)
    site.init_app(app)
    identity.init_app(app)
    supporter.init_app(app)
    email_pages.init_app(app)
    staff.init_app(app)
    areas.init_app(app)
    meetings.init_app(app)
    events.init_app(app)
    prints.init_app(app)
    api.init_app(app)
    replies.init_app(app)
    numbers.init_app(app)
    embed.init_app(app)
    health.init_app(app)
    ratelimit.init_app(app)
