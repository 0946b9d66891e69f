"""Who runs this tool, and how it looks: the campaign's identity, from settings, never from code.

Every value is a setting (ACTIONTOOL_CAMPAIGN_* in the environment, or CAMPAIGN_* in the instance
folder's settings.toml); the logo is a file in the instance folder. A colour that white text cannot be
read on is refused at start, so no campaign's palette can make a page unreadable.
"""

import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

SETTINGS = {
    "CAMPAIGN_NAME": "Stop ICE's Insecure Communities",
    # Who runs the tool: shown on every page.
    "CAMPAIGN_ORGANISATION": "Stop ICE's Insecure Communities",
    # The language the two names above are written in ("en" or "es"), so pages in the other one mark them.
    "CAMPAIGN_NAMES_LANGUAGE": "en",
    "CAMPAIGN_WEBSITE": "",
    # Empty: MAIL_FROM, the address letters and confirmations come from.
    "CAMPAIGN_CONTACT_EMAIL": "",
    # Empty: the contact email.
    "CAMPAIGN_PRIVACY_EMAIL": "",
    # A PNG, SVG, JPEG or WebP file in the instance folder; empty or missing: the name alone.
    "CAMPAIGN_LOGO": "logo.svg",
    # Buttons and links; the header. Each must hold white text at 4.5:1 or more.
    "CAMPAIGN_COLOUR": "#7a1f5c",
    "CAMPAIGN_COLOUR_DARK": "#5a1644",
    # The next step offered after a letter (an event sign-up...); no URL: none offered.
    "CAMPAIGN_NEXT_STEP_URL": "",
    "CAMPAIGN_NEXT_STEP_TEXT_EN": "",
    "CAMPAIGN_NEXT_STEP_TEXT_ES": "",
    # What a supporter's share message says before the link; empty: the built-in sentence.
    "CAMPAIGN_SHARE_TEXT_EN": "",
    "CAMPAIGN_SHARE_TEXT_ES": "",
    # Whether an event's print run adds, for each signer, a copy of their letter to the County Executive (who
    # has no public email): true or false.
    "CAMPAIGN_PACKETS_INCLUDE_EXECUTIVE": False,
}

LOGO_TYPES = {".png", ".svg", ".jpg", ".jpeg", ".webp"}
MIN_CONTRAST_WITH_WHITE = 4.5
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_EMAIL = re.compile(r"^[^@\s<>\"'?&]+@[^@\s<>\"'?&]+\.[^@\s<>\"'?&]+$")


class CampaignSettingError(ValueError):
    """A campaign setting the app cannot start with."""


@dataclass(frozen=True)
class Campaign:
    name: str
    organisation: str
    names_language: str
    website: str
    contact_email: str
    privacy_email: str
    logo_path: Path | None
    colour: str
    colour_dark: str
    next_step_url: str
    next_step_text: dict
    share_text: dict
    packets_include_executive: bool

    @property
    def logo_type(self):
        return mimetypes.guess_type(self.logo_path.name)[0] if self.logo_path else None


def load(config, instance_path):
    """The campaign from the app's settings, checked; raises CampaignSettingError."""
    for key in ("CAMPAIGN_COLOUR", "CAMPAIGN_COLOUR_DARK"):
        colour = str(config[key]).strip()
        if not _COLOUR.match(colour):
            raise CampaignSettingError(f"{key} must be a colour like #7a1f5c, not {colour!r}")
        if contrast(colour, "#ffffff") < MIN_CONTRAST_WITH_WHITE:
            raise CampaignSettingError(
                f"{key} {colour} is too light: white text on it has a contrast of "
                f"{contrast(colour, '#ffffff'):.1f}:1, and pages need {MIN_CONTRAST_WITH_WHITE}:1")
    contact = _email(config["CAMPAIGN_CONTACT_EMAIL"], "CAMPAIGN_CONTACT_EMAIL") or str(config["MAIL_FROM"]).strip()
    names_language = str(config["CAMPAIGN_NAMES_LANGUAGE"]).strip()
    if names_language not in ("en", "es"):
        raise CampaignSettingError(f"CAMPAIGN_NAMES_LANGUAGE must be en or es, not {names_language!r}")
    return Campaign(
        name=str(config["CAMPAIGN_NAME"]).strip(),
        organisation=str(config["CAMPAIGN_ORGANISATION"]).strip(),
        names_language=names_language,
        website=_web_address(config["CAMPAIGN_WEBSITE"], "CAMPAIGN_WEBSITE"),
        contact_email=contact,
        privacy_email=_email(config["CAMPAIGN_PRIVACY_EMAIL"], "CAMPAIGN_PRIVACY_EMAIL") or contact,
        logo_path=_logo(instance_path, str(config["CAMPAIGN_LOGO"]).strip()),
        colour=str(config["CAMPAIGN_COLOUR"]).strip().lower(),
        colour_dark=str(config["CAMPAIGN_COLOUR_DARK"]).strip().lower(),
        next_step_url=_web_address(config["CAMPAIGN_NEXT_STEP_URL"], "CAMPAIGN_NEXT_STEP_URL"),
        next_step_text={"en": str(config["CAMPAIGN_NEXT_STEP_TEXT_EN"]).strip(),
                        "es": str(config["CAMPAIGN_NEXT_STEP_TEXT_ES"]).strip()},
        share_text={"en": str(config["CAMPAIGN_SHARE_TEXT_EN"]).strip(),
                    "es": str(config["CAMPAIGN_SHARE_TEXT_ES"]).strip()},
        packets_include_executive=_yes_or_no(config["CAMPAIGN_PACKETS_INCLUDE_EXECUTIVE"],
                                             "CAMPAIGN_PACKETS_INCLUDE_EXECUTIVE"),
    )


def _yes_or_no(value, key):
    """A true/false setting: true or false in settings.toml; "true", "false", "1" or "0" in the environment
    (which Flask reads as JSON: true, false, 1, 0). Anything else ("yes", "2", "") is refused, not guessed."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("true", "1"):
        return True
    if word in ("false", "0"):
        return False
    raise CampaignSettingError(f"{key} must be true or false, not {value!r}")


def _email(value, key):
    """An address shown as mailto: on every page: one @, no spaces or markup characters, or empty."""
    value = str(value).strip()
    if value and not _EMAIL.match(value):
        raise CampaignSettingError(f"{key} must be an email address like letters@example.org, not {value!r}")
    return value


def _web_address(value, key):
    value = str(value).strip()
    if value and not value.startswith(("https://", "http://")):
        raise CampaignSettingError(f"{key} must start with https:// (or http://), not {value!r}")
    return value


def _logo(instance_path, name):
    """The logo file inside the instance folder, or None (no setting, no file, or not an image)."""
    if not name:
        return None
    folder = Path(instance_path).resolve()
    path = (folder / name).resolve()
    if folder not in path.parents:
        raise CampaignSettingError(f"CAMPAIGN_LOGO must name a file in the instance folder {folder}")
    if path.suffix.lower() not in LOGO_TYPES:
        raise CampaignSettingError(f"CAMPAIGN_LOGO must be one of {sorted(LOGO_TYPES)}, not {path.name!r}")
    return path if path.is_file() else None


def _luminance(colour):
    """WCAG 2 relative luminance of #rrggbb."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    """WCAG 2 contrast ratio of two #rrggbb colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
