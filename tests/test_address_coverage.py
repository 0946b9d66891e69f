"""How much of what supporters type the local address index answers by itself, on a file built like the county's
(tests/fakes/address_points.py: 20,000 points over the nine synthetic districts).

A fixed random sample of 300 addresses of the file is typed each way people type (typed_variants: exact, typo,
missing_direction, unit, spanish, full_words), with the postal city and ZIP code, and looked up with
actiontool.addresses.match.find, which the letter form, the signer form and sign-up sheets ask before any outside
service. Each lookup ends one of four ways:

  here      answered on this server with the address's own district;
  choices   several places offered, the address's district among them (the supporter picks);
  fallback  no answer (None): the Census geocoder is asked if GEOCODER_FALLBACK allows, else the supporter picks
            a district;
  WRONG     a district that is not the address's, alone or as every choice offered. Nobody would notice: the
            letter would go to another councilmember. There must be none, of any kind.

`pytest -s tests/test_address_coverage.py` prints the table (the README's coverage figures). The index is built
once for the module from the file as the county's GeoJSON export, by what `actiontool addresses import` runs
(sources.read, then build.build with the district polygons), in an app of its own on the test database; every
lookup is made then, and the tests read the table. The database is emptied afterwards, as each test's `app`
fixture leaves it.
"""

import random
from collections import Counter
from dataclasses import dataclass, field

import pytest

from actiontool import create_app
from actiontool.addresses import build, match, sources
from actiontool.lookup.districts import DistrictMap
from tests.fakes.address_points import expected_district, iter_county_points, typed_variants, write_geojson
from tests.fakes.geography import districts_geojson
from tests.helpers import empty_database

POINTS = 20_000
SAMPLE = 300
SAMPLE_SEED = 14
KINDS = ("exact", "unit", "full_words", "typo", "spanish", "missing_direction")
HERE, CHOICES, FALLBACK, WRONG = "here", "choices", "fallback", "WRONG"
OUTCOMES = (HERE, CHOICES, FALLBACK, WRONG)


@dataclass
class Coverage:
    """What became of each kind of typed address: {kind: Counter(outcome)}, and the lines that did not end
    `here`, {kind: [(outcome, typed line, city, ZIP, right district, districts offered)]}, for failure messages."""

    records: list
    outcomes: dict = field(default_factory=lambda: {kind: Counter() for kind in KINDS})
    misses: dict = field(default_factory=lambda: {kind: [] for kind in KINDS})
    # How the answers were found (match.EXACT, NEIGHBOURS, CLOSE_MATCH), {kind: Counter(how)}.
    hows: dict = field(default_factory=lambda: {kind: Counter() for kind in KINDS})

    def add(self, kind, typed, city, zip_code, expected, answer):
        offered = sorted({place.district for place in answer.places}) if answer else []
        if answer is None:
            outcome = FALLBACK
        elif answer.district == expected:
            outcome = HERE
        elif answer.district is None and expected in offered:
            outcome = CHOICES
        else:
            outcome = WRONG
        self.outcomes[kind][outcome] += 1
        if answer:
            self.hows[kind][answer.how] += 1
        if outcome != HERE:
            self.misses[kind].append((outcome, typed, city, zip_code, expected, offered))

    def of(self, kind, *outcomes):
        return [miss for miss in self.misses[kind] if miss[0] in outcomes]

    def table(self, title="typed each way"):
        lines = [f"Coverage of the local index: {POINTS:,} synthetic points, {len(self.records)} addresses "
                 f"{title} (match.find)",
                 f"  {'kind':<18}" + "".join(f"{outcome:>16}" for outcome in OUTCOMES) + "   answers found by"]
        for kind in KINDS:
            counts, hows = self.outcomes[kind], self.hows[kind]
            lines.append(f"  {kind:<18}" + "".join(
                f"{counts[outcome]:>7} {100 * counts[outcome] / len(self.records):6.1f}%" for outcome in OUTCOMES)
                + "   " + ", ".join(f"{how} {hows[how]}" for how in (match.EXACT, match.NEIGHBOURS, match.CLOSE_MATCH)
                                    if hows[how]))
        return "\n".join(lines)


