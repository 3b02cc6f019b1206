"""Research consent, waves, stakeholders, interviews, sampling and Table 1 through the API."""

import json

from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.research.models import Interview, ResearchConsent
from coproduce.research.table1 import PAPER_TABLE_1, PAPER_TABLE_1_TOTALS
from tests.api.helpers import send_json
from tests.programmes.factories import StaffMemberFactory
from tests.research.test_table1 import build_paper_interviews

CONSENT = "/api/v1/research/consents/participants/{}"
ALL = {"interview": True, "recording": True, "quotation": True, "service_data": True, "contact_for_interview": True}


def test_participant_reads_gives_and_withdraws_their_research_consent(personas, client_for):
    client = client_for("participant")
    url = CONSENT.format(personas.participant.pk)
    before = client.get(url).json()
    assert (before["in_force"], before["interview"], before["version"]) == (False, False, None)
    given = send_json(client, "PUT", url, {**ALL, "quotation": False})
    assert given.status_code == 200
    body = given.json()
    assert (body["in_force"], body["quotation"], body["given_how"], body["version"]) == (True, False, "online", 1)
    assert "pseudonym" not in body
    stale = send_json(client, "PUT", url, {**ALL, "version": 0})
    assert stale.status_code == 409
    withdrawn = client.delete(url)
    assert withdrawn.status_code == 200
    assert (withdrawn.json()["in_force"], withdrawn.json()["interview"]) == (False, False)
    assert client.delete(url).status_code == 400


def test_keyworker_must_say_how_and_others_get_404(personas, client_for):
    url = CONSENT.format(personas.second_participant.pk)
    missing = send_json(client_for("keyworker"), "PUT", url, ALL)
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"how": ["Record how they agreed."]}
    assert send_json(client_for("keyworker"), "PUT", url, {**ALL, "how": "phone"}).status_code == 200
    for role in ("evaluator", "funder", "partner_worker"):
        assert client_for(role).get(url).status_code == 404
        assert send_json(client_for(role), "PUT", url, {**ALL, "how": "phone"}).status_code == 404
    assert client_for("keyworker").delete(url + "?how=phone").status_code == 200
    assert ResearchConsent.objects.get(participant=personas.second_participant).is_in_force is False


def test_waves_stakeholders_and_interviews(personas, client_for):
    story = personas.research
    client = client_for("evaluator")
    wave = send_json(
        client,
        "POST",
        "/api/v1/research/waves",
        {"year": 2017, "name": "Wave 4 (2017)", "starts_on": "2017-01-01", "ends_on": "2017-12-31"},
    )
    assert wave.status_code == 201
    wave_id = wave.json()["id"]
    assert (
        send_json(client, "PATCH", f"/api/v1/research/waves/{wave_id}", {"version": 1, "name": "W4"}).json()["name"]
        == "W4"
    )
    assert client.get("/api/v1/research/waves").json()["count"] == 3
    stakeholder = send_json(
        client,
        "POST",
        "/api/v1/research/stakeholders",
        {"name": "Lee Lead", "role": "lead_partner", "partnership_id": personas.fife.pk, "agreed_to_interview": True},
    )
    assert stakeholder.status_code == 201
    interview = send_json(
        client, "POST", "/api/v1/research/interviews", {"wave_id": wave_id, "stakeholder_id": stakeholder.json()["id"]}
    )
    assert interview.status_code == 201
    assert (interview.json()["kind"], interview.json()["stakeholder_name"], interview.json()["pseudonym"]) == (
        "stakeholder",
        "Lee Lead",
        None,
    )
    pat = send_json(client, "POST", "/api/v1/research/interviews", {"wave_id": wave_id, "pseudonym": "R-TESTPAT"})
    assert pat.json()["pseudonym"] == "R-TESTPAT"
    done = send_json(
        client,
        "PATCH",
        f"/api/v1/research/interviews/{pat.json()['id']}",
        {"version": 1, "status": "done", "held_on": "2017-03-01"},
    )
    assert (done.status_code, done.json()["status"]) == (200, "done")
    listed = client.get("/api/v1/research/interviews", {"wave_id": story.wave_2015.pk}).json()
    assert sorted(item["pseudonym"] or item["stakeholder_name"] for item in listed["items"]) == [
        "Kim Keyworker",
        "R-TESTPAT",
    ]
    text = json.dumps(listed)
    for secret in ("Pat Participant", "MIW-FIF-00001", "pat@example.net", "R-TESTOLI"):
        assert secret not in text
    assert AuditEvent.objects.filter(
        actor=personas.evaluator.user, channel="api", record_type="research.Interview", participant=personas.participant
    ).exists()
    assert client_for("keyworker").get("/api/v1/research/interviews").json() == {"items": [], "count": 0}
    assert client_for("keyworker").get(f"/api/v1/research/interviews/{story.pat_interview.pk}").status_code == 404
    assert client.get(f"/api/v1/research/interviews/{story.olive_interview.pk}").status_code == 404


def test_table1_equals_the_paper(db, sign_in):
    programme = build_paper_interviews()
    client = sign_in(StaffMemberFactory(partnership=None, roles=[Role.EVALUATOR], programmes=[programme]).user)
    data = client.get("/api/v1/research/table1", {"programme": programme.pk}).json()
    assert (data["programme_id"], data["programme"]) == (programme.pk, "Making It Work (paper)")
    cells = {(row["area"], row["wave"]): (row["participants"], row["stakeholders"]) for row in data["rows"]}
    assert cells == {(area, year): cell for area, years in PAPER_TABLE_1.items() for year, cell in years.items()}
    assert {row["wave"]: (row["participants"], row["stakeholders"]) for row in data["totals"]["by_wave"]} == (
        PAPER_TABLE_1_TOTALS
    )
    assert data["totals"]["overall"] == {"participants": 102, "stakeholders": 117}


def test_sampling_proposal_and_accept(personas, client_for):
    story = personas.research
    client = client_for("evaluator")
    proposal = send_json(
        client,
        "POST",
        "/api/v1/research/sampling/proposal",
        {
            "wave_id": story.wave_2016.pk,
            "quotas": [{"partnership_id": personas.fife.pk, "number": 3}],
            "spreads": ["progress", "family"],
        },
    )
    assert proposal.status_code == 200
    area = proposal.json()["areas"][0]
    assert (area["area"], area["quota"], area["eligible"], area["short_by"]) == ("Fife", 3, 1, 2)
    assert area["proposed"][0]["pseudonym"] == "R-TESTPAT"
    assert area["proposed"][0]["family"] == "under_5"
    accepted = send_json(
        client,
        "POST",
        "/api/v1/research/sampling/accept",
        {"wave_id": story.wave_2016.pk, "research_consent_ids": [story.pat_consent.pk, story.gemma_consent.pk]},
    )
    assert accepted.status_code == 200
    assert [item["pseudonym"] for item in accepted.json()["invited"]] == ["R-TESTPAT"]
    assert accepted.json()["skipped"] == [story.gemma_consent.pk]
    assert Interview.objects.filter(wave=story.wave_2016, status="invited").count() == 1
    refused = send_json(
        client_for("partnership_manager"),
        "POST",
        "/api/v1/research/sampling/proposal",
        {"wave_id": story.wave_2016.pk, "quotas": []},
    )
    assert refused.status_code == 403
