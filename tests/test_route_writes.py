"""Route × role, writes (issue 15, item 4 of the hardening brief): POST to every route, and PUT and DELETE to
every API route, as each role that has no business changing the Texas matter (nobody signed in, the
office it is shared with read-only, another state's staff and supervisor, the auditor, another
provider's token). Each write is refused and leaves nothing behind: no row inserted, changed or deleted
in any table but the audit trail and the writer's own session, and no stored file.

What was written is read from PostgreSQL's own per-transaction counters (`pg_stat_xact_user_tables`), so
every table is watched, including ones added after this test. Routes that take the matter's objects must
refuse with 401, 403, 404, 405 or a redirect to the login page; the others (lists, forms, the writer's own
account) may answer their form or its errors, but still change nothing of anybody's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from tests import policy
from tests.conftest import need
from tests.test_route_policy import clients, outcome, route_names, world  # noqa: F401 - `world` is a fixture

WRITERS_WITHOUT_RIGHTS = ("anon", "ca", "cas", "ny", "nys", "aud", "provx")
REFUSED = {"401", "403", "404", "405", "login"}
# Written on any request and no part of anybody's data: the trail of the attempt itself (denied attempts
# are recorded, issue 15 item 8), the session, and the throttling and lockout counters.
# A provider token's last use is stamped on each request, refused or not.
BOOKKEEPING = {"audit_auditevent", "django_session", "providers_providertoken"}
# The objects of the Texas matter (and the hop of its traceback) a route can name in its URL.
MATTER_OBJECTS = ("demand", "case", "response", "request", "link", "document", "attachment", "extension",
                  "traceback", "hop", "provider")  # fmt: skip
# Routes whose write is the user's own, open to every signed-in user: they change the writer's own rows
# only (signing out, their API token on the profile page, their own calendar feed).
OWN_WRITES = {"accounts:logout", "accounts:profile", "subpoenas:calendar", "demand-calendar-feed-list",
              "demand-calendar-feed-revoke"}  # fmt: skip
# The office the matter is shared with reads it, so its empty writes reach the form (400, or the page again
# with the form's errors) instead of a 404; nothing is written, and the well-formed writes below are refused.
READERS = ("ca", "cas")


def _writes() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return {name: n for name, n in cursor.fetchall() if n}


def _files(root: Path) -> int:
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def _names_matter(name: str, w) -> bool:
    if name not in policy.ARGS:
        return False
    values = set(map(str, policy.ARGS[name](w).values()))
    mine = {str(getattr(getattr(w, attr), "pk", "")) for attr in MATTER_OBJECTS}
    return bool(values & (mine - {""})) and name.split(":")[0] not in ("accounts",)


def test_writes_by_the_wrong_role_or_state_are_refused_and_leave_nothing_behind(world, settings):  # noqa: F811
    need(connection.vendor == "postgresql", "PostgreSQL (its per-transaction write counters)")
    media = Path(settings.MEDIA_ROOT)
    by_role = clients(world)
    problems: list[str] = []
    for name in route_names():
        if name.startswith("admin:") or name in OWN_WRITES:
            continue
        kwargs = policy.ARGS[name](world) if name in policy.ARGS else {}
        url = reverse(name, kwargs=kwargs)
        methods = ("post", "put", "delete") if url.startswith("/api/") else ("post",)
        matter = _names_matter(name, world)
        for role in WRITERS_WITHOUT_RIGHTS:
            client = by_role[role]
            for method in methods:
                before, files = _writes(), _files(media)
                response = getattr(client, method)(
                    url, **({"content_type": "application/json"} if method != "post" else {})
                )
                got = outcome(response)
                after = _writes()
                changed = sorted(
                    t for t, n in after.items() if n != before.get(t, 0) and t not in BOOKKEEPING
                )
                where = f"{method.upper()} {url} ({name}) as {role}: {response.status_code}"
                if response.status_code >= 500:
                    problems.append(f"{where}: a server error")
                if matter and got not in REFUSED and role not in READERS:
                    problems.append(f"{where}: not refused (a matter route)")
                if changed:
                    problems.append(f"{where}: wrote {changed}")
                if _files(media) != files:
                    problems.append(f"{where}: stored a file")
    assert not problems, "Writes not refused, or leaving something behind:\n" + "\n".join(problems)


WELL_FORMED = [
    ("withdraw", "/api/demands/{demand}/transition/", {"action": "withdraw", "note": "Ours now"}),
    ("dispute", "/api/demands/{demand}/transition/", {"action": "dispute", "note": "Disputed"}),
    (
        "extension",
        "/api/demands/{demand}/extensions/",
        {"requested_date": "2027-06-30", "note": "More time"},
    ),
    ("message", "/api/cases/{case}/messages/", {"body": "A word from another office"}),
    ("share", "/api/cases/{case}/share/", {"office": "{ny_office}"}),
]


@pytest.mark.parametrize("role", ["ca", "cas", "ny", "aud"])
@pytest.mark.parametrize(("what", "url", "body"), WELL_FORMED, ids=[w[0] for w in WELL_FORMED])
def test_a_well_formed_write_by_another_office_or_the_auditor_is_refused_and_changes_nothing(
    world,  # noqa: F811
    role,
    what,
    url,
    body,  # noqa: F811
):
    """What a shared office may not do even with a perfect request: act on, or speak in, Texas's matter."""
    from subpoenas.models import LegalDemand
    from tests.factories import make_demand

    need(connection.vendor == "postgresql", "PostgreSQL (its per-transaction write counters)")
    # A second Texas demand of the shared case, in progress: one Texas itself may still withdraw or dispute.
    demand = make_demand("TX", by=world.tess, case=world.case, status=LegalDemand.Status.IN_PROGRESS)
    names = {"demand": demand.pk, "case": world.case.pk, "ny_office": world.ny.office.pk}
    data = {k: v.format(**names) if isinstance(v, str) else v for k, v in body.items()}
    by_role = clients(world)
    before = _writes()
    response = by_role[role].post(url.format(**names), data, content_type="application/json")
    changed = sorted(t for t, n in _writes().items() if n != before.get(t, 0) and t not in BOOKKEEPING)
    assert response.status_code in (403, 404), (response.status_code, response.content[:300])
    assert changed == []
    demand.refresh_from_db()
    assert demand.status == LegalDemand.Status.IN_PROGRESS
    if what in ("withdraw", "dispute"):  # the refusal is the office's, not the state's: Texas may do it
        allowed = by_role["tx"].post(url.format(**names), data, content_type="application/json")
        assert allowed.status_code == 200, allowed.content[:300]
        demand.refresh_from_db()
        assert demand.status != LegalDemand.Status.IN_PROGRESS
