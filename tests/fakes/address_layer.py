"""Stand-in for King County's address points served as an ArcGIS REST MapServer layer
(``/arcgis/rest/services/Address/KingCo_AddressPoints/MapServer/0``), holding the records of
address_points.county_points.

It serves ``GET {layer}?f=json`` (the layer's description: fields, ``maxRecordCount``) and the questions a
reader that copies the whole layer asks of ``{layer}/query``:

* how many: ``where=1=1&returnCountOnly=true&f=json`` -> ``{"count": N}``;
* a page, by object id: ``where=OBJECTID > 1234`` (or ``1=1``) ``&outFields=*`` (or a list of fields)
  ``&orderByFields=OBJECTID [ASC]&resultRecordCount=n[&resultOffset=m]&returnGeometry=true&outSR=4326&f=json``.
  At most ``max_record_count`` features come back; ``"exceededTransferLimit": true`` says more remain.
  Geometry is ``{"x": LON, "y": LAT}`` with ``outSR=4326``, else the layer's own State Plane feet
  (``POINT_X``, ``POINT_Y``, EPSG:2926).

ArcGIS reports what it cannot read with HTTP 200 and ``{"error": {"code": 400, ...}}``, and so does this
stand-in. Beyond the failures of http.FakeService: the query requests numbered (from 1, counting those that
reach the layer; ``reset_requests`` starts again) in ``fail_on_requests`` answer the 503 page of a proxy,
those in ``truncate_on_requests`` HTTP 200 with the body cut in half (not JSON).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from typing import Any

from tests.fakes.address_points import FIELDS
from tests.fakes.county_layer import arcgis_error_body
from tests.fakes.http import Answer, FakeService, json_answer, proxy_error

LAYER_PATH = "/arcgis/rest/services/Address/KingCo_AddressPoints/MapServer/0"
FIELD_TYPES = {"OBJECTID": "esriFieldTypeOID", "SITEID": "esriFieldTypeInteger", "ADDR_HN": "esriFieldTypeInteger",
               "LAT": "esriFieldTypeDouble", "LON": "esriFieldTypeDouble", "POINT_X": "esriFieldTypeDouble",
               "POINT_Y": "esriFieldTypeDouble"}
FIELD_DEFINITIONS = [{"name": name, "type": FIELD_TYPES.get(name, "esriFieldTypeString"), "alias": name,
                      **({} if name in FIELD_TYPES else {"length": 100})} for name in FIELDS]
AT = {name: i for i, name in enumerate(FIELDS)}


class _QueryError(Exception):
    pass


def _spatial_reference(wkid: int) -> dict[str, int]:
    return {"wkid": wkid, "latestWkid": wkid}


class FakeAddressLayer(FakeService):
    """``records``: dicts with every field of address_points.FIELDS (a generator will do: they are kept as
    tuples, in OBJECTID order)."""

    def __init__(self, records: Iterable[dict[str, Any]], max_record_count: int = 2000) -> None:
        super().__init__()
        self.rows = sorted((tuple(record[name] for name in FIELDS) for record in records), key=lambda r: r[0])
        self.object_ids = [row[0] for row in self.rows]
        self.max_record_count = max_record_count
        self.query_count = 0

    @property
    def layer_url(self) -> str:
        return self.root_url + LAYER_PATH

    def reset_failures(self) -> None:
        super().reset_failures()
        self.fail_on_requests: set[int] = set()
        self.truncate_on_requests: set[int] = set()

    def reset_requests(self) -> None:
        super().reset_requests()
        with self._lock:
            self.query_count = 0

    def respond(self, path: str, params: dict[str, str]) -> Answer:
        if path == LAYER_PATH and params.get("f") == "json":
            return json_answer(200, {"id": 0, "name": "Addresses in King County", "type": "Feature Layer",
                                     "geometryType": "esriGeometryPoint", "objectIdField": "OBJECTID",
                                     "maxRecordCount": self.max_record_count, "fields": FIELD_DEFINITIONS,
                                     "sourceSpatialReference": _spatial_reference(2926)})
        if path != LAYER_PATH + "/query":
            return json_answer(200, arcgis_error_body(["Invalid URL"], message="Invalid URL"))
        with self._lock:
            self.query_count += 1
            number = self.query_count
        if number in self.fail_on_requests:
            return proxy_error(503)
        try:
            answer = self._query(params)
        except _QueryError as error:
            answer = json_answer(200, arcgis_error_body([str(error)]))
        if number in self.truncate_on_requests:
            status, ctype, body = answer
            return status, ctype, body[:len(body) // 2]
        return answer

    def _query(self, params: dict[str, str]) -> Answer:
        if params.get("f") != "json":
            raise _QueryError(f"'f' parameter is invalid: {params.get('f', '')}")
        start = self._first_row(params.get("where", ""))
        if params.get("returnCountOnly") == "true":
            return json_answer(200, {"count": len(self.rows) - start})
        out_fields = [name.strip() for name in params.get("outFields", "OBJECTID").split(",") if name.strip()]
        out_fields = list(FIELDS) if out_fields == ["*"] else out_fields
        unknown = [name for name in out_fields if name not in AT]
        if unknown:
            raise _QueryError(f"'outFields' parameter is invalid: unknown field {unknown[0]}")
        order = " ".join(params.get("orderByFields", "").upper().split())
        if order not in ("", "OBJECTID", "OBJECTID ASC"):
            if order.split(" ")[0] in AT:
                raise NotImplementedError("only orderByFields=OBJECTID is served")
            raise _QueryError(f"'orderByFields' parameter is invalid: {order}")
        asked, offset = self._integer(params, "resultRecordCount"), self._integer(params, "resultOffset") or 0
        size = min(asked or self.max_record_count, self.max_record_count)
        start += offset
        page = self.rows[start:start + size]
        wkid = self._out_sr(params.get("outSR", ""))
        x, y = (AT["LON"], AT["LAT"]) if wkid == 4326 else (AT["POINT_X"], AT["POINT_Y"])
        geometry = params.get("returnGeometry", "true") != "false"
        features = []
        for row in page:
            feature: dict[str, Any] = {"attributes": {name: row[AT[name]] for name in out_fields}}
            if geometry:
                feature["geometry"] = {"x": row[x], "y": row[y]}
            features.append(feature)
        body: dict[str, Any] = {
            "displayFieldName": "ADDR_FULL", "objectIdFieldName": "OBJECTID", "geometryType": "esriGeometryPoint",
            "spatialReference": _spatial_reference(wkid),
            "fields": [definition for name in out_fields for definition in FIELD_DEFINITIONS
                       if definition["name"] == name],
            "features": features}
        if start + len(page) < len(self.rows):
            body["exceededTransferLimit"] = True
        return json_answer(200, body)

    def _first_row(self, where: str) -> int:
        """The index of the first row the where clause keeps (they keep every row after it)."""
        where = where.replace(" ", "")
        if where == "1=1":
            return 0
        after = re.fullmatch(r"OBJECTID>(\d+)", where, flags=re.IGNORECASE)
        if after:
            return bisect.bisect_right(self.object_ids, int(after.group(1)))
        raise _QueryError("'where' parameter is invalid" if where
                          else "Either 'where' or 'geometry' or 'objectIds' must be specified")

    @staticmethod
    def _integer(params: dict[str, str], name: str) -> int | None:
        if not params.get(name):
            return None
        if not params[name].isdigit():
            raise _QueryError(f"'{name}' parameter is invalid")
        return int(params[name])

    @staticmethod
    def _out_sr(out_sr: str) -> int:
        try:
            wkid = int(json.loads(out_sr)["wkid"]) if out_sr.startswith("{") else int(out_sr or 2926)
        except (ValueError, KeyError, TypeError):
            raise _QueryError(f"Invalid spatial reference: {out_sr}") from None
        if wkid not in (4326, 2926):
            raise NotImplementedError("outSR 4326 and 2926 are served")
        return wkid
