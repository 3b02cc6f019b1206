"""The demo programme: the right size, the same every time, and every role can sign in."""

import datetime
import io
import json
import re
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.demo import data
from coproduce.demo.builder import DemoError, build_demo, live_size, remove_demo, split_across_areas
from coproduce.participants.models import Child, Consent, Enquiry, Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.plans.models import Assessment, AssessmentBarrier, Contact
from coproduce.programmes.models import Organisation, Partnership, StaffMember, StaffRole
from coproduce.programmes.standing import standing_of
from coproduce.reporting.models import PartnershipRollup

SMALL = 150
SEED = 7
TODAY = datetime.date(2026, 11, 27)  # fixed, so that nothing depends on the day the tests run
ROLES = [role.value for role in Role]
CLOSED = {"partnership__programme__name": data.PROGRAMME_NAME}
LIVE = {"partnership__programme__name": data.LIVE_PROGRAMME_NAME}


def snapshot() -> dict[str, list[Any]]:
    """Everything the seed decides, in a stable order, without primary keys or timestamps."""
    return {
        "participants": list(
            Participant.objects.order_by("reference").values_list(
                "reference",
                "given_name",
                "family_name",
                "email",
                "mobile",
                "postcode",
                "joined_on",
                "status",
                "status_since",
                "keyworker__user__email",
                "user__email",
            )
        ),
        "barriers": list(
            AssessmentBarrier.objects.order_by("assessment__participant__reference", "barrier").values_list(
                "assessment__participant__reference", "barrier", "own_words", "importance"
            )
        ),
        "children": list(
            Child.objects.order_by("participant__reference", "birth_year").values_list(
                "participant__reference", "birth_year"
            )
        ),
        "contacts": list(
            Contact.objects.order_by("participant__reference", "happened_on", "kind", "notes").values_list(
                "participant__reference", "happened_on", "kind", "notes"
            )
        ),
        "staff": list(StaffMember.objects.order_by("user__email").values_list("user__email", "organisation__name")),
        "enquiries": list(
            Enquiry.objects.order_by("name", "postcode").values_list("name", "email", "mobile", "postcode")
        ),
    }


@pytest.fixture
def small_demo(db: None) -> None:
    build_demo(participants=SMALL, seed=SEED, today=TODAY)


def test_the_small_demo_has_exactly_the_rows_asked_for(small_demo: None) -> None:
    # Making It Work is the size asked for; the live programme a tenth of it.
    assert Participant.objects.filter(**CLOSED).count() == SMALL
    assert Participant.objects.filter(**LIVE).count() == live_size(SMALL) == 70  # the smallest live programme
    partnerships = Partnership.objects.filter(programme__name=data.PROGRAMME_NAME)
    by_area = {partnership.short_code: partnership.participants.count() for partnership in partnerships}
    assert by_area == split_across_areas(SMALL) == {"EDI": 30, "FIF": 29, "GLA": 43, "NLA": 24, "SLA": 24}
    assert sorted(partnerships.values_list("area_name", "gss_code", "short_code")) == [
        ("Edinburgh", "S12000036", "EDI"),
        ("Fife", "S12000047", "FIF"),
        ("Glasgow", "S12000049", "GLA"),
        ("North Lanarkshire", "S12000050", "NLA"),
        ("South Lanarkshire", "S12000029", "SLA"),
    ]
    # Per area: a co-lead charity, the council and five partner agencies; plus the funder and the two
    # evaluation teams (a university unit and a research institute).
    assert Organisation.objects.count() == 5 * 7 + 3
    assert Organisation.objects.filter(kind="funder").count() == 1
    assert Organisation.objects.filter(kind="research").count() == 2
    assert Organisation.objects.filter(kind="local_government").count() == 5
    roles = {role: StaffRole.objects.filter(role=role).count() for role in ROLES if role != "participant"}
    # Making It Work's staff (30 keyworkers, 25 partner workers, 5 managers) and the live programme's
    # (a keyworker per area at this size, and its own partner workers and managers).
    assert roles == {
        "keyworker": 30 + 5,
        "partner_worker": 25 + 25,
        "partnership_manager": 5 + 5,
        "funder": 1,
        "evaluator": 4,  # four researchers in two institutions code the interviews
        "administrator": 0,  # the administrator is a superuser, not a member of staff
        "board_member": 0,  # a lived-experience board member holds a board seat, not a staff role
    }
    assert list(User.objects.filter(is_superuser=True).values_list("email", "is_staff")) == [
        ("iain.fraser@coproduce.example.org", True)
    ]
    assert Enquiry.objects.filter(status=Enquiry.Status.WAITING).count() == 20
    assert Assessment.objects.count() == SMALL + live_size(SMALL)
    # Each live area gives accounts to up to ten of its active participants; people who took part in
    # Making It Work before have one too, linking their two records. Nobody in Making It Work has an
    # account of their own.
    expected_accounts = sum(
        min(10, Participant.objects.filter(partnership=partnership, status="active").count())
        for partnership in Partnership.objects.filter(programme__name=data.LIVE_PROGRAMME_NAME)
    )
    returning = Participant.objects.filter(**CLOSED).exclude(user=None)
    live_accounts = Participant.objects.filter(**LIVE).exclude(user=None)
    assert set(returning.values_list("user", flat=True)) <= set(live_accounts.values_list("user", flat=True))
    assert expected_accounts <= live_accounts.count() <= expected_accounts + returning.count()


