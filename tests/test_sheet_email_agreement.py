"""A sign-up sheet row is emailed to the official only when the signer agreed on paper (the sheet's
agrees_to_email / acepta_correo column says yes) and gave an email; every other row is printed only."""

import pytest

from tests.helpers import run_worker
from tests.test_events import create_event, sheet, upload

HEADER = "name,street,city,zip,language,email,agrees_to_email,phone,note,district"
SPANISH_HEADER = "nombre,calle,ciudad,codigo_postal,idioma,correo,acepta_correo,telefono,nota,distrito"
BARON = "Jorge.Baron@kingcounty.gov"


@pytest.mark.parametrize("header, yes", [(HEADER, "yes"), (SPANISH_HEADER, "sí"), (HEADER, "X")])
def test_a_row_that_agreed_is_emailed_and_the_others_are_not(app, canvasser, smtp, header, yes):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, sheet(
        header,
        f"Ana López,1 Pine St,Seattle,98104,es,ana@example.org,{yes},,Por mi barrio,4",
        "Berta Ruiz,2 Pine St,Seattle,98104,es,berta@example.org,no,,,4",
        "Carla Abad,3 Pine St,Seattle,98104,es,carla@example.org,,,,4",
        f"Dora Paz,4 Pine St,Seattle,98104,es,,{yes},,,4",  # agreed, but no address to reply to
    ))
    run_worker(app)
    delivered = smtp.messages_to(BARON)
    assert len(delivered) == 1
    assert "ana@example.org" in str(delivered[0]["Reply-To"])
    assert not any(smtp.messages_to(address) for address in ("berta@example.org", "carla@example.org"))


def test_a_sheet_naming_a_column_twice_is_refused_whole(app, canvasser, smtp):
    """acepta_correo and agrees_to_email are one column: a sheet with both says two things at once."""
    event_id = create_event(canvasser)
    both = "nombre,calle,ciudad,codigo_postal,idioma,correo,acepta_correo,agrees_to_email,telefono,nota,distrito"
    page = upload(canvasser, event_id, sheet(both, "Jo Paz,1 Pine St,Seattle,98104,es,jo@example.org,no,si,,,4"))
    assert page.status_code == 422
    assert "columns named twice: agrees_to_email" in page.get_data(as_text=True)
    run_worker(app)
    assert smtp.messages_to(BARON) == []
