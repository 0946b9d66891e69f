"""GET /healthz for uptime monitors (filled in by issue 13's monitoring work)."""


def init_app(app):
    pass
