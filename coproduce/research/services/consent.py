"""A participant's research consent: giving it, changing what it covers, withdrawing it.

Research consent is kept apart from consent to the service. It is a participants.Consent with
purpose "research" (which says whether it is in force) and a ResearchConsent beside it (what it
covers, and the pseudonym evaluators know the person by). The participant, their keyworker or
their area's manager record it; nobody else. Withdrawing goes through the one
`withdraw_consent` every consent uses, so the generic consent pages and this one agree, and from
that moment evaluators see nothing of the person.
"""

import rules
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.participants.models import Consent, Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import withdraw_consent
from coproduce.programmes.standing import standing_of
from coproduce.research.models import ResearchConsent
from coproduce.research.pseudonyms import pseudonym_for

# What each element means, in the words the participant reads before agreeing.
ELEMENT_WORDS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "interview": (
        _("Take part in interviews"),
        _(
            "A researcher may ask you to talk about your experience of the service, about once a year. "
            "You can say no to any interview, or stop at any time."
        ),
    ),
    "recording": (
        _("Have interviews audio-recorded"),
        _(
            "The researcher records the interview so that it can be typed up. Names and places are taken "
            "out of what is typed up."
        ),
    ),
    "quotation": (
        _("Be quoted, without your name"),
        _(
            "Reports may use your words. They never show your name: only that someone who used the service "
            "said them, with the area and the year."
        ),
    ),
    "service_data": (
        _("Let the researchers use your service records"),
        _(
            "The researchers may count things from your record (like the barriers you told us about, your "
            "children's ages and whether you found work), under a code instead of your name. They never see "
            "your name, your contact details or your keyworker's notes."
        ),
    ),
    "contact_for_interview": (
        _("Be contacted by the researchers to arrange interviews"),
        _(
            "The researchers may see your first name, email address and mobile number, only to arrange an "
            "interview with you."
        ),
    ),
}
ELEMENTS = ResearchConsent.ELEMENTS
PSEUDONYM_ATTEMPTS = 20


def _detail(elements: dict[str, bool]) -> str:
    # The consent's detail is a record for staff, so it stays in English whatever the participant reads.
    with translation.override(settings.LANGUAGE_CODE):
        agreed = [str(ELEMENT_WORDS[name][0]).lower() for name in ELEMENTS if elements[name]]
    return ("Evaluation research: " + "; ".join(agreed))[:300]


def _check_elements(elements: dict[str, bool]) -> None:
    errors: dict[str, list[str]] = {}
    if not any(elements.values()):
        errors["__all__"] = [gettext("Choose at least one thing to agree to, or stop taking part instead.")]
    if elements["recording"] and not elements["interview"]:
        errors["recording"] = [gettext("Interviews can be recorded only if you also agree to take part in interviews.")]
    if elements["contact_for_interview"] and not elements["interview"]:
        errors["contact_for_interview"] = [
            gettext("The researchers can contact you about interviews only if you agree to take part in interviews.")
        ]
    if errors:
        raise InvalidInput(errors)


def _participant_for_change(actor: ActingUser, participant_id: int) -> Participant:
    participant = participants_visible_to(actor).select_for_update().filter(pk=participant_id).first()
    if participant is None:
        raise NotFound("No such participant.")
    if not rules.has_perm("research.record_research_consent", actor, participant):
        raise NotAllowed("Only the participant, their keyworker or their area's manager can record this.")
    return participant


def _free_pseudonym(participant_id: int) -> str:
    for attempt in range(PSEUDONYM_ATTEMPTS):
        candidate = pseudonym_for(participant_id, attempt=attempt)
        if not ResearchConsent.objects.filter(pseudonym=candidate).exists():
            return candidate
    raise DomainError("No free pseudonym could be found. Please try again.")  # pragma: no cover


