"""Client for King County's council districts layer (ArcGIS REST FeatureServer)."""

import requests

from actiontool.lookup.service import ServiceUnavailable, get_json

FIELDS = "KCCDST,COUNCILMEM,EMAIL"


class DistrictLayer:
    """Answers which council district contains a point, and hands out all nine polygons."""

    def __init__(self, layer_url, timeout=5.0):
        self.layer_url = layer_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def _query(self, params):
        status, body = get_json(self.session, self.layer_url + "/query", params, self.timeout)
        if status != 200 or not isinstance(body, dict) or "error" in body:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            raise ServiceUnavailable(f"district layer: {error.get('message', status)}")
        return body

    def district_at(self, lon, lat):
        """The district ("1".."9") containing the WGS84 point, or None when outside them all."""
        body = self._query({
            "geometry": f"{lon},{lat}",
            "geometryType": "esriGeometryPoint",
            "inSR": "4326",
            "spatialRel": "esriSpatialRelIntersects",
            "outFields": FIELDS,
            "returnGeometry": "false",
            "f": "json",
        })
        features = body.get("features")
        if not isinstance(features, list):
            raise ServiceUnavailable("district layer: answer without features")
        if not features:
            return None
        return str(features[0]["attributes"]["KCCDST"]).strip()

    def fetch_geojson(self):
        """All districts as a GeoJSON FeatureCollection in WGS84."""
        return self._query({
            "where": "1=1",
            "outFields": FIELDS,
            "returnGeometry": "true",
            "outSR": "4326",
            "f": "geojson",
        })


    def members(self):
        """{district: {"name": COUNCILMEM, "email": EMAIL}} for every district, as the county lists them."""
        body = self._query({"where": "1=1", "outFields": FIELDS, "returnGeometry": "false", "f": "json"})
        features = body.get("features")
        if not isinstance(features, list):
            raise ServiceUnavailable("district layer: answer without features")
        members = {}
        for feature in features:
            attributes = feature.get("attributes") or {}
            district = str(attributes.get("KCCDST", "")).strip()
            members[district] = {"name": str(attributes.get("COUNCILMEM") or "").strip(),
                                 "email": str(attributes.get("EMAIL") or "").strip()}
        return members
