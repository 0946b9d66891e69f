"""Who may see a print run: a delivery packet is staff's (it holds every event letter to one office), so a
canvasser holding its link gets 403 on its page, its progress and its PDF; other print runs (an event, blank
letters) are for canvassers and staff alike."""

from tests.helpers import csrf_token


def request_packet(staff):
    page = staff.get("/staff/print/packet")
    response = staff.post("/staff/print/packet", data={
        "office": "councilmember:4", "since": "2026-01-01", "until": "2026-12-31",
        "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def test_a_canvasser_holding_a_packets_link_cannot_open_it(staff, canvasser):
    job = request_packet(staff)
    for path in (job, job + ".json", job + ".pdf"):
        assert canvasser.get(path).status_code == 403, path
    assert staff.get(job).status_code == 200
    assert staff.get(job + ".json").status_code == 200


def test_a_blank_letters_run_is_open_to_canvassers_and_staff(staff, canvasser):
    page = canvasser.get("/staff/print/blank")
    response = canvasser.post("/staff/print/blank", data={
        "district": "8", "copies": "2", "language": "es", "csrf_token": csrf_token(page.get_data(as_text=True))})
    job = response.headers["Location"]
    assert canvasser.get(job + ".json").status_code == 200
    assert staff.get(job + ".json").status_code == 200
