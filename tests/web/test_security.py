"""Security basics seen from the outside: CSRF, the admin, headers."""

from django.test import Client

from coproduce.participants.models import Enquiry
from tests.personas import ALL_ROLES, Personas


def test_a_form_without_its_token_gets_a_friendly_page_and_changes_nothing(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    before = Enquiry.objects.count()
    response = client.post("/ask-for-help/", {"name": "Jo", "contact_by": "email", "email": "jo@example.com"})
    assert response.status_code == 403
    assert "The form had expired" in response.content.decode()
    assert Enquiry.objects.count() == before


def test_only_the_administrator_opens_the_django_admin(personas: Personas, client_for) -> None:
    for role in ALL_ROLES:
        response = client_for(role).get("/admin/")
        if role == "administrator":
            assert response.status_code == 200
        else:
            assert response.status_code == 302, role
            assert response["Location"].startswith("/admin/login/")


def test_the_admin_offers_no_casework(personas: Personas, client_for) -> None:
    body = client_for("administrator").get("/admin/").content.decode()
    assert "Organisations" in body
    for casework in ("Participants", "Consents", "Enquiries", "Contacts", "Assessments"):
        assert casework not in body


def test_pages_send_a_content_security_policy_and_refuse_framing(personas: Personas) -> None:
    response = Client().get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
