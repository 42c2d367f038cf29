"""Route × role proof (issue 15, "Prove it"): every URL pattern, every role, against tests/policy.py.

The world is real: a Texas demand in progress with a signed, delivered response, its case shared with
California (read only), an extension asked, a message with an attachment, a traceback whose open hop is
asked of one provider while another provider holds a token too. Each role's client GETs every route; the
outcome must be the declared one, and a 200 must carry its content marker. A route the table does not list
fails the test, which prints the missing lines (with what it observed) in the table's own syntax.
"""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.services import case_message_post, case_share
from itg.accounts import services as accounts
from providers.services import provider_token_create
from subpoenas.feeds import calendar_feed_create
from subpoenas.services import extension_ask
from tests import policy
from tests.factories import make_provider, make_user, start_traceback, verified_login
from tracebacks import links


def route_names() -> list[str]:
    """Every named URL pattern of the site, walked from the root resolver (namespaces included)."""

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, namespace + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern):
                yield namespace + (p.name or f"<unnamed {p.pattern}>")

    return sorted(set(walk(get_resolver().url_patterns)))


@pytest.fixture
def world(people, delivered):
    from datetime import timedelta

    from subpoenas.receipts import receipt_sign

    demand, response, _ = delivered
    receipt_sign(demand)  # as its intake task did (the responses' fixtures leave the receipt unsigned)
    case = demand.case
    case_share(by=people.sam, case=case, office=people.carl.office)
    acme, other = make_provider("Acme Voice"), make_provider("Other Telecom")
    traceback = start_traceback(people.ivy, acme)
    hop = traceback.hops.get()
    message = case_message_post(by=people.tess, case=case, body="Our letter",
                                files=[SimpleUploadedFile("letter.txt", b"hello", content_type="text/plain")])  # fmt: skip
    request = demand.requests.get(number=1)
    w = SimpleNamespace(
        **vars(people), demand=demand, case=case, response=response, document=demand.documents.first(),
        request=request, link=request.evidence.first(), attachment=message.attachments.get(),
        extension=extension_ask(demand=demand, by=people.ivy, requested_date=demand.due_date + timedelta(days=30)),
        feed_token=calendar_feed_create(by=people.tess), traceback=traceback, hop=hop, provider=acme,
        link_token=links.make_token(hop.pk, acme.pk),
        invitation_token=accounts.user_invite(by=people.ada, email="new@tx.example", full_name="New Person",
                                              office=people.tess.office, role="ag_staff")[1].rstrip("/").rsplit("/", 1)[-1],
        cas=make_user("cass", "ag_supervisor", "CA"), ny=make_user("nick", "ag_staff", "NY"),
        acme_token=provider_token_create(by=people.ivy, provider=acme),
        other_token=provider_token_create(by=people.ivy, provider=other),
    )  # fmt: skip
    return w


def clients(w) -> dict[str, Client]:
    users = {"tx": w.tess, "txs": w.sam, "ca": w.carl, "cas": w.cas, "ny": w.ny, "nys": w.nora,
             "itg": w.ivy, "adm": w.ada, "aud": w.aldo}  # fmt: skip
    out = {"anon": Client()}
    for role, user in users.items():
        out[role] = verified_login(Client(), user)
    out["prov"] = Client(headers={"authorization": f"Provider {w.acme_token}"})
    out["provx"] = Client(headers={"authorization": f"Provider {w.other_token}"})
    return out


def outcome(response) -> str:
    if response.status_code in (301, 302):
        return "login" if "/accounts/login/" in response["Location"] else "302"
    return str(response.status_code)


def marker_of(response) -> str:
    """A piece of the page's own content: its <h1>, a JSON key, or the file's type."""
    kind = response.get("Content-Type", "")
    if "html" in kind:
        body = response.content.decode(errors="replace")
        found = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
        return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()[:40] if found else "<html"
    if "json" in kind:
        found = re.search(r'"([a-z_]+)"\s*:', response.content.decode(errors="replace"))
        return f'"{found.group(1)}"' if found else "{"
    return ""


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def test_every_route_answers_every_role_as_declared(world):
    names = route_names()
    admin_names = [n for n in names if n.startswith("admin:")]
    site_names = [n for n in names if not n.startswith("admin:")]
    # Logging out last: it would end the session the rest of the sweep uses.
    site_names.sort(key=lambda n: n == "accounts:logout")
    by_role = clients(world)
    missing, wrong, observed = [], [], {}
    for name in site_names:
        kwargs = policy.ARGS[name](world) if name in policy.ARGS else {}
        try:
            url = reverse(name, kwargs=kwargs)
        except Exception as error:  # noqa: BLE001 - reported as a table problem, with the route's name
            wrong.append(f"{name}: cannot build its URL ({error}); add its arguments to ARGS")
            continue
        got, markers = [], []
        for role in policy.ROLES:
            response = by_role[role].get(url)
            got.append(outcome(response))
            if response.status_code == 200:
                markers.append((role, response))
        observed[name] = " ".join(got)
        if name not in policy.POLICY:
            cells = " ".join(f"{c:<5}" for c in got).rstrip()
            missing.append(f'    {chr(34) + name + chr(34) + ":":<32} "{cells}",  # GET {url}')
            continue
        if policy.POLICY[name].split() != got:
            wrong.append(
                f'{name} ({url})\n    declared "{policy.POLICY[name]}"\n    observed "{observed[name]}"'
            )
        expected_marker = policy.MARKERS.get(name) or ""
        if expected_marker.startswith("@"):
            obj, _, attr = expected_marker[1:].partition(".")
            expected_marker = str(getattr(getattr(world, obj), attr) if attr else getattr(world, obj))
        for role, response in markers:
            text = body_of(response)
            if role in policy.OUTSIDERS and name not in policy.OUTSIDER_EXEMPT:
                for secret in (world.demand.tracking_number, world.case.title, world.demand.caption):
                    if secret in text:
                        wrong.append(f"{name} as {role}: names the Texas matter ({secret!r})")
            if role in policy.OUTSIDERS and expected_marker:
                continue
            marker = expected_marker or marker_of(response)
            if not text.strip() or (marker and marker not in text):
                wrong.append(f"{name} as {role}: 200 without its content marker {marker!r}")
    for name in ("admin:index", *(n for n in admin_names if n.endswith("_changelist"))):
        got = " ".join(outcome(by_role[role].get(reverse(name))) for role in policy.ROLES)
        if got != policy.ADMIN_RULE:
            wrong.append(f'{name}\n    declared "{policy.ADMIN_RULE}"\n    observed "{got}"')
    assert len(admin.site._registry) > 5
    problems = []
    if missing:
        problems.append("Routes missing from tests/policy.py POLICY (observed outcomes; check, then paste):\n"
                        + "\n".join(missing))  # fmt: skip
    if wrong:
        problems.append("Routes that do not answer as declared:\n" + "\n".join(wrong))
    assert not problems, "\n\n".join(problems)


def test_every_route_is_declared_in_the_table():
    """The quick half of the sweep (no database): a new route without its line in POLICY fails at once."""
    site_names = [n for n in route_names() if not n.startswith("admin:")]
    undeclared = [n for n in site_names if n not in policy.POLICY]
    stale = sorted(set(policy.POLICY) - set(site_names))
    assert not undeclared, f"routes missing from tests/policy.py POLICY: {undeclared}"
    assert not stale, f"POLICY lines for routes that no longer exist: {stale}"
