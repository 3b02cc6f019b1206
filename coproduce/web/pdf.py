"""Printable PDFs, drawn by WeasyPrint from a Django template.

A PDF never reaches outside the server: no web fonts, no remote images or stylesheets. The
template carries its own CSS and uses the system's fonts, and any URL it names is refused.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from coproduce.core.languages import html_lang, text_direction


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"PDFs load nothing from outside: {url} was refused.")


def render_pdf(
    template_name: str, context: dict[str, Any], request: HttpRequest | None = None, *, language: str | None = None
) -> bytes:
    """The PDF in `language` (a participant's own documents are in theirs), else the page's language.

    The template declares it: <html lang="{{ html_lang }}" dir="{{ html_dir }}">.
    """
    from weasyprint import HTML  # heavy to import, and only PDFs need it

    with translation.override(language or translation.get_language()):
        page = {"html_lang": html_lang(), "html_dir": text_direction()}
        html = render_to_string(template_name, {**context, **page}, request=request)
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
