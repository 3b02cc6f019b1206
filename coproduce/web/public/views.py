"""Pages anyone can open, signing in and out, and sending each role to its own home page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.programmes.standing import standing_of
from coproduce.web.public.forms import ChooseAPasswordForm, SignInForm

HOME_PAGES = {
    Role.PARTNERSHIP_MANAGER: "web:area_overview",
    Role.KEYWORKER: "web:caseload",
    Role.PARTNER_WORKER: "web:partner_home",
    Role.FUNDER: "web:funder_home",
    Role.EVALUATOR: "web:research_home",
    Role.ADMINISTRATOR: "admin:index",
    Role.PARTICIPANT: "web:my_page",
    Role.BOARD_MEMBER: "web:board_home",
}


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "web/public/start.html", {"page_title": _("Support to find work that fits your life")})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/public/privacy.html", {"page_title": _("How we use your information")})


class SignInView(LoginView):
    template_name = "web/public/sign_in.html"
    authentication_form = SignInForm
    # Someone already signed in sees the page too (to sign in as someone else on a shared
    # device), rather than being bounced away from a link they followed.
    redirect_authenticated_user = False
    extra_context = {"page_title": _("Sign in")}


class SetPasswordView(PasswordResetConfirmView):
    """Set a password from the one-time link a keyworker or manager passed on.

    Django checks the token, moves it from the address into the session (so that it cannot
    leak through the Referer header) and shows the form. Afterwards the person signs in.
    """

    template_name = "web/public/set_password.html"
    form_class = ChooseAPasswordForm
    success_url = reverse_lazy("web:sign_in")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page_title"] = "Create a password" if self.validlink else "This link does not work"
        return context

    def form_valid(self, form: ChooseAPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Sign in with it now."))
        return response

    def form_invalid(self, form: ChooseAPasswordForm) -> HttpResponse:
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = redirect("web:start")
    # Whatever a keyworker took on their visits leaves the phone with them (docs/offline.md); the
    # page's script wipes it too, for browsers that ignore this header.
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the home page of their main role."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    role = standing_of(request.user).primary_role
    if role is None:
        return render(request, "web/public/no_role.html", {"page_title": _("Your account has no role yet")})
    return redirect(HOME_PAGES[role])
