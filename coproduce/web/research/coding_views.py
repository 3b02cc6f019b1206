"""The evaluator's codebook, coding page, comparison of coders and consensus.

Rules live in coproduce/research/services/coding.py. Coding is independent: the coding page
shows the coder only their own segments; everyone's are side by side on the comparison page.
Every page showing a transcript's words or segments is audited against its interviewee.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.research.models import Code, Codebook, Theme, Transcript
from coproduce.research.selectors import codebooks_visible_to, codes_visible_to, own_segments, segments_visible_to
from coproduce.research.selectors.coding import (
    PassageComparison,
    coding_transcripts,
    compare_coders,
    transcripts_to_code,
)
from coproduce.research.services.coding import (
    StillRedacting,
    apply_code,
    create_code,
    create_codebook,
    create_theme,
    move_theme,
    record_transcript_list_read,
    record_transcript_read,
    remove_segment,
    settle_consensus,
    transcript_for_coding,
    update_code,
    update_codebook,
    update_theme,
)
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import submitting
from coproduce.web.pagination import paginate
from coproduce.web.research.coding_forms import (
    ApplyCodeForm,
    CodebookEditForm,
    CodebookForm,
    CodeEditForm,
    CodeForm,
    ConsensusForm,
    EmergentCodeForm,
    ThemeEditForm,
    ThemeForm,
)
from coproduce.web.research.scope import programme_context, programme_id_of

TRANSCRIPTS_PER_PAGE = 25
evaluators_only = require_roles(Role.EVALUATOR)


# ---- the code tree ------------------------------------------------------------------------------


@dataclass
class TreeCode:
    code: Code
    depth: int
    parent_name: str

    @property
    def indent_class(self) -> str:
        return f"govuk-!-margin-left-{min(self.depth * 4, 9)}" if self.depth else ""


@dataclass
class ThemeGroup:
    theme: Theme | None
    codes: list[TreeCode] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.theme.name if self.theme else "Codes without a theme"


@dataclass
class CodebookTree:
    codebook: Codebook
    groups: list[ThemeGroup]
    themes: list[Theme]
    codes: list[TreeCode]


def _tree_order(codes: list[Code]) -> list[TreeCode]:
    """Codes depth first, siblings by name, each with its depth and its parent's name."""
    children: dict[int | None, list[Code]] = defaultdict(list)
    by_id = {code.pk: code for code in codes}
    for code in codes:
        # A parent outside the list cannot happen (same codebook), but never lose a code to it.
        children[code.parent_id if code.parent_id in by_id else None].append(code)
    ordered: list[TreeCode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for code in sorted(children.get(parent_id, []), key=lambda row: (row.name.lower(), row.pk)):
            parent = by_id.get(code.parent_id) if code.parent_id else None
            ordered.append(TreeCode(code=code, depth=depth, parent_name=parent.name if parent else ""))
            walk(code.pk, depth + 1)

    walk(None, 0)
    return ordered


def codebook_trees(codebooks: Iterable[Codebook], actor: ActingUser) -> list[CodebookTree]:
    """Each codebook's themes (in order) with their codes as a tree, in three queries whatever the size."""
    codebooks = list(codebooks)
    ids = [codebook.pk for codebook in codebooks]
    themes_by_book: dict[int, list[Theme]] = defaultdict(list)
    for theme in Theme.objects.filter(codebook_id__in=ids).order_by("position", "name", "pk"):
        themes_by_book[theme.codebook_id].append(theme)
    codes_by_book: dict[int, list[Code]] = defaultdict(list)
    for code in codes_visible_to(actor).filter(codebook_id__in=ids).select_related("created_by"):
        codes_by_book[code.codebook_id].append(code)
    trees = []
    for codebook in codebooks:
        themes = themes_by_book[codebook.pk]
        ordered = _tree_order(codes_by_book[codebook.pk])
        groups = {theme.pk: ThemeGroup(theme=theme) for theme in themes}
        loose = ThemeGroup(theme=None)
        for row in ordered:
            groups.get(row.code.theme_id or 0, loose).codes.append(row)
        trees.append(
            CodebookTree(
                codebook=codebook,
                groups=[*groups.values(), *([loose] if loose.codes else [])],
                themes=themes,
                codes=ordered,
            )
        )
    return trees


def _codebook_or_404(request: HttpRequest, pk: int) -> Codebook:
    codebook = codebooks_visible_to(request.user).filter(pk=pk).first()
    if codebook is None:
        raise Http404("No such codebook.")
    return codebook


def _tree_for(request: HttpRequest, codebook: Codebook) -> CodebookTree:
    return codebook_trees([codebook], request.user)[0]


def _post_or_none(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# ---- the codebook -------------------------------------------------------------------------------


@evaluators_only
def codebook(request: HttpRequest) -> HttpResponse:
    """Every codebook as a tree by theme, with definitions; emergent codes say who added them and when."""
    books = codebooks_visible_to(request.user, programme_id=programme_id_of(request))
    trees = codebook_trees(books.order_by("name", "pk"), request.user)
    context = {"page_title": "Codebook", "trees": trees, **programme_context(request)}
    return render(request, "web/research/coding/codebook.html", context)


def _form_page(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    return render(request, f"web/research/coding/{template}", context, status=status)


def _codebook_form_page(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], tuple[str, str]],
    *,
    title: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Validate, save through `save` (which gives the message to show and the codebook page's anchor to
    go back to), or show why not on the form again (a stale version reaches the conflict page)."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with submitting(form) as submission:
                message, anchor = save(dict(form.cleaned_data))
            if submission.ok:
                messages.success(request, message)
                return redirect(reverse("web:research_codebook") + f"#{anchor}")
    return _form_page(request, "form.html", {"page_title": title, "form": form, **(extra or {})}, status=status)


@evaluators_only
def codebook_add(request: HttpRequest) -> HttpResponse:
    # The codebook is for the programme the page shows (the programme switcher changes it).
    form = CodebookForm(_post_or_none(request))

    def save(data: dict[str, Any]) -> tuple[str, str]:
        created = create_codebook(
            actor=request.user,
            programme_id=programme_id_of(request),
            name=data["name"],
            description=data["description"],
        )
        return f"The codebook {created.name} is ready for themes and codes.", f"codebook-{created.pk}"

    return _codebook_form_page(request, form, save, title="Start a codebook", extra=programme_context(request))


@conflict_back_label("See the codebook as it is now")
@evaluators_only
def codebook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    book = _codebook_or_404(request, pk)
    initial = {"name": book.name, "description": book.description, "version": book.version}
    form = CodebookEditForm(_post_or_none(request), initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        version = data.pop("version")
        update_codebook(actor=request.user, codebook_id=book.pk, expected_version=version, changes=data)
        return "Saved.", f"codebook-{book.pk}"

    return _codebook_form_page(request, form, save, title=f"Change {book.name}")


@evaluators_only
def theme_add(request: HttpRequest, pk: int) -> HttpResponse:
    book = _codebook_or_404(request, pk)
    form = ThemeForm(_post_or_none(request))

    def save(data: dict[str, Any]) -> tuple[str, str]:
        theme = create_theme(actor=request.user, codebook_id=book.pk, **data)
        return f"Added the theme {theme.name}.", f"theme-{theme.pk}"

    return _codebook_form_page(request, form, save, title=f"Add a theme to {book.name}")


def _theme_or_404(request: HttpRequest, pk: int) -> Theme:
    theme = Theme.objects.filter(codebook__in=codebooks_visible_to(request.user), pk=pk).first()
    if theme is None:
        raise Http404("No such theme.")
    return theme


@conflict_back_label("See the theme as it is now")
@evaluators_only
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _theme_or_404(request, pk)
    initial = {"name": theme.name, "description": theme.description, "version": theme.version}
    form = ThemeEditForm(_post_or_none(request), initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        version = data.pop("version")
        update_theme(actor=request.user, theme_id=theme.pk, expected_version=version, changes=data)
        return "Saved.", f"theme-{theme.pk}"

    return _codebook_form_page(request, form, save, title=f"Change the theme {theme.name}")


@evaluators_only
@require_POST
def theme_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a theme up or down the codebook (two buttons beside each theme)."""
    theme = _theme_or_404(request, pk)
    by = -1 if request.POST.get("direction") == "up" else 1
    move_theme(actor=request.user, theme_id=theme.pk, by=by)
    return redirect(reverse("web:research_codebook") + f"#theme-{theme.pk}")


def _code_choices(tree: CodebookTree, *, leave_out: Code | None = None) -> list[tuple[int, str]]:
    """Codes to put another under: the whole tree, less the code itself and its own sub-codes."""
    choices = []
    skipping_below: int | None = None
    for row in tree.codes:
        if skipping_below is not None and row.depth > skipping_below:
            continue
        skipping_below = None
        if leave_out is not None and row.code.pk == leave_out.pk:
            skipping_below = row.depth
            continue
        choices.append((row.code.pk, ("— " * row.depth) + row.code.name))
    return choices


@evaluators_only
def code_add(request: HttpRequest, pk: int) -> HttpResponse:
    book = _codebook_or_404(request, pk)
    tree = _tree_for(request, book)
    form = CodeForm(
        _post_or_none(request),
        themes=[(theme.pk, theme.name) for theme in tree.themes],
        parents=_code_choices(tree),
        initial={"theme_id": request.GET.get("theme", "")},
    )

    def save(data: dict[str, Any]) -> tuple[str, str]:
        code = create_code(actor=request.user, codebook_id=book.pk, **data)
        return f"Added the code {code.name}.", f"code-{code.pk}"

    return _codebook_form_page(request, form, save, title=f"Add a code to {book.name}")


@conflict_back_label("See the code as it is now")
@evaluators_only
def code_edit(request: HttpRequest, pk: int) -> HttpResponse:
    code = codes_visible_to(request.user).filter(pk=pk).select_related("codebook").first()
    if code is None:
        raise Http404("No such code.")
    tree = _tree_for(request, code.codebook)
    initial = {
        "name": code.name,
        "definition": code.definition,
        "theme_id": code.theme_id or "",
        "parent_id": code.parent_id or "",
        "colour": code.colour,
        "version": code.version,
    }
    form = CodeEditForm(
        _post_or_none(request),
        themes=[(theme.pk, theme.name) for theme in tree.themes],
        parents=_code_choices(tree, leave_out=code),
        initial=initial,
    )

    def save(data: dict[str, Any]) -> tuple[str, str]:
        version = data.pop("version")
        update_code(actor=request.user, code_id=code.pk, expected_version=version, changes=data)
        return "Saved.", f"code-{code.pk}"

    return _codebook_form_page(request, form, save, title=f"Change the code {code.name}")


# ---- coding -------------------------------------------------------------------------------------


@evaluators_only
def coding_list(request: HttpRequest) -> HttpResponse:
    """Transcripts ready for coding, with how much the signed-in coder has coded and how many coders have."""
    to_code = transcripts_to_code(request.user, programme_id=programme_id_of(request))
    pages = paginate(request, to_code, TRANSCRIPTS_PER_PAGE)
    transcripts = list(pages.page.object_list)
    record_transcript_list_read(actor=request.user, transcripts=transcripts)
    context = {"page_title": "Coding", "pages": pages, "transcripts": transcripts, **programme_context(request)}
    return render(request, "web/research/coding/coding_list.html", context)


@dataclass(frozen=True)
class Paragraph:
    offset: int
    text: str


def paragraphs_of(text: str) -> list[Paragraph]:
    """The text by line, each with where it starts, so a selection maps back to exact offsets."""
    paragraphs = []
    offset = 0
    for line in text.split("\n"):
        paragraphs.append(Paragraph(offset=offset, text=line))
        offset += len(line) + 1
    return paragraphs


def _coding_transcript(request: HttpRequest, pk: int) -> Transcript | HttpResponse:
    """The transcript, or the page saying it cannot be coded yet; 404 if this evaluator may not see it."""
    try:
        return transcript_for_coding(request.user, pk)
    except StillRedacting:
        # Still being redacted: say so, and show none of its words.
        transcript = coding_transcripts(request.user).get(pk=pk)
        context = {"page_title": "Not ready for coding", "transcript": transcript}
        return render(request, "web/research/coding/not_ready.html", context, status=409)


def _programme_codebook(request: HttpRequest, transcript: Transcript) -> tuple[list[Codebook], Codebook | None]:
    books = list(
        codebooks_visible_to(request.user).filter(programme_id=transcript.wave.programme_id).order_by("name", "pk")
    )
    wanted = request.POST.get("codebook") or request.GET.get("codebook")
    chosen = next((book for book in books if str(book.pk) == wanted), books[0] if books else None)
    return books, chosen


def _coding_url(transcript: Transcript, book: Codebook | None) -> str:
    url = reverse("web:research_transcript_code", args=[transcript.pk])
    return f"{url}?codebook={book.pk}" if book is not None else url


@evaluators_only
def transcript_code(request: HttpRequest, pk: int) -> HttpResponse:
    """Code a transcript: its words by paragraph, the coder's own segments, and the form to apply codes."""
    found = _coding_transcript(request, pk)
    if isinstance(found, HttpResponse):
        return found
    transcript = found
    books, book = _programme_codebook(request, transcript)
    tree = _tree_for(request, book) if book is not None else None
    code_ids = [row.code.pk for row in tree.codes] if tree else []
    themes = [(theme.pk, theme.name) for theme in tree.themes] if tree else []
    action = request.POST.get("action") if request.method == "POST" else None
    apply_form = ApplyCodeForm(request.POST if action == "apply" else None, code_ids=code_ids)
    new_code_form = EmergentCodeForm(request.POST if action == "new_code" else None, themes=themes)
    status = 200
    if action == "apply":
        status = 400
        if apply_form.is_valid():
            data = apply_form.cleaned_data
            with submitting(apply_form) as submission:
                segments = apply_code(
                    actor=request.user,
                    transcript_id=transcript.pk,
                    code_ids=data["codes"],
                    passage=data["passage"],
                    start=data["start"],
                    memo=data["memo"],
                )
            if submission.ok:
                names = ", ".join(segment.code.name for segment in segments)
                messages.success(request, f"Coded “{segments[0].text}” as {names}.")
                return redirect(_coding_url(transcript, book))
    elif action == "new_code" and book is not None:
        status = 400
        if new_code_form.is_valid():
            with submitting(new_code_form) as submission:
                code = create_code(
                    actor=request.user,
                    codebook_id=book.pk,
                    emergent=True,
                    **new_code_form.cleaned_data,
                )
            if submission.ok:
                messages.success(request, f"Added the code {code.name} to {book.name}. You can apply it now.")
                return redirect(_coding_url(transcript, book) + "#coding-form")
    own = list(own_segments(request.user, transcript))
    record_transcript_read(actor=request.user, transcript=transcript)
    checked = {int(value) for value in apply_form["codes"].value() or [] if str(value).isdigit()}
    context = {
        "page_title": f"Code {transcript.title}",
        "transcript": transcript,
        "paragraphs": paragraphs_of(transcript.text),
        "books": books,
        "book": book,
        "tree": tree,
        "apply_form": apply_form,
        "checked": checked,
        "new_code_form": new_code_form,
        "segments": own,
        "forms_with_errors": [form for form in (apply_form, new_code_form) if form.errors],
    }
    return render(request, "web/research/coding/transcript_code.html", context, status=status)


@evaluators_only
@require_POST
def segment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """A coder removes one of their own segments, then goes back to the coding page."""
    transcript_id = segments_visible_to(request.user).filter(pk=pk).values_list("transcript_id", flat=True).first()
    if transcript_id is None:
        raise Http404("No such coded segment.")
    remove_segment(actor=request.user, segment_id=pk)
    messages.success(request, "Removed the code from that passage.")
    back = request.POST.get("codebook", "")
    url = reverse("web:research_transcript_code", args=[transcript_id])
    return redirect(f"{url}?codebook={back}" if back.isdigit() else url)


# ---- comparing and settling ---------------------------------------------------------------------


@dataclass
class PassageRow:
    comparison: PassageComparison
    checked: set[int]
    # Codes of the codebook nobody applied here, offered apart in case the coders settle on one.
    others: list[Code] = field(default_factory=list)
    form: ConsensusForm | None = None


@evaluators_only
def transcript_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Each passage anyone coded, every coder's codes side by side, agree or differ, and the consensus."""
    found = _coding_transcript(request, pk)
    if isinstance(found, HttpResponse):
        return found
    transcript = found
    status = 200
    posted: ConsensusForm | None = None
    all_codes = list(
        codes_visible_to(request.user)
        .filter(codebook__programme_id=transcript.wave.programme_id)
        .order_by("name", "pk")
    )
    if request.method == "POST":
        posted = ConsensusForm(request.POST, code_ids=[code.pk for code in all_codes])
        status = 400
        if posted.is_valid():
            data = posted.cleaned_data
            with submitting(posted) as submission:
                settled = settle_consensus(
                    actor=request.user,
                    transcript_id=transcript.pk,
                    start=data["start"],
                    end=data["end"],
                    code_ids=data["codes"],
                )
            if submission.ok:
                names = ", ".join(segment.code.name for segment in settled) or "no code"
                messages.success(request, f"Settled the consensus for that passage: {names}.")
                url = reverse("web:research_transcript_compare", args=[transcript.pk])
                return redirect(f"{url}#passage-{data['start']}-{data['end']}")
    comparisons = compare_coders(request.user, transcript)
    rows = []
    for comparison in comparisons:
        chosen = comparison.consensus if comparison.consensus is not None else comparison.everyone
        offered = {code.pk for code in comparison.offered}
        row = PassageRow(
            comparison=comparison,
            checked={code.pk for code in chosen},
            others=[code for code in all_codes if code.pk not in offered],
        )
        if posted is not None and (posted.data.get("start"), posted.data.get("end")) == (
            str(comparison.start),
            str(comparison.end),
        ):
            row.form = posted
            row.checked = {int(value) for value in request.POST.getlist("codes") if value.isdigit()}
        rows.append(row)
    record_transcript_read(actor=request.user, transcript=transcript)
    coders = rows[0].comparison.by_coder if rows else []
    context = {
        "page_title": f"Compare coders: {transcript.title}",
        "transcript": transcript,
        "rows": rows,
        "coders": coders,
        "agree_count": sum(1 for row in rows if row.comparison.status == "agree"),
        "differ_count": sum(1 for row in rows if row.comparison.status == "differ"),
        "consensus": [row.comparison for row in rows if row.comparison.consensus is not None],
        "posted": posted,
    }
    return render(request, "web/research/coding/transcript_compare.html", context, status=status)
