"""The "did they reply?" answer pages (filled in by issue 13's follow-up work)."""


def init_app(app):
    pass
