"""The supporter's path: address -> council member -> letter -> preview -> PDF."""

from tests.helpers import submit_letter


def test_supporter_gets_a_letter_to_their_own_councilmember(client):
    response = submit_letter(client)
    assert response.status_code == 302
    preview = client.get(response.headers["Location"])
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Jorge L. Barón" in html  # district 4 in the shipped roster
    assert "Dear Councilmember Barón:" in html
    assert "José Núñez" in html
