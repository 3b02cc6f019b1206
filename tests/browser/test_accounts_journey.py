"""On a 360-pixel phone: a member of the public finds a service from the start page, and two
people who share one phone each sign in with a link sent to it, choosing who they are only
once the link has proved they hold the phone."""

import pytest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Page, expect

from coproduce.accounts.shared_mobile import phone_token_generator
from tests.accounts.factories import UserFactory
from tests.browser.conftest import follow
from tests.browser.test_journeys import check_page
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas()


def test_a_member_of_the_public_reaches_find_a_service_from_the_start_page(
    page: Page, live_server, people: Personas
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/")
    check_page(page)
    follow(page.get_by_role("link", name="Find a service", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a service")
    check_page(page)


def test_two_people_on_one_phone_each_sign_in_with_a_text_link(page: Page, live_server, people: Personas) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    shared = "+447700900555"
    family = []
    for given in ("Nicola", "Sam"):
        user = UserFactory(username=f"{given.lower()}.watt", email="", mobile=shared, display_name=f"{given} Watt")
        user.set_unusable_password()
        user.save()
        family.append(
            ParticipantFactory(
                user=user, given_name=given, family_name="Watt", mobile=shared, keyworker=people.keyworker
            )
        )
    page.goto(f"{live_server.url}/sign-in/")
    follow(page.get_by_role("link", name="No password, or forgotten it? Get a sign-in link by text or email"))
    page.get_by_label("Your mobile number or email address").fill("07700 900555")
    follow(page.get_by_role("button", name="Send me a link"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your phone or email")
    assert "Nicola" not in page.content()
    assert "Sam" not in page.content()
    check_page(page)

    # The text's link (what the phone receives): it proves the phone, and only now asks who.
    oldest = family[0].user
    uidb64 = urlsafe_base64_encode(force_bytes(oldest.pk))
    page.goto(
        f"{live_server.url}{reverse('web:sign_in_by_phone', args=[uidb64, phone_token_generator.make_token(oldest)])}"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Who is signing in?")
    check_page(page)
    follow(page.get_by_role("button", name="Continue"))
    expect(page.get_by_text("Choose who is signing in").first).to_be_visible()
    check_page(page)
    page.get_by_label("Sam").check()
    follow(page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a password")
    page.get_by_label("Create a password").fill("sams own password 42")
    page.get_by_label("Type the same password again").fill("sams own password 42")
    follow(page.get_by_role("button", name="Save password"))
    page.get_by_label("Email address or mobile number").fill("07700 900555")
    page.get_by_label("Password").fill("sams own password 42")
    follow(page.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam")
    check_page(page)
