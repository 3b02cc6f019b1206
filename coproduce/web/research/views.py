"""The evaluator's home: the workspace's parts, where the work stands, and research consent by area, of the
programme the evaluator chose (coproduce/web/research/scope.py)."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coproduce.accounts.roles import Role
from coproduce.reporting.selectors import research_consent_counts
from coproduce.reporting.suppression import THRESHOLD
from coproduce.reporting.tables import area_report
from coproduce.research.models import Interview, Transcript
from coproduce.research.selectors import interviews_visible_to, segments_visible_to, transcripts_visible_to
from coproduce.web.access import require_roles
from coproduce.web.research.scope import programme_context, programme_id_of


@require_roles(Role.EVALUATOR)
def research_home(request: HttpRequest) -> HttpResponse:
    programme_id = programme_id_of(request)
    reports = [
        area_report(counts, "Agreed to take part in the research")
        for counts in research_consent_counts(request.user, programme_id=programme_id)
    ]
    interviews = interviews_visible_to(request.user, programme_id=programme_id).aggregate(
        done=Count("pk", filter=Q(status=Interview.Status.DONE)),
        to_come=Count("pk", filter=Q(status__in=[Interview.Status.INVITED, Interview.Status.SCHEDULED])),
    )
    transcripts = transcripts_visible_to(request.user, programme_id=programme_id).aggregate(
        ready=Count("pk", filter=Q(status=Transcript.Status.READY)),
        redacting=Count("pk", filter=Q(status=Transcript.Status.REDACTING)),
    )
    my_segments = (
        segments_visible_to(request.user, programme_id=programme_id)
        .filter(coder_id=request.user.pk, is_consensus=False)
        .count()
    )
    context = {
        "page_title": "Evaluation",
        **programme_context(request),
        "reports": reports,
        "threshold": THRESHOLD,
        "interviews": interviews,
        "transcripts": transcripts,
        "my_segments": my_segments,
    }
    return render(request, "web/research/home.html", context)
