"""In a real browser: an ITG user opens a traceback and sees the chain; a provider answers through the
e-mailed link, picking its upstream from the suggestions."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, make_provider, start_traceback
from tests.test_auth import code_for
from tracebacks.models import Traceback
from tracebacks.services import hop_answer
from tracebacks.services.hops import AnswerIn

pytestmark = pytest.mark.browser


def test_an_itg_user_opens_a_traceback_and_sees_the_chain(page: Page, site, people):
    terminating, middle = make_provider("Last Mile Telecom"), make_provider("Transit Carrier Inc")
    traceback = start_traceback(people.ivy, terminating)
    hop_answer(
        hop=traceback.hops.get(), provider=terminating, actor_email="noc@lastmile.example",
        data=AnswerIn(answer="upstream", upstream=middle, attestation="A"),
    )  # fmt: skip
    page.goto(f"{site}/accounts/login/?next=/tracebacks/")
    page.get_by_label("E-mail address").fill(people.ivy.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Six-digit code").fill(code_for(people.ivy))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{site}/tracebacks/")
    page.get_by_label("Phone number").fill("(202) 555-0143")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=str(traceback.pk), exact=True).click()
    chain = page.get_by_role("list", name="The call's path")
    expect(chain.get_by_role("listitem")).to_have_count(2)
    expect(chain.get_by_role("listitem").first).to_contain_text("Last Mile Telecom")
    expect(chain.get_by_role("listitem").first).to_contain_text("Upstream named")
    expect(chain.get_by_role("listitem").last).to_contain_text("Transit Carrier Inc")
    expect(chain.get_by_role("listitem").last).to_contain_text("Awaiting answer")
    expect(page.get_by_role("button", name="Re-send the request")).to_be_visible()


def test_a_provider_answers_through_the_emailed_link(page: Page, site, people):
    terminating = make_provider("Last Mile Telecom")
    upstream = make_provider("Up Carrier Networks")
    traceback = start_traceback(people.ivy, terminating)
    link = re.search(r"http\S+/respond/\S+/", mail.outbox[0].body).group(0)
    page.goto(site + link.split("127.0.0.1:8000", 1)[1])
    expect(page.get_by_role("heading", name="Traceback request for Last Mile Telecom")).to_be_visible()
    expect(page.get_by_text("+12025550143")).to_be_visible()
    page.get_by_label("Upstream named").check()
    page.get_by_label("Upstream provider").fill("Up Carr")
    option = page.get_by_role("option", name=re.compile("Up Carrier Networks"))
    expect(option).to_be_visible()
    page.get_by_label("Upstream provider").press("ArrowDown")
    page.get_by_label("Upstream provider").press("Enter")
    expect(page.get_by_label("Upstream provider")).to_have_value("Up Carrier Networks")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("heading", name="Answer received")).to_be_visible()
    traceback = Traceback.objects.get(pk=traceback.pk)
    assert traceback.hop_count == 2 and traceback.hops.get(sequence=2).provider == upstream
    assert mail.outbox[-1].to == [upstream.traceback_email]
