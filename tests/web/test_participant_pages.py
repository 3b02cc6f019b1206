"""Pat's own pages: everything recorded about him, and who has looked at it."""

import re
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_participant_reads
from coproduce.participants.models import Consent
from coproduce.plans.models import AssessmentBarrier, Barrier
from tests.personas import Personas
from tests.plans.factories import AssessmentBarrierFactory, AssessmentFactory, ContactFactory


def visible(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def text(response: object) -> str:
    """The page's main content as a person reads it: no tags, single spaces."""
    body = response.content.decode()  # type: ignore[attr-defined]
    return visible(body.split("<main", 1)[1].split("</main>", 1)[0].split(">", 1)[1])


def rows(response: object) -> list[str]:
    """Each row of the page's table, as text."""
    body = response.content.decode()  # type: ignore[attr-defined]
    tbody = body.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [visible(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", tbody, re.S)]


def test_pat_sees_everything_recorded_about_him_and_the_reading_is_audited(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    pat = personas.participant
    assessment = AssessmentFactory(
        participant=pat, aspirations="A job in a nursery, school hours.", strengths="Patient."
    )
    AssessmentBarrierFactory(assessment=assessment, barrier=Barrier.CHILDCARE, own_words="Nobody for the school run.")
    AssessmentBarrierFactory(
        assessment=assessment,
        barrier=Barrier.CONFIDENCE,
        own_words="I have been out of work for years.",
        importance=AssessmentBarrier.Importance.A_GREAT_DEAL,
    )
    ContactFactory(participant=pat, notes="Talked about a course at Fife College.")

    response = client_for("participant").get("/me/")

    page = text(response)
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Hello Pat</h1>' in response.content.decode()
    assert "Kim Keyworker" in page
    assert "Fife Lone Parents Together" in page
    assert "Email address pat@example.net Mobile number +447700900001" in page
    year = timezone.localdate().year
    assert f"Children 2 children, aged {year - 2012 - 1} and {year - 2016 - 1}" in page
    assert "Receive support and have my information kept by the service" in page
    assert "A job in a nursery, school hours." in page
    assert "“Nobody for the school run.”" in page
    assert "Confidence and self-esteem (matters a great deal)" in page
    assert "Talked about a course at Fife College." in page
    for someone_else in ("Paula", "Olive", "Gemma"):
        assert someone_else not in page
    event = AuditEvent.objects.get(participant=pat, actor=pat.user)
    assert (event.action, event.actor_role, event.purpose, event.path) == ("view", "participant", "Own record", "/me/")


def test_pat_cannot_open_anyone_elses_record_and_his_own_sends_him_to_his_page(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("participant")
    for other in (personas.second_participant, personas.other_participant, personas.glasgow_participant):
        response = client.get(f"/participants/{other.pk}/")
        assert response.status_code == 404
        assert other.family_name not in response.content.decode()
    assert client.get(f"/participants/{personas.participant.pk}/")["Location"] == "/me/"
    assert AuditEvent.objects.filter(actor=personas.participant.user).count() == 0


def test_pat_sees_that_kim_looked_at_his_record(personas: Personas, client_for: Callable[[str], Client]) -> None:
    assert client_for("keyworker").get(f"/participants/{personas.participant.pk}/").status_code == 200

    response = client_for("participant").get("/me/who-looked/")

    assert response.status_code == 200
    (kim_looked,) = rows(response)
    assert kim_looked.endswith("Kim Keyworker Keyworker Looked at your record Casework")
    # Reading the list is itself recorded, and shows next time.
    assert AuditEvent.objects.filter(participant=personas.participant, actor=personas.participant.user).count() == 1
    again = rows(client_for("participant").get("/me/who-looked/"))
    assert len(again) == 2
    # Other people first, then Pat's own visits.
    assert again[0] == kim_looked
    assert again[1].endswith("You Looked at your record Own record")


def test_the_who_looked_list_comes_fifty_to_a_page(personas: Personas, client_for: Callable[[str], Client]) -> None:
    pat = personas.participant
    for number in range(60):
        record_participant_reads(
            actor=personas.manager.user,
            participant_ids=[pat.pk],
            action=AuditEvent.Action.LIST,
            purpose=f"Partnership oversight {number:02d}",
        )
    client = client_for("participant")
    first = client.get("/me/who-looked/")
    assert len(rows(first)) == 50
    assert rows(first)[0].endswith("Mo Manager Partnership manager Saw your name in a list Partnership oversight 59")
    assert 'aria-label="Page 2"' in first.content.decode()
    second = client.get("/me/who-looked/?page=2")
    # 60 reasons Mo gave, and Pat's own reading of page 1, last.
    assert len(rows(second)) == 11
    assert rows(second)[-1].endswith("You Looked at your record Own record")


def test_repeated_visits_are_counted_together_and_other_people_come_first(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    pat = personas.participant
    record_participant_reads(
        actor=personas.manager.user, participant_ids=[pat.pk] * 12, purpose="Partnership oversight"
    )
    client = client_for("participant")
    for _ in range(3):
        client.get("/me/who-looked/")
    response = client.get("/me/who-looked/")
    assert rows(response)[0].endswith(
        "Mo Manager Partnership manager Saw your name in a list, 12 times this month Partnership oversight"
    )
    assert rows(response)[0].startswith("Last time:")
    assert rows(response)[-1].endswith("You Looked at your record, 3 times this month Own record")
    assert len(rows(response)) == 2
    html = response.content.decode()
    assert 'class="govuk-table cp-table--stack"' in html
    assert html.count('<td class="govuk-table__cell" data-label=') == 8


def test_the_who_looked_page_takes_the_same_queries_however_many_visits(
    personas: Personas, client_for: Callable[[str], Client], django_assert_num_queries
) -> None:
    pat = personas.participant
    client = client_for("participant")
    client.get("/me/who-looked/")
    with CaptureQueriesContext(connection) as few:
        client.get("/me/who-looked/")
    for number in range(30):
        record_participant_reads(
            actor=personas.manager.user, participant_ids=[pat.pk] * 3, purpose=f"Partnership oversight {number}"
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/me/who-looked/")


def test_pat_withdraws_his_own_consent_from_his_page(personas: Personas, client_for: Callable[[str], Client]) -> None:
    pat = personas.participant
    consent = pat.consents.get()
    client = client_for("participant")
    assert f'href="/me/consents/{consent.pk}/withdraw/"' in client.get("/me/").content.decode()
    confirm = client.get(f"/me/consents/{consent.pk}/withdraw/")
    assert confirm.status_code == 200
    assert 'name="how"' not in confirm.content.decode()  # he withdraws it himself, online

    response = client.post(f"/me/consents/{consent.pk}/withdraw/", follow=True)

    assert response.redirect_chain == [("/me/", 302)]
    consent.refresh_from_db()
    assert (consent.withdrawn_by, consent.withdrawn_how) == (pat.user, Consent.How.ONLINE)
    assert "Withdrawn</strong> on" in response.content.decode()


def test_pat_cannot_withdraw_paulas_consent(personas: Personas, client_for: Callable[[str], Client]) -> None:
    consent = personas.second_participant.consents.get()
    response = client_for("participant").post(f"/consents/{consent.pk}/withdraw/")
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
