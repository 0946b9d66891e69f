"""The letter as a PDF: through the real routes, the real renderer and the real WeasyPrint.

Text is read back with pypdf, fonts are read out of the PDF with fontTools, the first
page is rasterised with pdftoppm, and a real HTTP server on 127.0.0.1 stands by to
catch any request the renderer might make on a supporter's behalf.
"""

import http.server
import io
import os
import re
import shutil
import struct
import subprocess
import threading
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pypdf
import pytest
import weasyprint
from babel.dates import format_date
from fontTools.ttLib import TTFont

import actiontool
from actiontool.letters.content import local_date
from actiontool.printing.pdf import StaticFilesOnly, renderer
from tests.helpers import submit_letter

STATIC = Path(actiontool.__file__).resolve().parent / "static"

OFFICIAL = "Jorge L. Barón"
SUPPORTER = "José Núñez"
SALUTATION = {"en": "Dear Councilmember Barón:", "es": "Estimado concejal Barón:"}
CLOSING = {"en": "Sincerely,", "es": "Atentamente,"}
ADDRESS_LINE = "516 Third Avenue, Room 1200"
# Accents, ñ, Spanish opening marks and Vietnamese stacked diacritics: every one must be
# drawn with a real glyph and come back out of the PDF unchanged.
NOTE = ("¿Por qué escribo? ¡Porque mi vecina Nguyễn Thị Hường, de Việt Nam, y la señora "
        "Peña viven aquí desde hace años!\n\nÀ bientôt — gracias.")
NOTE_PARAGRAPHS = [
    "¿Por qué escribo? ¡Porque mi vecina Nguyễn Thị Hường, de Việt Nam, y la señora "
    "Peña viven aquí desde hace años!",
    "À bientôt — gracias.",
]
US_LETTER = [0, 0, 612, 792]


# --- helpers -------------------------------------------------------------------------


def one_line(text):
    """Text with every run of whitespace (line breaks included) made one space."""
    return " ".join(text.split())


def no_space(text):
    return "".join(text.split())


def get_pdf(client, **fields):
    """Submit the letter form, then fetch the PDF link of the letter's preview."""
    submitted = submit_letter(client, **fields)
    assert submitted.status_code == 302, submitted.get_data(as_text=True)
    preview_url = submitted.headers["Location"]
    response = client.get(preview_url + ".pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def pages_text(pdf_bytes):
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    return [one_line(page.extract_text()) for page in reader.pages]


def page_of(pages, text):
    """The index of the first page holding `text`, or None."""
    for index, page in enumerate(pages):
        if text in page:
            return index
    return None


def expected_dates(language, *days):
    return {format_date(day, format="long", locale=language) for day in days}


def today_candidates():
    """The county dates a letter written in the last minute may carry (either side of midnight)."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    return {local_date(now), local_date(now - timedelta(minutes=1))}


def embedded_fonts(pdf_bytes):
    """(BaseFont, embedded TrueType program or None) for each font used on each page."""
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    fonts = []
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        for font in resources["/Font"].get_object().values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described["/FontDescriptor"].get_object()
            program = descriptor.get("/FontFile2")
            fonts.append((str(font["/BaseFont"]),
                          program.get_object().get_data() if program is not None else None))
    return fonts


class RecordingServer:
    """A real HTTP server on 127.0.0.1 that serves a tiny PNG and records every request."""

    PNG = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db0000000"
        "0049454e44ae426082")

    def __init__(self):
        self.requests = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                recorder.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(RecordingServer.PNG)))
                self.end_headers()
                self.wfile.write(RecordingServer.PNG)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def listener():
    with RecordingServer() as server:
        yield server


def require_tool(name):
    path = shutil.which(name)
    if path is None:
        if os.environ.get("ACTIONTOOL_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{name} is required (ACTIONTOOL_REQUIRE_TOOLS=1) but not installed")
        pytest.skip(f"{name} is not installed")
    return path


def png_pixels(path):
    """(width, height, [(r, g, b), ...]) of a PNG: Pillow if present, else a stdlib decoder."""
    try:
        from PIL import Image
    except ImportError:
        return decode_png(Path(path).read_bytes())
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        data = rgb.tobytes()
        return rgb.width, rgb.height, [tuple(data[i:i + 3]) for i in range(0, len(data), 3)]


def decode_png(data):
    """Decode an 8-bit, non-interlaced grey/RGB/RGBA PNG (what pdftoppm writes) with zlib."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, color_type, _, _, interlace = header
    assert depth == 8 and interlace == 0 and color_type in (0, 2, 6), header
    channels = {0: 1, 2: 3, 6: 4}[color_type]
    stride = width * channels
    raw = zlib.decompress(idat)
    previous = bytearray(stride)
    pixels = []
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, up_left = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + predictor) & 0xFF
        for x in range(width):
            values = line[x * channels:(x + 1) * channels]
            pixels.append((values[0],) * 3 if channels == 1 else tuple(values[:3]))
        previous = line
    return width, height, pixels


