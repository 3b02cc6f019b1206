from django.urls import path

from coproduce.web.public import enquiry, views

urlpatterns = [
    path("", views.start, name="start"),
    path("privacy/", views.privacy, name="privacy"),
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("home/", views.home, name="home"),
    path("ask-for-help/", enquiry.enquiry, name="enquiry"),
    path("ask-for-help/sent/", enquiry.enquiry_sent, name="enquiry_sent"),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
]
