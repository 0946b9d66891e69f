"""Stand-in for King County's council-district layer, an ArcGIS REST FeatureServer layer
(https://services.arcgis.com/Ej0PsM5Aw677QF1W/arcgis/rest/services/KCCDST_AREA_185/FeatureServer/0).

It serves the three questions the app asks of ``{layer}/query`` (actiontool/lookup/county_layer.py):

* which district holds a point: ``geometry={lon},{lat}&geometryType=esriGeometryPoint&inSR=4326
  &spatialRel=esriSpatialRelIntersects&outFields=KCCDST,COUNCILMEM,EMAIL&returnGeometry=false&f=json``;
* every district's member: ``where=1=1&outFields=...&returnGeometry=false&f=json``;
* every district's polygon: ``where=1=1&outFields=...&returnGeometry=true&outSR=4326&f=geojson``.

The ``f=json`` answers are ``{"features": [{"attributes": {...}}]}``; ArcGIS reports a failure with
HTTP 200 and ``{"error": {"code": 400, "message": ..., "details": [...]}}``, and so does this stand-in
for a question it cannot read, or for every question while ``arcgis_error`` is set.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.fakes.geography import DISTRICT_BOUNDS, Rect, district_attributes, districts_at, districts_geojson
from tests.fakes.http import Answer, FakeService, json_answer

LAYER_PATH = "/arcgis/rest/services/KCCDST_AREA_185/FeatureServer/0"
FIELDS = ("OBJECTID", "KCCDST", "COUNCILMEM", "EMAIL")


def arcgis_error_body(details: list[str], message: str = "Unable to complete operation.") -> dict[str, Any]:
    return {"error": {"code": 400, "message": message, "details": details}}


class _QueryError(Exception):
    pass


class FakeCountyLayer(FakeService):
    """``bounds`` (district -> square) answers the ``f=json`` questions; ``geojson`` is served as is to
    the ``f=geojson`` one (replace it to serve bad data)."""

    def __init__(self, bounds: dict[str, Rect] | None = None, geojson: Any = None) -> None:
        super().__init__()
        self.bounds = dict(DISTRICT_BOUNDS if bounds is None else bounds)
        self.geojson: Any = districts_geojson() if geojson is None else geojson

    @property
    def layer_url(self) -> str:
        return self.root_url + LAYER_PATH

    def reset_failures(self) -> None:
        super().reset_failures()
        self.arcgis_error = False

    def respond(self, path: str, params: dict[str, str]) -> Answer:
        if path != LAYER_PATH + "/query":
            return json_answer(200, arcgis_error_body(["Invalid URL"], message="Invalid URL"))
        if self.arcgis_error:
            return json_answer(200, arcgis_error_body(["Unable to perform query. Please check your parameters."]))
        try:
            return self._query(params)
        except _QueryError as error:
            return json_answer(200, arcgis_error_body([str(error)]))

    def _query(self, params: dict[str, str]) -> Answer:
        fmt = params.get("f", "")
        if fmt not in ("json", "geojson"):
            raise _QueryError(f"'f' parameter is invalid: {fmt}")
        out_fields = [name.strip() for name in params.get("outFields", "").split(",") if name.strip()]
        unknown = [name for name in out_fields if name not in FIELDS]
        if unknown:
            raise _QueryError(f"'outFields' parameter is invalid: unknown field {unknown[0]}")
        if params.get("geometry"):
            districts = self._at_point(params)
        elif params.get("where", "").replace(" ", "") == "1=1":
            districts = list(self.bounds)
        else:
            raise _QueryError("'where' parameter is invalid" if params.get("where")
                              else "Either 'where' or 'geometry' or 'objectIds' must be specified")
        geometry = params.get("returnGeometry", "true") != "false"
        if fmt == "geojson":
            if params.get("geometry") or not geometry:
                raise NotImplementedError("f=geojson is served for the app's where=1=1 question only")
            return json_answer(200, copy.deepcopy(self.geojson), ctype="application/geo+json")
        if geometry:
            raise NotImplementedError("f=json is served with returnGeometry=false only")
        features = []
        for district in districts:
            values = {"OBJECTID": int(district), **district_attributes(district)}
            features.append({"attributes": {name: values[name] for name in out_fields or ["OBJECTID"]}})
        return json_answer(200, {"objectIdFieldName": "OBJECTID", "features": features})

    def _at_point(self, params: dict[str, str]) -> list[str]:
        if params.get("geometryType") != "esriGeometryPoint":
            raise _QueryError("Invalid geometry for geometryType " + params.get("geometryType", "esriGeometryEnvelope"))
        if params.get("spatialRel", "esriSpatialRelIntersects") != "esriSpatialRelIntersects":
            raise NotImplementedError("only esriSpatialRelIntersects is served")
        try:
            lon, lat = (float(v) for v in params["geometry"].split(","))
        except ValueError:
            raise _QueryError("Invalid geometry: unable to parse coordinates") from None
        if params.get("inSR", "2926") == "2926":
            return []  # read in the layer's own State Plane feet, degrees are nowhere near a district
        if params["inSR"] != "4326":
            raise _QueryError(f"Invalid spatial reference: {params['inSR']}")
        return districts_at(lon, lat, self.bounds)
