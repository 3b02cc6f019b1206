"""Printable PDFs, drawn from a Django template as tagged PDF/UA (coproduce.core.pdf)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from coproduce.core.languages import html_lang, text_direction
from coproduce.core.pdf import tagged_pdf


def render_pdf(
    template_name: str, context: dict[str, Any], request: HttpRequest | None = None, *, language: str | None = None
) -> bytes:
    """The PDF in `language` (a participant's own documents are in theirs), else the page's language.

    The template declares it, <html lang="{{ html_lang }}" dir="{{ html_dir }}">, and has a <title>: the PDF's
    language and title, which PDF/UA requires.
    """
    with translation.override(language or translation.get_language()):
        page = {"html_lang": html_lang(), "html_dir": text_direction()}
        html = render_to_string(template_name, {**context, **page}, request=request)
    return tagged_pdf(html)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
