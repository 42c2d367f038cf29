"""Demand deadlines: the base rule across 2024-2030, state holidays, daylight saving, extensions, pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from itg.calendar import holidays_for
from subpoenas.deadlines import Terms, base_due
from subpoenas.models import DeadlineEvent
from subpoenas.services import demand_transition, extension_answer, extension_ask
from tests.factories import cached_pdf, make_demand


def ret(state: str, d: date) -> Terms:
    return Terms(state, d - timedelta(days=20), d, None, "")


@pytest.mark.parametrize(
    ("state", "return_date", "due", "named"),
    [
        ("TX", date(2026, 4, 3), date(2026, 4, 6), "Good Friday (TX)"),
        ("TX", date(2030, 4, 19), date(2030, 4, 22), "Good Friday (TX)"),
        ("CA", date(2028, 3, 31), date(2028, 4, 3), "Cesar Chavez Day (CA)"),
        ("NY", date(2025, 2, 12), date(2025, 2, 13), "Lincoln's Birthday (NY)"),
        ("NY", date(2024, 11, 5), date(2024, 11, 6), "Election Day (NY)"),
        ("MA", date(2027, 4, 19), date(2027, 4, 20), "Patriots' Day (MA)"),
        ("DC", date(2026, 4, 16), date(2026, 4, 17), "Emancipation Day (DC)"),
        ("DC", date(2029, 11, 12), date(2029, 11, 13), "Veterans Day"),
        ("TX", date(2024, 12, 25), date(2024, 12, 27), "Christmas Day"),  # and 26 Dec, a TX state day
    ],
)
def test_return_date_on_a_holiday_moves_to_the_next_business_day(state, return_date, due, named):
    computed = base_due(ret(state, return_date))
    assert computed.due_date == due
    assert named in computed.explanation


def test_a_holiday_of_another_state_does_not_move_the_date():
    # 16 April 2026 is Emancipation Day in DC only.
    assert base_due(ret("TX", date(2026, 4, 16))).due_date == date(2026, 4, 16)
    # 21 April 2026 is San Jacinto Day in Texas only.
    assert base_due(ret("NY", date(2026, 4, 21))).due_date == date(2026, 4, 21)


def test_business_day_period_skips_state_holidays_and_says_so():
    computed = base_due(Terms("TX", date(2026, 3, 2), None, 30, "business"))
    assert computed.due_date == date(2026, 4, 15)
    assert "Cesar Chavez Day (TX)" in computed.explanation and "Good Friday (TX)" in computed.explanation
    assert computed.explanation.startswith("30 business days from 2 March 2026")


def test_calendar_day_period_landing_on_a_weekend_moves_to_monday():
    computed = base_due(Terms("CA", date(2026, 1, 2), None, 30, "calendar"))  # 1 February 2026 is a Sunday
    assert computed.due_date == date(2026, 2, 2)
    assert "the weekend" in computed.explanation


@pytest.mark.parametrize(
    ("state", "d", "utc"),
    [
        ("TX", date(2026, 3, 6), datetime(2026, 3, 7, 5, 59, 59, 999999, tzinfo=UTC)),  # CST, before DST
        ("TX", date(2026, 3, 9), datetime(2026, 3, 10, 4, 59, 59, 999999, tzinfo=UTC)),  # CDT, after DST
        ("NY", date(2026, 10, 30), datetime(2026, 10, 31, 3, 59, 59, 999999, tzinfo=UTC)),  # EDT
        (
            "NY",
            date(2026, 11, 2),
            datetime(2026, 11, 3, 4, 59, 59, 999999, tzinfo=UTC),
        ),  # EST, after DST ends
        ("CA", date(2027, 3, 15), datetime(2027, 3, 16, 6, 59, 59, 999999, tzinfo=UTC)),  # PDT
    ],
)
def test_due_at_is_the_end_of_the_local_day_across_daylight_saving(state, d, utc):
    assert base_due(ret(state, d)).due_at == utc


def test_return_date_on_the_spring_forward_sunday_is_due_monday_in_daylight_time():
    computed = base_due(ret("TX", date(2026, 3, 8)))
    assert computed.due_date == date(2026, 3, 9) and "CDT" in computed.explanation


STATES = ["TX", "CA", "NY", "MA", "DC", "FL", "IL", "WA", "PR"]


@settings(max_examples=300, deadline=None)
@given(
    state=st.sampled_from(STATES),
    served=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 9, 30)),
    days=st.integers(min_value=0, max_value=90),
    mode=st.sampled_from(["return", "calendar", "business"]),
)
def test_a_due_date_is_never_a_weekend_or_a_holiday_of_the_issuing_state(state, served, days, mode):
    terms = (
        Terms(state, served, served + timedelta(days=days), None, "")
        if mode == "return"
        else Terms(state, served, None, days, mode)
    )
    computed = base_due(terms)
    due = computed.due_date
    assert due.weekday() < 5
    assert due not in holidays_for(state, due.year)
    assert due >= served + timedelta(days=days if mode != "business" else 0)
    assert computed.due_at.astimezone(UTC) > datetime.combine(due, datetime.min.time(), tzinfo=UTC)


# --- Pauses and extensions, through the services ----------------------------------------------------


def test_a_clarification_pause_moves_the_due_date_by_the_business_days_lost(people):
    with freeze_time("2026-03-02 16:00:00"):
        demand = make_demand("TX", by=people.tess)  # due 15 April 2026
    assert demand.due_date == date(2026, 4, 15)
    with freeze_time("2026-03-10 19:00:00"):  # Tuesday, 14:00 in Texas
        demand_transition(demand=demand, action="start_review", by=people.ivy)
        demand_transition(demand=demand, action="ask_clarification", by=people.ivy, note="Which numbers?")
    assert demand.paused_since is not None and "Clock paused since 10 March 2026" in demand.due_explanation
    with freeze_time("2026-03-13 15:00:00"):  # Friday, 10:00 in Texas
        demand_transition(demand=demand, action="answer_clarification", by=people.tess, note="Only 214.")
    # 10, 11, 12 March given back: 15 April + 3 business days = 20 April (21 April is San Jacinto Day).
    assert demand.due_date == date(2026, 4, 20) and demand.paused_since is None
    assert "Clock paused from 10 March 2026 to 13 March 2026 (3 business days)" in demand.due_explanation
    kinds = list(demand.deadline_events.values_list("kind", "due_date_before", "due_date_after"))
    assert kinds == [
        ("set", None, date(2026, 4, 15)),
        ("paused", date(2026, 4, 15), date(2026, 4, 15)),
        ("resumed", date(2026, 4, 15), date(2026, 4, 20)),
    ]


def test_an_extension_asked_by_the_itg_and_granted_with_a_letter_moves_the_due_date(people):
    from itg.uploads import as_upload

    demand = make_demand("TX", by=people.tess)
    asked = extension_ask(demand=demand, by=people.ivy, requested_date=date(2026, 5, 1), note="Volume.")
    assert demand.due_date == date(2026, 4, 15)  # asking moves nothing
    with pytest.raises(Exception, match="letter"):
        extension_answer(demand=demand, request=asked, by=people.tess, grant=True)
    with pytest.raises(Exception, match="issuing office"):
        extension_answer(
            demand=demand, request=asked, by=people.carl, grant=True, letter=as_upload(cached_pdf(), "l.pdf")
        )
    extension_answer(
        demand=demand, request=asked, by=people.tess, grant=True, letter=as_upload(cached_pdf(), "letter.pdf")
    )
    demand.refresh_from_db()
    assert demand.due_date == date(2026, 5, 1) and "Extension granted" in demand.due_explanation
    granted = demand.deadline_events.get(kind=DeadlineEvent.Kind.EXTENSION_GRANTED)
    assert granted.letter.original_name == "letter.pdf" and granted.letter.role == "extension_letter"
    with pytest.raises(Exception, match="already answered"):
        extension_answer(demand=demand, request=asked, by=people.tess, grant=False)


def test_an_extension_must_ask_for_a_later_date(people):
    demand = make_demand("TX", by=people.tess)
    with pytest.raises(Exception, match="after the current due date"):
        extension_ask(demand=demand, by=people.ivy, requested_date=date(2026, 4, 1))
    with pytest.raises(Exception, match="ITG staff"):
        extension_ask(demand=demand, by=people.tess, requested_date=date(2026, 5, 1))


def test_recompute_moves_only_what_changed_and_records_it(people, monkeypatch):
    from subpoenas import deadlines, services

    demand = make_demand("TX", by=people.tess)
    assert services.deadline_recompute(demand_id=demand.pk) is False
    real = deadlines.base_due

    def with_new_holiday(terms):  # as if a new `holidays` release added 15 April 2026 for Texas
        computed = real(terms)
        from itg.calendar import add_business_days

        return add_business_days(terms.date_served, 31, terms.state) if terms.state == "TX" else computed

    monkeypatch.setattr(deadlines, "base_due", with_new_holiday)
    assert services.deadline_recompute(demand_id=demand.pk) is True
    demand.refresh_from_db()
    assert demand.due_date == date(2026, 4, 16)
    assert demand.deadline_events.filter(kind="recomputed").count() == 1
    from itg.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="demand.deadline_recomputed", object_id=str(demand.pk)).exists()