def test_every_participant_has_a_household_an_assessment_and_contacts(small_demo: None) -> None:
    for participant in Participant.objects.prefetch_related("children", "assessments__barriers", "contacts"):
        if participant.partnership.programme.name == data.PROGRAMME_NAME:
            assert data.FIRST_JOINING_DAY <= participant.joined_on <= data.LAST_JOINING_DAY
            assert participant.reference.startswith(f"MIW-{participant.partnership.short_code}-")
        else:
            assert data.LIVE_FIRST_JOINING_DAY <= participant.joined_on <= TODAY
            assert participant.reference.startswith(f"MWT-{participant.partnership.short_code}-")
        assert participant.status_since >= participant.joined_on
        ages = [child.age_on(participant.joined_on) for child in participant.children.all()]
        assert 1 <= len(ages) <= 4
        assert all(0 <= age <= 16 for age in ages)
        (assessment,) = participant.assessments.all()
        assert 1 <= assessment.barriers.count() <= 5
        assert all(barrier.own_words for barrier in assessment.barriers.all())
        contacts = sorted(contact.happened_on for contact in participant.contacts.all())
        assert contacts[0] == participant.joined_on
        assert len(set(contacts)) == len(contacts)  # one contact a day at most
        last = participant.status_since if participant.status == "closed" else TODAY
        assert contacts[-1] <= last
        assert all(day.weekday() < 5 for day in contacts)
        assert participant.postcode.split()[0] in {district for district, _ in _area(participant).districts}


def _area(participant: Participant) -> data.AreaSpec:
    return next(area for area in data.AREAS if area.short_code == participant.partnership.short_code)


def test_every_participant_consented_to_the_service_with_their_keyworker(small_demo: None) -> None:
    for participant in Participant.objects.select_related("keyworker"):
        consent = Consent.objects.get(participant=participant, purpose=Consent.Purpose.SERVICE)
        assert consent.given_by_id == participant.keyworker.user_id
        assert consent.withdrawn_at is None


def test_contact_details_are_invented_and_unique(small_demo: None) -> None:
    emails = [email for email in Participant.objects.values_list("email", flat=True) if email]
    mobiles = [mobile for mobile in Participant.objects.values_list("mobile", flat=True) if mobile]
    assert len(set(emails)) == len(emails)
    assert len(set(mobiles)) == len(mobiles)
    assert all(email.split("@")[1] in {"example.net", "example.com"} for email in emails)
    assert all(mobile in data.DRAMA_MOBILES for mobile in mobiles)


def test_the_same_seed_builds_the_same_programme(small_demo: None) -> None:
    first = snapshot()
    remove_demo()
    assert Participant.objects.count() == 0
    build_demo(participants=SMALL, seed=SEED, today=TODAY)
    assert snapshot() == first
    remove_demo()
    build_demo(participants=SMALL, seed=SEED + 1, today=TODAY)
    assert snapshot()["participants"] != first["participants"]


