from django.urls import path

from coproduce.web.research import views

urlpatterns = [path("research/", views.research_home, name="research_home")]
