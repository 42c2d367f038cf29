"""Users, offices and roles.

A user belongs to one office: an attorney general's office of one US jurisdiction, the ITG itself,
or an audit body. What a user may see follows from the office (its state) and the role; the rules
live in `itg.accounts.roles` and, for matters, in `cases.access`.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import Group, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from itg.calendar import jurisdiction_choices


class Office(models.Model):
    class Kind(models.TextChoices):
        AG = "ag", "Attorney general's office"
        ITG = "itg", "Industry Traceback Group"
        AUDIT = "audit", "Audit body"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=200, unique=True)
    state = models.CharField(
        max_length=2,
        choices=jurisdiction_choices(),
        blank=True,
        help_text="The jurisdiction of an AG office.",
    )
    time_zone = models.CharField(max_length=64, help_text="IANA time zone, e.g. America/Chicago.")
    email = models.EmailField(blank=True, help_text="The office's general address for notices.")
    # The group that carries this office's object permissions (explicit shares of matters).
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="office")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            # An AG office has a state, and only one per state; other offices have none.
            models.CheckConstraint(
                condition=(Q(kind="ag") & ~Q(state="")) | (~Q(kind="ag") & Q(state="")),
                name="office_state_iff_ag",
            ),
            models.UniqueConstraint(fields=["state"], condition=Q(kind="ag"), name="one_ag_office_per_state"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_state(self) -> str:
        return self.state


class Role(models.TextChoices):
    AG_STAFF = "ag_staff", "AG staff"
    AG_SUPERVISOR = "ag_supervisor", "AG supervisor"
    ITG_STAFF = "itg_staff", "ITG compliance staff"
    ITG_ADMIN = "itg_admin", "ITG administrator"
    AUDITOR = "auditor", "Auditor"


# Which roles belong in which kind of office.
ROLES_BY_OFFICE_KIND = {
    Office.Kind.AG: {Role.AG_STAFF, Role.AG_SUPERVISOR},
    Office.Kind.ITG: {Role.ITG_STAFF, Role.ITG_ADMIN},
    Office.Kind.AUDIT: {Role.AUDITOR},
}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_queryset(self):
        # Every page shows the user's office and every access check reads its state: fetch it with the user.
        return super().get_queryset().select_related("office")

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        """`createsuperuser` makes an ITG administrator in the ITG office."""
        from itg.accounts.services import itg_office

        fields.setdefault("role", Role.ITG_ADMIN)
        fields.setdefault("office", itg_office())
        fields.setdefault("full_name", email.split("@")[0])
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(max_length=16, choices=Role.choices)
    title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    # Role predicates: the only place that maps roles to capabilities.
    @property
    def is_itg_staff(self) -> bool:
        return self.role in (Role.ITG_STAFF, Role.ITG_ADMIN)

    @property
    def is_itg_admin(self) -> bool:
        return self.role == Role.ITG_ADMIN

    @property
    def is_ag_staff(self) -> bool:
        return self.role in (Role.AG_STAFF, Role.AG_SUPERVISOR)

    @property
    def is_ag_supervisor(self) -> bool:
        return self.role == Role.AG_SUPERVISOR

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.AUDITOR

    @property
    def is_staff(self) -> bool:
        """Django admin flag, derived: only ITG administrators use the admin."""
        return self.is_active and self.is_itg_admin

    @property
    def state(self) -> str:
        """The jurisdiction code of the user's AG office ('' for ITG and auditors)."""
        return self.office.state if self.office_id else ""

    @property
    def audit_state(self) -> str:
        return self.state

    def has_perm(self, perm: str, obj=None) -> bool:
        # ITG administrators hold every model permission in the admin; object rules live elsewhere.
        if self.is_active and self.is_itg_admin and obj is None:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return (self.is_active and self.is_itg_admin) or super().has_module_perms(app_label)


class Invitation(models.Model):
    """A one-time, expiring link by which a new user sets a password and then enrols two-factor."""

    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="invitations")
    role = models.CharField(max_length=16, choices=Role.choices)
    token_hash = models.CharField(
        max_length=64, unique=True
    )  # SHA-256 of the token; the token is never stored
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class LoginSession(models.Model):
    """Which sessions belong to which user, so deactivation can end them at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Session of user {self.user_id}"
