"""Pages anyone can open, signing in and out, and sending each role to its own home page."""

from django.contrib.auth import logout
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.programmes.actors import actor_for
from coproduce.web.public.forms import SignInForm

HOME_PAGES = {
    Role.PARTNERSHIP_MANAGER: "web:area_overview",
    Role.KEYWORKER: "web:caseload",
    Role.PARTNER_WORKER: "web:partner_home",
    Role.FUNDER: "web:funder_home",
    Role.EVALUATOR: "web:research_home",
    Role.ADMINISTRATOR: "admin:index",
    Role.PARTICIPANT: "web:my_page",
}


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "web/public/start.html", {"page_title": "Support to find work that fits your life"})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/public/privacy.html", {"page_title": "How we use your information"})


class SignInView(LoginView):
    template_name = "web/public/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    extra_context = {"page_title": "Sign in"}


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:start")


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the home page of their main role."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    role = actor_for(request.user).primary_role
    if role is None:
        return render(request, "web/public/no_role.html", {"page_title": "Your account has no role yet"})
    return redirect(HOME_PAGES[role])
