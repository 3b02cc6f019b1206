from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coproduce.participants.models import Enquiry, HeardAbout
from coproduce.web.forms import GovukForm


class SignInForm(GovukForm, AuthenticationForm):
    username = forms.CharField(
        label=_("Email address or mobile number"),
        error_messages={"required": _("Enter your email address or mobile number.")},
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )

    error_messages = {
        "invalid_login": _(
            "The email address or mobile number and password do not match an account. Check them and try again."
        ),
        "inactive": _("This account is not active. Ask your keyworker or manager for help."),
    }


class ChooseAPasswordForm(GovukForm, SetPasswordForm):
    """Set a password from a one-time link, with plain-English labels and hints."""

    new_password1 = forms.CharField(
        label=_("Create a password"),
        strip=False,
        help_text=_("Use at least 10 characters. Do not use a common password or one made only of numbers."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Type the same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    error_messages = {"password_mismatch": _("The two passwords are not the same. Type them again.")}


ANOTHER_LANGUAGE = "other"


def _in_its_own_name(code: str, name: str) -> str:
    """A language's name marked with its language, so that screen readers say it properly."""
    return format_html('<span lang="{}">{}</span>', code, name)


class EnquiryForm(GovukForm):
    # Asked first: the rest of the page can then be read in that language (the switcher above).
    language = forms.ChoiceField(
        label=_("Which language would you like us to use?"),
        required=False,
        help_text=_("If you do not choose, we will use the language of this page."),
        widget=forms.RadioSelect,
    )
    other_language = forms.CharField(
        label=_("If you chose another language: which one?"),
        required=False,
        max_length=60,
        help_text=_("We will bring an interpreter when we talk to you."),
    )
    name = forms.CharField(label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    partnership = forms.TypedChoiceField(
        label=_("Where do you live?"),
        error_messages={"required": _("Choose where you live.")},
        coerce=int,
        help_text=_("We have teams in these areas."),
        widget=forms.RadioSelect,
    )
    contact_by = forms.ChoiceField(
        label=_("How should we get in touch?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how we should get in touch.")},
    )
    email = forms.EmailField(
        label=_("Email address"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=20,
        help_text=_("For example, 07700 900123."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    best_time = forms.CharField(
        label=_("When is a good time to contact you?"),
        required=False,
        max_length=150,
        help_text=_("For example, weekday mornings after the school run."),
    )
    postcode = forms.CharField(
        label=_("Postcode"), required=False, max_length=8, widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )
    message = forms.CharField(
        label=_("Anything you would like to tell us?"),
        required=False,
        max_length=2000,
        help_text=_("You do not have to say anything now. Your keyworker will ask what you would like help with."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    heard_about = forms.ChoiceField(label=_("How did you hear about us?"), required=False)
    # A field people never see: automated form-fillers fill it in, and their enquiry is dropped.
    website = forms.CharField(required=False, label=_("Leave this empty"), widget=forms.HiddenInput)

    def __init__(self, *args: Any, partnerships: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["partnership"]).choices = partnerships
        cast(forms.ChoiceField, self.fields["contact_by"]).choices = Enquiry.ContactBy.choices
        cast(forms.ChoiceField, self.fields["heard_about"]).choices = [
            ("", _("Choose one (optional)")),
            *HeardAbout.choices,
        ]
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            *((code, _in_its_own_name(code, name)) for code, name in settings.LANGUAGES),
            (ANOTHER_LANGUAGE, _("Another language")),
        ]

    def clean(self) -> dict[str, Any]:
        """Another language is asked for in our language with an interpreter: English, and which one."""
        cleaned = super().clean() or {}
        other = cleaned.pop("other_language", "").strip()
        if cleaned.get("language") == ANOTHER_LANGUAGE:
            if not other:
                self.add_error("other_language", _("Tell us which language you speak."))
            cleaned["language"] = settings.LANGUAGE_CODE
            cleaned["interpreter_language"] = other
        else:
            page_language = get_language()
            ours = page_language if page_language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
            cleaned["language"] = cleaned.get("language") or ours
            cleaned["interpreter_language"] = ""
        return cleaned


class SignInLinkForm(GovukForm):
    contact = forms.CharField(
        label=_("Your mobile number or email address"),
        error_messages={"required": _("Enter your mobile number or email address.")},
        help_text=_("Use the one you gave us. For example, 07700 900123."),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )


class WhoIsSigningInForm(GovukForm):
    """On a link that proved the phone: which of the people on the number is signing in."""

    person = forms.TypedChoiceField(
        label=_("Who is signing in?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who is signing in"), "invalid_choice": _("Choose who is signing in")},
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["person"]).choices = people
