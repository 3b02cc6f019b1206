"""The language tag and text direction an HTML page or PDF declares, from a Django language code."""

from typing import Literal

from django.utils import translation


def html_lang(code: str | None = None) -> str:
    """BCP 47 as HTML and PDF/UA write it ("en-GB", "pl", "ar"), for `code` or the active language."""
    locale = translation.to_locale(code or translation.get_language() or "en-gb")
    return locale.replace("_", "-")


def text_direction(code: str | None = None) -> Literal["rtl", "ltr"]:
    """Right to left for Arabic and the other bidirectional languages Django knows, else left to right."""
    info = translation.get_language_info(code or translation.get_language() or "en-gb")
    return "rtl" if info["bidi"] else "ltr"
