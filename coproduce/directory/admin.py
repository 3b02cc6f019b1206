"""Administrators can look at and correct directory records here; partners keep them current on the pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coproduce.directory.models import (
    Address,
    Attribute,
    DirectoryOrganisation,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)


@admin.register(DirectoryOrganisation)
class DirectoryOrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "member", "email", "website")
    search_fields = ("name", "alternate_name")
    autocomplete_fields = ("member", "parent_organization")


class ScheduleInline(admin.TabularInline):
    model = Schedule
    fk_name = "service"
    extra = 0
    fields = ("freq", "byday", "opens_at", "closes_at", "description")


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "organization", "status", "takes_referrals", "places_available", "last_checked_on")
    list_filter = ("status", "takes_referrals", "childcare_on_site", "partnerships")
    search_fields = ("name", "alternate_name", "organization__name")
    autocomplete_fields = ("organization",)
    filter_horizontal = ("partnerships",)
    readonly_fields = ("last_checked_by", "capacity_updated_at")
    inlines = [ScheduleInline]


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organization", "location_type")
    search_fields = ("name", "addresses__postal_code")
    inlines = [AddressInline]


@admin.register(ServiceAtLocation)
class ServiceAtLocationAdmin(admin.ModelAdmin):
    list_display = ("service", "location")
    autocomplete_fields = ("service", "location")


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ("name", "taxonomy_version", "uri")


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "taxonomy_detail")
    list_filter = ("taxonomy_detail",)
    search_fields = ("name", "code")


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "taxonomy_term", "link_entity")
    raw_id_fields = ("service", "organization", "location")
    autocomplete_fields = ("taxonomy_term",)
