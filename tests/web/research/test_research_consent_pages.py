"""Research consent pages: the participant's own (/me/research/) and the keyworker's."""

from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.research.models import ResearchConsent
from coproduce.research.selectors import research_consents_visible_to

AGREE = {"interview": "on", "quotation": "on", "service_data": "on"}


def test_participant_reads_plain_words_and_agrees(personas, client_for):
    client = client_for("participant")
    page = client.get(reverse("web:my_research_consent"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "You have not agreed to take part." in body
    assert "Reports may use your words. They never show your name" in body
    assert "I agree to these" in body
    assert "How did they agree?" not in body
    response = client.post(reverse("web:my_research_consent"), AGREE)
    assert response.status_code == 302
    scope = ResearchConsent.objects.get(participant=personas.participant)
    assert (scope.interview, scope.recording, scope.quotation, scope.service_data) == (True, False, True, True)
    assert scope.consent.given_how == "online"
    again = client.get(reverse("web:my_research_consent")).content.decode()
    assert "You are taking part." in again
    assert "Stop taking part" in again


def test_participant_answering_an_old_page_is_sent_back_to_look_again_and_nothing_changes(personas, client_for):
    client = client_for("participant")
    client.post(reverse("web:my_research_consent"), AGREE)
    seen = ResearchConsent.objects.get(participant=personas.participant).version
    client.post(reverse("web:my_research_consent"), {"interview": "on", "quotation": "on", "version": seen})

    response = client.post(reverse("web:my_research_consent"), {"interview": "on", "version": seen}, follow=True)

    assert response.redirect_chain == [(reverse("web:my_research_consent"), 302)]
    scope = ResearchConsent.objects.get(participant=personas.participant)
    assert (scope.interview, scope.quotation, scope.service_data) == (True, True, False)


def test_participant_bad_choice_shows_an_error_and_changes_nothing(personas, client_for):
    response = client_for("participant").post(reverse("web:my_research_consent"), {"recording": "on"})
    assert response.status_code == 400
    assert "Interviews can be recorded only if you also agree to take part in interviews." in response.content.decode()
    assert not ResearchConsent.objects.filter(participant=personas.participant).exists()


def test_participant_stops_in_one_step(personas, client_for):
    story = personas.research
    response = client_for("participant").post(reverse("web:my_research_consent_stop"))
    assert response.status_code == 302
    assert not research_consents_visible_to(personas.evaluator.user).filter(pk=story.pat_consent.pk).exists()
    story.pat_consent.consent.refresh_from_db()
    assert story.pat_consent.consent.withdrawn_how == "online"


def test_keyworker_records_with_how(personas, client_for):
    client = client_for("keyworker")
    url = reverse("web:participant_research_consent", args=[personas.second_participant.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Not taking part." in page.content.decode()
    assert AuditEvent.objects.filter(participant=personas.second_participant, action="view").exists()
    missing_how = client.post(url, AGREE)
    assert missing_how.status_code == 400
    assert "Choose how they agreed." in missing_how.content.decode()
    assert client.post(url, {**AGREE, "how": "phone"}).status_code == 302
    scope = ResearchConsent.objects.get(participant=personas.second_participant)
    assert scope.consent.given_how == "phone"
    stop = reverse("web:participant_research_consent_stop", args=[personas.second_participant.pk])
    assert client.post(stop, {"stop-version": scope.version}).status_code == 400
    assert client.post(stop, {"stop-how": "in_person_verbal", "stop-version": scope.version}).status_code == 302
    scope.consent.refresh_from_db()
    assert scope.consent.withdrawn_how == "in_person_verbal"


def test_generic_consent_form_no_longer_offers_research_and_links_to_its_page(personas, client_for):
    client = client_for("keyworker")
    body = client.get(reverse("web:participant_consent_add", args=[personas.second_participant.pk])).content.decode()
    assert 'value="research"' not in body
    assert reverse("web:participant_research_consent", args=[personas.second_participant.pk]) in body
    refused = client.post(
        reverse("web:participant_consent_add", args=[personas.second_participant.pk]),
        {"purpose": "research", "how": "phone"},
    )
    assert refused.status_code == 400
    detail = client.get(reverse("web:participant_detail", args=[personas.second_participant.pk])).content.decode()
    assert reverse("web:participant_research_consent", args=[personas.second_participant.pk]) in detail


def test_participant_page_links_to_it(personas, client_for):
    body = client_for("participant").get(reverse("web:my_page")).content.decode()
    assert reverse("web:my_research_consent") in body
