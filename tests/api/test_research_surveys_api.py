"""The participant survey through the API: evaluators write and read surveys, participants answer theirs."""

import datetime
from collections.abc import Callable

from django.test import Client

from coproduce.audit.models import AuditEvent
from coproduce.research.models import Survey, SurveyAnswer, SurveyInvitation, SurveyResponse
from tests.api.helpers import send_json
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas

ClientFor = Callable[[str], Client]
SURVEYS = "/api/v1/research/surveys"


def test_an_evaluator_writes_opens_and_closes_a_survey(personas: Personas, client_for: ClientFor) -> None:
    client = client_for("evaluator")
    made = send_json(client, "POST", SURVEYS, {"programme_id": personas.fife.programme.pk, "title": "Settling in"})
    assert made.status_code == 201
    survey = made.json()
    assert (survey["status"], survey["version"], survey["questions"], survey["points"]) == ("draft", 1, [], [])
    url = f"{SURVEYS}/{survey['id']}"
    bad = send_json(client, "POST", f"{url}/questions", {"version": 1, "kind": "choice", "text": "Where?"})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"choices": ["Give at least two choices, one a line."]}
    added = send_json(
        client, "POST", f"{url}/questions", {"version": 1, "kind": "choice", "text": "Where?", "choices": ["A", "B"]}
    )
    assert added.status_code == 201
    send_json(client, "POST", f"{url}/questions", {"version": 2, "kind": "text", "text": "Why?"})
    questions = client.get(url).json()["questions"]
    assert [(q["position"], q["text"], q["choices"]) for q in questions] == [(1, "Where?", ["A", "B"]), (2, "Why?", [])]
    reordered = send_json(
        client,
        "POST",
        f"{url}/question-order",
        {"version": 3, "question_ids": [questions[1]["id"], questions[0]["id"]]},
    )
    assert [q["text"] for q in reordered.json()["questions"]] == ["Why?", "Where?"]
    changed = send_json(client, "PATCH", f"{url}/questions/{questions[1]['id']}", {"version": 4, "required": True})
    assert changed.json()["questions"][0]["required"] is True
    removed = send_json(client, "POST", f"{url}/questions/{questions[0]['id']}/remove", {"version": 5})
    assert [q["text"] for q in removed.json()["questions"]] == ["Why?"]
    pointed = send_json(client, "POST", f"{url}/points", {"version": 6, "label": "On joining", "days_after_joining": 0})
    point_id = pointed.json()["points"][0]["id"]
    renamed = send_json(client, "PATCH", f"{url}/points/{point_id}", {"version": 7, "label": "First week"})
    assert renamed.json()["points"] == [{"id": point_id, "label": "First week", "days_after_joining": 0}]
    stale = send_json(client, "POST", f"{url}/open", {"version": 7})
    assert stale.status_code == 409
    opened = send_json(client, "POST", f"{url}/open", {"version": 8})
    assert (opened.json()["status"], opened.json()["opened_on"]) == ("open", datetime.date.today().isoformat())
    too_late = send_json(client, "POST", f"{url}/points/{point_id}/remove", {"version": 9})
    assert too_late.status_code == 400
    closed = send_json(client, "POST", f"{url}/close", {"version": 9})
    assert closed.json()["status"] == "closed"
    assert AuditEvent.objects.filter(channel="api", record_type__startswith="research.Survey").count() == 10


def test_only_evaluators_reach_the_surveys(personas: Personas, client_for: ClientFor) -> None:
    survey = personas.research.survey
    for role in ("participant", "keyworker", "partnership_manager", "funder"):
        client = client_for(role)
        assert client.get(SURVEYS).status_code == 403
        assert client.get(f"{SURVEYS}/{survey.pk}/results").status_code == 403
    listed = client_for("evaluator").get(SURVEYS).json()
    assert [(item["title"], item["invited"], item["answered"]) for item in listed["items"]] == [
        ("How is the service for you?", 1, 0)
    ]


def _results_story(p: Personas) -> Survey:
    """Fife 2015: ten invited, five answered (four agree, one strongly agrees); Glasgow 2016: one
    invited, who answered "disagree"."""
    s = p.research
    for number in range(9):
        someone = ParticipantFactory(keyworker=p.keyworker)
        SurveyInvitation.objects.create(
            survey=s.survey,
            point=s.on_joining,
            participant=someone,
            partnership=p.fife,
            wave=s.wave_2015,
            sent_on=datetime.date(2015, 4, 1),
            answered=number < 5,
        )
    for _ in range(4):
        response = SurveyResponse.objects.create(
            survey=s.survey,
            point=s.on_joining,
            partnership=p.fife,
            wave=s.wave_2015,
            submitted_on=datetime.date(2015, 4, 2),
        )
        SurveyAnswer.objects.create(response=response, question=s.likert_question, number=4)
    SurveyInvitation.objects.create(
        survey=s.survey,
        point=s.on_joining,
        participant=p.glasgow_participant,
        partnership=p.glasgow,
        wave=s.wave_2016,
        sent_on=datetime.date(2016, 4, 1),
        answered=True,
    )
    response = SurveyResponse.objects.create(
        survey=s.survey,
        point=s.on_joining,
        partnership=p.glasgow,
        wave=s.wave_2016,
        submitted_on=datetime.date(2016, 4, 2),
    )
    SurveyAnswer.objects.create(response=response, question=s.likert_question, number=2)
    return s.survey


