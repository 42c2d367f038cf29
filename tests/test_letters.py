"""Notice letters: the sandboxed templates, sending signed letters (to a provider and its downstreams),
acknowledgement by link and API, the provider's page, citations in later letters, refusals and access."""

from __future__ import annotations

import hashlib
import re
import subprocess

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from itg.audit.models import AuditEvent
from itg.signing import dev_trust_roots, verify_pdf
from providers.services import provider_token_create
from tests import ecosystem_world
from tests.factories import verified_login
from tracebacks.ecosystem.letters import content, services
from tracebacks.ecosystem.letters.sandbox import TemplateRefused, render_text
from tracebacks.ecosystem.models import LetterTemplate, NoticeLetter
from tracebacks.models import Hop

W = {"since": "2025-12-01", "until": "2026-11-30"}
NOT_ITG = ["tess", "sam", "carl", "nora", "aldo"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db, dev_signing):
    return ecosystem_world.build()


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,  # noqa: S607
                          check=True).stdout  # fmt: skip


def send(client, provider, **extra):
    return client.post(f"/ecosystem/providers/{provider.pk}/letters/?since={W['since']}&until={W['until']}",
                       {**W, "notice": "on", **extra})  # fmt: skip


def stored_letters() -> list[str]:
    return default_storage.listdir("issued/letters")[1] if default_storage.exists("issued/letters") else []


def link_of(message) -> str:
    return re.search(r"http://\S+/respond/letters/(\S+)/", message.body).group(1)


def test_a_notice_and_a_downstream_letter_are_signed_sent_recorded(client, people, world, tmp_path):
    """Port of Entry Voice (finding c) gets its notice; Middle Transit Corp, which accepted its traffic
    (the graph's out-edge), gets a downstream letter. Both are signed, Bates-numbered, e-mailed with a link."""
    verified_login(client, people.ivy)
    page = client.get(f"/ecosystem/providers/{world.pc.pk}/letters/?since={W['since']}&until={W['until']}")
    assert "Middle Transit Corp (3 tracebacks)" in page.content.decode()
    response = send(client, world.pc, downstream=[world.mid.pk])
    assert response.status_code == 302, response.content.decode()[:3000]
    notice = NoticeLetter.objects.get(kind="notice")
    down = NoticeLetter.objects.get(kind="downstream")
    assert (notice.provider, notice.about, notice.criteria) == (world.pc, world.pc, ["c"])
    assert (down.provider, down.about, down.to_email) == (world.mid, world.pc, world.mid.traceback_email)
    assert len(mail.outbox) == 2
    first = next(m for m in mail.outbox if m.to == [world.pc.traceback_email])
    assert notice.reference in first.subject and first.attachments[0][0] == f"{notice.reference}.pdf"
    pdf = first.attachments[0][1]
    assert hashlib.sha256(pdf).hexdigest() == notice.sha256 and default_storage.exists(notice.storage_key)
    result = verify_pdf(pdf, dev_trust_roots(dev_signing_dir(client)))
    assert result.acceptable and result.covers_whole_document
    text = " ".join(pdf_text(pdf, tmp_path).split())
    for expected in ("Port of Entry Voice", "47 CFR 64.1200(n)(1)", "64.6305", "US gateway for a call from a foreign",
                     f"{notice.reference}-000001", "None: this is the first notice letter"):  # fmt: skip
        assert expected in text, expected
    down_text = pdf_text(
        next(m for m in mail.outbox if m.to == [world.mid.traceback_email]).attachments[0][1], tmp_path
    )
    assert (
        "accepted traffic from Port of Entry Voice" in " ".join(down_text.split())
        and "64.6305(g)" in down_text
    )
    assert AuditEvent.objects.filter(action="letter.sent", actor=people.ivy).count() == 2
    # Listed on the provider's pages with their status.
    registry = client.get(f"/providers/{world.pc.pk}/").content.decode()
    assert notice.reference in registry and down.reference in registry and "not acknowledged" in registry
    assert (
        notice.reference
        in client.get(
            f"/ecosystem/providers/{world.pc.pk}/?{'&'.join(f'{k}={v}' for k, v in W.items())}"
        ).content.decode()
    )


def dev_signing_dir(client):
    from django.conf import settings

    return settings.ITG_DEV_CA_DIR


