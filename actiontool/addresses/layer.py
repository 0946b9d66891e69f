"""The county's address-point layer (ArcGIS REST), read page by page into a folder: the one client of that
service. Pages are asked by object id ("OBJECTID > the last one saved"), in longitude/latitude (outSR=4326), and
each is saved before the next is asked, so a download that stops (a failed page, a dropped connection, Ctrl-C)
goes on from where it stopped the next time it is run.
"""

import datetime as dt
import json
import os
import tempfile
from urllib.parse import urlsplit

import requests

from actiontool.config import USER_AGENT

DONE = "complete.json"
STARTED = "started.json"
# Saved pages older than this are not gone on with: the county republishes weekly, and a download must not mix
# two weeks' files.
KEEP_PAGES = dt.timedelta(days=2)


class LayerUnavailable(Exception):
    """A page could not be had; what was saved so far stays for the next run."""


class AddressLayer:
    def __init__(self, url, timeout=60, page_size=2000):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.page_size = page_size
        self.session = requests.Session()

    def _query(self, params):
        try:
            response = self.session.get(self.url + "/query", params=dict(params, f="json"), timeout=self.timeout,
                                        headers={"User-Agent": USER_AGENT})
        except requests.RequestException as error:
            raise LayerUnavailable(f"could not reach {urlsplit(self.url).netloc} ({error.__class__.__name__})") \
                from error
        if response.status_code != 200:
            raise LayerUnavailable(f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as error:
            raise LayerUnavailable("the answer is not JSON (cut short?)") from error
        if not isinstance(body, dict) or "error" in body:
            error = body.get("error") if isinstance(body, dict) else None
            said = error.get("message") if isinstance(error, dict) else error
            raise LayerUnavailable(f"the layer answered an error: {said}")
        return body

    def count(self):
        """How many points the layer holds."""
        count = self._query({"where": "1=1", "returnCountOnly": "true"}).get("count")
        if not isinstance(count, int):
            raise LayerUnavailable("the layer did not say how many points it holds")
        return count

    def page(self, after):
        """The features whose OBJECTID is above `after`, in order, and whether more remain."""
        body = self._query({"where": f"OBJECTID > {int(after)}", "outFields": "*", "orderByFields": "OBJECTID",
                            "resultRecordCount": self.page_size, "returnGeometry": "true", "outSR": "4326"})
        features = body.get("features")
        if not isinstance(features, list) or not all(
                isinstance(feature, dict) and isinstance(feature.get("attributes"), dict) for feature in features):
            raise LayerUnavailable("the answer's features are not the layer's points")
        return features, bool(body.get("exceededTransferLimit")) or len(features) >= self.page_size


def download(layer, folder, progress=None):
    """Save every page of `layer` in `folder` (page-00001.json, ...), going on from the last page saved.
    `progress(pages, points, total)` after each page. Returns the number of points saved; raises
    LayerUnavailable (the pages saved so far stay)."""
    os.makedirs(folder, exist_ok=True)
    if started_at(folder) is None:
        _write_json(os.path.join(folder, STARTED), {"started": dt.datetime.now(dt.timezone.utc).isoformat()})
    if os.path.exists(os.path.join(folder, DONE)):
        return _read_json(os.path.join(folder, DONE))["points"]
    total = layer.count()
    pages = saved_pages(folder)
    points, after = 0, 0
    for name in pages:
        features = _read_json(os.path.join(folder, name))["features"]
        points += len(features)
        after = max([after] + [feature["attributes"]["OBJECTID"] for feature in features])
    more = True
    while more:
        features, more = layer.page(after)
        if not features:
            break
        ids = [feature["attributes"].get("OBJECTID") for feature in features]
        if not all(isinstance(i, int) and i > after for i in ids):
            raise LayerUnavailable("the layer's object ids are missing or out of order")
        pages.append(f"page-{len(pages) + 1:05d}.json")
        _write_json(os.path.join(folder, pages[-1]), {"features": features})
        points, after = points + len(features), max(ids)
        if progress:
            progress(len(pages), points, total)
    if points < total:
        raise LayerUnavailable(f"the layer stopped at {points:,} of the {total:,} points it says it holds")
    _write_json(os.path.join(folder, DONE), {"points": points})
    return points


def ours(folder):
    """Whether `folder` may be used (and emptied) for a download: new, empty, or holding a download of ours."""
    return not os.path.isdir(folder) or not os.listdir(folder) or os.path.exists(os.path.join(folder, STARTED))


def clear(folder):
    """Remove a download: only the files a download writes, then the folder if nothing else is in it."""
    if not os.path.isdir(folder):
        return
    for name in os.listdir(folder):
        if name in (STARTED, DONE) or (name.startswith("page-") and name.endswith(".json")) or name.endswith(".tmp"):
            os.remove(os.path.join(folder, name))
    if not os.listdir(folder):
        os.rmdir(folder)


def started_at(folder):
    """When the download saved in `folder` began (aware UTC), or None when there is none."""
    try:
        return dt.datetime.fromisoformat(_read_json(os.path.join(folder, STARTED))["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def stale(folder, now=None):
    """Whether `folder` holds a download begun more than KEEP_PAGES ago: to start over."""
    begun = started_at(folder)
    return begun is not None and (now or dt.datetime.now(dt.timezone.utc)) - begun > KEEP_PAGES


def saved_pages(folder):
    return sorted(name for name in os.listdir(folder) if name.startswith("page-") and name.endswith(".json"))


def _read_json(path):
    with open(path, encoding="utf-8") as source:
        return json.load(source)


def _write_json(path, data):
    """Written whole or not at all: a page half-written by an interrupted run is never read as a page."""
    with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(path), delete=False, suffix=".tmp",
                                     encoding="utf-8") as out:
        json.dump(data, out)
    os.replace(out.name, path)
