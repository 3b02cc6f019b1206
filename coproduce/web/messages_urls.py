"""Texts and emails pages for every audience (coproduce/web/messages_views.py)."""

from django.urls import path

from coproduce.web import messages_views as views

urlpatterns = [
    path("me/contact/", views.my_contact, name="my_contact"),
    path("me/messages/", views.my_messages, name="my_messages"),
    path("participants/<int:pk>/contact/", views.participant_contact, name="participant_contact"),
    path("participants/<int:pk>/messages/", views.participant_messages, name="participant_messages"),
    path("account/messages/", views.account_messages, name="account_messages"),
    path("partnership/messages/", views.partnership_messages, name="partnership_messages"),
    path("partnership/messages/settings/", views.partnership_message_settings, name="partnership_message_settings"),
]
