"""The evaluation as a REFI-QDA project (.qdpx): the download, and the page that imports one.

- /research/codebooks/<pk>/project.qdpx: the codebook's project, for NVivo, QualCoder, ATLAS.ti or
  MAXQDA (redacted transcripts ready for coding, coders, codes, segments, memos). Audited in
  coproduce/research/services/project_exchange.py.
- /research/codebooks/<pk>/import/: upload a .qdpx another tool made; its coding becomes one
  team coder's segments. The transcripts offered are listed, so that list is audited.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coproduce.accounts.roles import Role
from coproduce.audit.context import audited_as_export
from coproduce.research.qdpx import MAX_QDPX_BYTES, QDPX_CONTENT_TYPE
from coproduce.research.selectors import codebooks_visible_to
from coproduce.research.selectors.project_exchange import project_transcripts, team_coders
from coproduce.research.services.coding import record_transcript_list_read
from coproduce.research.services.project_exchange import ImportResult, export_project_qdpx, import_project_qdpx
from coproduce.web.access import require_roles
from coproduce.web.forms import submitting
from coproduce.web.research.coding_forms import ProjectImportForm


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-") or "evaluation"


@audited_as_export
@require_roles(Role.EVALUATOR)
def research_project_qdpx(request: HttpRequest, pk: int) -> HttpResponse:
    """The codebook's evaluation project as a REFI-QDA project file (.qdpx)."""
    codebook, data = export_project_qdpx(actor=request.user, codebook_id=pk)
    response = HttpResponse(data, content_type=QDPX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_slug(codebook.name)}.qdpx"'
    return response


def _summary(result: ImportResult) -> str:
    coder = str(result.coder)
    parts = [
        f"{row.added} coded passage{'s' if row.added != 1 else ''} added to “{row.transcript.title}”"
        for row in result.transcripts
    ]
    message = f"Imported as {coder}'s coding: {'; '.join(parts)}."
    if result.already_there:
        message += (
            f" {result.already_there} coded passage{'s' if result.already_there != 1 else ''} {coder} already had "
            "with the same code were not added again."
        )
    if result.consensus_skipped:
        message += " Consensus codings in the file were left out: the consensus is settled here."
    if result.other_sources:
        message += (
            f" {result.other_sources} source{'s' if result.other_sources != 1 else ''} that are not text were left out."
        )
    return message


@require_roles(Role.EVALUATOR)
def research_project_import(request: HttpRequest, pk: int) -> HttpResponse:
    codebook = codebooks_visible_to(request.user).select_related("programme").filter(pk=pk).first()
    if codebook is None:
        raise Http404("No such codebook.")
    transcripts = project_transcripts(request.user, codebook)
    record_transcript_list_read(actor=request.user, transcripts=transcripts)
    coders = [(user.pk, str(user)) for user in team_coders(request.user)]
    posted = request.method == "POST"
    form = ProjectImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        transcripts=[(transcript.pk, transcript.title) for transcript in transcripts],
        coders=coders,
        initial={"coder": request.user.pk},
    )
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            upload = data["upload"]
            if upload.size is not None and upload.size > MAX_QDPX_BYTES:
                form.add_error("upload", "This .qdpx is bigger than 20 MB, far bigger than a project of transcripts.")
            else:
                with submitting(form) as submission:
                    result = import_project_qdpx(
                        actor=request.user,
                        codebook_id=codebook.pk,
                        data=upload.read(MAX_QDPX_BYTES + 1),
                        transcript_id=data["transcript"],
                        coder_id=data["coder"],
                        file_user=data["file_user"],
                    )
                if submission.ok:
                    messages.success(request, _summary(result))
                    if len(result.transcripts) == 1:
                        return redirect("web:research_transcript_compare", pk=result.transcripts[0].transcript.pk)
                    return redirect("web:research_coding")
    context = {
        "page_title": f"Import coding into {codebook.name}",
        "codebook": codebook,
        "form": form,
        "has_transcripts": bool(transcripts),
    }
    return render(request, "web/research/coding/project_import.html", context, status=status)
