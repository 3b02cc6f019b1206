"""Every PDF the service makes, drawn by WeasyPrint as tagged PDF/UA-1.

Tagged means a structure tree (headings, paragraphs, tables with their header cells) that a
screen reader follows, the document's language and a title shown instead of the file name:
someone who cannot see the page can still read the job-search log they must show at
Jobcentre Plus. The HTML must carry `<html lang="…">` and a `<title>`; WeasyPrint takes both.

A PDF never reaches outside the server: no web fonts, no remote images or stylesheets. The
template carries its own CSS and uses the system's fonts, and any URL it names is refused.
"""

from typing import Any

PDF_VARIANT = "pdf/ua-1"


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"PDFs load nothing from outside: {url} was refused.")


def tagged_pdf(html: str) -> bytes:
    """The HTML as a tagged PDF/UA-1 with a file identifier made from its content."""
    from weasyprint import HTML  # heavy to import, and only PDFs need it

    pdf: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=True)
    return pdf