@pytest.fixture(scope="module")
def coverage(database_url, tmp_path_factory):
    """The index built from the synthetic file, and every sampled address looked up each way."""
    points = tmp_path_factory.mktemp("coverage") / "address-points.geojson"
    write_geojson(points, iter_county_points(POINTS))
    in_districts = [record for record in iter_county_points(POINTS) if expected_district(record)]
    result = Coverage(random.Random(SAMPLE_SEED).sample(in_districts, SAMPLE))
    zips = {}
    for record in in_districts:
        zips.setdefault(record["POSTALCTYNAME"], set()).add(record["ZIP5"])
    # The same addresses with another ZIP code of their city (a mistyped ZIP code).
    other_zip = {record["SITEID"]: sorted(zips[record["POSTALCTYNAME"]] - {record["ZIP5"]})[
        record["SITEID"] % (len(zips[record["POSTALCTYNAME"]]) - 1)]
        for record in result.records if len(zips[record["POSTALCTYNAME"]]) > 1}
    result.wrong_zip = Coverage([record for record in result.records if record["SITEID"] in other_zip])
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "DATABASE_URL": database_url})
    try:
        with app.app_context():
            polygons = DistrictMap.from_geojson(districts_geojson()).geometries
            built = build.build(sources.read(str(points)), points.name, polygons)
            assert built.points == len(in_districts)
            for record in result.records:
                city, zip_code, expected = record["POSTALCTYNAME"].title(), record["ZIP5"], expected_district(record)
                for kind, typed in typed_variants(record).items():
                    result.add(kind, typed, city, zip_code, expected, match.find(typed, city, zip_code))
                    if record["SITEID"] in other_zip:
                        wrong = other_zip[record["SITEID"]]
                        result.wrong_zip.add(kind, typed, city, wrong, expected, match.find(typed, city, wrong))
        print("\n" + result.table() + "\n" + result.wrong_zip.table("typed each way with another ZIP code of "
                                                                     "their city"))
        yield result
    finally:
        empty_database(app)


def test_the_sample_holds_every_district_units_lettered_numbers_and_zips_split_between_districts(coverage):
    records = coverage.records
    assert len(records) == SAMPLE
    assert {expected_district(record) for record in records} == {str(d) for d in range(1, 10)}
    assert sum("UNIT" in record["ADDR_FULL"] for record in records) >= 5
    assert sum(not record["ADDR_NUM"].isdigit() for record in records) >= 1
    assert sum(record["ZIP5"] in ("98103", "98133", "98108", "98178", "98056") for record in records) >= 30


@pytest.mark.parametrize("kind", ["exact", "unit", "full_words"])
def test_an_address_typed_with_the_county_s_own_words_is_always_answered_here_with_its_district(coverage, kind):
    assert coverage.outcomes[kind][HERE] == SAMPLE, coverage.misses[kind][:10]
    assert coverage.hows[kind] == {match.EXACT: SAMPLE}  # the address itself, not a neighbour or a close street


@pytest.mark.parametrize("kind", ["typo", "spanish", "missing_direction"])
def test_a_typo_spanish_words_or_a_missing_direction_is_answered_here_or_offered_as_choices_nine_times_in_ten(
        coverage, kind):
    answered = coverage.outcomes[kind][HERE] + coverage.outcomes[kind][CHOICES]
    assert answered >= 0.9 * SAMPLE, coverage.of(kind, FALLBACK, WRONG)[:10]


@pytest.mark.parametrize("kind", KINDS)
def test_no_way_of_typing_an_address_gets_a_wrong_district(coverage, kind):
    assert coverage.outcomes[kind][WRONG] == 0, coverage.of(kind, WRONG)[:10]


@pytest.mark.parametrize("kind", ["exact", "unit", "full_words", "spanish", "typo"])
def test_with_a_mistyped_zip_code_one_more_slip_at_most_the_district_is_never_wrong(coverage, kind):
    """A ZIP code of another part of the city: the address is found there (or left to the fallback), never put
    in the district of a like-named street in the ZIP code typed. (Typed without its direction as well, two slips
    at once, a street of the same name in the ZIP code typed can still win: the README says so.)"""
    wrong_zip = coverage.wrong_zip
    assert len(wrong_zip.records) >= 250
    assert wrong_zip.outcomes[kind][WRONG] == 0, wrong_zip.of(kind, WRONG)[:10]
    if kind != "typo":
        assert wrong_zip.outcomes[kind][HERE] == len(wrong_zip.records), wrong_zip.misses[kind][:10]
