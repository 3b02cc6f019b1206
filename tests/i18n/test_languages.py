"""Which language a page is in: a participant's own, the switcher's, the browser's; English for staff.

And the language and interpreter people ask for: on "Ask for help" (pages and API), carried onto
the participant, changed by them or by their keyworker with them, and shown wherever a keyworker
arranges to meet them.
"""

import io
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from coproduce.audit.models import AuditEvent
from coproduce.participants.models import Enquiry, Participant
from coproduce.participants.services import allocate_enquiry, register_participant
from coproduce.subject_access.package import data_pdf
from tests.personas import Personas
from tests.plans.factories import AppointmentFactory, JobSearchEntryFactory

ClientFor = Callable[[str], Client]


def html_tag(response: object) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)  # type: ignore[attr-defined,union-attr]


def speak(participant: Participant, language: str, interpreter: str = "") -> None:
    Participant.objects.filter(pk=participant.pk).update(language=language, interpreter_language=interpreter)


# ---- which language a page is in -------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "tag"),
    [
        ("en-gb", '<html lang="en-GB" dir="ltr" class="govuk-template">'),
        ("pl", '<html lang="pl" dir="ltr" class="govuk-template">'),
        ("ar", '<html lang="ar" dir="rtl" class="govuk-template">'),
    ],
)
def test_pats_own_page_is_in_the_language_on_his_record(
    personas: Personas, client_for: ClientFor, language: str, tag: str
) -> None:
    speak(personas.participant, language)
    # His record wins over whatever this browser last chose or asks for.
    client = client_for("participant")
    client.cookies["django_language"] = "pl" if language != "pl" else "ar"

    response = client.get("/me/", headers={"accept-language": "ar"})

    assert response.status_code == 200
    assert html_tag(response) == tag
    assert response["Content-Language"] == language


def test_someone_not_signed_in_gets_their_browsers_language_then_the_one_they_choose(personas: Personas) -> None:
    client = Client()
    assert html_tag(client.get("/ask-for-help/", headers={"accept-language": "ar,en;q=0.5"})) == (
        '<html lang="ar" dir="rtl" class="govuk-template">'
    )

    chosen = client.post("/i18n/setlang/", {"language": "pl", "next": "/ask-for-help/"})

    assert (chosen.status_code, chosen["Location"]) == (302, "/ask-for-help/")
    assert client.cookies["django_language"].value == "pl"
    page = client.get("/ask-for-help/", headers={"accept-language": "ar"})
    assert html_tag(page) == '<html lang="pl" dir="ltr" class="govuk-template">'
    # The switcher shows each language in its own name, marked with its language; the current one is not a button.
    switcher = page.content.decode().split('<form class="cp-language-switcher"', 1)[1].split("</form>", 1)[0]
    assert re.findall(r"<(?:button|span)[^>]*lang=\"([^\"]+)\"[^>]*>([^<]+)<", switcher) == [
        ("en-gb", "English"),
        ("pl", "Polski"),
        ("ar", "العربية"),
    ]
    assert '<span class="cp-language-switcher__current" lang="pl" aria-current="true">Polski</span>' in switcher
    assert 'action="/i18n/setlang/"' in switcher


@pytest.mark.parametrize("role", ["keyworker", "partnership_manager", "administrator"])
def test_staff_pages_stay_english_whatever_the_browser_or_cookie_says(
    personas: Personas, client_for: ClientFor, role: str
) -> None:
    client = client_for(role)
    client.cookies["django_language"] = "ar"

    response = client.get("/", headers={"accept-language": "ar"}, follow=True)

    assert response.status_code == 200
    assert html_tag(response) == '<html lang="en-GB" dir="ltr" class="govuk-template">'
    assert "cp-language-switcher" not in response.content.decode()


def test_the_api_answers_in_english_whatever_the_caller_asks_for(personas: Personas) -> None:
    response = Client().post(
        reverse("api-v1:submit_enquiry"), "{}", content_type="application/json", headers={"accept-language": "pl"}
    )

    assert response.status_code == 400
    assert response["Content-Language"] == "en-gb"


# ---- a participant chooses -------------------------------------------------------------------


def test_pat_switches_to_arabic_from_any_page_and_it_is_kept_on_his_record(
    personas: Personas, client_for: ClientFor
) -> None:
    pat = personas.participant
    client = client_for("participant")
    switcher = client.get("/me/plan/").content.decode().split('<form class="cp-language-switcher"', 1)[1]
    assert switcher.split(">", 1)[0] == ' method="post" action="/me/language/" aria-label="Language"'

    response = client.post("/me/language/", {"language": "ar", "next": "/me/plan/"}, follow=True)

    assert response.redirect_chain == [("/me/plan/", 302)]
    assert html_tag(response) == '<html lang="ar" dir="rtl" class="govuk-template">'
    pat.refresh_from_db()
    assert (pat.language, pat.version) == ("ar", 2)
    event = AuditEvent.objects.filter(record_type="participants.Participant", action=AuditEvent.Action.CHANGE).get()
    assert (event.actor, event.participant_id, event.changed_fields) == (pat.user, pat.pk, ["language"])
    # Another browser, signed in as Pat, shows his choice too.
    assert html_tag(client_for("participant").get("/me/")) == '<html lang="ar" dir="rtl" class="govuk-template">'


