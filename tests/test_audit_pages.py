"""The auditors' pages: who may read them, what they show, exports that verify, and every read recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from itg.audit.actions import Action
from itg.audit.models import AuditEvent
from itg.audit.services import record
from tests.factories import make_case, verified_login

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("/audit/", "/audit/1/", "/audit/export.csv", "/audit/export.jsonl")


@pytest.fixture
def trail(people):
    """A TX case viewed by ivy (ITG), a CA case viewed by ivy, a denied look by carl at the TX case."""
    tx, ca = make_case("TX", "Texas warranty calls"), make_case("CA", "California SSA calls")
    record(action=Action.CASE_VIEWED, by=people.ivy, obj=tx)
    record(action=Action.CASE_VIEWED, by=people.ivy, obj=ca)
    record(action=Action.CASE_VIEW_DENIED, by=people.carl, outcome="denied", object_type="cases.case",
           object_id=str(tx.pk), object_state="TX", reason="not visible")  # fmt: skip
    return {"tx": tx, "ca": ca}


def get(client: Client, user, url: str):
    verified_login(client, user)
    return client.get(url)


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [("aldo", 200), ("ada", 200), ("ivy", 403), ("tess", 403), ("sam", 403), ("carl", 403), ("nora", 403)],
)
def test_only_auditors_and_itg_admins_read_the_trail(client, people, trail, url, who, status):
    response = get(client, getattr(people, who), url)
    assert response.status_code == status
    if status == 403:
        refused = AuditEvent.objects.filter(actor_email=getattr(people, who).email, outcome="denied")
        assert refused.filter(action=Action.AUDIT_VIEWED).count() == 1


@pytest.mark.parametrize("url", [*PAGES, "/audit/state/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("who", "status"), [("sam", 200), ("nora", 200), ("tess", 403), ("carl", 403),
                                             ("ivy", 403), ("ada", 403), ("aldo", 403)])  # fmt: skip
def test_the_state_history_is_for_ag_supervisors(client, people, trail, who, status):
    assert get(client, getattr(people, who), "/audit/state/").status_code == status


def test_a_supervisor_sees_who_at_the_itg_looked_at_their_states_matters_and_nothing_else(
    client, people, trail
):
    body = get(client, people.sam, "/audit/state/").content.decode()
    assert "Texas warranty calls" in body and people.ivy.email in body and "Case viewed" in body
    assert people.carl.email in body  # carl's refused attempt at a Texas case
    assert "California SSA calls" not in body
    body = get(client, people.nora, "/audit/state/").content.decode()  # New York: none of Texas's history
    assert "Texas warranty calls" not in body and people.ivy.email not in body
    # A supervisor cannot widen the scope with a query parameter.
    body = get(client, people.sam, "/audit/state/?object_state=CA").content.decode()
    assert "California SSA calls" not in body
    look = AuditEvent.objects.filter(action=Action.AUDIT_VIEWED, actor_email=people.sam.email).last()
    assert (look.object_type, look.object_state, look.outcome) == ("audit.state_history", "TX", "success")


def test_the_list_filters_by_person_action_state_object_outcome_and_time(client, people, trail):
    verified_login(client, people.aldo)
    tx = trail["tx"]

    def found(query: str) -> list[tuple[str, str, str]]:
        response = client.get(f"/audit/?{query}")
        assert response.status_code == 200
        events = response.context["page"].events
        return [(e.actor_email, e.action, e.object_label) for e in events]

    carl = people.carl.email
    assert found(f"email={carl}") == [(carl, "case.view_denied", "")]
    assert found(f"email={carl.upper()}") == [(carl, "case.view_denied", "")]
    assert found("object_state=CA&action=case.viewed") == [
        (people.ivy.email, "case.viewed", "California SSA calls (CA)")
    ]
    assert found(f"object_type=cases.case&object_id={tx.pk}&outcome=denied") == [
        (carl, "case.view_denied", "")
    ]
    office = people.ivy.office.name
    assert len(found(f"action=case.viewed&office={quote(office)}")) == 2
    assert found("action=case.viewed&actor_state=CA") == []
    assert found("label=warranty") == [(people.ivy.email, "case.viewed", "Texas warranty calls (TX)")]
    assert found("since=2001-01-01T00:00:00&until=2001-01-02T00:00:00") == []
    assert len(found("since=2001-01-01T00:00:00&action=case.viewed")) == 2
    response = client.get("/audit/?since=2030-01-02T00:00:00&until=2030-01-01T00:00:00")
    assert response.status_code == 400 and "Choose a time after the start" in response.content.decode()
    searches = AuditEvent.objects.filter(action=Action.AUDIT_VIEWED, actor_email=people.aldo.email)
    assert "action=case.viewed&object_state=CA" in [e.reason for e in searches]


def test_the_list_pages_by_sequence_number(client, people):
    base = AuditEvent.objects.count()
    for i in range(120):
        record(action=Action.LOGIN_FAILED, actor_email=f"guess{i}@example.org")
    verified_login(client, people.aldo)

    def seqs(query: str) -> tuple[list[int], object]:
        page = client.get(f"/audit/?action=auth.login_failed{query}").context["page"]
        return [e.seq - base for e in page.events], page

    first, page = seqs("")
    assert first == list(range(120, 70, -1)) and page.newer is None
    second, page = seqs(f"&before={page.older}")
    assert second == list(range(70, 20, -1))
    third, page = seqs(f"&before={page.older}")
    assert third == list(range(20, 0, -1)) and page.older is None
    back, page = seqs(f"&after={page.newer}")
    assert back == list(range(70, 20, -1))
    body = client.get(f"/audit/?action=auth.login_failed&after={page.newer}").content.decode()
    assert "action=auth.login_failed&amp;before=" in body and "Older events" in body


def test_the_list_needs_the_same_queries_for_30_and_100_events(client, people):
    verified_login(client, people.aldo)

    def queries_for(n: int) -> int:
        for i in range(n):
            record(action=Action.LOGIN_FAILED, actor_email=f"x{i}@example.org")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/audit/").status_code == 200
        return len(captured)

    # session, user, OTP device, office (who-line), the recorded read (savepoint, head, insert, release;
    # plus the advisory lock on PostgreSQL), offices for the filter, one page of events.
    assert queries_for(30) == queries_for(70)


def test_an_events_page_shows_every_field_its_hashes_and_neighbours(client, people, trail):
    event = AuditEvent.objects.get(action=Action.CASE_VIEW_DENIED)
    body = get(client, people.aldo, f"/audit/{event.seq}/").content.decode()
    for text in (event.hash, event.prev_hash, people.carl.email, "not visible", "matches", "intact",
                 f"/audit/{event.seq - 1}/", event.request_id or "—"):  # fmt: skip
        assert text in body
    assert f"/audit/{event.seq + 1}/" in body  # the read just recorded is the next event
    look = AuditEvent.objects.filter(action=Action.AUDIT_VIEWED).last()
    assert (look.object_type, look.object_id, look.actor_email) == (
        "audit.auditevent",
        str(event.seq),
        people.aldo.email,
    )
    assert get(client, people.aldo, "/audit/999999/").status_code == 404


def _verify(path: Path) -> subprocess.CompletedProcess:
    """The standalone verifier, run the way an auditor would: no Django settings, no database."""
    environ = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "itg.audit.verify", str(path)], env=environ, capture_output=True, text=True
    )


def _export(client, query: str = "") -> str:
    response = client.get(f"/audit/export.jsonl{query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/x-ndjson")
    return b"".join(response.streaming_content).decode()


def test_a_json_lines_export_verifies_and_fails_after_a_one_character_edit(client, people, trail, tmp_path):
    verified_login(client, people.aldo)
    text = _export(client)
    lines = text.splitlines()
    assert [json.loads(line)["seq"] for line in lines] == list(range(1, len(lines) + 1))
    exported = tmp_path / "audit.jsonl"
    exported.write_text(text)
    result = _verify(exported)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"OK {len(lines)} events ({len(lines) - 1} links checked)")
    carl_line = next(i for i, line in enumerate(lines) if people.carl.email in line)
    seq = json.loads(lines[carl_line])["seq"]
    lines[carl_line] = lines[carl_line].replace("carl@", "karl@", 1)
    exported.write_text("\n".join(lines) + "\n")
    result = _verify(exported)
    assert result.returncode == 1
    assert result.stdout.startswith(f"FAIL at seq {seq}: edited")
    exports = AuditEvent.objects.filter(action=Action.AUDIT_EXPORTED, actor_email=people.aldo.email)
    assert exports.count() == 1


def test_a_filtered_export_verifies_and_records_the_filter(client, people, trail, tmp_path):
    verified_login(client, people.aldo)
    text = _export(client, "?action=case.viewed")
    assert [json.loads(line)["object_label"] for line in text.splitlines()] == [
        "Texas warranty calls (TX)",
        "California SSA calls (CA)",
    ]
    exported = tmp_path / "filtered.jsonl"
    exported.write_text(text)
    result = _verify(exported)
    assert result.returncode == 0 and result.stdout.startswith("OK 2 events"), result.stdout
    event = AuditEvent.objects.get(action=Action.AUDIT_EXPORTED)
    assert "action=case.viewed" in event.reason and event.changes["format"] == [None, "jsonl"]


def test_a_csv_export_has_every_field_and_defuses_formulas(client, people, trail):
    record(action=Action.LOGIN_FAILED, actor_email='=HYPERLINK("http://evil")')
    verified_login(client, people.ada)
    response = client.get("/audit/export.csv?action=auth.login_failed")
    assert response["Content-Disposition"].startswith('attachment; filename="itg-audit-')
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0].startswith("seq,at,actor_id,actor_email")
    assert rows[0].endswith("prev_hash,hash")
    assert "'=HYPERLINK" in rows[1]


def test_bad_export_filters_get_a_clear_error_and_no_file(client, people):
    verified_login(client, people.aldo)
    response = client.get("/audit/export.csv?object_id=12")
    assert response.status_code == 400
    assert "Give the object type too" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.AUDIT_EXPORTED).exists()


@pytest.mark.parametrize(
    ("who", "items"),
    [
        ("aldo", ["Audit trail"]),
        ("ada", ["Audit trail"]),
        ("sam", ["Access history"]),
        ("tess", []),
        ("ivy", []),
    ],
)
def test_navigation_links_by_role(client, people, who, items):
    body = get(client, getattr(people, who), "/").content.decode()
    for label in ("Audit trail", "Access history"):
        assert (f">{label}</a>" in body) == (label in items)


def test_the_admin_shows_the_trail_read_only_and_only_to_itg_admins(client, people, trail):
    event = AuditEvent.objects.get(action=Action.CASE_VIEW_DENIED)
    verified_login(client, people.ada)
    listing = client.get("/admin/audit/auditevent/")
    assert listing.status_code == 200 and "case.view_denied" in listing.content.decode()
    page = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert page.status_code == 200 and event.hash in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"reason": "x"}).status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason == "not visible"
    looks = AuditEvent.objects.filter(action=Action.AUDIT_VIEWED, actor_email=people.ada.email)
    assert {e.object_label for e in looks} >= {"admin list", "admin detail"}
    for who in ("aldo", "ivy", "sam"):
        verified_login(client, getattr(people, who))
        assert client.get("/admin/audit/auditevent/").status_code == 302  # to the portal's login


def test_an_unfiltered_export_verifies_against_a_signed_checkpoint_offline(client, people, trail, tmp_path):
    from itg.audit.checkpoints import checkpoint_write, signing_key
    from itg.audit.signing import public_key_text

    _name, checkpoint = checkpoint_write()
    verified_login(client, people.aldo)
    exported = tmp_path / "all.jsonl"
    exported.write_text(_export(client))
    (tmp_path / "cp.json").write_text(json.dumps(checkpoint))
    key = public_key_text(signing_key().public_key())

    def run(*extra: str) -> subprocess.CompletedProcess:
        environ = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "itg.audit.verify", str(exported), *extra]
        return subprocess.run(command, env=environ, capture_output=True, text=True)

    result = run("--checkpoint", str(tmp_path / "cp.json"), "--public-key", key)
    assert result.returncode == 0 and result.stdout.startswith("OK"), result.stdout + result.stderr
    # The export cut short before the checkpoint's event: truncated, at the first missing seq.
    lines = exported.read_text().splitlines()[: checkpoint["seq"] - 2]
    exported.write_text("\n".join(lines) + "\n")
    result = run("--checkpoint", str(tmp_path / "cp.json"), "--public-key", key)
    assert result.returncode == 1
    assert result.stdout.startswith(f"FAIL at seq {checkpoint['seq'] - 1}: truncated")
    # Another key: the checkpoint is not the portal's.
    result = run("--checkpoint", str(tmp_path / "cp.json"), "--public-key", "A" * 43 + "=")
    assert result.returncode == 1 and "signature is not valid" in result.stdout
    # A checkpoint without its key is refused: a checkpoint is only as good as the key it is checked with.
    result = run("--checkpoint", str(tmp_path / "cp.json"))
    assert result.returncode == 2 and "go together" in result.stderr


def test_a_refused_look_at_a_states_case_shows_in_that_states_history(client, people):
    tx = make_case("TX", "Texas warranty calls")
    verified_login(client, people.carl)
    assert client.get(tx.get_absolute_url()).status_code == 404
    assert client.get("/cases/987654/").status_code == 404
    denied = AuditEvent.objects.filter(action=Action.CASE_VIEW_DENIED).order_by("seq")
    assert [(e.object_id, e.object_state, e.reason) for e in denied] == [
        (str(tx.pk), "TX", "not visible to this user"),
        ("987654", "", "no such case"),
    ]
    page = get(client, people.sam, "/audit/state/").context["page"]
    assert (people.carl.email, "case.view_denied") in [(e.actor_email, e.action) for e in page.events]


def test_the_auditors_home_page_is_a_recorded_read(client, people, trail):
    body = get(client, people.aldo, "/").content.decode()
    assert "Case view denied" in body and "/audit/" in body
    look = AuditEvent.objects.filter(action=Action.AUDIT_VIEWED, actor_email=people.aldo.email).get()
    assert look.object_label == "latest events (home)"


def test_the_state_history_needs_the_same_queries_for_30_and_100_events(client, people):
    verified_login(client, people.sam)

    def queries_for(n: int) -> int:
        for i in range(n):
            record(action=Action.CASE_VIEWED, actor_email=f"x{i}@itg.example", object_state="TX",
                   object_type="cases.case", object_id=str(i))  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/audit/state/").status_code == 200
        return len(captured)

    # session, user, OTP device, office, the recorded read (lock and head, insert), one page of events.
    assert queries_for(30) == queries_for(70)


def test_the_standalone_verifier_runs_on_a_bare_python(client, people, trail, tmp_path):
    """No virtual environment, no site-packages at all (-S), no PYTHONPATH (-E): only the standard library."""
    bare = Path(sys.base_prefix) / "bin" / "python3"
    assert subprocess.run([bare, "-S", "-c", "import django"], capture_output=True).returncode != 0
    path = tmp_path / "export.jsonl"
    verified_login(client, people.aldo)
    path.write_text(_export(client))
    done = subprocess.run(
        [bare, "-S", "-E", "-m", "itg.audit.verify", str(path)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK ")
