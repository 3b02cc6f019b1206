from django.urls import path

from coproduce.web import programme_choice
from coproduce.web.public import api_tokens, enquiry, pwa, sign_in_link, two_factor, views, work_contact

urlpatterns = [
    path("", views.start, name="start"),
    path("privacy/", views.privacy, name="privacy"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("service-worker.js", pwa.service_worker, name="service_worker"),
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-in/link/", sign_in_link.sign_in_link, name="sign_in_link"),
    path("sign-in/link/sent/", sign_in_link.sign_in_link_sent, name="sign_in_link_sent"),
    path("sign-in/phone/<uidb64>/<token>/", sign_in_link.sign_in_by_phone, name="sign_in_by_phone"),
    path("notifications/notify-callback/", sign_in_link.notify_callback, name="notify_callback"),
    path("sign-in/code/", two_factor.sign_in_code, name="sign_in_code"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("account/two-factor/", two_factor.two_factor_page, name="two_factor"),
    path("account/two-factor/set-up/", two_factor.two_factor_set_up, name="two_factor_set_up"),
    path("account/two-factor/recovery-codes/", two_factor.two_factor_recovery_codes, name="two_factor_recovery_codes"),
    path("account/api-tokens/", api_tokens.api_tokens, name="api_tokens"),
    path("account/api-tokens/new/", api_tokens.api_token_new, name="api_token_new"),
    path("account/api-tokens/<int:token_id>/revoke/", api_tokens.api_token_revoke, name="api_token_revoke"),
    path("account/work-contact/", work_contact.work_contact, name="work_contact"),
    path("programme/", programme_choice.choose_programme, name="choose_programme"),
    path("home/", views.home, name="home"),
    path("ask-for-help/", enquiry.enquiry, name="enquiry"),
    path("ask-for-help/sent/", enquiry.enquiry_sent, name="enquiry_sent"),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
]
