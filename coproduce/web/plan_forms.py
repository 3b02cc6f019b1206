"""Forms for the plan pages (staff and participant): they parse input; the plan services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.plans.models import AssessmentBarrier, Barrier, Goal, Step
from coproduce.web.forms import DateInput, GovukForm

STAFF_HOW = [(value, label) for value, label in Step.AnsweredHow.choices if value != Step.AnsweredHow.THEMSELVES]


class GoalForm(GovukForm):
    title = forms.CharField(label=_("Goal"), max_length=300, help_text=_("In their own words."))
    details = forms.CharField(
        label=_("Anything more about it (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OwnGoalForm(GoalForm):
    title = forms.CharField(
        label=_("What would you like to work towards?"),
        max_length=300,
        help_text=_("In your own words."),
        error_messages={"required": _("Say what you would like to work towards.")},
    )
    details = forms.CharField(
        label=_("Anything more about it (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class StepForm(GovukForm):
    goal = forms.IntegerField(widget=forms.HiddenInput)
    description = forms.CharField(label=_("The step"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(GovukForm):
    """The participant's answer to an offered step. Staff must say how it was given."""

    step = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(
        choices=[("agree", "Yes"), ("decline", "No thanks"), ("talk", "Talk about it")],
        error_messages={"required": _("Choose your answer: yes, no thanks or talk about it.")},
    )
    answered_how = forms.ChoiceField(
        label=_("How did they give their answer?"),
        choices=STAFF_HOW,
        required=False,
        error_messages={"invalid_choice": _("Say how they gave their answer: in person, on the phone or by message.")},
    )
    reason = forms.CharField(label=_("Why (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FinishForm(GovukForm):
    step = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        choices=[("complete", "Done"), ("stop", "Stopped")],
        error_messages={"required": _("Choose whether the step is done or stopped.")},
    )


class GoalStatusForm(GovukForm):
    goal = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        choices=Goal.Status.choices, error_messages={"required": _("Choose the status of the goal.")}
    )


IMPORTANCE_CHOICES = [
    ("", _("Not a barrier for them")),
    *[(str(v), label) for v, label in AssessmentBarrier.Importance.choices],
]


class AssessmentForm(GovukForm):
    """The holistic assessment: what they want, what they are good at, and what gets in the way."""

    assessed_on = forms.DateField(
        label=_("Date of the assessment"), required=False, help_text=_("Leave empty for today."), widget=DateInput
    )
    aspirations = forms.CharField(
        label=_("What they want"),
        required=False,
        help_text=_("In their own words."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    strengths = forms.CharField(
        label=_("Strengths and what they are good at"),
        required=False,
        help_text=_("In their own words."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in Barrier.choices:
            importance = forms.ChoiceField(
                label=f"{label}: how much does it matter to them?", choices=IMPORTANCE_CHOICES, required=False
            )
            importance.widget.attrs["class"] = "govuk-select"
            self.fields[f"importance_{code}"] = importance
            words = forms.CharField(label=f"{label}: in their own words", required=False, max_length=2000)
            words.widget.attrs["class"] = "govuk-input"
            self.fields[f"words_{code}"] = words

    def barriers(self) -> list[dict[str, Any]]:
        rows = []
        for code in Barrier.values:
            importance = self.cleaned_data.get(f"importance_{code}")
            words = self.cleaned_data.get(f"words_{code}", "")
            if importance:
                rows.append({"barrier": code, "importance": int(importance), "own_words": words})
            elif words.strip():
                self.add_error(f"importance_{code}", _("Say how much this matters to them, or leave the words empty."))
        return rows
