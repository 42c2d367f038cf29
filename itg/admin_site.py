"""The Django admin, for ITG administrators only and only after two-factor login."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class ITGAdminSite(admin.AdminSite):
    site_header = "ITG Portal administration"
    site_title = "ITG Portal administration"
    index_title = "Administration"

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


class ITGAdminConfig(AdminConfig):
    default_site = "itg.admin_site.ITGAdminSite"
