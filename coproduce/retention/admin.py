"""Administrators set each programme's retention schedule here (through the service, audited).

Erasure requests and partners' deletion notices are casework: they are not registered here.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from coproduce.core.errors import DomainError
from coproduce.core.form_messages import NamedErrorsMixin
from coproduce.retention.models import RetentionSchedule
from coproduce.retention.services import update_retention_schedule


class RetentionScheduleForm(NamedErrorsMixin, forms.ModelForm[RetentionSchedule]):
    # The version the administrator started from, so that two edits at once cannot overwrite.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    class Meta:
        model = RetentionSchedule
        fields = ("programme", "closed_case_years", "enquiry_months", "transcript_original_months")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version if self.instance.pk else 0

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        expected = cleaned.get("expected_version") or 0
        current = RetentionSchedule.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        if self.instance.pk and current != expected:
            raise forms.ValidationError(
                "Someone else changed this schedule while you were editing it. Nothing was saved: reload "
                "to see their change, then make yours again."
            )
        return cleaned


@admin.register(RetentionSchedule)
class RetentionScheduleAdmin(SimpleHistoryAdmin):
    form = RetentionScheduleForm
    list_display = ("programme", "closed_case_years", "enquiry_months", "transcript_original_months", "changed_by")
    readonly_fields = ("changed_by",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A schedule belongs to its programme for good.
        return ("programme", "changed_by") if obj is not None else ("changed_by",)

    def save_model(self, request: HttpRequest, obj: RetentionSchedule, form: Any, change: bool) -> None:
        try:
            saved = update_retention_schedule(
                actor=request.user,
                programme_id=obj.programme_id,
                expected_version=form.cleaned_data.get("expected_version") or 0,
                closed_case_years=obj.closed_case_years,
                enquiry_months=obj.enquiry_months,
                transcript_original_months=obj.transcript_original_months,
            )
        except DomainError as error:
            # Only a change made at the very same moment gets here (the form checked the version).
            self.message_user(request, error.message, level="error")
            raise
        obj.pk, obj.version, obj.changed_by = saved.pk, saved.version, saved.changed_by

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a schedule would quietly bring back the defaults: change it instead.
        return False
