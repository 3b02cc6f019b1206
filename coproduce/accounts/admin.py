from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from coproduce.accounts.models import ApiToken, User
from coproduce.accounts.services import revoke_api_token
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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Everyone's API tokens, to see which are in use and revoke any at once. Read-only otherwise:
    tokens are made by their owners (the "API tokens" page) or at the server, and the key is
    never stored, so there is nothing here to read it from."""

    list_display = ("name", "user", "key_prefix", "created_at", "last_used_at", "expires_at", "revoked_at", "status")
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("name", "key_prefix", "user__username", "user__email")
    list_select_related = ("user",)
    fields = ("name", "user", "key_prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke_tokens"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        # Revoke instead: a token deleted now would leave its audit events pointing at nothing.
        # The daily retention task deletes tokens long after they ended.
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_api_token(actor=request.user, token_id=token.pk)  # type: ignore[arg-type]
            revoked += 1
        if revoked == 1:
            message = "1 token revoked: it no longer works."
        else:
            message = f"{revoked} tokens revoked: they no longer work."
        self.message_user(request, message, messages.SUCCESS)
