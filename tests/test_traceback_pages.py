"""The ITG staff pages for tracebacks, campaigns and providers: who reaches them, what they show, how many
queries they cost."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from itg.audit.models import AuditEvent
from tests.factories import make_campaign, make_provider, start_traceback, verified_login
from tracebacks.models import Traceback
from tracebacks.services import hop_answer
from tracebacks.services.hops import AnswerIn

NOT_ITG = ["tess", "sam", "carl", "nora", "aldo"]


@pytest.fixture
def chain(people):
    """A traceback answered by the terminating provider, now open at the intermediate one."""
    terminating, middle = make_provider("Last Mile Telecom"), make_provider("Transit Carrier Inc")
    traceback = start_traceback(people.ivy, terminating)
    hop_answer(
        hop=traceback.hops.get(), provider=terminating, actor_email="t@example",
        data=AnswerIn(answer="upstream", upstream=middle, attestation="A", signer="Last Mile SPC"),
    )  # fmt: skip
    return traceback


def urls(chain) -> list[tuple[str, str]]:
    provider = chain.hops.first().provider
    hop = chain.hops.last()
    return [
        ("get", "/tracebacks/"),
        ("get", "/tracebacks/new/"),
        ("get", "/tracebacks/bulk/"),
        ("get", f"/tracebacks/{chain.pk}/"),
        ("post", f"/tracebacks/{chain.pk}/close/"),
        ("post", f"/tracebacks/{chain.pk}/hop/resend/?hop={hop.pk}"),
        ("get", "/tracebacks/campaigns/"),
        ("get", f"/tracebacks/campaigns/{chain.campaign_id}/"),
        ("get", "/providers/"),
        ("get", "/providers/new/"),
        ("get", "/providers/suggest/?q=last"),
        ("get", f"/providers/{provider.pk}/"),
        ("post", f"/providers/{provider.pk}/contact/"),
        ("post", f"/providers/{provider.pk}/token/"),
    ]


@pytest.mark.parametrize("who", NOT_ITG)
def test_ag_users_and_auditors_get_403_on_every_traceback_and_provider_page(client, people, chain, who):
    verified_login(client, getattr(people, who))
    for method, url in urls(chain):
        response = getattr(client, method)(
            url, {"note": "x", "hop": chain.hops.last().pk} if method == "post" else None
        )
        assert response.status_code == 403, (who, url)
    chain.refresh_from_db()
    assert chain.status == "open" and not chain.hops.last().provider.api_tokens.exists()


@pytest.mark.parametrize("who", ["ivy", "ada"])
def test_itg_staff_reach_every_page(client, people, chain, who):
    verified_login(client, getattr(people, who))
    for method, url in urls(chain):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_log_in(client, chain):
    for _, url in urls(chain):
        assert client.get(url)["Location"].startswith("/accounts/login/"), url


def test_the_traceback_page_draws_the_chain_and_records_the_view(client, people, chain):
    verified_login(client, people.ivy)
    body = client.get(f"/tracebacks/{chain.pk}/").content.decode()
    assert body.index("Last Mile Telecom") < body.index("Transit Carrier Inc")
    assert "Hop 1 · Terminating" in body and "Hop 2 · Intermediate" in body
    assert (
        "attestation <strong>A</strong>" in body and "Red flag" not in body
    )  # A at the terminating hop only
    assert "Re-send the request" in body
    assert AuditEvent.objects.filter(action="traceback.viewed", object_id=str(chain.pk)).exists()
    assert client.get("/tracebacks/999999/").status_code == 404


def test_the_list_filters_by_number_campaign_status_provider_and_date(client, people, chain):
    other = start_traceback(people.ivy, make_provider("Elsewhere Tel"), calling="+14155550100",
                            campaign=make_campaign("Utility-30MinDisconnect", "utility"))  # fmt: skip
    verified_login(client, people.ivy)

    def ids(query: str) -> list[int]:
        body = client.get(f"/tracebacks/?{query}").content.decode()
        return [t.pk for t in (chain, other) if f'href="/tracebacks/{t.pk}/"' in body]

    assert ids("number=(202) 555-0143") == [chain.pk]
    assert ids("number=%2B14155550100") == [other.pk]
    assert ids(f"campaign={other.campaign_id}") == [other.pk]
    assert ids(f"provider={chain.hops.last().provider_id}") == [chain.pk]
    assert ids(f"provider={chain.hops.last().provider.rmd_number}") == [chain.pk]
    assert ids("provider=Transit Carrier Inc") == [chain.pk]
    unknown = client.get("/tracebacks/?provider=Nobody Such").content.decode()
    assert "No registered provider matches" in unknown and "0 tracebacks" in unknown
    assert ids("status=open") == [chain.pk, other.pk]
    day = chain.call_at.date().isoformat()
    assert ids(f"date_from={day}&date_to={day}") == [chain.pk, other.pk]
    assert ids("date_from=2099-01-01") == []


def test_the_list_costs_the_same_queries_for_30_and_100_rows(client, people, django_assert_num_queries):
    terminating = make_provider()
    verified_login(client, people.ivy)

    def cost(n: int) -> int:
        while Traceback.objects.count() < n:
            start_traceback(people.ivy, terminating)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/tracebacks/").status_code == 200
        return len(ctx.captured_queries)

    # session, user, OTP device, unread notifications in the header, count, campaigns for the filter, page of
    # tracebacks (campaign and providers joined): the same for 30 and 100 rows (the session is renewed at most
    # once a minute, not saved on every page).
    assert cost(30) == cost(100) == 7


def test_the_provider_page_aggregates_in_a_fixed_number_of_queries(client, people, chain):
    provider = chain.hops.first().provider
    verified_login(client, people.ivy)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        body = client.get(f"/providers/{provider.pk}/").content.decode()
    # session, user, device, unread notifications, provider, contacts, stats (one grouped query, which also
    # gives the paginator its count), token, hops page (traceback and campaign joined), the notice letters to
    # or about it (both providers joined).
    assert len(ctx.captured_queries) == 10
    assert "hops asked" in body and "Last Mile Telecom" in body and "as terminating" in body


def test_staff_start_a_traceback_from_the_page(client, people, django_capture_on_commit_callbacks):
    make_campaign()
    terminating = make_provider("Last Mile Telecom")
    verified_login(client, people.ivy)
    form = {
        "campaign": make_campaign().pk, "call_at": "2026-03-02T10:15", "call_tz": "America/Chicago",
        "calling_number": "(202) 555-0143", "called_number": "312 555 0199", "terminating_provider": terminating.rmd_number,
        "source": "honeypot", "transcript": "Your social security number has been suspended.",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tracebacks/new/", form)
    traceback = Traceback.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tracebacks/{traceback.pk}/"
    assert (traceback.calling_number, traceback.call_at.isoformat()) == (
        "+12025550143",
        "2026-03-02T16:15:00+00:00",
    )
    assert mail.outbox[0].to == [terminating.traceback_email]
    bad = client.post(
        "/tracebacks/new/", {**form, "calling_number": "12", "terminating_provider": "RMD0000000"}
    )
    body = bad.content.decode()
    assert bad.status_code == 400 and "No registered provider matches" in body
    assert Traceback.objects.count() == 1


def test_bulk_start_is_all_or_nothing_with_per_row_errors(client, people, django_capture_on_commit_callbacks):
    campaign, provider = make_campaign(), make_provider("Last Mile Telecom")
    verified_login(client, people.ivy)
    header = "call_at,call_tz,calling_number,called_number,terminating_provider,source,transcript\n"
    good = f"2026-03-02 10:15,America/Chicago,2025550143,3125550199,{provider.rmd_number},honeypot,Press 1\n"
    bad = (
        f"2026-03-02 10:20,Mars/Base,2025550143,3125550199,{provider.frn},honeypot,\n"
        "yesterday,America/Chicago,12,3125550199,RMD0000000,fax,\n"
    )

    def post(text: str):
        upload = SimpleUploadedFile("calls.csv", text.encode(), content_type="text/csv")
        return client.post("/tracebacks/bulk/", {"campaign": campaign.pk, "file": upload})

    refused = post(header + good + bad).content.decode()
    assert "Nothing was started" in refused
    assert "line 3: call_tz &#x27;Mars/Base&#x27; is not a time zone" in refused
    assert (
        "line 4: call_at &#x27;yesterday&#x27; is not a date" in refused
        and "source must be one of" in refused
    )
    assert Traceback.objects.count() == 0 and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = post(header + good + good.replace("10:15", "11:45"))
    assert response.status_code == 302 and Traceback.objects.filter(campaign=campaign).count() == 2
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="traceback.bulk_started").count() == 1


def test_staff_issue_a_token_shown_once_and_add_a_provisional_provider(client, people):
    provider = make_provider("Last Mile Telecom")
    verified_login(client, people.ivy)
    issued = client.post(f"/providers/{provider.pk}/token/")
    token = issued.context["new_token"]
    assert token.startswith("itgp_") and token in issued.content.decode()
    assert token not in client.get(f"/providers/{provider.pk}/").content.decode()
    added = client.post(
        "/providers/new/",
        {
            "business_name": "Shadow Routes",
            "time_zone": "America/Denver",
            "traceback_email": "noc@shadow.example",
        },
    )
    assert added.status_code == 302
    bad = client.post("/providers/new/", {"business_name": "", "time_zone": "Mars/Base"})
    assert (
        bad.status_code == 400
        and "is not a time zone" in bad.content.decode()
        or "required" in bad.content.decode()
    )
    listed = client.get("/providers/?q=shadow").content.decode()
    assert "Shadow Routes" in listed and "provisional" in listed


def test_files_are_checked_on_upload_and_streamed_only_to_itg_staff(client, people):
    make_campaign()
    terminating = make_provider("Last Mile Telecom")
    verified_login(client, people.ivy)
    form = {
        "campaign": make_campaign().pk, "call_at": "2026-03-02T10:15", "call_tz": "America/Chicago",
        "calling_number": "2025550143", "called_number": "3125550199", "terminating_provider": terminating.rmd_number,
        "source": "complaint",
    }  # fmt: skip
    wrong = client.post("/tracebacks/new/", {**form, "recording": SimpleUploadedFile("call.exe", b"MZ")})
    assert wrong.status_code == 400
    assert (
        "call.exe: this is a program, whatever its name says; accepted here: FLAC" in wrong.content.decode()
    )
    assert Traceback.objects.count() == 0
    audio = SimpleUploadedFile("call.wav", b"RIFF....WAVEfmt ", content_type="audio/wav")
    client.post("/tracebacks/new/", {**form, "recording": audio})
    traceback = Traceback.objects.get()
    download = client.get(f"/tracebacks/{traceback.pk}/file/recording/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"RIFF....WAVEfmt "
    assert f'filename="traceback-{traceback.pk}-recording.wav"' in download["Content-Disposition"]
    assert client.get(f"/tracebacks/{traceback.pk}/file/transcript/").status_code == 404
    assert (
        AuditEvent.objects.filter(action="traceback.file_downloaded", actor_email=people.ivy.email).count()
        == 1
    )
    for who in NOT_ITG:
        verified_login(client, getattr(people, who))
        assert client.get(f"/tracebacks/{traceback.pk}/file/recording/").status_code == 403


def test_the_admin_shows_tracebacks_and_providers_read_only(client, people, chain):
    verified_login(client, people.ada)
    provider = chain.hops.first().provider
    for url in (
        "/admin/tracebacks/traceback/",
        "/admin/tracebacks/hop/",
        f"/admin/providers/provider/{provider.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/tracebacks/traceback/add/").status_code == 403
    client.post(f"/admin/providers/provider/{provider.pk}/change/", {"business_name": "Renamed"})
    provider.refresh_from_db()
    assert provider.business_name == "Last Mile Telecom"


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_provider_and_campaign_lists_cost_the_same_for_few_and_many_rows(client, people):
    verified_login(client, people.ivy)
    first = make_provider()
    start_traceback(people.ivy, first)
    few = (_queries(client, "/providers/"), _queries(client, "/tracebacks/campaigns/"))
    for i in range(12):
        provider = make_provider()
        start_traceback(people.ivy, provider, campaign=make_campaign(f"Campaign-{i}", "other"))
    # providers: session, user, device, unread notifications, count, page, hop counts for the page (one
    # grouped query); campaigns: session, user, device, unread notifications, campaigns with counts.
    assert (_queries(client, "/providers/"), _queries(client, "/tracebacks/campaigns/")) == few == (7, 5)


def test_provider_statistics_count_roles_answers_lateness_and_mean_response(people, chain):
    from datetime import timedelta

    from tracebacks.models import Hop
    from tracebacks.selectors import provider_stats

    middle = chain.hops.get(sequence=2).provider
    other = start_traceback(people.ivy, middle, calling="+14155550100")
    Hop.objects.filter(traceback=other).update(
        answer="no_record",
        is_late=True,
        response_seconds=7200,
        answered_at=other.created_at + timedelta(hours=2),
    )
    Hop.objects.filter(traceback=chain, sequence=2).update(answer="upstream", response_seconds=3600)
    stats = provider_stats(middle)
    assert stats.total == 2 and stats.by_role == {"intermediate": 1, "terminating": 1}
    assert stats.by_answer == {"upstream": 1, "no_record": 1} and stats.late == 1
    assert stats.avg_response_hours == 1.5 and stats.no_response == 0


@pytest.mark.parametrize("zone", ["America", "../../etc/passwd", "Mars/Base", "america/chicago"])
def test_a_zone_that_is_not_one_is_refused_on_each_form_naming_the_field(client, people, zone):
    """'America' is a folder of the zone database: ZoneInfo raised IsADirectoryError, a server error."""
    terminating = make_provider("Last Mile Telecom")
    verified_login(client, people.ivy)
    form = {
        "campaign": make_campaign().pk, "call_at": "2026-03-02T10:15", "call_tz": zone,
        "calling_number": "(202) 555-0143", "called_number": "312 555 0199", "terminating_provider": terminating.rmd_number,
        "source": "honeypot", "transcript": "Your social security number has been suspended.",
    }  # fmt: skip
    refused = client.post("/tracebacks/new/", form)
    assert refused.status_code == 400 and "is not a time zone" in refused.content.decode()
    assert not Traceback.objects.exists()
    provider = client.post("/providers/new/", {"business_name": "Zone Test Voice", "time_zone": zone})
    assert provider.status_code == 400 and "is not a time zone" in provider.content.decode()
