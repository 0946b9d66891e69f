"""Rendering letters to PDF with WeasyPrint: a pure function from HTML to bytes.

The renderer is built once per app and reused: one FontConfiguration, one
parsed print stylesheet, one image cache. Its URL fetcher hands out the app's
own static files and refuses every other URL, so nothing a supporter types can
make the server fetch anything.
"""

import ctypes.util
import logging
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from flask import current_app, render_template
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

STYLESHEET = "pdf.css"


class StaticFilesOnly(URLFetcher):
    """A URL fetcher that serves files under one folder and refuses everything else."""

    def __init__(self, folder):
        super().__init__(allowed_protocols=("file",))
        self.folder = Path(folder).resolve()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused URL (only the app's static files): {parts.scheme}:")
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.folder) or not path.is_file():
            raise ValueError("refused URL (only the app's static files)")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


class PdfRenderer:
    """Turns a complete HTML document into US-Letter PDF bytes."""

    def __init__(self, static_folder):
        self.static_folder = Path(static_folder).resolve()
        self.base_url = self.static_folder.as_uri() + "/"
        self.url_fetcher = StaticFilesOnly(self.static_folder)
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(filename=str(self.static_folder / STYLESHEET),
                              url_fetcher=self.url_fetcher, font_config=self.font_config)
        self.cache = {}

    def render(self, html):
        document = HTML(string=html, base_url=self.base_url, url_fetcher=self.url_fetcher)
        return document.write_pdf(stylesheets=[self.stylesheet], font_config=self.font_config,
                                  cache=self.cache)


def harfbuzz_subset_available():
    """WeasyPrint subsets fonts ~6x faster with libharfbuzz-subset (Debian libharfbuzz-subset0)."""
    return ctypes.util.find_library("harfbuzz-subset") is not None


def renderer():
    """The app's PdfRenderer, built on first use."""
    extensions = current_app.extensions
    if "pdf_renderer" not in extensions:
        extensions["pdf_renderer"] = PdfRenderer(current_app.static_folder)
    return extensions["pdf_renderer"]


def letter_pdf(letter, letter_html):
    """The PDF of a composed letter (see letters.content.compose)."""
    document = render_template("pdf/letter.html", letter=letter, letter_html=letter_html)
    return renderer().render(document)


def init_app(app):
    if not harfbuzz_subset_available():
        log.warning(
            "libharfbuzz-subset is not installed: each PDF will take several times longer. "
            "Install it (Debian/Ubuntu: apt-get install libharfbuzz-subset0)."
        )
