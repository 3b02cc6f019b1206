from django.contrib import admin
from django.urls import include, path

from coproduce.api.v1.api import api

handler400 = "coproduce.web.errors.bad_request"
handler403 = "coproduce.web.errors.permission_denied"
handler404 = "coproduce.web.errors.page_not_found"
handler500 = "coproduce.web.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("hsds/", include("coproduce.hsds_api.urls", namespace="hsds")),
    path("", include("coproduce.web.urls")),
]
