"""Role checks for pages and the API: the reusable gates. Which *matters* a user sees is `cases.access`."""

from __future__ import annotations

from django.contrib.auth.mixins import AccessMixin
from rest_framework.permissions import BasePermission

from itg.audit.actions import Action, Outcome
from itg.audit.services import record


def _check(user, predicate: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and getattr(user, predicate, False))


class _RoleRequiredMixin(AccessMixin):
    """Refuses (403) a signed-in user without the role; sends an anonymous one to the login page."""

    predicates: tuple[str, ...] = ()
    raise_exception = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not any(_check(request.user, p) for p in self.predicates):
            # Recorded once, here: a role probing pages that are not for it is worth an auditor's look.
            record(action=Action.ROLE_DENIED, by=request.user, outcome=Outcome.DENIED,
                   reason=f"{request.method} {request.path}"[:500])  # fmt: skip
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class ITGStaffRequiredMixin(_RoleRequiredMixin):
    predicates = ("is_itg_staff",)


class ITGAdminRequiredMixin(_RoleRequiredMixin):
    predicates = ("is_itg_admin",)


class AGStaffRequiredMixin(_RoleRequiredMixin):
    predicates = ("is_ag_staff",)


class MatterUserRequiredMixin(_RoleRequiredMixin):
    """AG staff and ITG staff: the people who work on matters (auditors only read the audit trail)."""

    predicates = ("is_ag_staff", "is_itg_staff")


class UserManagerRequiredMixin(_RoleRequiredMixin):
    """ITG administrators (everyone) and AG supervisors (their own office)."""

    predicates = ("is_itg_admin", "is_ag_supervisor")


class AuditReaderRequiredMixin(_RoleRequiredMixin):
    predicates = ("is_auditor", "is_itg_admin")


class _RolePermission(BasePermission):
    predicates: tuple[str, ...] = ()
    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        return any(_check(request.user, p) for p in self.predicates)


class IsITGStaff(_RolePermission):
    predicates = ("is_itg_staff",)


class IsAGStaff(_RolePermission):
    predicates = ("is_ag_staff",)


class IsMatterUser(_RolePermission):
    predicates = ("is_ag_staff", "is_itg_staff")


class AGSupervisorRequiredMixin(_RoleRequiredMixin):
    predicates = ("is_ag_supervisor",)
