"""Only the issuing office acts on its demand; an office the case is shared with reads it (issue 15, item 1).

The rule lives once: `workflow.parties(user, demand)` asks `cases.access.acts_for_office`. Every transition is
checked for every role, in every source state, and for California, which the Texas case is shared with.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from cases.access import may_post_in_thread
from cases.models import CaseMessage
from cases.services import case_message_post, case_share, case_share_posting_set, case_shared_offices
from itg.audit.models import AuditEvent
from subpoenas.models import LegalDemand
from subpoenas.services import demand_transition
from subpoenas.workflow import ITG, REQUESTER, TRANSITIONS, allowed_actions
from tests.factories import make_demand, verified_login

# role name -> the side it acts for on the Texas demand (None: no side, it only reads, or sees nothing)
ROLES = {
    "tess": REQUESTER,  # Texas AG staff: the issuing office
    "sam": REQUESTER,  # Texas AG supervisor
    "carl": None,  # California AG staff: the case is shared with California
    "nora": None,  # New York AG supervisor: not shared
    "ivy": ITG,
    "ada": ITG,
    "aldo": None,  # auditor
}


@pytest.fixture
def shared_demand(people):
    demand = make_demand("TX", "In re Lone Star Dialers", by=people.tess)
    case_share(by=people.sam, case=demand.case, office=people.carl.office)
    return demand


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_each_transition_is_offered_to_its_side_only(people, shared_demand, action):
    t = TRANSITIONS[action]
    wrong = []
    for status in LegalDemand.Status.values:
        shared_demand.status = status
        for name, side in ROLES.items():
            expected = status in t.sources and side is not None and side in t.who
            got = action in allowed_actions(getattr(people, name), shared_demand)
            if got != expected:
                wrong.append(f"{name} in {status}: {'offered' if got else 'refused'}")
    assert not wrong, wrong


REQUESTER_ACTIONS = sorted(a for a, t in TRANSITIONS.items() if REQUESTER in t.who)


@pytest.mark.parametrize("action", REQUESTER_ACTIONS)
def test_a_shared_office_cannot_fire_the_requesters_transitions_but_the_issuing_office_can(
    people, shared_demand, action
):
    status = sorted(TRANSITIONS[action].sources)[0]
    LegalDemand.objects.filter(pk=shared_demand.pk).update(status=status)
    shared_demand.refresh_from_db()
    with pytest.raises(PermissionDenied):
        demand_transition(demand=shared_demand, action=action, by=people.carl, note="We withdraw it.")
    assert LegalDemand.objects.get(pk=shared_demand.pk).status == status
    demand_transition(demand=shared_demand, action=action, by=people.tess, note="As the issuing office.")
    assert LegalDemand.objects.get(pk=shared_demand.pk).status == TRANSITIONS[action].target


def test_the_shared_office_is_refused_by_page_and_api_and_sees_no_buttons(client, people, shared_demand):
    verified_login(client, people.carl)
    page = client.get(shared_demand.get_absolute_url())
    assert page.status_code == 200 and "In re Lone Star Dialers" in page.content.decode()
    assert TRANSITIONS["withdraw"].label not in page.content.decode()
    response = client.post(f"/demands/{shared_demand.pk}/transition/", {"action": "withdraw", "note": "x"})
    assert response.status_code == 403
    api = APIClient()
    verified_login(api, people.carl)
    refused = api.post(f"/api/demands/{shared_demand.pk}/transition/", {"action": "withdraw", "note": "x"})
    assert refused.status_code == 403 and "cannot withdraw" in refused.json()["detail"]
    assert api.get(f"/api/demands/{shared_demand.pk}/").json()["allowed_actions"] == []
    assert LegalDemand.objects.get(pk=shared_demand.pk).status == "received"


def test_a_shared_office_writes_in_the_thread_only_when_the_lead_office_allows(client, people, shared_demand):
    case = shared_demand.case
    assert not may_post_in_thread(people.carl, case)
    with pytest.raises(PermissionDenied, match="reads this shared case"):
        case_message_post(by=people.carl, case=case, body="From California")
    verified_login(client, people.carl)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Your office reads this shared case" in page and 'name="body"' not in page
    client.post(f"/cases/{case.pk}/messages/", {"body": "From California"})
    assert not CaseMessage.objects.filter(case=case).exists()

    with pytest.raises(PermissionDenied):
        case_share_posting_set(by=people.tess, case=case, office=people.carl.office, may_post=True)
    case_share_posting_set(by=people.sam, case=case, office=people.carl.office, may_post=True)
    assert [o.may_post for o in case_shared_offices(case)] == [True]
    assert AuditEvent.objects.filter(action="case.share_updated", object_state="TX").count() == 1
    client.post(f"/cases/{case.pk}/messages/", {"body": "From California"})
    assert CaseMessage.objects.get(case=case).author == people.carl
    # Allowed to write, still not allowed to act for Texas.
    assert allowed_actions(people.carl, shared_demand) == set()

    verified_login(client, people.sam)
    client.post(f"/cases/{case.pk}/share/", {"posting": people.carl.office.pk, "allow": "0"})
    assert not may_post_in_thread(people.carl, case)


def test_a_share_can_allow_posting_from_the_start(people):
    demand = make_demand("TX", by=people.tess)
    case_share(by=people.sam, case=demand.case, office=people.nora.office, may_post=True)
    assert may_post_in_thread(people.nora, demand.case)
    assert not may_post_in_thread(people.carl, demand.case)  # not shared at all
    assert AuditEvent.objects.get(action="case.shared").changes["may_post"] == [None, True]
