"""The one way this app calls an outside web service: GET, JSON, a timeout, one retry."""

import requests

from actiontool.config import USER_AGENT


class ServiceUnavailable(Exception):
    """The service did not answer usefully in time; the user chooses by hand or comes back later."""


def get_json(session, url, params, timeout):
    """GET url and return its JSON body.

    A connection error (refused, reset, dropped) is retried once; a timeout is
    not, since a slow service would only keep the supporter waiting twice as long.
    Any failure becomes ServiceUnavailable, never an exception of `requests`.
    """
    for attempt in (1, 2):
        try:
            response = session.get(url, params=params, timeout=timeout,
                                   headers={"User-Agent": USER_AGENT})
            break
        except requests.Timeout as error:
            raise ServiceUnavailable(f"{url}: timed out") from error
        except requests.ConnectionError as error:
            if attempt == 2:
                raise ServiceUnavailable(f"{url}: connection failed") from error
    if response.status_code >= 500:
        raise ServiceUnavailable(f"{url}: HTTP {response.status_code}")
    try:
        return response.status_code, response.json()
    except ValueError as error:
        raise ServiceUnavailable(f"{url}: answer is not JSON") from error
