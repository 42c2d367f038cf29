"""The Django admin, for ITG administrators only, only after two-factor login, and read-only entirely.

Every change to the portal goes through its pages and services, which check who may make it and write the
audit trail in the same transaction; the admin is for looking things up. So, whatever an app registers:

* no model admin may add, change or delete (and no bulk action runs): the site enforces it for every
  registration, including third-party ones, so a new app cannot open an unaudited write by accident;
* no secret is shown after creation: django-otp's devices appear without their keys, API tokens
  (whose primary key *is* the token) and guardian/auth groups are not registered at all;
* the admin's own password change is closed (the portal's lockout, two-factor and audit own passwords).

tests/test_admin.py walks every admin URL as an ITG administrator and proves it.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

# Registered by django-otp with the key editable: replaced by a read-only admin without the key.
_OTP_SAFE_FIELDS = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]


class ITGAdminSite(admin.AdminSite):
    site_header = "ITG Portal administration"
    site_title = "ITG Portal administration"
    index_title = "Administration (read-only: changes are made, and audited, in the portal)"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "is_itg_admin", False) and user.is_verified())

    def login(self, request: HttpRequest, extra_context=None):
        from django.contrib.auth.views import redirect_to_login
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect
        from django.utils.http import url_has_allowed_host_and_scheme

        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/admin/"
        if self.has_permission(request):
            return redirect(target)  # back from the portal's login
        user = request.user
        if user.is_authenticated and user.is_verified():
            # Signed in, two factors checked, and still not allowed: sending them to the login page again
            # would bounce straight back here (the loop non-administrators saw). Say no, once, plainly.
            raise PermissionDenied("The administration pages are for ITG administrators only.")
        # One login for the whole site: the portal's, with its lockout and two-factor step.
        return redirect_to_login(request.get_full_path())

    def password_change(self, request, extra_context=None):
        raise PermissionDenied("Passwords are changed in the portal, where the change is audited.")

    def password_change_done(self, request, extra_context=None):
        raise PermissionDenied("Passwords are changed in the portal, where the change is audited.")


def _never(*args, **kwargs) -> bool:
    return False


def _view_for_itg_admins(request, obj=None) -> bool:
    return bool(request.user.is_active and getattr(request.user, "is_itg_admin", False))


class ReadOnlyAdmin(admin.ModelAdmin):
    """The base of every admin the portal registers: ITG administrators look; nobody adds, changes or deletes.
    (`lock_down` holds every registration, third-party ones included, to the same rule.)"""

    actions = []
    has_add_permission = has_change_permission = has_delete_permission = _never
    has_view_permission = staticmethod(_view_for_itg_admins)


class ReadOnlyInline(admin.TabularInline):
    """The same for the rows shown inside a model's page."""

    extra = 0
    can_delete = False
    has_add_permission = has_change_permission = has_delete_permission = _never
    has_view_permission = staticmethod(_view_for_itg_admins)


def make_read_only(model_admin: admin.ModelAdmin) -> None:
    """No add, change or delete, no bulk actions, on this registration (inlines included)."""
    model_admin.has_add_permission = _never
    model_admin.has_change_permission = _never
    model_admin.has_delete_permission = _never
    model_admin.actions = []
    for inline in model_admin.inlines:
        inline.has_add_permission = _never
        inline.has_change_permission = _never
        inline.has_delete_permission = _never


class TOTPDeviceReadOnlyAdmin(ReadOnlyAdmin):
    """Who has which authenticator, confirmed or not; never the key (nor a QR code made from it)."""

    list_display = ["user", "name", "confirmed", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__email"]
    list_select_related = ["user"]

    def get_fields(self, request, obj=None):
        names = {f.name for f in self.model._meta.fields}
        return [f for f in _OTP_SAFE_FIELDS if f in names]

    get_readonly_fields = get_fields


def lock_down(site: admin.AdminSite) -> None:
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rest_framework.authtoken.models import TokenProxy

    for model in (TokenProxy, Group, TOTPDevice):
        if site.is_registered(model):
            site.unregister(model)
    site.register(TOTPDevice, TOTPDeviceReadOnlyAdmin)
    if "delete_selected" in dict(site.actions):
        site.disable_action("delete_selected")
    for model_admin in site._registry.values():
        make_read_only(model_admin)
        model_admin.has_view_permission = _view_for_itg_admins


class ITGAdminConfig(AdminConfig):
    default_site = "itg.admin_site.ITGAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscover: every app's admin module is imported here
        lock_down(admin.site)
