"""Forms for the codebook, coding a transcript and settling the consensus. Rules live in
coproduce/research/services/coding.py; these only read what was sent."""

from typing import Any

from django import forms

from coproduce.web.forms import GovukForm

COLOUR_HELP = "Used when the codebook is opened in another program: # and six hexadecimal digits, like #1d70b8."


class CodebookForm(GovukForm):
    # The programme is the one the page shows, chosen with the programme switcher.
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Give the codebook a name."})
    description = forms.CharField(label="What it is for", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CodebookEditForm(CodebookForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ThemeForm(GovukForm):
    name = forms.CharField(label="Name", max_length=120, error_messages={"required": "Give the theme a name."})
    description = forms.CharField(label="What it covers", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ThemeEditForm(ThemeForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _optional_id(value: str) -> int | None:
    return int(value) if value else None


class CodeForm(GovukForm):
    name = forms.CharField(label="Name", max_length=120, error_messages={"required": "Give the code a name."})
    definition = forms.CharField(
        label="Definition",
        help_text="When to apply it, so that every coder applies it the same way.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    theme_id = forms.TypedChoiceField(
        label="Theme",
        coerce=_optional_id,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose a theme of this codebook."},
    )
    parent_id = forms.TypedChoiceField(
        label="Under another code",
        coerce=_optional_id,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose a code from the list: not the code itself or one of its sub-codes."},
    )
    colour = forms.CharField(label="Colour", max_length=7, initial="#1d70b8", help_text=COLOUR_HELP)

    def __init__(
        self,
        *args: Any,
        themes: list[tuple[int, str]],
        parents: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme_id"].choices = [("", "No theme"), *themes]  # type: ignore[attr-defined]
        if parents is None:
            del self.fields["parent_id"]
        else:
            self.fields["parent_id"].choices = [("", "Not under another code"), *parents]  # type: ignore[attr-defined]
        self.fields["colour"].widget.attrs["class"] += " govuk-input--width-5"


class CodeEditForm(CodeForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class EmergentCodeForm(CodeForm):
    """A code added while coding: name, definition and theme; it goes at the top of the tree."""

    def __init__(self, *args: Any, themes: list[tuple[int, str]], **kwargs: Any) -> None:
        # No prefix: its field names differ from the coding form's, so the ids on the page do too.
        super().__init__(*args, themes=themes, parents=None, **kwargs)
        del self.fields["colour"]


class ApplyCodeForm(GovukForm):
    passage = forms.CharField(
        label="Passage (exact words)",
        help_text=(
            "Copy the words from the transcript, or select them there. Spaces and line breaks do not "
            "need to match exactly."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "data-coding-passage": ""}),
        error_messages={"required": "Enter the words you want to code."},
    )
    codes = forms.TypedMultipleChoiceField(
        label="Codes", coerce=int, error_messages={"required": "Choose at least one code."}
    )
    memo = forms.CharField(
        label="Memo",
        help_text="Why you coded it so, or what to discuss with the other coders.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    start = forms.IntegerField(widget=forms.HiddenInput(attrs={"data-coding-start": ""}), required=False, min_value=0)

    def __init__(self, *args: Any, code_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(pk, str(pk)) for pk in code_ids]  # type: ignore[attr-defined]


class ConsensusForm(GovukForm):
    start = forms.IntegerField(
        min_value=0, error_messages={"required": "Select the passage again: where it starts was not sent."}
    )
    end = forms.IntegerField(
        min_value=1, error_messages={"required": "Select the passage again: where it ends was not sent."}
    )
    codes = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args: Any, code_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(pk, str(pk)) for pk in code_ids]  # type: ignore[attr-defined]


class ProjectImportForm(GovukForm):
    """A .qdpx from another tool, whose coding becomes one team coder's segments."""

    upload = forms.FileField(
        label="The REFI-QDA project (.qdpx)",
        help_text="Exported from NVivo, QualCoder, ATLAS.ti or MAXQDA, or Coproduce's own .qdpx download.",
        error_messages={"required": "Choose the .qdpx file to import.", "empty": "The file is empty."},
    )
    transcript = forms.TypedChoiceField(
        label="Which transcript is it?",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Leave it as it is if the file started as Coproduce's download: its transcripts are recognised.",
        error_messages={"invalid_choice": "Choose a transcript from the list."},
    )
    coder = forms.TypedChoiceField(
        label="Whose coding is it?",
        coerce=int,
        help_text="The segments are recorded as this coder's. You can choose an evaluator of your own team.",
        error_messages={"required": "Choose the coder.", "invalid_choice": "Choose a coder from the list."},
    )
    file_user = forms.CharField(
        label="Their name in the file (only if the file holds several people's coding)",
        required=False,
        max_length=200,
    )

    def __init__(
        self, *args: Any, transcripts: list[tuple[int, str]], coders: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["transcript"].choices = [("", "Recognise it from the file"), *transcripts]  # type: ignore[attr-defined]
        self.fields["coder"].choices = coders  # type: ignore[attr-defined]
        self.fields["upload"].widget.attrs.update({"class": "govuk-file-upload", "accept": ".qdpx"})
