"""The local address index as production runs it: the operator installs the district polygons and the county's
address file with the CLI, then, over HTTP only, a supporter's letter and a canvasser's sign-up sheet find their
districts on the server itself. The app's Census geocoder stand-in hears nothing, and the county's layer is never
asked about a point. A separate app of its own, so its index is this test's alone."""

import csv
import re

import pytest

from tests.fakes.address_points import county_points, expected_district, typed_variants, write_geojson
from tests.served.harness import ROOT
from tests.served.pages import LANGUAGES, redirect_path, run_id, say, visible

pytestmark = pytest.mark.served

POINTS = 3000
HERE = ("We found your district in our own copy of King County's address list, on our server: the address on "
        "your letter was not sent to anyone to find it.")
SHEET_COLUMNS = ("name", "street", "city", "zip", "language", "email", "agrees_to_email", "phone", "note", "district")


def councilmembers():
    """{district: name} of the roster the served app imports (officials.csv)."""
    with open(ROOT / "officials.csv", encoding="utf-8", newline="") as roster:
        return {row["district"]: row["name"] for row in csv.DictReader(roster) if row["office"] == "councilmember"}


def as_typed(record, kind="exact"):
    """The record's address as a person types it: (street line, city, ZIP)."""
    return typed_variants(record)[kind], record["POSTALCTYNAME"].title(), record["ZIP5"]


def point_queries(layer):
    """The county layer's requests that carried a point (a district asked for a place)."""
    return [params for _, params in layer.requests if params.get("geometry")]


def test_with_the_county_file_installed_letters_and_sheets_find_districts_without_asking_anyone(serve_another):
    served = serve_another()
    served.cli("districts", "fetch")
    records = county_points(POINTS)
    per_district = {}
    for record in records:
        district = expected_district(record)
        per_district[district] = per_district.get(district, 0) + 1
    outside = per_district.pop(None)
    path = served.folder / "address-points.geojson"
    write_geojson(path, records)
    imported = served.cli("addresses", "import", str(path))
    assert f"Installed an address index of {POINTS - outside:,} points from address-points.geojson" \
        in imported.output

    status = served.cli("addresses", "status").output
    assert re.search(rf"Address index built \d{{4}}-\d\d-\d\d \d\d:\d\d UTC from address-points\.geojson: "
                     rf"{POINTS - outside:,} points\.", status), status
    assert "  " + ", ".join(f"District {d}: {per_district[str(d)]:,}" for d in range(1, 10)) in status
    assert f"left out, in no council district: {outside}" in status
    assert ("Addresses the index cannot answer are not sent anywhere (GEOCODER_FALLBACK=auto: off while an index is "
            "installed).") in status
    members = councilmembers()
    in_a_district = [record for record in records if expected_district(record)]

    # A supporter writes for an address of the file, in either language; the page says where it was looked up.
    run = run_id()
    for n, lang in enumerate(LANGUAGES):
        home = in_a_district[(n + 1) * len(in_a_district) // 3]
        street, city, zip_code = as_typed(home)
        served.remember(street, "street")
        supporter = served.browser(lang, new_address=True)
        written = supporter.submit(f"/write?lang={lang}", {
            "name": served.remember(f"Wayra Mamani {run.capitalize()}", "name"), "email": "", "street": street,
            "city": city, "zip": zip_code, "note": "", "letter_language": lang})
        letter = visible(supporter.get(redirect_path(written)))
        assert say(lang, HERE) in letter
        assert members[expected_district(home)] in letter
    assert served.geocoder.requests == []

    # A canvasser uploads a sign-up sheet of 50 signers from the file, typed in two ways.
    canvasser = served.signed_in(f"canvasser-{run}@campaign.test", "canvasser")
    event = redirect_path(canvasser.submit("/staff/events", {
        "name": f"Feria de salud {run}", "date": "2026-11-28", "place": "Centro Comunitario"}))
    signers = {}
    rows = [",".join(SHEET_COLUMNS)]
    for n, record in enumerate(in_a_district[7::len(in_a_district) // 50][:50]):
        name = served.remember(f"Firmante {n:02d} {run.capitalize()}", "name")
        street, city, zip_code = as_typed(record, "full_words" if n % 2 else "exact")
        served.remember(street, "street")
        signers[name] = expected_district(record)
        rows.append(",".join((name, street, city, zip_code, "es", "", "", "", "", "")))
    assert len(signers) == 50
    sheet = ("\n".join(rows) + "\n").encode()
    uploaded = canvasser.submit(event, {}, action=f"{event}/upload",
                                files={"file": ("sign-up-sheet.csv", sheet, "text/csv")})
    assert uploaded.status_code == 303, visible(uploaded)
    page = canvasser.get(redirect_path(uploaded))
    shown = visible(page)
    assert "50 letters added." in shown and "need fixing" not in shown and "50 letters" in shown
    listed = dict(re.findall(r'<td data-label="Name">([^<]*)</td><td data-label="District">(\d)</td>', page.text))
    assert listed == signers
    assert served.geocoder.requests == []
    assert point_queries(served.county_layer) == []

    # Staff see the index on the district data page.
    staff = served.signed_in(f"staff-{run}@campaign.test", "staff")
    districts_page = visible(staff.get("/staff/districts"))
    assert (f"Lookups first use our own copy of the county's address points: {POINTS - outside:,} points, built"
            in districts_page)
    assert "from address-points.geojson." in districts_page
    assert ("Points per council district District Points "
            + " ".join(f"{d} {per_district[str(d)]:,}" for d in range(1, 10))) in districts_page
    assert served.server_errors == []
