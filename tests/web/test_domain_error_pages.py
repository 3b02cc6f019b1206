"""A service's refusal that escapes a page becomes its page in one place (DomainErrorMiddleware),
and the form-submit helper shows the person's own mistakes on the form instead."""

import ast
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.test import Client, RequestFactory
from django.urls import resolve, reverse

import coproduce.web
from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.web.errors import DomainErrorMiddleware, answers_json, conflict_back_label
from coproduce.web.forms import GovukForm, submitting
from tests.personas import Personas
from tests.plans.factories import GoalFactory, StepFactory


def _page_request(path: str = "/me/plan/", **headers: str) -> HttpRequest:
    request = RequestFactory().post(path, headers=headers)
    request.resolver_match = resolve(path)
    request.user = AnonymousUser()
    return request


def _middleware() -> DomainErrorMiddleware:
    return DomainErrorMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]


def test_not_found_becomes_the_404_page() -> None:
    with pytest.raises(Http404, match=r"No such goal\."):
        _middleware().process_exception(_page_request(), NotFound("No such goal."))


def test_not_allowed_becomes_the_403_page() -> None:
    with pytest.raises(PermissionDenied, match="Only their keyworker"):
        _middleware().process_exception(_page_request(), NotAllowed("Only their keyworker may."))


@pytest.mark.django_db
def test_a_conflict_becomes_the_409_page_back_to_where_they_were() -> None:
    request = _page_request(referer="http://testserver/me/plan/?goal=3")
    response = _middleware().process_exception(request, ConflictError("Someone else changed this record."))
    assert response is not None
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this first" in body
    assert "Someone else changed this record." in body
    assert "Nothing you sent was saved." in body
    assert 'href="http://testserver/me/plan/?goal=3"' in body
    assert ">Back<" in body


@pytest.mark.django_db
def test_the_conflict_page_never_links_to_another_site_and_says_what_the_view_asks() -> None:
    request = _page_request(referer="https://evil.example/")

    @conflict_back_label("See the plan as it is now")
    def view(request: HttpRequest) -> None:
        raise ConflictError("Changed.")

    with pytest.raises(ConflictError) as raised:
        view(request)
    response = _middleware().process_exception(request, raised.value)
    assert response is not None
    body = response.content.decode()
    assert 'href="/me/plan/"' in body
    assert "evil.example" not in body
    assert "See the plan as it is now" in body


@pytest.mark.django_db
def test_any_other_domain_error_becomes_the_400_page_with_its_message() -> None:
    response = _middleware().process_exception(_page_request(), DomainError("That goal is already closed."))
    assert response is not None
    assert response.status_code == 400
    assert "That goal is already closed." in response.content.decode()


def test_the_api_and_other_errors_are_left_to_their_own_handlers() -> None:
    middleware = _middleware()
    for path in ("/api/v1/participants/1", "/hsds/services"):
        request = RequestFactory().get(path)
        request.resolver_match = resolve(path)
        for error in (NotFound(), NotAllowed("No."), ConflictError("Changed."), DomainError("Bad.")):
            assert middleware.process_exception(request, error) is None
    assert middleware.process_exception(_page_request(), ValueError("not ours")) is None