# --- the PDF route -------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es", "both"])
def test_pdf_link_serves_a_pdf_document_inline(client, language):
    response = get_pdf(client, letter_language=language)
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"] == (
        'inline; filename="letter-king-county-district-4.pdf"')
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("language, other", [("en", "es"), ("es", "en")])
def test_pdf_keeps_names_note_salutation_date_and_postal_address_in_its_language(
        client, language, other):
    response = get_pdf(client, letter_language=language, note=NOTE)
    pages = pages_text(response.data)
    text = " ".join(pages)

    assert OFFICIAL in text
    assert SUPPORTER in text
    for paragraph in NOTE_PARAGRAPHS:
        assert paragraph in text
    assert SALUTATION[language] in text
    assert SALUTATION[other] not in text
    assert ADDRESS_LINE in text
    assert any(d in pages[0] for d in expected_dates(language, *today_candidates())), pages[0]
    assert not any(d in text for d in expected_dates(other, *today_candidates()))


def test_both_pdf_is_the_signed_spanish_letter_then_its_english_translation(client):
    response = get_pdf(client, letter_language="both", note=NOTE)
    pages = pages_text(response.data)

    spanish_start = page_of(pages, SALUTATION["es"])
    spanish_end = page_of(pages, CLOSING["es"])
    english_start = page_of(pages, SALUTATION["en"])
    english_end = page_of(pages, CLOSING["en"])
    assert None not in (spanish_start, spanish_end, english_start, english_end), pages
    assert spanish_start == 0
    assert spanish_start <= spanish_end < english_start <= english_end
    assert pages[english_start].startswith("English translation")

    spanish, english = " ".join(pages[:english_start]), " ".join(pages[english_start:])
    # The letter itself: sender, date, recipient, note and signature, once, in Spanish.
    assert OFFICIAL in spanish and ADDRESS_LINE in spanish and SUPPORTER in spanish
    for paragraph in NOTE_PARAGRAPHS:
        assert paragraph in spanish and paragraph not in english
    assert any(d in spanish for d in expected_dates("es", *today_candidates()))
    # The translation: the text again in English, signed with the name, and nothing else repeated.
    assert SUPPORTER in english
    assert ADDRESS_LINE not in english and "100 Main St" not in english
    assert not any(d in english for d in expected_dates("en", *today_candidates()))
    assert SALUTATION["en"] not in spanish
    assert SALUTATION["es"] not in english


def test_every_page_is_us_letter(client):
    response = get_pdf(client, letter_language="both", note=NOTE)
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert [float(v) for v in page.mediabox] == US_LETTER


def test_pdf_link_of_an_unknown_token_is_the_404_page_not_a_500(client):
    response = client.get("/letters/no-such-letter-token.pdf")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Page not found" in response.get_data(as_text=True)


# --- what a supporter types is text, and never makes the server fetch anything --------


def test_html_and_script_typed_in_any_field_are_printed_literally_and_fetch_nothing(
        client, listener):
    image = f'<img src="{listener.base_url}/x.png">'
    fields = {
        "name": "<b>Ana</b><script>alert(1)</script>",
        "street": f'<i>1 Main</i>{image}',
        "city": "<u>Kent</u><script>x()</script>",
        "note": f"<b>bold</b><script>alert(1)</script>{image}"
                f'<link rel="stylesheet" href="{listener.base_url}/s.css">',
    }
    # District chosen by hand: the fake geocoder does not know this street.
    response = get_pdf(client, letter_language="both", district="4", **fields)
    text = no_space(" ".join(pages_text(response.data)))

    for value in fields.values():
        assert no_space(value) in text
    assert listener.requests == []


def test_renderer_refuses_remote_urls_even_in_raw_markup(app, listener):
    """Escaping aside, the app's renderer itself must not fetch anything off the machine."""
    url = listener.base_url
    html = f"""<!doctype html><html><head>
      <link rel="stylesheet" href="{url}/link.css">
      <style>@import url({url}/import.css);
        @font-face {{ font-family: X; src: url({url}/font.ttf); }}
        body {{ background: url({url}/background.png); font-family: X; }}</style>
      </head><body><p>Hello</p><img src="{url}/img.png">
      <object data="{url}/object.png"></object></body></html>"""
    with app.app_context():
        pdf = renderer().render(html)
    assert pdf.startswith(b"%PDF-")
    assert "Hello" in " ".join(pages_text(pdf))
    assert listener.requests == []


