"""Staff accounts: the CLI, signing in and out, slowed guessing, and who may open which page."""

import pytest

from actiontool import create_app
from actiontool.models import LoginFailure, User, db
from tests.helpers import csrf_token

PASSWORD = "correct horse battery"

# Staff URLs and who may open them; a staff URL missing here fails test_every_staff_url_is_listed.
CANVASSER_ALLOWED = {"staff.home", "events.event_list", "events.event", "events.sheet_template",
                     "prints.blank_letters", "events.fix_row", "prints.print_job", "prints.print_job_json",
                     "prints.print_job_pdf"}
# Pages that answer something other than 200 to a user allowed in, and what.
EXPECTED_STATUS = {"prints.print_job_pdf": 410}  # nothing printed yet


def sample_args(app):
    """Values for the staff URLs that take arguments."""
    import datetime as dt

    from actiontool.canvassing import events
    from actiontool.models import Official, SheetRow
    from actiontool.printing import jobs

    with app.app_context():
        official = db.session.scalars(db.select(Official)).first()
        event_id = events.create_event("Fiesta", dt.date(2026, 11, 28), "", "staff@campaign.test")
        token = jobs.request_job("event", {"event_id": event_id}, "staff@campaign.test")
        row = SheetRow(event_id=event_id, line=2, cells={"name": "Ana López", "city": "Seattle", "zip": "98104"})
        db.session.add(row)
        db.session.commit()
        return {"staff.official_edit": {"official_id": official.id}, "events.event": {"event_id": event_id},
                "events.fix_row": {"event_id": event_id, "row_id": row.id},
                "prints.print_job": {"token": token}, "prints.print_job_json": {"token": token},
                "prints.print_job_pdf": {"token": token}, "areas.area_edit": {"district": "4"}}


def add(runner, email, role, password=PASSWORD):
    return runner.invoke(args=["users", "add", email, "--role", role], input=password + "\n")


def sign_in(client, email, password=PASSWORD, remote="10.0.0.1"):
    page = client.get("/staff/login")
    return client.post("/staff/login", data={"email": email, "password": password,
                                             "csrf_token": csrf_token(page.get_data(as_text=True))},
                       environ_base={"REMOTE_ADDR": remote})


@pytest.fixture
def staff(runner):
    assert add(runner, "staff@campaign.test", "staff").exit_code == 0
    return "staff@campaign.test"


@pytest.fixture
def canvasser(runner):
    assert add(runner, "canvasser@campaign.test", "canvasser").exit_code == 0
    return "canvasser@campaign.test"


def test_users_cli_adds_lists_and_disables_with_a_hashed_password(app, runner, staff):
    listing = runner.invoke(args=["users", "list"])
    assert "staff@campaign.test\tstaff\tactive" in listing.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == staff))
        assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    assert runner.invoke(args=["users", "disable", staff]).exit_code == 0
    assert "disabled" in runner.invoke(args=["users", "list"]).output


@pytest.mark.parametrize("args, password, message", [
    (["users", "add", "x@campaign.test", "--role", "admin"], PASSWORD, "Invalid value for '--role'"),
    (["users", "add", "x@campaign.test", "--role", "staff"], "short", "at least 12 characters"),
    (["users", "disable", "nobody@campaign.test"], None, "no account for nobody@campaign.test"),
])
def test_users_cli_refuses_bad_input_with_a_reason(runner, args, password, message):
    result = runner.invoke(args=args, input=(password + "\n") if password else None)
    assert result.exit_code != 0
    assert message in result.output


def test_the_same_email_cannot_have_two_accounts(runner, staff):
    result = add(runner, "STAFF@campaign.test", "canvasser")
    assert result.exit_code != 0 and "already has an account" in result.output


def test_sign_in_starts_a_fresh_session_and_sign_out_ends_every_copy(client, staff):
    client.get("/?lang=es")  # something in the session before signing in
    response = sign_in(client, staff)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    stolen = client.get_cookie("session").value
    assert client.get("/staff/roster").status_code == 200
    home = client.get("/staff/").get_data(as_text=True)
    client.post("/staff/logout", data={"csrf_token": csrf_token(home)})
    assert client.get("/staff/roster").status_code == 302
    client.set_cookie("session", stolen)  # an old copy of the cookie no longer works
    assert client.get("/staff/roster").status_code == 302


def test_wrong_password_is_refused_in_the_page_language(client, staff):
    response = sign_in(client, staff, password="wrong password!")
    assert response.status_code == 401
    assert "do not match an active account" in response.get_data(as_text=True)
    client.get("/?lang=es")
    response = sign_in(client, staff, password="wrong password!")
    assert "no corresponden a una cuenta activa" in response.get_data(as_text=True)


def test_repeated_failures_for_one_account_slow_down_that_client_even_with_the_right_password(app, client, staff):
    for attempt in range(5):
        assert sign_in(client, staff, password=f"guess {attempt}", remote="10.0.1.1").status_code == 401
    response = sign_in(client, staff, remote="10.0.1.1")
    assert response.status_code == 429
    assert "wait 15 minutes" in response.get_data(as_text=True)
    with app.app_context():
        keys = " ".join(f.key for f in db.session.scalars(db.select(LoginFailure)))
        assert staff not in keys and "10.0.1" not in keys  # stored as HMACs


def test_a_stranger_guessing_cannot_lock_the_staff_member_out_from_elsewhere(app, staff):
    stranger = app.test_client()
    for attempt in range(12):
        sign_in(stranger, staff, password=f"guess {attempt}", remote="203.0.113.9")
    assert sign_in(stranger, staff, remote="203.0.113.9").status_code == 429
    # The staff member, on another connection, is not locked out by someone else's guesses.
    assert sign_in(app.test_client(), staff, remote="198.51.100.7").status_code == 302