def test_the_provider_acknowledges_once_through_its_link(client, people, world):
    verified_login(client, people.ivy)
    send(client, world.pd)
    letter = NoticeLetter.objects.get()
    token = link_of(mail.outbox[0])
    client.logout()
    page = client.get(f"/respond/letters/{token}/")
    assert page.status_code == 200 and letter.reference in page.content.decode()
    assert client.get(f"/respond/letters/{token}/letter.pdf").content[:5] == b"%PDF-"
    assert client.post(f"/respond/letters/{token}/", {"name": " "}).status_code == 400
    done = client.post(f"/respond/letters/{token}/", {"name": "Pat Lee, General Counsel"})
    assert done.status_code == 200 and "Receipt of letter" in done.content.decode()
    letter.refresh_from_db()
    assert (letter.status, letter.acknowledged_name, letter.acknowledged_via) == (
        "acknowledged",
        "Pat Lee, General Counsel",
        "link",
    )
    again = client.post(f"/respond/letters/{token}/", {"name": "Someone Else"})
    assert again.status_code == 400 and "already acknowledged" in again.content.decode()
    letter.refresh_from_db()
    assert letter.acknowledged_name == "Pat Lee, General Counsel"
    assert AuditEvent.objects.filter(action="letter.acknowledged").count() == 1
    assert client.get(f"/respond/letters/{token}x/").status_code == 403
    assert AuditEvent.objects.filter(action="letter.link_denied").exists()


def test_later_letters_cite_earlier_ones_by_date(client, people, world, tmp_path):
    verified_login(client, people.ivy)
    send(client, world.pd)
    first = NoticeLetter.objects.get()
    send(client, world.pd)
    second = NoticeLetter.objects.exclude(pk=first.pk).get()
    assert second.content["prior_letters"] == [{"reference": first.reference, "date": first.sent_at.date().isoformat(),
                                                "kind": "Notice to the provider", "acknowledged": False}]  # fmt: skip
    text = " ".join(pdf_text(mail.outbox[1].attachments[0][1], tmp_path).split())
    assert f"reference {first.reference}" in text and first.sent_at.strftime("%-d %B %Y") in text
    assert second.reference in client.get(f"/ecosystem/letters/{first.pk}/").content.decode()  # "cited by"


def test_the_letter_states_the_record_once_with_the_calls_and_in_plain_words(client, people, world, tmp_path):
    """Almost Silent Inc, in the window: one hop not answered (flagged late too), one refused, one "no record"
    given after the clock. Late counts answers given late, so the unanswered hop is counted once; the annex
    lists each call by its numbers, and the embedded file carries the same rows."""
    from itg.pdf import read_embedded_files

    verified_login(client, people.ivy)
    send(client, world.na)
    letter = NoticeLetter.objects.get()
    assert letter.content["record"] == {"tracebacks": 3, "hops": 3, "answered": 1, "no_response": 1,
                                        "refused": 1, "no_record": 1, "late": 1}  # fmt: skip
    pdf = mail.outbox[0].attachments[0][1]
    text = re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(pdf_text(pdf, tmp_path).split()))  # "24-" ends a line
    assert (
        "It answered 1 of them, 1 after the 24-hour clock had run out; 1 of its answers said it had no record "
        "of the call. It did not answer 1 and refused 1." in text
    )
    assert f"Robocall Mitigation Database {world.na.rmd_number}" in text and "RMD RMD" not in text
    assert "Annex 1. Traceback record of Almost Silent Inc" in text and "No response Refused" not in text
    hops = Hop.objects.filter(provider=world.na, asked_at__gte="2025-12-01").select_related("traceback")
    assert hops.count() == 3
    for hop in hops:
        assert hop.traceback.calling_number in text and hop.traceback.called_number in text
    rows = read_embedded_files(pdf)[f"{letter.reference}-record.csv"].decode().splitlines()
    assert rows[0] == ("traceback,call_at_utc,calling_number,called_number,hop,asked_at_utc,campaign,role,answer,"
                       "answered_late")  # fmt: skip
    assert sorted(r.split(",")[-2:] for r in rows[1:]) == [
        ["No record", "True"], ["No response", "False"], ["Refused", "False"]
    ]  # fmt: skip


def test_a_rule_agrees_with_its_count(db):
    from tracebacks.ecosystem.findings import NO_RMD_RULE, RULES, plural

    assert (
        RULES["d"]
        .format(count=1, threshold=3, **plural(1))
        .startswith("1 hop asked in the window was answered")
    )
    assert NO_RMD_RULE.format(carried=2, **plural(2)).endswith("carried 2 tracebacks in the window; any such "
                                                                "traffic meets the criterion.")  # fmt: skip