def test_the_recording_server_does_see_plain_weasyprint_fetch_an_image(listener):
    """Control for the two tests above: a zero count there is not for want of a listener."""
    weasyprint.HTML(string=f'<img src="{listener.base_url}/img.png">').write_pdf()
    assert listener.requests == ["/img.png"]


def test_static_files_only_serves_a_file_inside_the_static_folder():
    fetcher = StaticFilesOnly(STATIC)
    for name, content_type in (("pdf.css", "text/css"), ("fonts/DejaVuSerif.ttf", None)):
        path = STATIC / name
        for url in (path.as_uri(), "file://localhost" + path.as_uri()[len("file://"):]):
            response = fetcher.fetch(url)
            try:
                assert response.read() == path.read_bytes()
                if content_type:
                    assert response.content_type == content_type
            finally:
                response.close()


STATIC_URI = STATIC.as_uri()


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/x.png",
    "https://example.org/x.png",
    "ftp://example.org/x.png",
    "data:image/png;base64,iVBORw0KGgo=",
    "data:text/css,body{color:red}",
    "file:///etc/passwd",
    "file:/etc/passwd",
    "file://example.org" + STATIC.joinpath("pdf.css").as_posix(),
    STATIC_URI + "/" + "../" * 30 + "etc/passwd",
    STATIC_URI + "/" + "%2e%2e/" * 30 + "etc/passwd",
    STATIC_URI + "/fonts/" + "..%2f" * 30 + "etc/passwd",
    STATIC_URI + "/../../actiontool/pdf.py",
    STATIC_URI + "/",
    STATIC_URI + "/no-such-file.png",
    "fonts/DejaVuSerif.ttf",
])
def test_static_files_only_refuses_anything_but_a_static_file(url):
    with pytest.raises(ValueError, match="refused URL"):
        StaticFilesOnly(STATIC).fetch(url)


def test_static_files_only_refuses_a_sibling_folder_and_a_symlink_out(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.css").write_text("p {}")
    sibling = tmp_path / "static-secrets"
    sibling.mkdir()
    (sibling / "key.txt").write_text("secret")
    link = static / "link.txt"
    try:
        link.symlink_to(sibling / "key.txt")
    except OSError:
        link = None

    fetcher = StaticFilesOnly(static)
    assert fetcher.fetch((static / "ok.css").as_uri()).read() == b"p {}"
    with pytest.raises(ValueError, match="refused URL"):
        fetcher.fetch((sibling / "key.txt").as_uri())
    if link is not None:
        with pytest.raises(ValueError, match="refused URL"):
            fetcher.fetch(link.as_uri())


# --- what the page looks like --------------------------------------------------------


def test_first_page_is_rendered_with_visible_text_not_blank(client, tmp_path):
    pdftoppm = require_tool("pdftoppm")
    response = get_pdf(client, letter_language="en", note=NOTE)
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(response.data)
    subprocess.run([pdftoppm, "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    images = sorted(tmp_path.glob("page*.png"))
    assert len(images) == 1, images

    width, height, pixels = png_pixels(images[0])
    assert (width, height) == (425, 550)  # 8.5 x 11 in at 50 dpi
    inked = sum(1 for r, g, b in pixels if min(r, g, b) < 200)
    dark = sum(1 for r, g, b in pixels if max(r, g, b) < 60)
    share = inked / len(pixels)
    assert share > 0.005, f"page looks blank: {share:.2%} non-white"
    assert dark / len(pixels) < 0.5, "page is mostly dark"
    # Text sits inside the 1in side margins (50 px at 50 dpi), not off the page.
    margin = [pixels[y * width + x] for y in range(height) for x in range(0, 40)]
    assert all(min(p) > 200 for p in margin), "ink in the left margin"


def test_pdf_embeds_only_the_shipped_dejavu_serif_drawing_every_glyph(client):
    response = get_pdf(client, letter_language="both", note=NOTE)
    fonts = embedded_fonts(response.data)
    assert fonts
    shipped_family = TTFont(STATIC / "fonts" / "DejaVuSerif.ttf")["name"].getDebugName(1)
    assert shipped_family == "DejaVu Serif"
    for base_font, program in fonts:
        # "ABCDEF+Letter-Serif[-Bold]": the @font-face family of pdf.css, loaded from
        # static/fonts. A system font used as a fallback (a missing glyph) would show up
        # here under its own name.
        assert re.fullmatch(r"/[A-Z]{6}\+Letter-Serif(-Bold|-Italic)?", base_font), base_font
        assert program is not None, f"{base_font} is not embedded"
        embedded = TTFont(io.BytesIO(program))
        assert embedded["name"].getDebugName(1) == shipped_family
