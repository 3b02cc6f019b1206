from django.contrib import admin
from django.urls import include, path, re_path

from coproduce.api.v1.api import api
from coproduce.api.v1.json_errors import api_urls, no_such_route

handler400 = "coproduce.web.errors.bad_request"
handler403 = "coproduce.web.errors.permission_denied"
handler404 = "coproduce.web.errors.page_not_found"
handler500 = "coproduce.web.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api_urls(api)),
    # Any other address under /api/ answers a JSON 404, never the pages' HTML one.
    re_path(r"^api(?:/(?P<rest>.*))?$", no_such_route, name="api_no_such_route"),
    path("hsds/", include("coproduce.hsds_api.urls", namespace="hsds")),
    # set_language: the language switcher for anyone not signed in as a participant (the cookie).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("coproduce.web.urls")),
]
