"""The evaluator's pages for waves, stakeholders, interviews, sampling and Table 1."""

import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from coproduce.audit.models import AuditEvent
from coproduce.research.models import Interview, Stakeholder, Wave
from tests.research.factories import ResearchConsentFactory
from tests.research.test_table1 import build_paper_interviews


def test_waves_add_and_change(personas, client_for):
    client = client_for("evaluator")
    response = client.post(
        reverse("web:research_wave_add"),
        {"year": "2017", "name": "Wave 4 (2017)", "starts_on": "2017-01-01", "ends_on": "2017-12-31"},
    )
    assert response.status_code == 302
    wave = Wave.objects.get(year=2017)
    listing = client.get(reverse("web:research_waves")).content.decode()
    assert "Wave 4 (2017)" in listing
    stale = client.post(
        reverse("web:research_wave_edit", args=[wave.pk]),
        {"year": "2017", "name": "Renamed", "starts_on": "2017-01-01", "ends_on": "2017-12-31", "version": "0"},
    )
    assert stale.status_code == 409
    bad = client.post(
        reverse("web:research_wave_add"),
        {"year": "2017", "name": "Again", "starts_on": "2017-01-01", "ends_on": "2017-12-31"},
    )
    assert bad.status_code == 400
    assert "There is already a wave for 2017." in bad.content.decode()


def test_stakeholders_add_and_withdraw(personas, client_for):
    story = personas.research
    client = client_for("evaluator")
    response = client.post(
        reverse("web:research_stakeholder_add"),
        {
            "name": "Sam Signpost",
            "role": "signposting_provider",
            "partnership_id": personas.fife.pk,
            "agreed_to_interview": "on",
        },
    )
    assert response.status_code == 302
    assert Stakeholder.objects.filter(name="Sam Signpost", agreed_to_interview=True).exists()
    assert "Sam Signpost" in client.get(reverse("web:research_stakeholders")).content.decode()
    kim = story.kim_stakeholder
    withdrawn = client.post(reverse("web:research_stakeholder_withdraw", args=[kim.pk]), {"version": kim.version})
    assert withdrawn.status_code == 302
    assert ">Kim Keyworker</a>" not in client.get(reverse("web:research_stakeholders")).content.decode()


def test_interview_list_pseudonyms_only_filtered_and_audited(personas, client_for):
    story = personas.research
    client = client_for("evaluator")
    response = client.get(reverse("web:research_interviews"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "R-TESTPAT" in body
    assert "R-TESTGEM" in body
    assert "R-TESTOLI" not in body  # withdrew
    for secret in ("Pat Participant", "MIW-FIF-00001", "pat@example.net", "Olive", "Gemma"):
        assert secret not in body
    events = AuditEvent.objects.filter(actor=personas.evaluator.user, record_type="research.Interview", action="list")
    assert sorted(events.values_list("participant_id", flat=True), key=lambda x: x or 0) == sorted(
        [None, personas.participant.pk, personas.glasgow_participant.pk], key=lambda x: x or 0
    )
    filtered = client.get(reverse("web:research_interviews"), {"wave": story.wave_2016.pk, "status": "scheduled"})
    assert "R-TESTGEM" in filtered.content.decode()
    assert "R-TESTPAT" not in filtered.content.decode()


def test_interview_list_queries_do_not_grow(personas, client_for, django_assert_num_queries):
    story = personas.research
    client = client_for("evaluator")
    client.get(reverse("web:research_interviews"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("web:research_interviews"))
    for _ in range(6):
        scope = ResearchConsentFactory(participant__keyworker=personas.keyworker)
        Interview.objects.create(
            wave=story.wave_2016, partnership=personas.fife, kind="participant", research_consent=scope
        )
    assert len(few) == 11
    with django_assert_num_queries(11):
        assert client.get(reverse("web:research_interviews")).status_code == 200


def test_interview_page_shows_contact_only_with_agreement(personas, client_for):
    story = personas.research
    client = client_for("evaluator")
    body = client.get(reverse("web:research_interview_detail", args=[story.pat_interview.pk])).content.decode()
    assert "pat@example.net" in body
    assert "+447700900001" in body
    assert "MIW-FIF-00001" not in body
    assert AuditEvent.objects.filter(
        actor=personas.evaluator.user, participant=personas.participant, record_type="research.ResearchConsent"
    ).exists()
    story.pat_consent.contact_for_interview = False
    story.pat_consent.save()
    body = client.get(reverse("web:research_interview_detail", args=[story.pat_interview.pk])).content.decode()
    assert "pat@example.net" not in body
    assert "arrange the interview through their keyworker" in body
    assert client.get(reverse("web:research_interview_detail", args=[story.olive_interview.pk])).status_code == 404


def test_add_and_change_an_interview(personas, client_for):
    story = personas.research
    client = client_for("evaluator")
    form = client.get(reverse("web:research_interview_add")).content.decode()
    assert "R-TESTPAT" in form
    assert "R-TESTOLI" not in form
    response = client.post(
        reverse("web:research_interview_add"),
        {"wave_id": story.wave_2016.pk, "pseudonym": "R-TESTPAT", "status": "invited"},
    )
    assert response.status_code == 302
    interview = Interview.objects.get(wave=story.wave_2016, research_consent=story.pat_consent)
    edit = client.post(
        reverse("web:research_interview_edit", args=[interview.pk]),
        {"status": "done", "held_on": "2016-06-01", "version": interview.version, "consent_confirmed": "on"},
    )
    assert edit.status_code == 302
    interview.refresh_from_db()
    assert (interview.status, interview.held_on) == ("done", datetime.date(2016, 6, 1))


def test_table1_page_and_downloads(db, sign_in):
    from coproduce.accounts.roles import Role
    from tests.programmes.factories import StaffMemberFactory

    programme = build_paper_interviews()
    client = sign_in(StaffMemberFactory(partnership=None, roles=[Role.EVALUATOR], programmes=[programme]).user)
    body = client.get(reverse("web:research_table1")).content.decode()
    assert "Making It Work (paper)" in body  # the page says which programme it counts
    assert "North Lanarkshire" in body
    assert "<strong>36</strong>" in body
    csv = client.get(reverse("web:research_table1_download", args=["csv"]))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[1] == '"Edinburgh",6,12,8,8,6,7,3,3,23,30'
    assert lines[-1] == '"Total",36,34,34,35,20,35,12,13,102,117'
    xlsx = client.get(reverse("web:research_table1_download", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[7]] == ["Total", 36, 34, 34, 35, 20, 35, 12, 13, 102, 117]
    assert client.get(reverse("web:research_table1_download", args=["pdf"])).status_code == 404


def test_sampling_proposes_and_invites(personas, client_for):
    story = personas.research
    client = client_for("evaluator")
    page = client.get(
        reverse("web:research_sampling"),
        {"wave": story.wave_2016.pk, f"quota_{personas.fife.pk}": "2", "spreads": ["progress"]},
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "R-TESTPAT: youngest" not in body
    assert "R-TESTPAT: still facing barriers; interviewed in an earlier wave" in body
    assert "Pat Participant" not in body
    assert "MIW-FIF-00001" not in body
    assert AuditEvent.objects.filter(
        actor=personas.evaluator.user, participant=personas.participant, record_type="research.ResearchConsent"
    ).exists()
    invited = client.post(
        reverse("web:research_sampling_invite"),
        {"wave": story.wave_2016.pk, "research_consent": [story.pat_consent.pk]},
    )
    assert invited.status_code == 302
    assert (
        Interview.objects.filter(wave=story.wave_2016, research_consent=story.pat_consent, status="invited").count()
        == 1
    )
