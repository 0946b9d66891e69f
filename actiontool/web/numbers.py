"""/numbers: the public figures (filled in by issue 13's numbers work)."""


def init_app(app):
    pass