def test_only_the_live_programmes_open_cases_depend_on_the_day_it_is_built(small_demo: None) -> None:
    def closed_cases() -> dict[str, list[Any]]:
        # Making It Work does not depend on the day at all (the live programme's joining days do).
        state = snapshot()
        state["participants"] = [row for row in state["participants"] if row[0].startswith("MIW-")]
        state.pop("staff")
        state.pop("enquiries")
        closed = {row[0] for row in state["participants"] if row[7] == "closed"}
        state["barriers"] = [row for row in state["barriers"] if row[0] in closed]
        state["children"] = [row for row in state["children"] if row[0] in closed]
        state["contacts"] = [row for row in state["contacts"] if row[0] in closed]
        state["participants"] = [row[:7] for row in state["participants"]]
        return state

    first = closed_cases()
    remove_demo()
    build_demo(participants=SMALL, seed=SEED, today=TODAY + datetime.timedelta(days=3))
    assert closed_cases() == first


def test_every_role_has_a_demo_login_that_signs_in(small_demo: None) -> None:
    output = io.StringIO()
    call_command("demo_logins", "--json", stdout=output)
    logins = json.loads(output.getvalue())
    assert [login["role"] for login in logins] == ROLES
    for login in logins:
        assert set(login) == {"role", "username", "password"}
        request = RequestFactory().post("/sign-in/")
        user = authenticate(request, username=login["username"], password="coproduce-demo")
        assert user is not None, login
        assert standing_of(user).has(Role(login["role"])), login


def test_the_demo_logins_table_is_readable(small_demo: None) -> None:
    output = io.StringIO()
    call_command("demo_logins", stdout=output)
    lines = output.getvalue().splitlines()
    assert lines[0].split() == ["Role", "Name", "Username", "Password"]
    assert "kirsty.morrison@kingdomlpt.example.org" in lines[3]
    assert re.search(r"\npartnership manager +Morag Henderson ", output.getvalue())
    assert re.search(r"\nevaluator \(second coder\) +Priya Nair +priya.nair@pennine.example.ac.uk", output.getvalue())


def test_demo_logins_says_when_the_demo_is_not_loaded(db: None) -> None:
    with pytest.raises(CommandError, match="The demo is not loaded"):
        call_command("demo_logins", "--json", stdout=io.StringIO())


def test_the_demo_keyworker_supports_the_demo_participant(small_demo: None) -> None:
    keyworker = User.objects.get(email="kirsty.morrison@kingdomlpt.example.org")
    manager = User.objects.get(email="morag.henderson@kingdomlpt.example.org")
    participant = Participant.objects.get(user__email="nicola.watt@example.net")
    assert participant.status == Participant.Status.ACTIVE
    assert participant.keyworker.user == keyworker
    assert participants_visible_to(keyworker).filter(pk=participant.pk).exists()
    assert participants_visible_to(manager).filter(pk=participant.pk).exists()
    assert manager.staff_member.partnership == keyworker.staff_member.partnership
    assert participant.contacts.filter(happened_on__gte=TODAY - datetime.timedelta(days=28)).exists()


def test_load_demo_does_not_load_twice_and_reset_rebuilds(db: None) -> None:
    call_command("load_demo", "--participants", "40", stdout=io.StringIO())
    # The funder's pages find the rollups of their counts made (tests/reporting/test_rollups.py: true).
    assert PartnershipRollup.objects.count() == Partnership.objects.count()
    references = list(Participant.objects.order_by("reference").values_list("reference", "given_name"))
    output = io.StringIO()
    call_command("load_demo", "--participants", "40", stdout=output)
    assert "already loaded" in output.getvalue()
    assert Participant.objects.filter(**CLOSED).count() == 40
    assert Participant.objects.filter(**LIVE).count() == live_size(40)
    call_command("load_demo", "--participants", "40", "--reset", stdout=io.StringIO())
    assert list(Participant.objects.order_by("reference").values_list("reference", "given_name")) == references
    assert User.objects.filter(email="nicola.watt@example.net").count() == 1


