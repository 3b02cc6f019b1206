from django.urls import path

from coproduce.web.participant import views

urlpatterns = [
    path("me/", views.my_page, name="my_page"),
    path("me/who-looked/", views.my_record_views, name="my_record_views"),
]
