"""The survey pages: Eve writes, opens and reads a survey; Pat answers it on her phone; her keyworker
and manager see nothing of it."""

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.research.models import Survey, SurveyResponse, Transcript
from tests.personas import Personas
from tests.research.factories import SurveyFactory

ClientFor = Callable[[str], Client]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_eve_writes_and_opens_a_survey_through_the_pages(personas: Personas, client_for: ClientFor) -> None:
    eve = client_for("evaluator")
    started = eve.post(
        reverse("web:research_survey_add"),
        {"programme": personas.fife.programme.pk, "title": "Six months in", "introduction": "Tell us honestly."},
    )
    survey = Survey.objects.get(title="Six months in")
    assert started["Location"] == reverse("web:research_survey", args=[survey.pk])
    no_choices = eve.post(
        reverse("web:research_survey_question_add", args=[survey.pk]),
        {"kind": "choice", "text": "Where do you meet?", "choices": "At home", "version": 1},
    )
    assert no_choices.status_code == 400
    assert "Give at least two choices, one a line." in no_choices.content.decode()
    eve.post(
        reverse("web:research_survey_question_add", args=[survey.pk]),
        {"kind": "choice", "text": "Where do you meet?", "choices": "At home\nAt a centre\n", "version": 1},
    )
    eve.post(
        reverse("web:research_survey_question_add", args=[survey.pk]),
        {"kind": "likert", "text": "I am listened to.", "required": "on", "version": 2},
    )
    second = survey.questions.get(position=2)
    eve.post(
        reverse("web:research_survey_question_move", args=[survey.pk, second.pk]), {"version": 3, "direction": "up"}
    )
    eve.post(
        reverse("web:research_survey_point_add", args=[survey.pk]),
        {"label": "Six months later", "days_after_joining": 182, "version": 4},
    )
    page = eve.get(reverse("web:research_survey", args=[survey.pk])).content.decode()
    assert page.index("I am listened to.") < page.index("Where do you meet?")
    assert "182 days after they join" in page
    opened = eve.post(reverse("web:research_survey_open", args=[survey.pk]), {"version": 5})
    assert opened.status_code == 302
    survey.refresh_from_db()
    assert (survey.status, list(survey.questions.values_list("text", "required"))) == (
        "open",
        [("I am listened to.", True), ("Where do you meet?", False)],
    )
    stale = eve.post(reverse("web:research_survey_close", args=[survey.pk]), {"version": 5})
    assert stale.status_code == 409


def test_the_survey_list_takes_the_same_queries_however_many_surveys(personas: Personas, client_for: ClientFor) -> None:
    eve = client_for("evaluator")
    SurveyFactory(programme=personas.fife.programme, title="First")
    url = reverse("web:research_surveys")
    few = _queries(eve, url)
    for number in range(6):
        SurveyFactory(programme=personas.fife.programme, title=f"Survey {number}")
    assert _queries(eve, url) == few
    assert "Survey 5" in eve.get(url).content.decode()


def test_pat_answers_on_her_own_page_and_nobody_else_can(personas: Personas, client_for: ClientFor) -> None:
    s = personas.research
    pat = client_for("participant")
    home = pat.get(reverse("web:my_page")).content.decode()
    assert "The evaluation team would like your views" in home
    assert reverse("web:my_survey", args=[s.pat_invitation.pk]) in home
    listed = pat.get(reverse("web:my_surveys")).content.decode()
    assert "How is the service for you?" in listed
    url = reverse("web:my_survey", args=[s.pat_invitation.pk])
    form = pat.get(url).content.decode()
    assert "Your keyworker will not see your answers" in form
    assert "You can skip any question that is not required" in form
    assert form.count('type="radio"') == 8  # five agree/disagree answers and three choices
    assert "Strongly agree" in form
    assert form.count("<textarea") == 1
    missing = pat.post(url, {f"question_{s.choice_question.pk}": "At home"})
    assert missing.status_code == 400
    assert "Answer this question: it is the one we most need." in missing.content.decode()
    for role in ("keyworker", "partnership_manager", "evaluator"):
        assert client_for(role).post(url, {f"question_{s.likert_question.pk}": "1"}).status_code == 403
    answered = pat.post(
        url,
        {
            f"question_{s.likert_question.pk}": "5",
            f"question_{s.choice_question.pk}": "On the phone",
            f"question_{s.text_question.pk}": "Nothing, it is great.",
        },
    )
    assert answered["Location"] == reverse("web:my_surveys")
    s.pat_invitation.refresh_from_db()
    assert s.pat_invitation.answered is True
    assert SurveyResponse.objects.count() == 2
    assert pat.get(url).status_code == 404
    assert "The evaluation team would like your views" not in pat.get(reverse("web:my_page")).content.decode()

    # Her manager's view of who looked at her record says nothing of the survey.
    audit = client_for("partnership_manager").get(reverse("web:participant_audit", args=[personas.participant.pk]))
    assert audit.status_code == 200
    assert "Survey" not in audit.content.decode()


def test_results_page_and_csv_suppress_small_counts(personas: Personas, client_for: ClientFor) -> None:
    s = personas.research
    eve = client_for("evaluator")
    page = eve.get(reverse("web:research_survey_results", args=[s.survey.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Response rate by area" in body
    assert "Response rate by wave" in body
    assert "fewer than 5" in body
    assert "More evening sessions" not in body  # free text is on its own page
    csv = eve.get(reverse("web:research_survey_results_csv", args=[s.survey.pk]))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == '"Question","By","Group","Answer","Count"'
    assert '"Response rate","Area","Fife","Invited","fewer than 5"' in lines
    assert '"My keyworker listens to what I want.","Wave","Wave 2 (2015)","Strongly agree","fewer than 5"' in lines
    assert list(
        AuditEvent.objects.filter(actor=personas.evaluator.user).values_list("action", "record_type", "participant_id")
    ) == [("export", "research.Survey", None), ("view", "research.Survey", None)]


def test_free_text_answers_are_read_and_sent_to_coding(personas: Personas, client_for: ClientFor) -> None:
    s = personas.research
    eve = client_for("evaluator")
    url = reverse("web:research_survey_text_answers", args=[s.survey.pk, s.text_question.pk])
    page = eve.get(url).content.decode()
    assert "More evening sessions, please." in page
    assert "Fife, Wave 2 (2015); on joining" in page
    sent = eve.post(reverse("web:research_survey_send_to_coding", args=[s.survey.pk, s.text_question.pk]))
    assert sent["Location"] == url
    transcript = Transcript.objects.get(survey_question=s.text_question)
    assert (transcript.title, transcript.text, transcript.status) == (
        "Survey: What would you change about the service? — Fife, 2015",
        "More evening sessions, please.",
        "redacting",
    )
    assert "Survey: What would you change about the service? — Fife, 2015" in eve.get(url).content.decode()
