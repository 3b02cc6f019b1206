"""The evaluator's home: the workspace's parts, where the work stands, and research consent by area."""

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


@require_roles(Role.EVALUATOR)
def research_home(request: HttpRequest) -> HttpResponse:
    reports = [
        area_report(counts, "Agreed to take part in the research") for counts in research_consent_counts(request.user)
    ]
    interviews = interviews_visible_to(request.user).aggregate(
        done=Count("pk", filter=Q(status=Interview.Status.DONE)),
        to_come=Count("pk", filter=Q(status__in=[Interview.Status.INVITED, Interview.Status.SCHEDULED])),
    )
    transcripts = transcripts_visible_to(request.user).aggregate(
        ready=Count("pk", filter=Q(status=Transcript.Status.READY)),
        redacting=Count("pk", filter=Q(status=Transcript.Status.REDACTING)),
    )
    my_segments = segments_visible_to(request.user).filter(coder_id=request.user.pk, is_consensus=False).count()
    context = {
        "page_title": "Evaluation",
        "reports": reports,
        "threshold": THRESHOLD,
        "interviews": interviews,
        "transcripts": transcripts,
        "my_segments": my_segments,
    }
    return render(request, "web/research/home.html", context)
