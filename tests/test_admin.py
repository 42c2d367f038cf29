"""The admin shows no secret and writes nothing (issue 15, item 2): every admin URL walked as an ITG administrator.

Every registered model's changelist, add, change, delete and history page is fetched (GET) and posted to
(POST, as a form would), plus the site's own pages. Nothing a secret is made of (TOTP keys, in hex and
base32, API token keys, provider tokens, invitation tokens) appears in any response, every write is
refused, and no row of any registered model changes.
"""

from __future__ import annotations

import base64

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from itg.accounts import services
from itg.audit.models import AuditEvent
from providers.services import provider_token_create
from tests.factories import make_demand, make_provider, start_traceback, verified_login


@pytest.fixture
def world(people):
    """One row of (nearly) every registered model, and every kind of secret the system issues."""
    make_demand("TX", by=people.tess)
    provider = make_provider("Acme Voice")
    start_traceback(people.ivy, provider)
    secrets = {
        "api token": services.api_token_create(user=people.tess),
        "provider token": provider_token_create(by=people.ivy, provider=provider),
        "invitation token": services.user_invite(by=people.ada, email="new@tx.example", full_name="New Person",
                                                 office=people.tess.office, role="ag_staff")[1].rsplit("/", 2)[-2],
    }  # fmt: skip
    for device in TOTPDevice.objects.all():
        secrets[f"totp hex {device.pk}"] = device.key
        secrets[f"totp base32 {device.pk}"] = base64.b32encode(device.bin_key).decode().rstrip("=")
    return secrets


def _urls_of(model, obj_pk) -> list[str]:
    info = (model._meta.app_label, model._meta.model_name)
    urls = [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]
    if obj_pk is not None:
        urls += [
            reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[obj_pk])
            for view in ("change", "delete", "history")
        ]
    return urls


def _snapshot() -> dict:
    """Every registered model's rows; the audit trail apart (reading it in the admin is itself recorded)."""
    return {
        m._meta.label: list(m._default_manager.order_by("pk").values())
        for m in admin.site._registry
        if m is not AuditEvent
    }


def test_every_admin_url_shows_no_secret_and_writes_nothing(client, people, world):
    verified_login(client, people.ada)
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    pages += [
        reverse("admin:app_list", args=[app]) for app in {m._meta.app_label for m in admin.site._registry}
    ]
    for model in admin.site._registry:
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        pages += _urls_of(model, first)
    before, log_before, seq = _snapshot(), LogEntry.objects.count(), AuditEvent.objects.latest("seq").seq
    leaks, writes = [], []
    for url in pages:
        got = client.get(url)
        assert got.status_code in (200, 403), (url, got.status_code)
        body = got.content.decode(errors="replace")
        leaks += [(url, name) for name, secret in world.items() if secret and secret in body]
        posted = client.post(url, {"post": "yes", "name": "changed", "key": "00" * 20, "confirmed": "on",
                                   "action": "delete_selected", "_selected_action": "1", "index": "0"})  # fmt: skip
        is_write_form = url.rstrip("/").rsplit("/", 1)[-1] in ("add", "change", "delete")
        if posted.status_code >= 500 or (is_write_form and posted.status_code != 403):
            writes.append((url, posted.status_code))
    assert not leaks, leaks
    assert not writes, writes
    assert _snapshot() == before and LogEntry.objects.count() == log_before
    # The only new audit rows: the administrator's looks at the audit trail (AU-9), nothing else happened.
    assert set(AuditEvent.objects.filter(seq__gt=seq).values_list("action", flat=True)) == {"audit.viewed"}
    assert len(pages) > 50  # the walk really covered the registry


def test_the_admin_registers_no_token_or_group_and_otp_devices_without_their_key(people, world):
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token, TokenProxy

    registered = set(admin.site._registry)
    assert not registered & {Token, TokenProxy, Group}
    device_admin = admin.site._registry[TOTPDevice]
    assert "key" not in device_admin.get_fields(None) and "key" not in device_admin.get_readonly_fields(None)
    for model_admin in admin.site._registry.values():
        assert not (model_admin.has_add_permission(None) or model_admin.has_change_permission(None)
                    or model_admin.has_delete_permission(None)), model_admin  # fmt: skip


def test_the_admin_is_for_verified_itg_administrators_only(client, people):
    for who in ("ivy", "tess", "aldo"):
        verified_login(client, getattr(people, who))
        assert client.get("/admin/").status_code == 302  # to the portal's login, never the admin
    client.force_login(people.ada)  # password only, no two-factor code yet
    assert client.get("/admin/").status_code == 302