def _rows(table: dict) -> list[tuple]:
    return [(row["label"], *row["cells"]) for row in table["rows"]]


def test_results_by_area_and_wave_suppress_small_counts(personas: Personas, client_for: ClientFor) -> None:
    survey = _results_story(personas)
    results = client_for("evaluator").get(f"{SURVEYS}/{survey.pk}/results").json()
    by_area, by_wave = results["response_rates"]
    assert by_area["columns"] == ["Invited", "Answered", "Rate"]
    assert _rows(by_area) == [
        ("Fife", "10", "5", "50%"),
        ("Glasgow", "fewer than 5", "fewer than 5", "–"),
        ("All", "hidden", "hidden", "–"),
    ]
    assert _rows(by_wave) == [
        ("Wave 2 (2015)", "10", "5", "50%"),
        ("Wave 3 (2016)", "fewer than 5", "fewer than 5", "–"),
        ("All", "hidden", "hidden", "–"),
    ]
    likert = results["questions"][0]
    assert likert["question"]["text"] == "My keyworker listens to what I want."
    area_table = likert["tables"][0]
    assert area_table["columns"] == [
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
        "Responses",
        "Mean (1 to 5)",
    ]
    # Fife's five: four agree and one strongly agrees. Its mean would give that away, so it is not shown.
    assert _rows(area_table) == [
        ("Fife", "0", "0", "0", "fewer than 5", "fewer than 5", "5", "–"),
        ("Glasgow", "0", "fewer than 5", "0", "0", "0", "fewer than 5", "–"),
        ("All", "0", "fewer than 5", "0", "fewer than 5", "fewer than 5", "hidden", "–"),
    ]
    assert _rows(likert["tables"][1])[0] == ("Wave 2 (2015)", "0", "0", "0", "fewer than 5", "fewer than 5", "5", "–")
    choice = results["questions"][1]
    assert _rows(choice["tables"][0]) == [
        ("Fife", "0", "fewer than 5", "0", "fewer than 5"),
        ("Glasgow", "0", "0", "0", "0"),
        ("All", "0", "fewer than 5", "0", "fewer than 5"),
    ]
    assert (
        AuditEvent.objects.filter(
            actor=personas.evaluator.user, action="view", record_type="research.Survey", participant=None
        ).count()
        == 1
    )


def test_pat_lists_and_answers_her_survey_once(personas: Personas, client_for: ClientFor) -> None:
    s = personas.research
    client = client_for("participant")
    listed = client.get("/api/v1/research/my-surveys").json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert (item["id"], item["title"], item["point"], [q["kind"] for q in item["questions"]]) == (
        s.pat_invitation.pk,
        "How is the service for you?",
        "On joining",
        ["likert", "choice", "text"],
    )
    url = f"/api/v1/research/my-surveys/{s.pat_invitation.pk}/answers"
    bad = send_json(client, "POST", url, {"answers": {str(s.likert_question.pk): 9}})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        f"question_{s.likert_question.pk}": [
            "Choose one of the five answers, from strongly disagree to strongly agree."
        ]
    }
    answers = {str(s.likert_question.pk): 3, str(s.choice_question.pk): "On the phone", str(s.text_question.pk): None}
    answered = send_json(client, "POST", url, {"answers": answers})
    assert answered.status_code == 201
    assert answered.json() == {"detail": "Thank you. Your answers are sent, without your name."}
    response = SurveyResponse.objects.order_by("-pk").first()
    assert set(response.answers.values_list("number", "choice")) == {(3, ""), (None, "On the phone")}
    assert send_json(client, "POST", url, {"answers": answers}).status_code == 409
    assert client.get("/api/v1/research/my-surveys").json() == {"items": [], "count": 0}


def test_nobody_else_answers_or_sees_pats_invitation(personas: Personas, client_for: ClientFor) -> None:
    s = personas.research
    url = f"/api/v1/research/my-surveys/{s.pat_invitation.pk}/answers"
    for role in ("keyworker", "partnership_manager", "evaluator", "board_member"):
        client = client_for(role)
        assert client.get("/api/v1/research/my-surveys").json() == {"items": [], "count": 0}
        assert send_json(client, "POST", url, {"answers": {str(s.likert_question.pk): 4}}).status_code == 404
    s.pat_invitation.refresh_from_db()
    assert s.pat_invitation.answered is False