def test_a_provider_without_e_mail_refuses_the_whole_batch(client, people, world):
    world.mid.traceback_email = ""
    world.mid.save()
    verified_login(client, people.ivy)
    response = send(client, world.pc, downstream=[world.mid.pk])
    assert response.status_code == 400
    assert "No e-mail address for Middle Transit Corp" in response.content.decode()
    assert not NoticeLetter.objects.exists() and not mail.outbox
    assert stored_letters() == []


def test_a_window_that_ends_before_it_starts_is_refused(client, people, world):
    verified_login(client, people.ivy)
    response = client.post(f"/ecosystem/providers/{world.pd.pk}/letters/",
                           {"since": "2026-11-30", "until": "2025-12-01", "notice": "on"})  # fmt: skip
    assert response.status_code == 400 and "before it starts" in response.content.decode()
    assert not NoticeLetter.objects.exists() and not mail.outbox


def test_a_failed_e_mail_leaves_no_letter_and_no_file(client, people, world, monkeypatch):
    def boom(self, fail_silently=False):
        raise OSError("SMTP server refused the connection")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", boom)
    verified_login(client, people.ivy)
    with pytest.raises(OSError):
        services.letters_send(by=people.ivy, about=world.pd, window=ecosystem_world.WINDOW,
                              addressees=[services.Addressee("notice", world.pd)])  # fmt: skip
    assert not NoticeLetter.objects.exists()
    assert AuditEvent.objects.filter(action="letter.send_failed", outcome="failed").exists()
    assert stored_letters() == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Dear {{ provider.name }", "Line 1: '{{' is never closed"),
        ("Dear\n\n{% if provider.name %}no end", "Line 3: Unclosed tag on line 3: 'if'"),
        ("{% load static %}{{ provider.name }}", "the tag {% load %} is not allowed"),
        ("Hello\n{{ provider.name.upper }}", "Line 2: {{ provider.name.upper }} reaches for 'upper'"),
        ("{{ provider.traceback_email }}", "reaches for 'traceback_email'"),
        ("{% for f in findings %}{{ f.provider.tokens }}{% endfor %}", "reaches for 'provider'"),
        ("{{ provider.__class__ }}", "underscores"),
        ("{% include 'base.html' %}", "the tag {% include %} is not allowed"),
        ("{{ provider.name|safe }}", "the filter |safe is not allowed"),
        ("{% debug %}", "the tag {% debug %} is not allowed"),
    ],
)
def test_a_bad_template_is_refused_with_its_reason_and_nothing_saved(client, people, db, body, message):
    verified_login(client, people.ada)
    before = content.templates()["notice"].body
    response = client.post("/ecosystem/letters/templates/", {"which": "notice", "notice-kind": "notice",
                                                              "notice-subject": "Notice", "notice-body": body})  # fmt: skip
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert LetterTemplate.objects.get(kind="notice").body == before
    assert AuditEvent.objects.filter(action="letter.template_refused", actor=people.ada).exists()
    assert not AuditEvent.objects.filter(action="letter.template_changed").exists()


def test_an_administrator_changes_a_template_and_letters_use_it(client, people, world):
    verified_login(client, people.ada)
    body = "To {{ provider.name }}: {% for f in findings %}finding ({{ f.criterion }}) counted {{ f.count }}. {% endfor %}"
    response = client.post("/ecosystem/letters/templates/", {"which": "notice", "notice-kind": "notice",
                                                              "notice-subject": "Record of {{ provider.name }}", "notice-body": body})  # fmt: skip
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="letter.template_changed", actor=people.ada).count() == 1
    verified_login(client, people.ivy)
    assert (
        client.post("/ecosystem/letters/templates/", {"which": "notice"}).status_code == 403
    )  # staff, not admin
    send(client, world.pd5)
    letter = NoticeLetter.objects.get()
    assert letter.subject == "Record of No Logs Telecom"
    assert letter.body == "To No Logs Telecom: finding (d) counted 5. "


def test_the_sandbox_escapes_and_offers_only_the_schema():
    out = render_text("{{ provider.name }}", content.SCHEMA, {"provider": {"name": "<script>x</script>"}})
    assert out == "&lt;script&gt;x&lt;/script&gt;"
    with pytest.raises(TemplateRefused):
        render_text("{{ settings.SECRET_KEY }}", content.SCHEMA, {})


