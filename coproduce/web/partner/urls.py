from django.urls import path

from coproduce.web.partner import views

urlpatterns = [path("partner/", views.partner_home, name="partner_home")]
