"""GET /api/lookup: the district and councilmember for an address, as JSON."""

from flask import Blueprint, jsonify, request

from actiontool import lookup
from actiontool.forms import AddressForm
from actiontool.i18n import current_language

bp = Blueprint("api", __name__, url_prefix="/api")

STATUS = {
    lookup.INVALID: 400,
    lookup.NOT_FOUND: 404,
    lookup.NOT_IN_INDEX: 404,
    lookup.NOT_SENT: 404,
    lookup.AMBIGUOUS: 409,
    lookup.OUTSIDE_COUNTY: 422,
    lookup.ZIP_OUTSIDE_COUNTY: 422,
    lookup.UNAVAILABLE: 503,
    lookup.NO_COUNCILMEMBER: 503,
}


def _failure(error):
    # A ZIP outside the county is, to API clients, just "outside the county".
    code = lookup.OUTSIDE_COUNTY if error.code == lookup.ZIP_OUTSIDE_COUNTY else error.code
    body = {"error": code, "message": error.message}
    if error.code == lookup.AMBIGUOUS:
        body["candidates"] = error.candidates
    return jsonify(body), STATUS[error.code]


@bp.get("/lookup")
def lookup_address():
    """?street=&city=&zip=[&lang=es] -> {"district", "matched_address", "officials": [...]}."""
    form = AddressForm(request.args, meta={"csrf": False})
    if not form.validate():
        failure = lookup.LookupFailed(lookup.INVALID)
        body = {"error": failure.code, "message": failure.message,
                "fields": {name: [str(e) for e in errors] for name, errors in form.errors.items()}}
        return jsonify(body), 400
    try:
        found = lookup.resolve(form.data)
    except lookup.LookupFailed as error:
        return _failure(error)
    official, language = found.official, current_language()
    return jsonify({
        "district": found.district,
        "matched_address": found.matched_address,
        "officials": [{
            "office": official.office,
            "name": official.name,
            "title": official.title_es if language == "es" else official.title_en,
            "district": official.district,
        }],
    })


def init_app(app):
    app.register_blueprint(bp)
