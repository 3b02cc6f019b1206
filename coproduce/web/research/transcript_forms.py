"""Forms for the evaluator's transcript pages: upload, redaction, title, policy on originals."""

from typing import Any

from django import forms

from coproduce.research.models import Redaction, Transcript
from coproduce.research.redaction import Suggestion
from coproduce.web.forms import GovukForm


class TranscriptFilterForm(GovukForm):
    wave = forms.TypedChoiceField(label="Wave", required=False, coerce=int, empty_value=None)
    area = forms.TypedChoiceField(label="Area", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="Stage", required=False, choices=[("", "Any stage"), *Transcript.Status.choices])

    def __init__(self, *args: Any, waves: list[tuple[Any, str]], areas: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wave"].choices = [("", "Every wave"), *waves]  # type: ignore[attr-defined]
        self.fields["area"].choices = [("", "Every area"), *areas]  # type: ignore[attr-defined]


class UploadForm(GovukForm):
    interview = forms.TypedChoiceField(
        label="Which interview?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the interview this transcript is of."},
    )
    upload = forms.FileField(
        label="The transcript",
        help_text="A plain text (.txt) or Word (.docx) file of at most 2 MB.",
        error_messages={"required": "Choose the file to upload.", "empty": "The file is empty."},
    )
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=200,
        help_text='Leave it blank for one like "Service User, Fife, 2016".',
    )

    def __init__(self, *args: Any, interviews: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interview"].choices = interviews  # type: ignore[attr-defined]
        self.fields["upload"].widget.attrs.update({"class": "govuk-file-upload", "accept": ".txt,.docx"})


class VersionForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class SuggestionsForm(VersionForm):
    """The open suggestions, all ticked to start with: the ticked ones are redacted, each unticked
    one stays in the text only with a reason (reason_1, reason_2… in the suggestions' order).
    "Accept all suggestions" (a submit button named accept_all) redacts every one."""

    suggestion = forms.MultipleChoiceField(
        label="Suggested redactions", widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, suggestions: list[Suggestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions = suggestions
        self.fields["suggestion"].choices = [(s.key, s.key) for s in suggestions]  # type: ignore[attr-defined]
        self.fields["suggestion"].error_messages["invalid_choice"] = (
            "The transcript has changed since these suggestions were made: reload the page."
        )
        for number, suggestion in enumerate(suggestions, start=1):
            self.fields[f"reason_{number}"] = forms.CharField(
                label=f"If “{suggestion.text}” stays in, why?", required=False, max_length=500
            )
        if not self.is_bound:
            self.initial.setdefault("suggestion", [s.key for s in suggestions])
        self.accept_all = self.is_bound and "accept_all" in self.data

    def reason_fields(self) -> list[forms.BoundField]:
        return [self[f"reason_{number}"] for number in range(1, len(self.suggestions) + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.accept_all or "suggestion" not in data:
            return data
        ticked = set(data["suggestion"])
        for number, suggestion in enumerate(self.suggestions, start=1):
            name = f"reason_{number}"
            if suggestion.key not in ticked and name not in self.errors and not data.get(name, "").strip():
                self.add_error(name, f"Say why “{suggestion.text}” can stay, or tick it to redact it.")
        return data

    def chosen(self) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
        """What to redact (start, end) and what to leave in (start, end, reason)."""
        if self.accept_all:
            return [(s.start, s.end) for s in self.suggestions], []
        ticked = set(self.cleaned_data["suggestion"])
        redact = [(s.start, s.end) for s in self.suggestions if s.key in ticked]
        dismiss = [
            (s.start, s.end, self.cleaned_data[f"reason_{number}"].strip())
            for number, s in enumerate(self.suggestions, start=1)
            if s.key not in ticked
        ]
        return redact, dismiss


class PassageForm(VersionForm):
    passage = forms.CharField(
        label="Words to redact",
        help_text="Copy them exactly as they are in the transcript.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Copy the words to redact from the transcript."},
    )
    kind = forms.ChoiceField(
        label="What are they?",
        choices=Redaction.Kind.choices,
        initial=Redaction.Kind.OTHER,
        error_messages={"required": "Choose what the words are: a name, a place or something else."},
    )
    replacement = forms.CharField(
        label="Replace them with",
        required=False,
        max_length=40,
        help_text='Leave it blank for the usual one, like "[place]".',
    )
    occurrence = forms.IntegerField(
        label="Which time they appear",
        required=False,
        min_value=1,
        help_text="Only if they appear more than once: 1 for the first time, 2 for the second…",
    )
    every = forms.BooleanField(label="Redact every time they appear", required=False)


class TitleForm(VersionForm):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Give the transcript a title."})


class PolicyForm(VersionForm):
    keep_unredacted_originals = forms.TypedChoiceField(
        label="Keep the unredacted originals of the transcripts your team uploads?",
        coerce=lambda value: value == "yes",
        choices=[
            ("no", "No: keep only the redacted text"),
            ("yes", "Yes: keep each original, readable only by your team"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to keep the originals."},
    )