@pytest.mark.django_db
def test_a_stale_answer_on_a_page_gets_the_conflict_page_and_nothing_changes(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    step = StepFactory(goal=GoalFactory(participant=personas.participant))
    stale = {"action": "answer", "answer": "agree", "step": step.pk, "version": step.version}
    step.description = "Changed by someone else"
    step.version += 1
    step.save()
    response = client_for("participant").post(reverse("web:my_plan"), stale)
    assert response.status_code == 409
    assert "Nothing you sent was saved." in response.content.decode()
    step.refresh_from_db()
    assert step.state == "offered"


@pytest.mark.django_db
def test_a_record_of_someone_else_on_a_page_gets_the_404_page_and_nothing_changes(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    theirs = StepFactory(goal=GoalFactory(participant=personas.other_participant))
    response = client_for("keyworker").post(
        reverse("web:participant_plan", args=[personas.participant.pk]),
        {"action": "answer", "answer": "agree", "answered_how": "phone", "step": theirs.pk, "version": theirs.version},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "offered"


class _NameForm(GovukForm):
    name = forms.CharField()


def test_submitting_puts_a_mistake_on_the_form_and_reports_failure() -> None:
    form = _NameForm({"name": "x"})
    assert form.is_valid()
    with submitting(form) as submission:
        raise InvalidInput({"name": ["Enter a longer name."], "__all__": ["Try again."]})
    assert submission.failed
    assert not submission.ok
    assert submission.status == 400
    assert form.errors == {"name": ["Enter a longer name."], "__all__": ["Try again."]}
    assert submission.problems == ["Enter a longer name.", "Try again."]
    with submitting(form) as plain:
        raise DomainError("Not now.")
    assert plain.failed
    assert "Not now." in form.non_field_errors()


def test_submitting_reports_success_when_the_call_goes_through() -> None:
    form = _NameForm({"name": "x"})
    with submitting(form) as submission:
        saved = "saved"
    assert submission.ok
    assert submission.status == 200
    assert saved == "saved"
    assert submission.problems == []


@pytest.mark.parametrize("error", [NotFound(), NotAllowed("No."), ConflictError("Changed.")])
def test_submitting_lets_refusals_reach_the_middleware(error: DomainError) -> None:
    form = _NameForm({"name": "x"})
    with pytest.raises(type(error)), submitting(form):
        raise error
    assert form.is_valid()
    assert not form.errors


def test_submitting_without_a_form_says_it_in_a_message() -> None:
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    with submitting(request) as submission:
        raise DomainError("Nothing to send.")
    assert submission.failed
    assert [str(message) for message in get_messages(request)] == ["Nothing to send."]


@pytest.mark.parametrize(
    ("error", "status", "kind"),
    [
        (NotFound("No such step."), 404, "not_found"),
        (NotAllowed("Not yours."), 403, "not_allowed"),
        (InvalidInput({"score": ["Choose a score."]}), 400, "invalid"),
        (ConflictError("Changed."), 409, "refused"),
        (DomainError("Not now."), 400, "refused"),
    ],
)
def test_a_json_endpoint_of_the_pages_gets_its_refusals_in_json(error: DomainError, status: int, kind: str) -> None:
    request = _page_request("/visits/sync/")

    @answers_json
    def sync(request: HttpRequest) -> None:
        raise error

    with pytest.raises(DomainError) as raised:
        sync(request)
    response = _middleware().process_exception(request, raised.value)
    assert response is not None
    assert response.status_code == status
    assert json.loads(response.content)["status"] == kind
    assert json.loads(response.content)["message"] == error.message


REFUSALS = {"NotFound", "NotAllowed", "ConflictError"}


def test_no_view_catches_a_refusal_itself() -> None:
    """Only the form-submit helper names them (to let them through): the middleware turns them into pages."""
    web = Path(coproduce.web.__file__).parent
    catching = []
    for path in sorted(web.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = {part.id for part in ast.walk(node.type) if isinstance(part, ast.Name)}
                if names & REFUSALS and path.name != "forms.py":
                    catching.append(f"{path.relative_to(web)}:{node.lineno}")
    assert catching == []


class _GoalForm(GovukForm):
    goal = forms.IntegerField()


def test_a_service_naming_a_record_by_its_id_puts_the_error_on_the_forms_field() -> None:
    form = _GoalForm({"goal": "3"})
    with submitting(form):
        raise InvalidInput({"goal_id": ["Choose one of their own goals."]})
    with submitting(form):
        raise DomainError("Choose one of their goals.", field="goal_id")
    assert form.errors == {"goal": ["Choose one of their own goals.", "Choose one of their goals."]}
