"""Administrators manage the programme's structure and staff accounts here. No casework."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coproduce.programmes.models import (
    Organisation,
    Partnership,
    PartnershipMembership,
    Programme,
    StaffMember,
    StaffRole,
)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "reference_prefix", "starts_on", "ends_on")


class MembershipInline(admin.TabularInline):
    model = PartnershipMembership
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ("area_name", "gss_code", "short_code", "programme", "caseload_limit")
    inlines = [MembershipInline]
    exclude = ("version",)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "charity_number", "company_number")
    list_filter = ("kind",)
    search_fields = ("name", "charity_number", "company_number")
    exclude = ("version",)


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 1


@admin.register(StaffMember)
class StaffMemberAdmin(SimpleHistoryAdmin):
    list_display = ("user", "organisation", "partnership", "job_title", "is_active")
    list_filter = ("partnership", "is_active", "roles__role")
    search_fields = ("user__display_name", "user__email", "organisation__name")
    autocomplete_fields = ("user", "organisation")
    inlines = [StaffRoleInline]