def give_research_consent(
    *,
    actor: ActingUser,
    participant_id: int,
    interview: bool,
    recording: bool,
    quotation: bool,
    service_data: bool,
    contact_for_interview: bool,
    how: str,
    expected_version: int | None = None,
) -> ResearchConsent:
    """Record what the participant agrees to for the evaluation, or change it.

    With none in force: a new research Consent, and the ResearchConsent (a new pseudonym the
    first time; after a withdrawal the same row, pointed at the new Consent, keeps its
    pseudonym). With one in force: its elements change (send `expected_version` to refuse a stale
    edit). A participant recording their own is always "online". Recording and being
    contacted need agreement to interviews; agreeing to nothing is not agreeing.
    """
    elements = {
        "interview": interview,
        "recording": recording,
        "quotation": quotation,
        "service_data": service_data,
        "contact_for_interview": contact_for_interview,
    }
    if standing_of(actor).participant_id == participant_id:
        how = Consent.How.ONLINE
    if how not in Consent.How.values:
        raise InvalidInput({"how": ["Record how they agreed."]})
    _check_elements(elements)
    with transaction.atomic():
        participant = _participant_for_change(actor, participant_id)
        scope = (
            ResearchConsent.objects.select_for_update(of=("self",))
            .select_related("consent")
            .filter(participant=participant)
            .first()
        )
        if scope is not None and scope.is_in_force:
            if expected_version is not None:
                scope.check_version(expected_version)
            changed = [name for name in ELEMENTS if getattr(scope, name) != elements[name]]
            if not changed:
                return scope
            for name in changed:
                setattr(scope, name, elements[name])
            scope.bump_version()
            scope.save()
            scope.consent.detail = _detail(elements)
            scope.consent.save(update_fields=["detail", "updated_at"])
            record_event(
                actor=actor,
                action=AuditEvent.Action.CHANGE,
                record=scope,
                participant_id=participant.pk,
                changed_fields=changed,
            )
            return scope
        if scope is not None and expected_version is not None:
            scope.check_version(expected_version)
        # A research consent recorded before this page existed (on the generic consent form) is
        # taken over rather than doubled.
        consent = Consent.objects.filter(
            participant=participant,
            purpose=Consent.Purpose.RESEARCH,
            withdrawn_at__isnull=True,
            research_scope__isnull=True,
        ).first()
        if consent is None:
            consent = Consent(
                participant=participant,
                purpose=Consent.Purpose.RESEARCH,
                given_at=timezone.now(),
                given_by=signed_in(actor),
                given_how=how,
            )
        consent.detail = _detail(elements)
        validate_model(consent)
        consent.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CONSENT_GIVEN,
            record=consent,
            participant_id=participant.pk,
            changed_fields=["purpose", "detail"],
        )
        if scope is None:
            scope = ResearchConsent(participant=participant, pseudonym=_free_pseudonym(participant.pk))
            action = AuditEvent.Action.CREATE
        else:
            scope.bump_version()
            action = AuditEvent.Action.CHANGE
        scope.consent = consent
        for name, value in elements.items():
            setattr(scope, name, value)
        scope.save()
        record_event(
            actor=actor,
            action=action,
            record=scope,
            participant_id=participant.pk,
            changed_fields=["consent", *ELEMENTS],
        )
    return scope


def withdraw_research_consent(
    *,
    actor: ActingUser,
    participant_id: int,
    how: str,
    expected_version: int | None = None,
) -> ResearchConsent:
    """Stop taking part, in one step: the research Consent is withdrawn (through the one
    `withdraw_consent`), and evaluators see nothing of the person from that moment. Their
    pseudonym is kept for if they agree again. A participant withdrawing their own is "online"."""
    if standing_of(actor).participant_id == participant_id:
        how = Consent.How.ONLINE
    if how not in Consent.How.values:
        raise InvalidInput({"how": ["Record how they told you they are stopping."]})
    with transaction.atomic():
        participant = _participant_for_change(actor, participant_id)
        scope = (
            ResearchConsent.objects.select_for_update(of=("self",))
            .select_related("consent")
            .filter(participant=participant)
            .first()
        )
        if scope is None or not scope.is_in_force:
            raise DomainError("They are not taking part in the research, so there is nothing to stop.")
        if expected_version is not None:
            scope.check_version(expected_version)
        withdraw_consent(actor=actor, consent_id=scope.consent_id, how=how)
        # So that an edit started before the withdrawal cannot go through after it.
        scope.bump_version()
        scope.save(update_fields=["version", "updated_at"])
        scope.consent.refresh_from_db()
    return scope