def test_reset_refuses_once_the_audit_log_mentions_demo_people(small_demo: None) -> None:
    participant = Participant.objects.get(user__email="nicola.watt@example.net")
    AuditEvent.objects.create(
        actor=participant.keyworker.user,
        actor_role="keyworker",
        action=AuditEvent.Action.VIEW,
        channel=AuditEvent.Channel.PAGE,
        participant=participant,
        record_type="participants.Participant",
        record_id=str(participant.pk),
    )
    with pytest.raises(DemoError, match="audit events can never be deleted"):
        remove_demo()
    assert Participant.objects.count() == SMALL + live_size(SMALL)


def test_the_demo_refuses_to_mix_with_clashing_data_and_writes_nothing(db: None) -> None:
    Organisation.objects.create(name="Fife Council", kind=Organisation.Kind.LOCAL_GOVERNMENT)
    with pytest.raises(DemoError, match="clashes with data already in this database"):
        build_demo(participants=SMALL, seed=SEED, today=TODAY)
    assert Organisation.objects.count() == 1
    assert User.objects.count() == 0


def test_the_full_demo_has_3115_participants_split_as_documented(db: None) -> None:
    build_demo(today=TODAY)
    partnerships = Partnership.objects.filter(programme__name=data.PROGRAMME_NAME)
    by_area = {partnership.short_code: partnership.participants.count() for partnership in partnerships}
    assert Participant.objects.filter(**CLOSED).count() == 3115
    assert by_area == {"EDI": 620, "FIF": 600, "GLA": 900, "NLA": 505, "SLA": 490}
    # Every Making It Work case closed when the programme ended.
    assert Participant.objects.filter(**CLOSED, status="closed").count() == 3115
    # The live programme: a tenth of the size; caseloads stay small: 15 to 25 active participants for
    # every keyworker.
    assert Participant.objects.filter(**LIVE).count() == 312
    for keyworker in StaffMember.objects.filter(
        roles__role="keyworker", partnership__programme__name=data.LIVE_PROGRAMME_NAME
    ):
        assert 15 <= keyworker.caseload.filter(status="active").count() <= 25, keyworker
    # Fifty live participants have accounts, and a few dozen took part in Making It Work too.
    assert Participant.objects.filter(**LIVE).exclude(user=None).count() >= 50
    assert 24 <= Participant.objects.filter(**CLOSED).exclude(user=None).count() <= 48


def test_every_participant_has_a_plan_and_steps_are_answered_unless_offered(small_demo: None) -> None:
    from coproduce.plans.models import Goal, Step

    assert set(Goal.objects.values_list("participant", flat=True)) == set(
        Participant.objects.values_list("pk", flat=True)
    )
    states = set(Step.objects.values_list("state", flat=True))
    assert states == {"offered", "agreed", "declined", "done", "stopped"}
    assert not Step.objects.exclude(state="offered").filter(answered_at__isnull=True).exists()
    assert not Step.objects.filter(state="offered", answered_at__isnull=False).exists()


def test_progress_checks_have_all_eight_areas_and_many_improve(small_demo: None) -> None:
    from django.db.models import Count

    from coproduce.plans.models import ProgressCheck, ProgressScore

    assert set(ProgressCheck.objects.annotate(areas=Count("scores")).values_list("areas", flat=True)) == {8}
    first_and_last: dict[int, list[int]] = {}
    for check in ProgressCheck.objects.filter(reader="participant").order_by("participant", "checked_on", "pk"):
        total = sum(ProgressScore.objects.filter(progress_check=check).values_list("score", flat=True))
        first_and_last.setdefault(check.participant_id, []).append(total)
    improved = [totals[-1] > totals[0] for totals in first_and_last.values() if len(totals) > 1]
    assert 0 < sum(improved) < len(improved)  # many improve, but not all


def test_group_sessions_come_from_requests_and_invite_the_people_who_asked(small_demo: None) -> None:
    from coproduce.voice.models import GroupSession, Invitation, Request

    sessions = list(GroupSession.objects.all())
    assert sessions, "the demo has group sessions built from requests"
    for session in sessions:
        askers = set(Request.objects.filter(group_session=session).values_list("participant", flat=True))
        invited = set(Invitation.objects.filter(group_session=session).values_list("participant", flat=True))
        assert askers == invited
        assert len(askers) >= 1