def test_pats_language_page_shows_his_choice_and_saves_a_new_one(personas: Personas, client_for: ClientFor) -> None:
    pat = personas.participant
    speak(pat, "pl")
    client = client_for("participant")

    page = client.get("/me/language/").content.decode()

    assert re.findall(r'value="([a-z-]+)"( checked)?>\s*<label[^>]*lang="[a-z-]+">([^<]+)<', page) == [
        ("en-gb", "", "English"),
        ("pl", " checked", "Polski"),
        ("ar", "", "العربية"),
    ]
    response = client.post("/me/language/", {"language": "en-gb", "version": pat.version})
    assert (response.status_code, response["Location"]) == (302, "/me/")
    pat.refresh_from_db()
    assert pat.language == "en-gb"


def test_a_stale_language_form_changes_nothing(personas: Personas, client_for: ClientFor) -> None:
    pat = personas.participant
    client = client_for("participant")
    version = pat.version
    client.post("/me/language/", {"language": "pl", "version": version})

    response = client.post("/me/language/", {"language": "ar", "version": version})

    assert response.status_code == 409
    assert "Someone else changed this record while you were editing it." in response.content.decode()
    pat.refresh_from_db()
    assert pat.language == "pl"


@pytest.mark.parametrize("next_page", ["https://evil.example/", "//evil.example/me/"])
def test_choosing_a_language_never_sends_anyone_off_the_site(
    personas: Personas, client_for: ClientFor, next_page: str
) -> None:
    response = client_for("participant").post("/me/language/", {"language": "pl", "next": next_page})

    assert (response.status_code, response["Location"]) == (302, "/me/")


