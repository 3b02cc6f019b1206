"""Forms of the participant survey: the evaluator's survey, question and point forms, and the
participant's answer form (one field per question). Rules live in coproduce/research/services/surveys.py."""

from typing import Any

from django import forms

from coproduce.research.models import SurveyQuestion
from coproduce.web.forms import GovukForm


class VersionField(forms.IntegerField):
    def __init__(self) -> None:
        super().__init__(widget=forms.HiddenInput, min_value=0)


class SurveyForm(GovukForm):
    programme = forms.ChoiceField(label="Programme", error_messages={"required": "Choose the programme."})
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Give the survey a title."})
    introduction = forms.CharField(
        label="Introduction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "What participants read before the first question. Tell them their keyworker will not see their answers."
        ),
    )

    def __init__(self, *args: Any, programmes: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if programmes is None:
            del self.fields["programme"]
        else:
            self.fields["programme"].choices = [(str(pk), name) for pk, name in programmes]  # type: ignore[attr-defined]


class SurveyEditForm(SurveyForm):
    version = VersionField()


class QuestionForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of question",
        choices=SurveyQuestion.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of question."},
    )
    text = forms.CharField(label="Question", max_length=300, error_messages={"required": "Write the question."})
    choices = forms.CharField(
        label="Choices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For a question with choices: one a line, at least two.",
    )
    required = forms.BooleanField(label="Participants must answer it", required=False)
    version = VersionField()

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("choices", "").splitlines() if line.strip()]


class PointForm(GovukForm):
    label = forms.CharField(
        label="Name",
        max_length=80,
        help_text="Like “On joining” or “Six months later”.",
        error_messages={"required": "Name the point."},
    )
    days_after_joining = forms.IntegerField(
        label="Days after joining",
        min_value=0,
        max_value=3650,
        help_text="0 for the day they join, 182 for about six months.",
        error_messages={"required": "Enter the number of days.", "invalid": "Enter a whole number of days."},
    )
    version = VersionField()
