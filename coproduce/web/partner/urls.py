from django.urls import path

from coproduce.web.partner import deletion_views, views

urlpatterns = [
    path("partner/", views.partner_home, name="partner_home"),
    path("partner/referrals/<int:pk>/", views.partner_referral, name="partner_referral"),
    path("partner/referrals/<int:pk>/messages/", views.partner_referral_message, name="partner_referral_message"),
    path("partner/referrals/<int:pk>/accept/", views.partner_referral_accept, name="partner_referral_accept"),
    path("partner/referrals/<int:pk>/decline/", views.partner_referral_decline, name="partner_referral_decline"),
    path("partner/referrals/<int:pk>/start/", views.partner_referral_start, name="partner_referral_start"),
    path("partner/referrals/<int:pk>/complete/", views.partner_referral_complete, name="partner_referral_complete"),
    path(
        "partner/referrals/<int:pk>/did-not-start/",
        views.partner_referral_did_not_start,
        name="partner_referral_did_not_start",
    ),
    path(
        "partner/deletion-notices/<int:pk>/deleted/",
        deletion_views.partner_deletion_done,
        name="partner_deletion_done",
    ),
]
