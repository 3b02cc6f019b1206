from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from coproduce.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "email", "mobile", "is_active", "is_staff")
    search_fields = ("username", "display_name", "email", "mobile")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Contact", {"fields": ("display_name", "mobile")}),
    )
