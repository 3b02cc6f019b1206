from django.urls import path

from coproduce.web.funder import views

urlpatterns = [path("funder/", views.funder_home, name="funder_home")]
