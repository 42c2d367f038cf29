"""Honour what the data says (issue 13, item 5): a sealed or confidential demand's caption stays out of e-mail
subjects, notices and the calendar feed; notices go to the users who may see the demand (through the access
layer, shared offices included), and a user who moved office stops receiving them."""

from __future__ import annotations

import pytest
from django.core import mail

from cases.access import ag_users_who_see
from cases.services import case_share
from itg.accounts.services import ag_office
from itg.notifications.models import Notification
from subpoenas.feeds import calendar_feed_create
from subpoenas.services import demand_transition
from tests.factories import make_demand, make_user

SEALED_CAPTION = "State v. Secret Robocaller LLC (sealed)"


@pytest.fixture
def sealed(people, on_commit):
    with on_commit():
        return make_demand("TX", SEALED_CAPTION, by=people.tess, confidentiality="sealed")


def test_the_receipt_email_of_a_sealed_demand_withholds_the_caption_and_the_pdf(people, sealed):
    receipt = next(m for m in mail.outbox if m.subject.startswith("Receipt"))
    assert receipt.subject == f"Receipt {sealed.tracking_number}: Caption withheld: the demand is under seal"
    assert SEALED_CAPTION not in receipt.body and "Secret Robocaller" not in receipt.body
    assert receipt.attachments == []
    assert "download it from the portal" in receipt.body


def test_a_standard_demands_receipt_still_names_its_caption_and_attaches_the_pdf(people, on_commit):
    with on_commit():
        demand = make_demand("TX", "In re open robocalls", by=people.tess)
    receipt = next(m for m in mail.outbox if m.subject.startswith("Receipt"))
    assert receipt.subject == f"Receipt {demand.tracking_number}: In re open robocalls"
    assert [a[0] for a in receipt.attachments] == [f"receipt-{demand.tracking_number}.pdf"]


def test_change_notices_of_a_confidential_demand_name_only_its_tracking_number(people, on_commit):
    with on_commit():
        demand = make_demand("TX", "In re hidden matter", by=people.tess, confidentiality="confidential")
    mail.outbox.clear()
    with on_commit():
        demand_transition(demand=demand, action="start_review", by=people.ivy)
    notice = Notification.objects.get(user=people.tess)
    assert notice.title.startswith(demand.tracking_number)
    assert "hidden matter" not in notice.title + notice.body
    assert "Caption withheld: confidential demand" in notice.body
    assert mail.outbox and all("hidden matter" not in m.subject + m.body for m in mail.outbox)


def test_the_calendar_feed_withholds_a_sealed_caption(client, people, sealed):
    make_demand("TX", "In re visible matter", by=people.tess)
    token = calendar_feed_create(by=people.tess)
    ics = client.get(f"/demands/calendar/{token}.ics").content.decode()
    assert f"Due: {sealed.tracking_number} Caption withheld: the demand is under seal" in ics.replace(
        "\r\n ", ""
    )
    assert "Secret Robocaller" not in ics
    assert "In re visible matter" in ics


def test_notices_go_to_whoever_may_see_the_demand_shared_offices_included(people, on_commit):
    with on_commit():
        demand = make_demand("TX", "In re shared matter", by=people.tess)
    case_share(by=people.sam, case=demand.case, office=ag_office("CA"))
    assert set(ag_users_who_see(demand.case)) == {people.tess, people.sam, people.carl}  # not NY's nora
    with on_commit():
        demand_transition(demand=demand, action="start_review", by=people.ivy)
    told = set(
        Notification.objects.filter(title__startswith=demand.tracking_number).values_list("user", flat=True)
    )
    assert told == {people.tess.pk, people.sam.pk, people.carl.pk}


def test_a_user_who_moved_office_stops_receiving_notices(people, on_commit):
    with on_commit():
        demand = make_demand("TX", "In re moved matter", by=people.tess)
    people.tess.office = ag_office("NY")  # tess moved to New York's office
    people.tess.save(update_fields=["office"])
    newcomer = make_user("tina", "ag_staff", "TX")
    mail.outbox.clear()
    with on_commit():
        demand_transition(demand=demand, action="start_review", by=people.ivy)
    told = set(
        Notification.objects.filter(title__startswith=demand.tracking_number).values_list("user", flat=True)
    )
    assert people.tess.pk not in told and {people.sam.pk, newcomer.pk} <= told
    assert all(people.tess.email not in m.to for m in mail.outbox)
