"""Real HTTP stand-ins, on 127.0.0.1, for the outside services the app calls.

census.py: the Census geocoder; county_layer.py: the county's council-district layer; address_layer.py: the
county's address-point layer (`actiontool addresses fetch`); geography.py: the synthetic districts they answer
about and the tests share; address_points.py: a synthetic county address file over those districts (the local
index's input, in the county's schema); http.py: the server plumbing and the failure modes. Each serves only
the questions the app asks (actiontool/lookup/, actiontool/addresses/layer.py), in the real service's format
(/work/shared/reference/external-services.md).
"""

from tests.fakes.census import GEOCODER_PATH
from tests.fakes.county_layer import LAYER_PATH
from tests.fakes.http import closed_port_url


class Closed:
    """A service that is down: the URLs of both stand-ins, at a port where nothing listens."""

    def __init__(self):
        root = closed_port_url()
        self.base_url = root + GEOCODER_PATH
        self.layer_url = root + LAYER_PATH
