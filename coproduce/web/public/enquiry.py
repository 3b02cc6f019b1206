"""The public "interested? get in touch" page: no account needed to ask for help."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coproduce.core.errors import DomainError
from coproduce.participants.services import submit_enquiry
from coproduce.programmes.selectors import public_partnerships
from coproduce.web.public.forms import EnquiryForm


def enquiry(request: HttpRequest) -> HttpResponse:
    partnerships = [(p.pk, p.area_name) for p in public_partnerships()]
    form = EnquiryForm(request.POST or None, partnerships=partnerships)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return redirect("web:enquiry_sent")
        data = {key: value for key, value in form.cleaned_data.items() if key not in {"partnership", "website"}}
        try:
            submit_enquiry(partnership_id=form.cleaned_data["partnership"], **data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return redirect("web:enquiry_sent")
    status = 400 if request.method == "POST" else 200
    return render(request, "web/public/enquiry.html", {"form": form, "page_title": "Ask for help"}, status=status)


def enquiry_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "web/public/enquiry_sent.html", {"page_title": "We have your message"})
