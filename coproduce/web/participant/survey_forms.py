"""The form a participant answers a survey with."""

from typing import Any

from django import forms

from coproduce.research.models import SurveyQuestion
from coproduce.research.services.surveys import TEXT_ANSWER_MAX
from coproduce.web.forms import GovukForm


class AnswerForm(GovukForm):
    """One field per question: radio buttons for agree/disagree and choices, a text box for own words."""

    def __init__(self, *args: Any, questions: list[SurveyQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            label = f"{number}. {question.text}"
            field: forms.Field
            if question.kind == SurveyQuestion.Kind.TEXT:
                field = forms.CharField(
                    label=label,
                    required=question.required,
                    max_length=TEXT_ANSWER_MAX,
                    widget=forms.Textarea(attrs={"rows": 5, "class": "govuk-textarea"}),
                    error_messages={"max_length": f"Keep your answer to {TEXT_ANSWER_MAX:,} characters or fewer."},
                )
            else:
                options = (
                    [(str(value), text) for value, text in SurveyQuestion.LIKERT_SCALE]
                    if question.kind == SurveyQuestion.Kind.LIKERT
                    else [(choice, choice) for choice in question.choices]
                )
                field = forms.ChoiceField(
                    label=label if question.required else f"{label} (optional)",
                    required=question.required,
                    choices=options,
                    widget=forms.RadioSelect,
                )
            field.error_messages["required"] = "Answer this question: it is the one we most need."
            field.error_messages["invalid_choice"] = "Choose one of the answers given."
            self.fields[answer_field_name(question)] = field

    def answers(self) -> dict[int, str]:
        return {question.pk: self.cleaned_data.get(answer_field_name(question)) or "" for question in self.questions}


def answer_field_name(question: SurveyQuestion) -> str:
    return f"question_{question.pk}"
