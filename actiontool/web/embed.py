"""/embed: the letter form in a partner's page (filled in by issue 13's embed work)."""


def init_app(app):
    pass