def test_a_browser_that_signed_in_before_is_not_locked_out_by_guesses_from_its_own_network(app, staff):
    browser = app.test_client()
    assert sign_in(browser, staff, remote="192.0.2.50").status_code == 302
    browser.post("/staff/logout", data={"csrf_token": csrf_token(browser.get("/staff/").get_data(as_text=True))})
    stranger = app.test_client()  # same shared address (a café, a campaign office), no device cookie
    for attempt in range(6):
        sign_in(stranger, staff, password=f"guess {attempt}", remote="192.0.2.50")
    assert sign_in(stranger, staff, remote="192.0.2.50").status_code == 429
    assert sign_in(browser, staff, remote="192.0.2.50").status_code == 302


def test_a_known_browser_is_still_slowed_after_its_own_failures(app, staff):
    browser = app.test_client()
    assert sign_in(browser, staff).status_code == 302
    for attempt in range(5):
        assert sign_in(browser, staff, password=f"guess {attempt}").status_code == 401
    assert sign_in(browser, staff).status_code == 429


def test_repeated_failures_from_one_client_slow_down_that_client(app, client, staff, canvasser):
    app.config["LOGIN_FAILURES_PER_CLIENT"] = 3
    for attempt in range(3):
        sign_in(client, f"someone{attempt}@campaign.test", remote="10.9.9.9")
    assert sign_in(client, staff, remote="10.9.9.9").status_code == 429
    assert sign_in(client, canvasser, remote="10.9.9.8").status_code == 302


def test_disabled_account_cannot_sign_in_and_its_session_ends(client, runner, staff):
    assert sign_in(client, staff).status_code == 302
    runner.invoke(args=["users", "disable", staff])
    assert client.get("/staff/").status_code == 302
    assert sign_in(client, staff).status_code == 401


@pytest.mark.parametrize("data, message", [
    ({"email": "", "password": ""}, "Please enter your email address."),
    ({"email": "a@b.org", "password": ""}, "Please enter your password."),
    ({"email": "a@b.org", "password": "x" * 201}, "Please keep this under 200 characters."),
])
def test_login_form_errors_are_shown_on_the_page(client, data, message):
    page = client.get("/staff/login")
    response = client.post("/staff/login", data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, staff):
    response = client.post("/staff/login", data={"email": staff, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/staff/").status_code == 302


def test_after_sign_in_only_local_pages_are_followed(client, staff):
    page = client.get("/staff/login")
    response = client.post("/staff/login?next=//evil.example/x",
                           data={"email": staff, "password": PASSWORD,
                                 "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.headers["Location"] == "/staff/"


@pytest.mark.parametrize("target", ["//evil.example/x", "/%09/evil.example/x", "/\t/evil.example/x",
                                    "/\\evil.example/x", "/\r\nSet-Cookie: x=1", "https://evil.example/",
                                    "/%0d%0aLocation: //evil.example", "javascript:alert(1)"])
def test_after_sign_in_a_next_link_to_another_host_or_with_control_characters_goes_home(client, staff, target):
    page = client.get("/staff/login")
    response = client.post("/staff/login", query_string={"next": target},
                           data={"email": staff, "password": PASSWORD,
                                 "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


def test_after_sign_in_the_page_asked_for_is_opened(client, staff):
    page = client.get("/staff/login")
    response = client.post("/staff/login", query_string={"next": "/staff/events?page=2"},
                           data={"email": staff, "password": PASSWORD,
                                 "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.headers["Location"] == "/staff/events?page=2"


def test_session_cookie_is_secure_httponly_and_samesite_over_https(app, database_url, staff):
    # Served over HTTPS as in production: BASE_URL alone turns Secure on (config.load), nothing else set.
    https_app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "DATABASE_URL": database_url,
                            "BASE_URL": "https://letters.example"})
    client = https_app.test_client()
    try:
        page = client.get("/staff/login", base_url="https://letters.example")
        # Over HTTPS, Flask-WTF also wants a same-origin Referer.
        response = client.post("/staff/login", base_url="https://letters.example",
                               headers={"Referer": "https://letters.example/staff/login"},
                               data={"email": staff, "password": PASSWORD,
                                     "csrf_token": csrf_token(page.get_data(as_text=True))})
    finally:
        with https_app.app_context():
            db.engine.dispose()
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    [session_cookie] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    name_value, *attributes = [part.strip() for part in session_cookie.split(";")]
    assert len(name_value) > len("session=")  # the signed-in session, not a deletion
    flags = {a.split("=", 1)[0].lower(): (a.split("=", 1)[1] if "=" in a else True) for a in attributes}
    assert flags.get("secure") is True, session_cookie
    assert flags.get("httponly") is True, session_cookie
    assert flags.get("samesite") == "Lax", session_cookie


def staff_urls(app):
    args = sample_args(app)
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("staff.", "events.", "areas.")) and "GET" in rule.methods and \
                rule.endpoint != "staff.login":
            yield rule.endpoint, rule.build(args.get(rule.endpoint, {}))[1]


def test_every_staff_url_for_anonymous_canvasser_and_staff(app, staff, canvasser):
    urls = dict(staff_urls(app))
    assert urls, "no staff pages found"
    for endpoint, url in urls.items():
        anonymous = app.test_client()
        response = anonymous.get(url)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"], url

        as_canvasser = app.test_client()
        sign_in(as_canvasser, canvasser)
        allowed = EXPECTED_STATUS.get(endpoint, 200)
        expected = allowed if endpoint in CANVASSER_ALLOWED else 403
        assert as_canvasser.get(url).status_code == expected, url

        as_staff = app.test_client()
        sign_in(as_staff, staff)
        assert as_staff.get(url).status_code == allowed, url
