from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from coproduce.accounts.models import User
from coproduce.accounts.two_factor import reset_second_factor


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "email", "mobile", "is_active", "is_staff")
    search_fields = ("username", "display_name", "email", "mobile")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Contact", {"fields": ("display_name", "mobile")}),
    )
    actions = ["reset_two_factor_sign_in"]

    @admin.action(description="Reset two-factor sign-in (lost phone and recovery codes)")
    def reset_two_factor_sign_in(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for user in queryset:
            reset_second_factor(actor=request.user, user=user)
        self.message_user(
            request,
            f"Two-factor sign-in reset for {queryset.count()} account(s): they set up a new app at their next sign-in.",
            messages.SUCCESS,
        )
