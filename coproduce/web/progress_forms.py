"""Forms for progress checks and the job-search log, shared by the participant's and the keyworker's pages."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.plans.models import JobSearchEntry, ProgressArea, ProgressCheck
from coproduce.web.forms import DateInput, GovukForm

SCORES = [(str(number), str(number)) for number in range(1, 11)]
SCALE_HINT = _("1 means not good at all, 10 means as good as it could be.")

# The question for each area, asked of the participant in plain English.
QUESTIONS = {
    ProgressArea.CONFIDENCE: _("How confident do you feel?"),
    ProgressArea.MONEY: _("How are you managing with money?"),
    ProgressArea.CHILDCARE: _("How well is childcare working for you?"),
    ProgressArea.SKILLS: _("How do you feel about your skills and qualifications?"),
    ProgressArea.LOOKING_FOR_WORK: _("How ready do you feel to look for work?"),
    ProgressArea.HEALTH: _("How is your health and wellbeing?"),
    ProgressArea.SOCIAL: _("How connected do you feel to other people?"),
    ProgressArea.HOME: _("How settled do you feel at home?"),
}


class ProgressCheckForm(GovukForm):
    """Eight questions, each a 1–10 answer and an optional comment. Staff also say whose reading it is."""

    def __init__(self, *args: Any, for_staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.for_staff = for_staff
        if for_staff:
            self.fields["checked_on"] = forms.DateField(
                label=_("Date of the check"), widget=DateInput(), initial=timezone.localdate
            )
            self.fields["reader"] = forms.ChoiceField(
                label=_("Whose reading is this?"),
                choices=[
                    (ProgressCheck.Reader.KEYWORKER, _("Mine, as their keyworker")),
                    (ProgressCheck.Reader.PARTICIPANT, _("Theirs: I am recording the answers they gave me")),
                ],
                initial=ProgressCheck.Reader.KEYWORKER,
                widget=forms.RadioSelect,
            )
        for area in ProgressArea:
            question = area.label if for_staff else QUESTIONS[area]
            self.fields[f"score_{area.value}"] = forms.ChoiceField(
                label=question,
                choices=SCORES,
                widget=forms.RadioSelect,
                error_messages={
                    # Translators: the area is a progress area in lower case, like “confidence and self-esteem”.
                    "required": _("Choose a number from 1 to 10 for %(area)s.") % {"area": str(area.label).lower()}
                },
            )
            self.fields[f"comment_{area.value}"] = forms.CharField(
                label=_("Anything you want to say about it")
                if not for_staff
                else f"Comment on {str(area.label).lower()}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        # GovukForm set the widget classes in its __init__, before these fields existed.
        for name in self.fields:
            widget = self.fields[name].widget
            if isinstance(widget, forms.Textarea):
                widget.attrs["class"] = "govuk-textarea"
            elif isinstance(widget, DateInput):
                widget.attrs["class"] = "govuk-input govuk-input--width-10"

    def areas(self) -> list[dict[str, Any]]:
        return [
            {
                "area": area,
                "score": self[f"score_{area.value}"],
                "comment": self[f"comment_{area.value}"],
            }
            for area in ProgressArea
        ]

    def scores(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {area.value: (data[f"score_{area.value}"], data[f"comment_{area.value}"]) for area in ProgressArea}


class ProgressAnswerForm(GovukForm):
    """One question of the participant's own check, one screen each. The score may be left out when
    they skip the question or save it for later; the view asks for it when they press Continue."""

    def __init__(self, *args: Any, area: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.area = ProgressArea(area)
        self.fields["score"] = forms.ChoiceField(
            label=QUESTIONS[self.area], choices=SCORES, widget=forms.RadioSelect, required=False
        )
        self.fields["comment"] = forms.CharField(
            label=_("Anything you want to say about it"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
        )
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def needs_score(self) -> None:
        self.add_error("score", _("Choose a number from 1 to 10, or skip this question."))


class JobSearchEntryForm(GovukForm):
    searched_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    action = forms.ChoiceField(
        label=_("What did you do?"),
        choices=JobSearchEntry.Action.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you did.")},
    )
    employer = forms.CharField(label=_("Employer"), required=False, max_length=200)
    role = forms.CharField(label=_("Job"), required=False, max_length=200, help_text=_("For example, care assistant."))
    what_i_did = forms.CharField(
        label=_("More about what you did"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.CharField(
        label=_("What happened"), required=False, max_length=300, help_text=_("For example, waiting to hear.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELDS = ("searched_on", "action", "employer", "role", "what_i_did", "outcome")

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}