def test_an_unknown_language_is_refused(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("participant").post("/me/language/", {"language": "de"})

    assert response.status_code == 400
    assert Participant.objects.get(pk=personas.participant.pk).language == "en-gb"


# ---- a keyworker records it with them ---------------------------------------------------------


def test_kim_records_paulas_language_and_interpreter_with_her(personas: Personas, client_for: ClientFor) -> None:
    paula = personas.second_participant
    client = client_for("keyworker")
    form = client.get(f"/participants/{paula.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}

    response = client.post(
        f"/participants/{paula.pk}/edit/", {**data, "language": "pl", "interpreter_language": " Polish "}
    )

    assert response.status_code == 302
    paula.refresh_from_db()
    assert (paula.language, paula.interpreter_language) == ("pl", "Polish")
    event = AuditEvent.objects.filter(record_id=str(paula.pk), action=AuditEvent.Action.CHANGE).get()
    assert sorted(event.changed_fields) == ["interpreter_language", "language"]


def test_needs_an_interpreter_shows_on_the_caseload_the_record_and_appointments(
    personas: Personas, client_for: ClientFor
) -> None:
    pat = personas.participant
    speak(pat, "pl", "Polish")
    appointment = AppointmentFactory(participant=pat)
    client = client_for("keyworker")
    tag = '<strong class="govuk-tag govuk-tag--blue cp-interpreter">Needs an interpreter: Polish</strong>'

    caseload = client.get("/caseload/").content.decode()
    record = client.get(f"/participants/{pat.pk}/").content.decode()
    booking = client.get(f"/participants/{pat.pk}/appointments/new/").content.decode()
    change = client.get(f"/appointments/{appointment.pk}/edit/").content.decode()

    assert caseload.count(tag) == 1  # Pat's row, not Paula's
    assert tag in record
    assert "(interpreter needed: Polish)" in record
    assert tag in booking
    assert tag in change


# ---- asking for help -------------------------------------------------------------------------


def enquiry(personas: Personas, **changes: str) -> dict[str, object]:
    return {
        "name": "Jo Example",
        "partnership": personas.fife.pk,
        "contact_by": Enquiry.ContactBy.EMAIL,
        "email": "jo@example.com",
        **changes,
    }


@pytest.mark.parametrize(
    ("answer", "saved"),
    [
        ({"language": "pl"}, ("pl", "")),
        ({"language": "ar", "other_language": "Ignored"}, ("ar", "")),
        ({"language": "other", "other_language": " Urdu "}, ("en-gb", "Urdu")),
    ],
)
def test_ask_for_help_records_the_language_to_use(
    personas: Personas, answer: dict[str, str], saved: tuple[str, str]
) -> None:
    response = Client().post("/ask-for-help/", enquiry(personas, **answer))

    assert response.status_code == 302
    jo = Enquiry.objects.get(name="Jo Example")
    assert (jo.language, jo.interpreter_language) == saved


def test_another_language_needs_its_name(personas: Personas) -> None:
    response = Client().post("/ask-for-help/", enquiry(personas, language="other"))

    assert response.status_code == 400
    assert "Tell us which language you speak." in response.content.decode()
    assert not Enquiry.objects.filter(name="Jo Example").exists()


def test_without_an_answer_the_language_of_the_page_is_used(personas: Personas) -> None:
    client = Client()
    client.cookies["django_language"] = "ar"
    page = client.get("/ask-for-help/").content.decode()
    assert re.search(r'value="ar" checked>\s*<label[^>]*><span lang="ar">العربية</span>', page)

    client.post("/ask-for-help/", enquiry(personas))

    assert Enquiry.objects.get(name="Jo Example").language == "ar"


def test_the_api_takes_a_language_and_an_interpreter_too(personas: Personas) -> None:
    body = {
        "name": "Nell Newby",
        "partnership_id": personas.fife.pk,
        "contact_by": "text",
        "mobile": "07700 900555",
        "language": "en-gb",
        "interpreter_language": "Tigrinya",
    }
    url = reverse("api-v1:submit_enquiry")

    assert Client().post(url, body, content_type="application/json").status_code == 201
    refused = Client().post(url, {**body, "language": "de"}, content_type="application/json")

    assert refused.status_code == 400
    nell = Enquiry.objects.get(name="Nell Newby")
    assert (nell.language, nell.interpreter_language) == ("en-gb", "Tigrinya")


def test_the_language_asked_for_is_carried_onto_the_participant(personas: Personas) -> None:
    erin = personas.enquiry
    Enquiry.objects.filter(pk=erin.pk).update(language="ar", interpreter_language="Sudanese Arabic")
    allocate_enquiry(
        actor=personas.manager.user,
        enquiry_id=erin.pk,
        expected_version=erin.version,
        keyworker_id=personas.keyworker.pk,
    )

    participant = register_participant(
        actor=personas.keyworker.user,
        given_name="Erin",
        family_name="Enquirer",
        consent_how="in_person_signed",
        email=erin.email,
        enquiry_id=erin.pk,
    )

    assert (participant.language, participant.interpreter_language) == ("ar", "Sudanese Arabic")


def test_registering_from_an_enquiry_fills_in_its_language(personas: Personas, client_for: ClientFor) -> None:
    erin = personas.enquiry
    Enquiry.objects.filter(pk=erin.pk).update(language="pl", interpreter_language="Polish")

    form = client_for("partnership_manager").get("/participants/new/", {"enquiry": erin.pk}).context["form"]

    assert (form.initial["language"], form.initial["interpreter_language"]) == ("pl", "Polish")


# ---- documents -------------------------------------------------------------------------------


def test_the_job_search_log_pdf_is_in_pats_language_with_arabic_letters_drawn(
    personas: Personas, client_for: ClientFor
) -> None:
    pat = personas.participant
    speak(pat, "ar")
    JobSearchEntryFactory(participant=pat, employer="مطعم الشام")

    response = client_for("keyworker").get(reverse("web:participant_job_search_pdf", args=[pat.pk]))

    reader = PdfReader(io.BytesIO(response.content))
    assert str(reader.trailer["/Root"]["/Lang"]) == "ar"
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts == {"DejaVu-Sans", "DejaVu-Sans-Bold"}
    # Drawn with real glyphs: the words come back out of the PDF's text.
    assert "الشام" in reader.pages[0].extract_text() or "ماشلا" in reader.pages[0].extract_text()


def test_a_copy_of_someones_data_is_in_their_language(personas: Personas) -> None:
    from coproduce.subject_access.builder import CopyScope, build_copy

    built = build_copy(CopyScope(participant_id=personas.participant.pk, reader=None))

    reader = PdfReader(io.BytesIO(data_pdf(built.data, name="Pat Participant", language="ar")))

    assert str(reader.trailer["/Root"]["/Lang"]) == "ar"


def test_the_participants_api_reads_and_changes_language_and_interpreter(
    personas: Personas, client_for: ClientFor
) -> None:
    paula = personas.second_participant
    client = client_for("keyworker")
    url = reverse("api-v1:participant_detail", args=[paula.pk])

    changed = client.patch(
        url, {"version": paula.version, "language": "ar", "interpreter_language": "Kurdish"}, "application/json"
    )
    refused = client.patch(url, {"version": paula.version + 1, "language": "de"}, "application/json")

    assert changed.status_code == 200
    assert (changed.json()["language"], changed.json()["interpreter_language"]) == ("ar", "Kurdish")
    assert refused.status_code == 400
    paula.refresh_from_db()
    assert (paula.language, paula.interpreter_language) == ("ar", "Kurdish")


def test_an_anonymised_enquiry_keeps_no_language(personas: Personas) -> None:
    from coproduce.retention.anonymise import anonymise_enquiries

    erin = personas.enquiry
    Enquiry.objects.filter(pk=erin.pk).update(language="ar", interpreter_language="Tigrinya")

    anonymise_enquiries(enquiry_ids=[erin.pk], purpose="Retention schedule")

    erin.refresh_from_db()
    assert (erin.language, erin.interpreter_language) == ("en-gb", "")
