"""Progress checks, the job-search log (with its PDF) and "what is recorded about me", through the pages."""

import datetime
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from coproduce.audit.models import AuditEvent
from coproduce.plans.models import JobSearchEntry, ProgressArea, ProgressCheck
from tests.personas import Personas
from tests.plans.factories import (
    AssessmentFactory,
    ContactFactory,
    JobSearchEntryFactory,
    ProgressCheckFactory,
)
from tests.tagged_pdfs import pdf_tags, pdfinfo_says

Clients = Callable[[str], Client]

# Queries for a whole page, the same for 1 row as for 50 (session, user, actor, participant, rows, audit).
QUERIES_LOG = 8
QUERIES_RECORD = 13


def answers(score: int = 6, **overrides: int) -> dict[str, str]:
    """The keyworker's form, which still asks for all eight areas."""
    data = {}
    for area in ProgressArea.values:
        data[f"score_{area}"] = str(overrides.get(area, score))
        data[f"comment_{area}"] = ""
    return data


def pdf_text(content: bytes) -> str:
    """The PDF's text with every run of whitespace as one space (table cells wrap their lines)."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


# ---- progress ----------------------------------------------------------------------------------------


def question(area: str) -> str:
    return reverse("web:my_progress_question", args=[area])


def test_participant_answers_one_question_a_screen_skips_one_and_sees_their_chart(
    personas: Personas, client_for: Clients
) -> None:
    pat = personas.participant
    client = client_for("participant")

    start = client.get(reverse("web:my_progress_add"))
    assert start["Location"] == question("confidence")
    form = client.get(question("confidence")).content.decode()
    assert "How confident do you feel?" in form
    for words in ("Question 1 of 8", "Skip this question", "Save and finish later"):
        assert words in form

    response = client.post(
        question("confidence"), {"score": "8", "comment": "I led the school trip.", "action": "continue"}
    )
    assert response["Location"] == question("money")
    assert client.post(question("money"), {"action": "skip"})["Location"] == question("childcare")
    for area in ProgressArea.values[2:]:
        client.post(question(area), {"score": "4", "action": "continue"})

    check_page = client.get(reverse("web:my_progress_check")).content.decode()
    assert "Skipped" in check_page
    assert "Change" in check_page
    response = client.post(reverse("web:my_progress_check"))

    assert response["Location"] == reverse("web:my_progress")
    check = ProgressCheck.objects.get(participant=pat)
    assert (check.reader, check.checked_on, check.recorded_by) == ("participant", timezone.localdate(), pat.user)
    assert not check.scores.filter(area="money").exists()
    assert check.scores.count() == 7
    page = client.get(reverse("web:my_progress")).content.decode()
    assert 'role="img" aria-label="Confidence"' in page
    assert "<desc>You: 8 on" in page
    assert "“I led the school trip.”" in page
    assert "not finished" not in page


def test_continue_without_a_number_asks_for_one(personas: Personas, client_for: Clients) -> None:
    response = client_for("participant").post(question("money"), {"action": "continue"})

    assert response.status_code == 400
    assert "Choose a number from 1 to 10, or skip this question." in response.content.decode()
    assert ProgressCheck.objects.count() == 0


def test_save_and_finish_later_then_carry_on_where_you_left_off(personas: Personas, client_for: Clients) -> None:
    client = client_for("participant")
    client.post(question("confidence"), {"score": "5", "action": "continue"})
    response = client.post(question("money"), {"score": "3", "action": "later"})

    assert response["Location"] == reverse("web:my_progress")
    page = client.get(reverse("web:my_progress")).content.decode()
    assert "You have a progress check you have not finished." in page
    assert client.get(reverse("web:my_progress_add"))["Location"] == question("childcare")
    assert 'value="3" checked' in client.get(question("money")).content.decode()
    assert ProgressCheck.objects.count() == 0


def test_change_link_returns_to_the_check_page(personas: Personas, client_for: Clients) -> None:
    client = client_for("participant")
    client.post(question("confidence"), {"score": "5", "action": "continue"})
    response = client.post(question("confidence") + "?change=1", {"score": "7", "action": "continue"})

    assert response["Location"] == reverse("web:my_progress_check")
    assert '<dd class="govuk-summary-list__value">\n          7' in client.get(response["Location"]).content.decode()


def test_sending_with_every_question_skipped_is_refused(personas: Personas, client_for: Clients) -> None:
    client = client_for("participant")
    for area in ProgressArea.values:
        client.post(question(area), {"action": "skip"})
    response = client.post(reverse("web:my_progress_check"))

    assert response.status_code == 400
    assert "Answer at least one question before you send your answers." in response.content.decode()
    assert ProgressCheck.objects.count() == 0


def test_chart_copes_with_a_check_missing_areas(personas: Personas, client_for: Clients) -> None:
    pat = personas.participant
    ProgressCheckFactory(participant=pat, checked_on=datetime.date(2026, 3, 2), scores={"money": 3})
    ProgressCheck.objects.get(participant=pat).scores.exclude(area="money").delete()
    ProgressCheckFactory(participant=pat, checked_on=datetime.date(2026, 4, 2))

    response = client_for("participant").get(reverse("web:my_progress"))
    assert response.status_code == 200
    assert "<desc>You: 3 on" in response.content.decode()


def test_keyworker_reading_is_kept_beside_the_participants(personas: Personas, client_for: Clients) -> None:
    pat = personas.participant
    ProgressCheckFactory(participant=pat, checked_on=datetime.date(2026, 3, 2), scores={"money": 3})
    keyworker = client_for("keyworker")

    response = keyworker.post(
        reverse("web:participant_progress_add", args=[pat.pk]),
        answers(5, money=6) | {"checked_on": "2026-03-02", "reader": "keyworker"},
    )

    assert response.status_code == 302
    assert list(ProgressCheck.objects.order_by("pk").values_list("reader", flat=True)) == ["participant", "keyworker"]
    page = keyworker.get(reverse("web:participant_progress", args=[pat.pk])).content.decode()
    assert "<desc>Participant: 3 on 2 Mar 2026. Keyworker: 6 on 2 Mar 2026.</desc>" in page
    theirs = client_for("participant").get(reverse("web:my_progress")).content.decode()
    assert "<desc>You: 3 on 2 Mar 2026. Your keyworker: 6 on 2 Mar 2026.</desc>" in theirs


def test_another_keyworker_cannot_open_or_record(personas: Personas, sign_in: Callable) -> None:
    owen = sign_in(personas.other_keyworker.user)
    pat = personas.participant
    assert owen.get(reverse("web:participant_progress", args=[pat.pk])).status_code == 404
    assert owen.post(reverse("web:participant_progress_add", args=[pat.pk]), answers()).status_code == 404
    assert ProgressCheck.objects.count() == 0


# ---- job search ------------------------------------------------------------------------------------------


def test_participant_adds_to_their_log_and_prints_it(personas: Personas, client_for: Clients) -> None:
    pat = personas.participant
    client = client_for("participant")
    response = client.post(
        reverse("web:my_job_search_add"),
        {
            "searched_on": "2026-11-09",
            "action": "applied",
            "employer": "Kirkcaldy Care Homes",
            "role": "Care assistant",
            "what_i_did": "Filled in the online form",
            "outcome": "Waiting to hear",
        },
    )
    assert response.status_code == 302
    JobSearchEntryFactory(
        participant=pat, searched_on=datetime.date(2026, 11, 2), employer="Fife Council", role="School cook"
    )
    page = client.get(reverse("web:my_job_search")).content.decode()
    assert "Kirkcaldy Care Homes" in page
    assert "Fife Council" in page

    pdf = client.get(reverse("web:my_job_search_pdf"))

    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    for expected in ("Job-search log", "Pat Participant", "Kirkcaldy Care Homes", "Care assistant", "Fife Council"):
        assert expected in text
    assert AuditEvent.objects.filter(
        actor=pat.user, participant=pat, action=AuditEvent.Action.EXPORT, channel=AuditEvent.Channel.EXPORT
    ).exists()


def test_the_job_search_log_is_tagged_for_screen_readers_in_their_language(
    personas: Personas, client_for: Clients
) -> None:
    """The log Pat shows at Jobcentre Plus reads aloud: headings, a table with header cells, language and title."""
    pat = personas.participant
    for day in (2, 3):
        JobSearchEntryFactory(participant=pat, searched_on=datetime.date(2026, 11, day), employer="Fife Council")

    content = client_for("participant").get(reverse("web:my_job_search_pdf")).content

    tags = pdf_tags(content)
    assert tags.marked
    assert (tags.language, tags.title, tags.xmp_title) == (
        "en-GB",
        "Job-search log: Pat Participant",
        "Job-search log: Pat Participant",
    )
    assert tags.display_title
    assert (tags.elements["H1"], tags.elements["Table"], tags.elements["TR"]) == (1, 1, 3)
    assert (tags.elements["TH"], tags.elements["TD"]) == (6, 12)
    assert pdfinfo_says(content)["Tagged"] == "yes"

    pat.language = "pl"
    pat.save(update_fields=["language"])
    polish = pdf_tags(client_for("keyworker").get(reverse("web:participant_job_search_pdf", args=[pat.pk])).content)
    assert polish.language == "pl"


def test_keyworker_adds_with_them_and_prints(personas: Personas, client_for: Clients) -> None:
    pat = personas.participant
    keyworker = client_for("keyworker")
    response = keyworker.post(
        reverse("web:participant_job_search", args=[pat.pk]),
        {"searched_on": "2026-11-10", "action": "job_fair", "employer": "Jobs Fair at the Adam Smith Theatre"},
    )
    assert response.status_code == 302
    entry = JobSearchEntry.objects.get()
    assert entry.recorded_by == personas.keyworker.user
    pdf = keyworker.get(reverse("web:participant_job_search_pdf", args=[pat.pk]))
    assert "Jobs Fair at the Adam Smith Theatre" in pdf_text(pdf.content)
    assert AuditEvent.objects.filter(
        actor=personas.keyworker.user, participant=pat, action=AuditEvent.Action.EXPORT
    ).exists()


def test_bad_entry_is_shown_again_with_the_error(personas: Personas, client_for: Clients) -> None:
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client_for("participant").post(
        reverse("web:my_job_search_add"), {"searched_on": tomorrow, "action": "applied"}
    )
    assert response.status_code == 400
    assert "The date cannot be in the future." in response.content.decode()
    assert JobSearchEntry.objects.count() == 0


def test_editing_an_entry_and_a_lost_update_refused(personas: Personas, client_for: Clients) -> None:
    entry = JobSearchEntryFactory(participant=personas.participant)
    url = reverse("web:job_search_edit", args=[entry.pk])
    fields = {
        "searched_on": "2026-11-09",
        "action": "applied",
        "employer": entry.employer,
        "role": entry.role,
        "what_i_did": "",
        "outcome": "Interview on Friday",
        "version": "1",
    }
    pat, kim = client_for("participant"), client_for("keyworker")
    assert pat.get(url).status_code == 200

    response = pat.post(url, fields)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:my_job_search")

    # Kim opened the same entry before Pat saved: her save is refused, nothing is overwritten.
    stale = kim.post(url, fields | {"outcome": "No reply"})
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.content.decode()
    entry.refresh_from_db()
    assert (entry.outcome, entry.version) == ("Interview on Friday", 2)


def test_someone_elses_entry_is_not_found(personas: Personas, client_for: Clients) -> None:
    entry = JobSearchEntryFactory(participant=personas.second_participant)
    assert client_for("participant").get(reverse("web:job_search_edit", args=[entry.pk])).status_code == 404


def test_log_page_queries_do_not_grow(
    personas: Personas, client_for: Clients, django_assert_num_queries: Callable
) -> None:
    pat = personas.participant
    client = client_for("participant")
    url = reverse("web:my_job_search")
    JobSearchEntryFactory(participant=pat)
    client.get(url)
    with django_assert_num_queries(QUERIES_LOG) as one:
        assert client.get(url).status_code == 200
    JobSearchEntryFactory.create_batch(49, participant=pat)
    with django_assert_num_queries(QUERIES_LOG) as fifty:
        assert client.get(url).content.decode().count(">Change<span") == 50
    assert len(one.captured_queries) == len(fifty.captured_queries)


# ---- what is recorded about me -------------------------------------------------------------------------------


def restricted_note(personas: Personas) -> None:
    ContactFactory(
        participant=personas.participant,
        kind="home_visit",
        notes="Concern raised by the school; not to be shared yet.",
        restricted_reason="Safeguarding enquiry open with social work",
        restricted_by=personas.keyworker.user,
        restricted_at=timezone.now(),
    )


def test_participant_sees_everything_but_restricted_notes(personas: Personas, client_for: Clients) -> None:
    pat = personas.participant
    AssessmentFactory(participant=pat, assessed_on=datetime.date(2025, 3, 9), aspirations="Any job at all")
    AssessmentFactory(participant=pat, assessed_on=datetime.date(2026, 3, 9), aspirations="A job in care")
    ProgressCheckFactory(participant=pat, scores={"home": 9})
    restricted_note(personas)

    response = client_for("participant").get(reverse("web:my_record"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Any job at all" in page  # every version
    assert "A job in care" in page
    assert "Talked about what kind of work would fit around the school run." in page
    assert "9 out of 10" in page
    assert "Concern raised by the school" not in page
    assert "Safeguarding" not in page
    assert "Hidden from them" not in page
    # Not even counted: one row of notes, the unrestricted one.
    assert page.count("Written by") == 1
    assert reverse("web:my_record_views") in page
    assert AuditEvent.objects.filter(actor=pat.user, participant=pat, action=AuditEvent.Action.VIEW).exists()


@pytest.mark.parametrize("role", ["keyworker", "partnership_manager"])
def test_keyworker_and_manager_see_the_restricted_note_with_its_reason(
    personas: Personas, client_for: Clients, role: str
) -> None:
    restricted_note(personas)
    response = client_for(role).get(reverse("web:participant_record", args=[personas.participant.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Concern raised by the school; not to be shared yet." in page
    assert "Hidden from them" in page
    assert "Safeguarding reason: Safeguarding enquiry open with social work" in page


def test_record_page_queries_do_not_grow(
    personas: Personas, client_for: Clients, django_assert_num_queries: Callable
) -> None:
    pat = personas.participant
    client = client_for("participant")
    url = reverse("web:my_record")
    AssessmentFactory(participant=pat)
    ProgressCheckFactory(participant=pat)
    client.get(url)
    with django_assert_num_queries(QUERIES_RECORD):
        client.get(url)
    AssessmentFactory.create_batch(49, participant=pat)
    ContactFactory.create_batch(49, participant=pat)
    ProgressCheckFactory.create_batch(49, participant=pat)
    with django_assert_num_queries(QUERIES_RECORD):
        page = client.get(url).content.decode()
    assert (page.count("Written by"), page.count("Written down by")) == (50, 50)  # notes, assessments
    assert page.count("out of 10") == 50 * 8
