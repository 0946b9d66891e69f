"""The staff dashboard counts letters written on partners' sites per partner tag (only tags with letters), one
per writer: a letter to the whole council counts once."""

import re

from tests.test_numbers import add_letter


def partner_rows(page):
    table = re.search(r'<caption id="by-partner">.*?</table>', page.get_data(as_text=True), re.S).group(0)
    return re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", table)


def test_the_dashboard_counts_letters_per_partner_tag(app, staff):
    add_letter(app, "4", partner="casa-latina")
    add_letter(app, "7", whole_council=True, partner="casa-latina", status="written")
    add_letter(app, "2", partner="aclu-wa")
    add_letter(app, "2")
    assert partner_rows(staff.get("/staff/")) == [("aclu-wa", "1"), ("casa-latina", "2")]


def test_without_partner_letters_the_dashboard_says_none_yet(app, staff):
    add_letter(app, "4")
    page = staff.get("/staff/")
    assert partner_rows(page) == []
    assert "None yet." in re.search(r'<caption id="by-partner">.*?</table>', page.get_data(as_text=True), re.S).group(0)
