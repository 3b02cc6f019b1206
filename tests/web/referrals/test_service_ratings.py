"""Pat rates the money advice she was referred to; Mo sees how the area's services were rated, Priya her own.

A rating is possible once the referral has finished, one per referral, and can be changed. The
manager sees the average only once 5 people have rated a service ("Fewer than 5 ratings" before);
the partner sees the same for their own services; neither sees names.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.directory.models import Service
from coproduce.referrals.models import Referral, ServiceRating
from coproduce.referrals.selectors import service_rating_summaries
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.referrals.factories import ReferralFactory

ClientFor = Callable[[str], Client]


def text(response: Any) -> str:
    body = response.content.decode()
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def finished_referral(personas: Personas, participant: Any = None, service: Service | None = None) -> Referral:
    referral = ReferralFactory(
        participant=participant or personas.participant,
        service=service or personas.partner_service,
        reason="Finished referral",
        started=True,
    )
    Referral.objects.filter(pk=referral.pk).update(state=Referral.State.COMPLETED, ended_on=timezone.localdate())
    referral.refresh_from_db()
    return referral


def rated_by_others(personas: Personas, scores: list[int], service: Service | None = None) -> None:
    """Other people of Kim's caseload rated the service (straight into the table: their pages are tested above)."""
    for score in scores:
        someone = ParticipantFactory(keyworker=personas.keyworker)
        referral = finished_referral(personas, someone, service)
        ServiceRating.objects.create(referral=referral, service=referral.service, participant=someone, score=score)


def test_pat_rates_a_finished_referral_then_changes_her_mind(personas: Personas, client_for: ClientFor) -> None:
    referral = finished_referral(personas)
    pat = client_for("participant")

    assert "Rate this service" in text(pat.get("/me/referrals/"))
    form_page = pat.get(f"/me/referrals/{referral.pk}/rate/")
    assert form_page.status_code == 200
    assert "How good was the service for you?" in text(form_page)
    saved = pat.post(
        f"/me/referrals/{referral.pk}/rate/", {"score": "4", "comment": "They listened.", "anonymous": "on"}
    )
    assert saved.status_code == 302
    rating = ServiceRating.objects.get(referral=referral)
    assert (rating.score, rating.comment, rating.anonymous, rating.service_id) == (
        4,
        "They listened.",
        True,
        personas.partner_service.pk,
    )
    listed = text(pat.get("/me/referrals/"))
    assert "4 out of 5" in listed
    assert "Your name is not shown to the service" in listed

    pat.post(f"/me/referrals/{referral.pk}/rate/", {"score": "5", "comment": "", "version": str(rating.version)})
    rating.refresh_from_db()
    assert (rating.score, rating.comment, rating.anonymous, rating.version) == (5, "", False, 2)
    assert ServiceRating.objects.count() == 1
    assert list(
        AuditEvent.objects.filter(record_type="referrals.ServiceRating").order_by("pk").values_list("action", flat=True)
    ) == [AuditEvent.Action.CREATE, AuditEvent.Action.CHANGE]


def test_a_rating_changed_meanwhile_in_another_tab_is_a_conflict(personas: Personas, client_for: ClientFor) -> None:
    referral = finished_referral(personas)
    pat = client_for("participant")
    pat.post(f"/me/referrals/{referral.pk}/rate/", {"score": "4"})

    stale = pat.post(f"/me/referrals/{referral.pk}/rate/", {"score": "1"})

    assert stale.status_code == 409
    assert ServiceRating.objects.get(referral=referral).score == 4


def test_a_rating_without_a_score_says_what_to_do(personas: Personas, client_for: ClientFor) -> None:
    referral = finished_referral(personas)
    response = client_for("participant").post(f"/me/referrals/{referral.pk}/rate/", {"comment": "Fine"})

    assert response.status_code == 400
    assert "Choose a score from 1 to 5." in text(response)
    assert not ServiceRating.objects.exists()


def test_a_referral_still_going_cannot_be_rated(personas: Personas, client_for: ClientFor) -> None:
    pat = client_for("participant")
    assert "Rate this service" not in text(pat.get("/me/referrals/"))
    page = pat.get(f"/me/referrals/{personas.referral.pk}/rate/")
    assert "You can rate this service once your time with it has finished." in text(page)

    refused = pat.post(f"/me/referrals/{personas.referral.pk}/rate/", {"score": "5"})

    assert refused.status_code == 400
    assert "You can rate a service once your referral to it has finished." in text(refused)
    assert not ServiceRating.objects.exists()


def test_kim_cannot_rate_for_pat(personas: Personas, client_for: ClientFor) -> None:
    referral = finished_referral(personas)
    assert client_for("keyworker").post(f"/me/referrals/{referral.pk}/rate/", {"score": "5"}).status_code == 403
    assert not ServiceRating.objects.exists()


def test_the_manager_sees_an_average_only_from_five_ratings(personas: Personas, client_for: ClientFor) -> None:
    mo = client_for("partnership_manager")
    rated_by_others(personas, [5, 4, 4, 2])

    page = text(mo.get("/partnership/service-ratings/"))
    assert "Money and debt advice Kingdom Money Advice Fewer than 5 ratings" in page
    assert "out of 5" not in page

    rated_by_others(personas, [5])
    page = text(mo.get("/partnership/service-ratings/"))
    assert "Money and debt advice Kingdom Money Advice 4.0 out of 5 , from 5 ratings" in page
    assert "Help finding childcare Fife Childcare Links Fewer than 5 ratings" in page


def test_the_partner_sees_only_their_own_services_added_up(personas: Personas, client_for: ClientFor) -> None:
    rated_by_others(personas, [5, 5, 4, 4, 3])
    rated_by_others(personas, [1, 1, 1, 1, 1], service=personas.other_partner_service)

    page = text(client_for("partner_worker").get("/partner/"))

    assert "How people rated your services" in page
    assert "Money and debt advice 4.2 out of 5 , from 5 ratings" in page
    assert "Help finding childcare" not in page
    summaries = service_rating_summaries(personas.partner_worker.user)
    assert [(s.service_name, s.ratings, s.average) for s in summaries] == [("Money and debt advice", 5, 4.2)]


def test_nobody_else_sees_rating_summaries(personas: Personas) -> None:
    assert service_rating_summaries(personas.keyworker.user) == []
    assert service_rating_summaries(personas.participant.user) == []
    assert service_rating_summaries(personas.funder.user) == []


@pytest.mark.parametrize("how_many", [1, 6])
def test_the_service_ratings_page_takes_the_same_queries_however_many(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: Callable[..., Any], how_many: int
) -> None:
    rated_by_others(personas, [4] * how_many)
    client = client_for("partnership_manager")
    client.get("/partnership/service-ratings/")
    # Session, user, actor (3), the summaries (one aggregate query).
    with django_assert_num_queries(6):
        client.get("/partnership/service-ratings/")


def test_the_rating_page_is_plain_english(personas: Personas, client_for: ClientFor) -> None:
    from tests.web.test_plain_english import problems

    referral = finished_referral(personas)
    pat = client_for("participant")
    path = f"/me/referrals/{referral.pk}/rate/"
    assert problems(path, pat.get(path).content.decode()) == []
    pat.post(path, {"score": "3"})
    assert problems("/me/referrals/", pat.get("/me/referrals/").content.decode()) == []
