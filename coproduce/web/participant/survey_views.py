"""A participant's surveys from the evaluation team: the ones waiting for them, and answering one.

Only the invited participant reaches an invitation. Their keyworker and managers see nothing of
it; the answers are stored without their name (coproduce/research/services/surveys.py).
"""

from django.contrib import messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coproduce.accounts.roles import Role
from coproduce.research.models import ResearchConsent, SurveyInvitation
from coproduce.research.selectors import open_invitations_for
from coproduce.research.services.surveys import answer_survey
from coproduce.web.access import require_roles
from coproduce.web.forms import submitting
from coproduce.web.participant.survey_forms import AnswerForm


def waiting_invitations(request: HttpRequest) -> QuerySet[SurveyInvitation]:
    """Their open invitations, while they still take part in the evaluation."""
    in_force = ResearchConsent.objects.filter(
        participant=OuterRef("participant_id"), consent__withdrawn_at__isnull=True
    )
    return open_invitations_for(request.user).filter(Exists(in_force)).order_by("-sent_on", "pk")


@require_roles(Role.PARTICIPANT)
def my_surveys(request: HttpRequest) -> HttpResponse:
    context = {"page_title": _("Surveys"), "invitations": list(waiting_invitations(request))}
    return render(request, "web/participant/surveys/list.html", context)


@require_roles(Role.PARTICIPANT)
def my_survey(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = waiting_invitations(request).filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such survey, or you have already answered it.")
    survey = invitation.survey
    questions = list(survey.questions.order_by("position", "pk"))
    form = AnswerForm(request.POST if request.method == "POST" else None, questions=questions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                answer_survey(
                    actor=request.user,
                    invitation_id=invitation.pk,
                    answers=form.answers(),
                )
            if submission.failed:
                status = 400
            else:
                messages.success(request, _("Thank you. Your answers are sent, without your name."))
                return redirect("web:my_surveys")
        else:
            status = 400
    context = {
        "page_title": survey.title,
        "survey": survey,
        "invitation": invitation,
        "form": form,
        "any_required": any(question.required for question in questions),
    }
    return render(request, "web/participant/surveys/answer.html", context, status=status)
