"""Issue 13's settings are checked when the app starts: a partner list or an alert setting the app could not use
stops it with a message naming the setting, rather than failing in silence later (a frame opened to a site
nobody chose, an alert that never fires, a staff list no mail server takes)."""

import pytest

from actiontool import create_app
from actiontool.config import ConfigurationError


def start(**settings):
    return create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://", **settings})


@pytest.mark.parametrize(("settings", "named"), [
    ({"EMBED_PARTNERS": "casa"}, "EMBED_PARTNERS"),
    ({"EMBED_PARTNERS": "Casa=https://casa.example.org"}, "EMBED_PARTNERS"),
    ({"EMBED_PARTNERS": "casa=https://casa.example.org/embed"}, "EMBED_PARTNERS"),
    ({"EMBED_PARTNERS": "casa=https://casa.example.org; script-src *"}, "EMBED_PARTNERS"),
    ({"EMBED_PARTNERS": "casa=javascript:alert(1)"}, "EMBED_PARTNERS"),
    ({"ALERT_FAILURE_SHARE": "1.5"}, "ALERT_FAILURE_SHARE"),
    ({"ALERT_QUEUE_MINUTES": "soon"}, "ALERT_QUEUE_MINUTES"),
    ({"ALERT_FAILURE_MIN_MESSAGES": "0"}, "ALERT_FAILURE_MIN_MESSAGES"),
    ({"ROSTER_CHECK_HOURS": "-1"}, "ROSTER_CHECK_HOURS"),
    ({"HEALTH_WORKER_SECONDS": "5"}, "HEALTH_WORKER_SECONDS"),
    ({"ALERT_EMAILS": "staff@campaign.test, not an address"}, "ALERT_EMAILS"),
])
def test_a_setting_the_app_cannot_use_stops_it_and_names_the_setting(settings, named):
    with pytest.raises(ConfigurationError, match=named):
        start(**settings)


def test_good_settings_are_read_as_values():
    app = start(EMBED_PARTNERS="casa=https://Casa.example.org/, unidos=http://127.0.0.1:8001",
                ALERT_FAILURE_SHARE="0.5", ALERT_EMAILS="a@campaign.test, b@campaign.test", ROSTER_CHECK_HOURS="0")
    assert app.config["EMBED_PARTNERS"] == {"casa": "https://casa.example.org", "unidos": "http://127.0.0.1:8001"}
    assert app.config["ALERT_FAILURE_SHARE"] == 0.5
    assert app.config["ROSTER_CHECK_HOURS"] == 0.0
