from django.urls import path

from coproduce.web.directory import views

urlpatterns = [
    path("directory/", views.directory_search, name="directory_search"),
    path("directory/services/<uuid:service_id>/", views.service_detail, name="directory_service"),
    path("directory/yours/", views.your_services, name="directory_your_services"),
    path("directory/services/<uuid:service_id>/edit/", views.service_edit, name="directory_service_edit"),
    path(
        "directory/services/<uuid:service_id>/opening-times/",
        views.service_opening_times,
        name="directory_service_opening_times",
    ),
    path("directory/services/<uuid:service_id>/address/", views.service_address, name="directory_service_address"),
    path("directory/services/<uuid:service_id>/checked/", views.service_checked, name="directory_service_checked"),
    path(
        "directory/organisations/<uuid:organisation_id>/services/new/",
        views.service_add,
        name="directory_service_add",
    ),
    path(
        "directory/organisations/<uuid:organisation_id>/edit/",
        views.organisation_edit,
        name="directory_organisation_edit",
    ),
    path("directory/import/", views.directory_import, name="directory_import"),
    path("directory/export/", views.directory_export, name="directory_export"),
]