def test_the_provider_api_lists_reads_downloads_and_acknowledges_only_its_letters(client, people, world):
    verified_login(client, people.ivy)
    send(client, world.pc, downstream=[world.mid.pk])
    own, other = NoticeLetter.objects.get(provider=world.pc), NoticeLetter.objects.get(provider=world.mid)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Provider {provider_token_create(by=people.ivy, provider=world.pc)}")
    listed = api.get("/api/provider/letters/").json()
    assert [x["reference"] for x in listed["results"]] == [own.reference]
    assert api.get(f"/api/provider/letters/{other.pk}/").status_code == 404
    assert api.get(f"/api/provider/letters/{other.pk}/pdf/").status_code == 404
    assert api.post(f"/api/provider/letters/{other.pk}/acknowledge/", {"name": "X"}).status_code == 404
    assert AuditEvent.objects.filter(action="letter.download_denied", outcome="denied").count() == 3
    assert api.get(f"/api/provider/letters/{own.pk}/pdf/").content[:5] == b"%PDF-"
    done = api.post(f"/api/provider/letters/{own.pk}/acknowledge/", {"name": "Dana Ruiz, CCO"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "acknowledged"
    again = api.post(f"/api/provider/letters/{own.pk}/acknowledge/", {"name": "Dana Ruiz"}, format="json")
    assert again.status_code == 400 and "already acknowledged" in str(again.json())
    other.refresh_from_db()
    assert other.status == "sent"
    assert APIClient().get("/api/provider/letters/").status_code == 401


@pytest.mark.parametrize("who", NOT_ITG)
def test_ag_users_of_any_state_and_auditors_reach_no_letter_page(client, people, world, who):
    verified_login(client, people.ivy)
    send(client, world.pd)
    letter = NoticeLetter.objects.get()
    client.logout()
    verified_login(client, getattr(people, who))
    for url in ("/ecosystem/letters/", f"/ecosystem/letters/{letter.pk}/", f"/ecosystem/letters/{letter.pk}.pdf",
                f"/ecosystem/providers/{world.pd.pk}/letters/", "/ecosystem/letters/templates/"):  # fmt: skip
        assert client.get(url).status_code == 403, url
    assert (
        client.post(f"/ecosystem/providers/{world.pd.pk}/letters/", {**W, "notice": "on"}).status_code == 403
    )
    assert NoticeLetter.objects.count() == 1 and len(mail.outbox) == 1


def test_itg_staff_list_letters_with_their_status_in_few_queries(
    client, people, world, django_assert_max_num_queries
):
    verified_login(client, people.ivy)
    for provider in (world.pd, world.pd5, world.pa):
        send(client, provider)
    NoticeLetter.objects.filter(provider=world.pd).update(status="acknowledged", acknowledged_at="2026-12-01T10:00Z",
                                                          acknowledged_name="A", acknowledged_via="api")  # fmt: skip
    client.get("/ecosystem/letters/")
    with django_assert_max_num_queries(10):
        page = client.get("/ecosystem/letters/").content.decode()
    assert page.count("ITG-NL-") >= 3 and "acknowledged 2026-12-01" in page
    only_open = client.get("/ecosystem/letters/?status=sent").content.decode()
    assert "Forgetful Networks" not in only_open.split("<tbody>")[1] and "No Logs Telecom" in only_open


def test_the_verification_page_and_command_recognise_letters_and_findings_reports(
    client, people, world, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    verified_login(client, people.ivy)
    send(client, world.pd)
    letter = NoticeLetter.objects.get()
    pdf = mail.outbox[0].attachments[0][1]
    verified_login(client, people.carl)  # any signed-in role may verify a file it holds
    page = client.post("/responses/verify/", {"file": SimpleUploadedFile("l.pdf", pdf, "application/pdf")})
    text = page.content.decode()
    assert "Valid: an unaltered document issued by the ITG" in text
    assert "Notice letter to a provider" in text and letter.reference in text
    mid = len(pdf) // 2
    tampered = pdf[:mid] + bytes([pdf[mid] ^ 1]) + pdf[mid + 1 :]
    bad = client.post(
        "/responses/verify/", {"file": SimpleUploadedFile("l.pdf", tampered, "application/pdf")}
    )
    assert "Not a valid, unaltered ITG document" in bad.content.decode()
    verified_login(client, people.ivy)
    client.post("/ecosystem/reports/", W)
    from tracebacks.ecosystem.models import FindingReport
    from tracebacks.ecosystem.report import report_bytes

    path = tmp_path / "report.pdf"
    path.write_bytes(report_bytes(FindingReport.objects.get()))
    out = __import__("io").StringIO()
    call_command("verify_response", str(path), stdout=out)
    assert "Provider findings report" in out.getvalue() and "Valid, unaltered document" in out.getvalue()
    assert AuditEvent.objects.filter(
        action="document.verified", object_type="register.letter", outcome="success"
    ).exists()
