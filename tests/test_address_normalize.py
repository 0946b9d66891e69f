"""What a person types and what the county's file says reach one canonical form (actiontool.addresses.normalize),
so that a local lookup can match them: street types, directions, numbered streets, units, and Spanish habits."""

import pytest

from actiontool.addresses.normalize import Address, normalize, ordinal


@pytest.mark.parametrize(("typed", "street", "number", "unit"), [
    # The same street, typed as people type it.
    ("516 3rd Ave, Apt 2", "3RD AVE", "516", "2"),
    ("516 Third Avenue #2", "3RD AVE", "516", "2"),
    ("516 3 Av. Apto 2", "3RD AVE", "516", "2"),
    ("516 THIRD AVE  UNIT 2", "3RD AVE", "516", "2"),
    # Directions before and after, in full, abbreviated, dotted, or in Spanish.
    ("1200 NE 45th Street #3B", "NE 45TH ST", "1200", "3B"),
    ("1200 N.E. 45th St., Unit 3B", "NE 45TH ST", "1200", "3B"),
    ("1200 Northeast 45 Street", "NE 45TH ST", "1200", ""),
    ("1234 Nordeste 45 Calle", "NE 45TH ST", "1234", ""),
    ("4512 South Othello St Apto 5", "S OTHELLO ST", "4512", "5"),
    ("4512 S Othello Street", "S OTHELLO ST", "4512", ""),
    ("123 Southwest 312th Street", "SW 312TH ST", "123", ""),
    # Spanish order: the type before the name, the direction after it.
    ("15 Avenida 3 Sur", "3RD AVE S", "15", ""),
    ("15 3rd Ave S", "3RD AVE S", "15", ""),
    ("300 Avenida Rainier Sur #4", "RAINIER AVE S", "300", "4"),
    ("300 Rainier Ave S Apt 4", "RAINIER AVE S", "300", "4"),
    ("100 Calle Main", "MAIN ST", "100", ""),
    ("100 Main St", "MAIN ST", "100", ""),
    # Accents and case do not matter; a name of several words keeps them.
    ("2 Martin Luther King Jr Way S", "MARTIN LUTHER KING JR WAY S", "2", ""),
    ("5 Camino Real", "CAMINO REAL", "5", ""),
    # A misspelt street type is read as the type it is close to; a name that only looks like one is kept.
    ("278 NE 10th Stret", "NE 10TH ST", "278", ""),
    ("836A 1st Avnue S", "1ST AVE S", "836A", ""),
    ("20 Pine Boulvard", "PINE BLVD", "20", ""),
    ("123 Green Lake Way N", "GREEN LAKE WAY N", "123", ""),
    # Spanish "Este", and a lettered house number before Calle/Avenida.
    ("620 Calle Pine Este", "PINE ST E", "620", ""),
    ("542A Avenida 1 Sur", "1ST AVE S", "542A", ""),
])
def test_each_way_of_typing_an_address_reaches_the_counts_form(typed, street, number, unit):
    found = normalize(typed)
    assert (found.street, found.number, found.unit) == (street, number, unit)


def test_different_typings_of_one_address_are_equal():
    assert normalize("516 Third Avenue South, Apt. 2") == normalize("516 3rd Ave S #2") == \
        normalize("516 Avenida 3 Sur Apto 2") == Address("516", "", "3RD", "AVE", "S", "2")


@pytest.mark.parametrize("typed", ["", "   ", "PO Box 12", "Main and 3rd", "Seattle WA", "#4", "Apt 2"])
def test_what_is_not_a_street_address_gives_none_for_the_fallback_to_handle(typed):
    assert normalize(typed) is None


@pytest.mark.parametrize(("number", "written"), [(1, "1ST"), (2, "2ND"), (3, "3RD"), (4, "4TH"), (11, "11TH"),
                                                 (12, "12TH"), (13, "13TH"), (21, "21ST"), (22, "22ND"),
                                                 (101, "101ST"), (111, "111TH"), (112, "112TH"), (312, "312TH")])
def test_numbered_streets_are_written_as_the_county_writes_them(number, written):
    assert ordinal(number) == written
