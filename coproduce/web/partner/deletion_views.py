"""The partner worker's deletion notices: what their organisation must delete, and saying it has.

A notice names the referral, the fields it shared and when they were sent, never the person
(who has been anonymised). Listed in the inbox (`partner_home`) through `deletions_for_inbox`.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.core.form_messages import NamedErrorsMixin
from coproduce.referrals.models import SharedField
from coproduce.retention.selectors import deletions_to_do
from coproduce.retention.services import confirm_partner_deletion
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_sends_back
from coproduce.web.forms import submitting


def deletions_for_inbox(actor: ActingUser) -> list[dict[str, Any]]:
    """The organisation's notices still to act on, with the fields' names. One query."""
    return [
        {
            "notice": notice,
            "fields": [SharedField(value).label for value in notice.shared_fields if value in SharedField.values],
        }
        for notice in deletions_to_do(actor)
    ]


class DeletedForm(NamedErrorsMixin, forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


@require_roles(Role.PARTNER_WORKER)
@require_POST
@conflict_sends_back("web:partner_home")
def partner_deletion_done(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation has deleted what the referral gave it: record it (audited)."""
    form = DeletedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That could not be saved. Try again.")
        return redirect("web:partner_home")
    # Already recorded by a colleague, or changed meanwhile: said in a message on the partner's home.
    with submitting(request) as submission:
        notice = confirm_partner_deletion(
            actor=request.user, notice_id=pk, expected_version=form.cleaned_data["version"]
        )
    if submission.ok:
        messages.success(request, f"Thank you: referral {notice.referral_id} is recorded as deleted.")
    return redirect("web:partner_home")
