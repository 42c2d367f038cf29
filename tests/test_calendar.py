"""The calendar behind legal-demand deadlines and the 24-hour traceback clock (itg/calendar.py).

Expected dates below were counted by hand on a printed calendar, not produced by the code under test.
"""

import timeit
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itg import calendar as cal

ET = ZoneInfo("America/New_York")
CT = ZoneInfo("America/Chicago")
PT = ZoneInfo("America/Los_Angeles")


def eastern(*args: int) -> datetime:
    return datetime(*args, tzinfo=ET)


# --- Jurisdictions -------------------------------------------------------------------------------------------


def test_the_56_attorney_general_jurisdictions():
    assert len(cal.JURISDICTIONS) == 56
    assert {"DC", "PR", "GU", "VI", "AS", "MP"} <= set(cal.JURISDICTIONS)
    assert cal.JURISDICTIONS["VI"] == ("U.S. Virgin Islands", "America/St_Thomas")


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("TX", "America/Chicago"),
        ("CA", "America/Los_Angeles"),
        ("NY", "America/New_York"),
        ("AZ", "America/Phoenix"),
        ("HI", "Pacific/Honolulu"),
        ("AK", "America/Anchorage"),
        ("IN", "America/Indiana/Indianapolis"),
        ("PR", "America/Puerto_Rico"),
        ("GU", "Pacific/Guam"),
        ("VI", "America/St_Thomas"),
        ("AS", "Pacific/Pago_Pago"),
        ("MP", "Pacific/Saipan"),
    ],
)
def test_tz_for_gives_the_zone_of_the_ag_office(code, zone):
    assert cal.tz_for(code) == ZoneInfo(zone)


def test_every_jurisdiction_has_a_loadable_zone_and_a_holiday_calendar():
    for code in cal.JURISDICTIONS:
        assert cal.tz_for(code).key == cal.JURISDICTIONS[code][1]
        assert date(2026, 11, 26) in cal.holidays_for(code, 2026)  # Thanksgiving everywhere


def test_jurisdiction_choices_are_sorted_by_name():
    choices = cal.jurisdiction_choices()
    assert len(choices) == 56
    assert choices[:3] == [("AL", "Alabama"), ("AK", "Alaska"), ("AS", "American Samoa")]
    assert [name for _, name in choices] == sorted(name for _, name in choices)
    assert choices[-1] == ("WY", "Wyoming")


def test_an_unknown_code_is_refused():
    with pytest.raises(ValueError, match="Unknown jurisdiction 'ZZ'"):
        cal.tz_for("ZZ")
    with pytest.raises(ValueError, match="Unknown jurisdiction"):
        cal.is_business_day(date(2026, 1, 5), "ZZ")


# --- Holidays ------------------------------------------------------------------------------------------------


def test_federal_holidays_keep_their_plain_names():
    federal = cal.holidays_for(cal.FEDERAL, 2026)
    assert federal[date(2026, 11, 26)] == "Thanksgiving Day"
    assert federal[date(2026, 7, 3)] == "Independence Day (observed)"  # 4 July 2026 is a Saturday
    assert cal.holidays_for("TX", 2026)[date(2026, 11, 26)] == "Thanksgiving Day"


def test_executive_order_closures_are_not_federal_holidays():
    # Deliberate: only the default ("public") category of `holidays` counts; see _closed_days.
    federal = cal.holidays_for(cal.FEDERAL, [2024, 2025])
    assert date(2024, 12, 24) not in federal
    assert date(2025, 1, 9) not in federal  # National Day of Mourning for President Carter


def test_texas_state_holidays():
    tx = cal.holidays_for("TX", range(2024, 2031))
    assert tx[date(2026, 3, 2)] == "Texas Independence Day (TX)"
    assert tx[date(2026, 4, 21)] == "San Jacinto Day (TX)"
    assert tx[date(2026, 8, 27)] == "Lyndon Baines Johnson Day (TX)"
    assert tx[date(2024, 1, 19)] == "Confederate Memorial Day (TX)"  # Confederate Heroes Day in statute
    assert tx[date(2026, 11, 27)] == "Friday After Thanksgiving (TX)"
    assert tx[date(2026, 12, 24)] == "Christmas Eve (TX)"
    assert tx[date(2026, 12, 26)] == "Day After Christmas (TX)"
    # The package lists Good Friday as a Texas public holiday in every year 2024-2030.
    good_fridays = [date(2024, 3, 29), date(2025, 4, 18), date(2026, 4, 3), date(2027, 3, 26)]
    assert all(tx[d] == "Good Friday (TX)" for d in good_fridays)
    assert date(2026, 4, 20) not in tx  # Patriots' Day is Massachusetts's


def test_a_state_day_on_a_federal_holiday_keeps_the_federal_name():
    assert cal.holidays_for("TX", 2026)[date(2026, 6, 19)] == "Juneteenth National Independence Day"
    # Before Juneteenth became federal (2021), Texas's own Emancipation Day stood alone.
    assert cal.holidays_for("TX", 2020)[date(2020, 6, 19)] == "Emancipation Day In Texas (TX)"


def test_california_cesar_chavez_day_and_its_observed_monday():
    ca = cal.holidays_for("CA", [2024, 2026])
    assert ca[date(2026, 3, 31)] == "Cesar Chavez Day (CA)"
    assert ca[date(2024, 4, 1)] == "Cesar Chavez Day (observed) (CA)"  # 31 March 2024 was a Sunday


def test_new_york_lincolns_birthday():
    assert cal.holidays_for("NY", 2026)[date(2026, 2, 12)] == "Lincoln's Birthday (NY)"
    assert cal.holiday_name(date(2026, 2, 12), "CA") is None


def test_massachusetts_patriots_day_but_not_evacuation_day():
    ma = cal.holidays_for("MA", 2026)
    assert ma[date(2026, 4, 20)] == "Patriots' Day (MA)"
    # Evacuation Day (17 March) is a Suffolk County holiday only; the package leaves it out of MA.
    assert date(2026, 3, 17) not in ma


def test_dc_emancipation_day():
    dc = cal.holidays_for("DC", [2026, 2028])
    assert dc[date(2026, 4, 16)] == "Emancipation Day (DC)"
    assert dc[date(2028, 4, 17)] == "Emancipation Day (observed) (DC)"  # 16 April 2028 is a Sunday


@pytest.mark.parametrize(
    ("code", "day", "name"),
    [
        ("PR", date(2026, 7, 25), "Puerto Rico Constitution Day (PR)"),
        ("GU", date(2026, 7, 21), "Liberation Day (Guam) (GU)"),
        ("VI", date(2026, 3, 31), "Transfer Day (VI)"),
        ("AS", date(2026, 4, 17), "American Samoa Flag Day (AS)"),
        ("MP", date(2026, 3, 24), "Commonwealth Covenant Day (MP)"),
    ],
)
def test_territories_have_their_own_holidays(code, day, name):
    assert cal.holidays_for(code, 2026)[day] == name


def test_holidays_for_returns_a_fresh_dict_the_caller_may_change():
    first = cal.holidays_for("TX", 2026)
    first.clear()
    assert cal.holidays_for("TX", 2026)


# --- Business days -------------------------------------------------------------------------------------------


def test_is_business_day():
    assert cal.is_business_day(date(2026, 3, 3), "TX")  # a Tuesday
    assert not cal.is_business_day(date(2026, 3, 7), "TX")  # a Saturday
    assert not cal.is_business_day(date(2026, 11, 26), "TX")  # Thanksgiving
    assert not cal.is_business_day(date(2026, 3, 31), "CA")  # Cesar Chavez Day
    assert cal.is_business_day(date(2026, 3, 31), "NY")


def test_business_days_are_counted_in_one_place():
    assert cal.business_days_in(date(2026, 3, 2), date(2026, 3, 9), "NY") == 5  # Monday to Monday
    assert cal.business_days_in(date(2026, 3, 2), date(2026, 3, 9), "TX") == 4  # Texas Independence Day
    assert cal.business_days_in(date(2026, 3, 30), date(2026, 4, 1), "CA") == 1  # Cesar Chavez Day
    assert cal.business_days_in(date(2026, 3, 30), date(2026, 4, 1), "NY") == 2
    assert cal.business_days_in(date(2026, 3, 9), date(2026, 3, 2), "TX") == 0
    assert cal.business_days_until(date(2026, 3, 6), date(2026, 3, 9), "TX") == 1  # Friday to Monday
    assert cal.business_days_until(date(2026, 3, 9), date(2026, 3, 9), "TX") == 0  # the due date itself
    assert cal.business_days_until(date(2026, 3, 2), date(2026, 3, 9), "TX") == 5


def test_next_business_day_skips_weekend_and_monday_holiday():
    assert cal.next_business_day(date(2026, 1, 16), "NY") == date(2026, 1, 20)  # MLK Day 19 January
    assert cal.next_business_day(date(2026, 3, 5), "NY") == date(2026, 3, 6)


def test_thirty_business_days_in_texas_skip_two_state_holidays():
    due = cal.add_business_days(date(2026, 3, 2), 30, "TX")
    assert due.due_date == date(2026, 4, 15)
    assert due.skipped == (
        (date(2026, 3, 31), "Cesar Chavez Day (TX)"),
        (date(2026, 4, 3), "Good Friday (TX)"),
    )
    assert due.due_at == datetime(2026, 4, 16, 4, 59, 59, 999999, tzinfo=UTC)  # 23:59:59.999999 CDT
    assert due.explanation == (
        "30 business days from 2 March 2026, skipping 31 March 2026, Cesar Chavez Day (TX); "
        "3 April 2026, Good Friday (TX); due 15 April 2026 at the end of the day, Central time (CDT)."
    )


def test_the_same_thirty_business_days_in_new_york_skip_nothing():
    due = cal.add_business_days(date(2026, 3, 2), 30, "NY")
    assert due.due_date == date(2026, 4, 13)
    assert due.skipped == ()
    assert "no holiday in between" in due.explanation
    assert due.explanation.endswith("due 13 April 2026 at the end of the day, Eastern time (EDT).")


def test_business_days_across_new_year_skip_both_observed_fridays():
    # 25 December 2027 and 1 January 2028 are Saturdays: observed on Fridays 24 and 31 December.
    due = cal.add_business_days(date(2027, 12, 20), 10, "DC")
    assert due.due_date == date(2028, 1, 5)
    assert [name for _, name in due.skipped] == ["Christmas Day (observed)", "New Year's Day (observed)"]
    assert due.due_at == datetime(2028, 1, 6, 4, 59, 59, 999999, tzinfo=UTC)  # EST


def test_due_dates_across_the_years():
    assert cal.add_business_days(date(2024, 11, 25), 5, "NY").due_date == date(2024, 12, 3)  # Thanksgiving
    assert cal.add_business_days(date(2025, 6, 16), 5, "TX").due_date == date(2025, 6, 24)  # Juneteenth
    assert cal.add_business_days(date(2029, 1, 15), 1, "DC").due_date == date(2029, 1, 16)  # MLK Day is 15th
    # Patriots' Day is 15 April 2030.
    assert cal.add_business_days(date(2030, 4, 12), 3, "MA").due_date == date(2030, 4, 18)
    assert cal.add_calendar_days(date(2030, 12, 1), 30, "CA").due_date == date(2030, 12, 31)


def test_zero_business_days_rolls_a_weekend_start_forward_and_negative_is_refused():
    assert cal.add_business_days(date(2026, 3, 7), 0, "NY").due_date == date(2026, 3, 9)
    with pytest.raises(ValueError, match="zero or more"):
        cal.add_business_days(date(2026, 3, 7), -1, "NY")
    with pytest.raises(ValueError, match="zero or more"):
        cal.add_calendar_days(date(2026, 3, 7), -1, "NY")


def test_calendar_days_landing_on_a_saturday_roll_to_monday():
    due = cal.add_calendar_days(date(2026, 3, 5), 30, "TX")
    assert due.due_date == date(2026, 4, 6)
    assert due.skipped == ()
    assert due.explanation == (
        "30 calendar days from 5 March 2026 end on Saturday 4 April 2026, when the office is closed "
        "(the weekend); moved to Monday 6 April 2026; due 6 April 2026 at the end of the day, Central time (CDT)."
    )


def test_calendar_days_landing_on_good_friday_roll_in_texas_but_not_in_new_york():
    texas = cal.add_calendar_days(date(2026, 3, 4), 30, "TX")
    assert texas.due_date == date(2026, 4, 6)
    assert texas.skipped == ((date(2026, 4, 3), "Good Friday (TX)"),)
    assert "(3 April 2026, Good Friday (TX); the weekend); moved to Monday 6 April 2026" in texas.explanation
    new_york = cal.add_calendar_days(date(2026, 3, 4), 30, "NY")
    assert new_york.due_date == date(2026, 4, 3)
    assert "moved" not in new_york.explanation


def test_return_date_on_thanksgiving_moves_past_the_texas_friday_too():
    due = cal.due_from_return_date(date(2026, 11, 26), "TX")
    assert due.due_date == date(2026, 11, 30)
    assert due.skipped == (
        (date(2026, 11, 26), "Thanksgiving Day"),
        (date(2026, 11, 27), "Friday After Thanksgiving (TX)"),
    )
    assert due.explanation.startswith(
        "Return date Thursday 26 November 2026 falls when the office is closed (26 November 2026, "
        "Thanksgiving Day; 27 November 2026, Friday After Thanksgiving (TX); the weekend); "
        "moved to Monday 30 November 2026; due 30 November 2026"
    )
    assert cal.due_from_return_date(date(2026, 11, 26), "NY").due_date == date(2026, 11, 27)


@pytest.mark.parametrize(
    ("code", "return_date", "due_date"),
    [
        ("MA", date(2026, 4, 20), date(2026, 4, 21)),  # Patriots' Day
        ("DC", date(2026, 4, 16), date(2026, 4, 17)),  # DC Emancipation Day
        ("NY", date(2026, 2, 12), date(2026, 2, 13)),  # Lincoln's Birthday
        ("CA", date(2026, 3, 31), date(2026, 4, 1)),  # Cesar Chavez Day
        ("TX", date(2026, 4, 21), date(2026, 4, 22)),  # San Jacinto Day
    ],
)
def test_return_date_on_a_state_holiday_moves_to_the_next_day(code, return_date, due_date):
    assert cal.due_from_return_date(return_date, code).due_date == due_date


def test_a_return_date_on_a_business_day_stays():
    due = cal.due_from_return_date(date(2026, 11, 24), "TX")
    assert due.due_date == date(2026, 11, 24)
    assert due.explanation == (
        "Return date Tuesday 24 November 2026; due 24 November 2026 at the end of the day, Central time (CST)."
    )


# --- Pauses --------------------------------------------------------------------------------------------------


def test_a_pause_gives_back_the_business_days_it_covered():
    paused = datetime(2026, 3, 10, 15, 0, tzinfo=CT)  # Tuesday afternoon
    resumed = datetime(2026, 3, 17, 10, 0, tzinfo=CT)  # the next Tuesday morning
    due = cal.extend_by_pause(date(2026, 4, 13), paused, resumed, "TX")
    assert due.due_date == date(2026, 4, 20)  # 10, 11, 12, 13, 16 March: 5 business days
    assert due.explanation.startswith(
        "Clock paused from 10 March 2026 to 17 March 2026 (5 business days): due date 13 April 2026 moved"
    )


def test_a_pause_over_a_holiday_weekend_counts_only_business_days():
    paused = datetime(2026, 4, 3, 9, 0, tzinfo=CT)  # Good Friday in Texas
    resumed = datetime(2026, 4, 7, 9, 0, tzinfo=CT)
    assert cal.extend_by_pause(date(2026, 4, 13), paused, resumed, "TX").due_date == date(2026, 4, 14)


def test_a_pause_extension_skips_a_holiday_and_says_so():
    paused = datetime(2026, 4, 14, 9, 0, tzinfo=CT)
    resumed = datetime(2026, 4, 15, 9, 0, tzinfo=CT)
    due = cal.extend_by_pause(date(2026, 4, 20), paused, resumed, "TX")
    assert due.due_date == date(2026, 4, 22)
    assert due.skipped == ((date(2026, 4, 21), "San Jacinto Day (TX)"),)
    assert "skipping 21 April 2026, San Jacinto Day (TX)" in due.explanation


def test_a_pause_within_one_day_changes_nothing():
    paused = datetime(2026, 3, 10, 9, 0, tzinfo=CT)
    due = cal.extend_by_pause(date(2026, 4, 13), paused, paused + timedelta(hours=5), "TX")
    assert due.due_date == date(2026, 4, 13)
    assert "(0 business days)" in due.explanation


def test_a_pause_is_read_in_the_jurisdictions_local_dates():
    # 04:00 UTC on 10 March is still 9 March (23:00 CDT) in Austin: Monday the 9th counts.
    paused = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)
    resumed = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    assert cal.extend_by_pause(date(2026, 4, 13), paused, resumed, "TX").due_date == date(2026, 4, 14)


def test_impossible_pauses_are_refused():
    monday = datetime(2026, 3, 9, 9, 0, tzinfo=CT)
    with pytest.raises(ValueError, match="resume before"):
        cal.extend_by_pause(date(2026, 4, 13), monday, monday - timedelta(days=1), "TX")
    with pytest.raises(ValueError, match="after the due date"):
        cal.extend_by_pause(date(2026, 3, 6), monday, monday + timedelta(days=1), "TX")
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.extend_by_pause(date(2026, 4, 13), datetime(2026, 3, 9), monday, "TX")


# --- Daylight saving: the end of the local day ---------------------------------------------------------------


def test_end_of_day_before_and_after_the_march_change():
    assert cal.end_of_day(date(2026, 3, 6), "NY") == datetime(2026, 3, 7, 4, 59, 59, 999999, tzinfo=UTC)
    assert cal.end_of_day(date(2026, 3, 9), "NY") == datetime(2026, 3, 10, 3, 59, 59, 999999, tzinfo=UTC)
    short_day = cal.end_of_day(date(2026, 3, 8), "NY") - cal.end_of_day(date(2026, 3, 7), "NY")
    assert short_day == timedelta(hours=23)


def test_end_of_day_before_and_after_the_november_change():
    assert cal.end_of_day(date(2026, 10, 30), "CA") == datetime(2026, 10, 31, 6, 59, 59, 999999, tzinfo=UTC)
    assert cal.end_of_day(date(2026, 11, 2), "CA") == datetime(2026, 11, 3, 7, 59, 59, 999999, tzinfo=UTC)
    long_day = cal.end_of_day(date(2026, 11, 1), "CA") - cal.end_of_day(date(2026, 10, 31), "CA")
    assert long_day == timedelta(hours=25)


def test_arizona_keeps_standard_time_all_year():
    assert cal.end_of_day(date(2026, 1, 15), "AZ") == datetime(2026, 1, 16, 6, 59, 59, 999999, tzinfo=UTC)
    assert cal.end_of_day(date(2026, 7, 15), "AZ") == datetime(2026, 7, 16, 6, 59, 59, 999999, tzinfo=UTC)
    assert cal.add_business_days(date(2026, 7, 13), 1, "AZ").explanation.endswith("Mountain time (MST).")


def test_a_due_date_computed_across_the_change_ends_at_local_midnight():
    winter = cal.add_business_days(date(2026, 3, 2), 4, "NY")  # due Friday 6 March, EST
    summer = cal.add_business_days(date(2026, 3, 2), 5, "NY")  # due Monday 9 March, EDT
    assert winter.due_at.astimezone(ET).isoformat() == "2026-03-06T23:59:59.999999-05:00"
    assert summer.due_at.astimezone(ET).isoformat() == "2026-03-09T23:59:59.999999-04:00"
    assert winter.explanation.endswith("Eastern time (EST).")
    assert summer.explanation.endswith("Eastern time (EDT).")


# --- The 24-hour traceback clock, 47 CFR 64.1200(n)(1) -------------------------------------------------------


def test_the_rules_own_example_friday_3pm_is_due_monday_3pm():
    # 8 March 2026 (Sunday) is the spring change: the due time is still 3 p.m. local.
    assert cal.hop_due_at(eastern(2026, 3, 6, 15, 0)) == eastern(2026, 3, 9, 15, 0)
    assert cal.hop_due_at(eastern(2026, 3, 6, 15, 0)) == datetime(2026, 3, 9, 19, 0, tzinfo=UTC)


def test_friday_4pm_is_due_monday_4pm_not_saturday():
    asked = eastern(2026, 5, 15, 16, 0)
    assert cal.effective_receipt(asked) == asked
    assert cal.hop_due_at(asked) == eastern(2026, 5, 18, 16, 0)


def test_friday_6pm_counts_from_monday_8am_and_is_due_tuesday_8am():
    asked = eastern(2026, 5, 15, 18, 0)
    assert cal.effective_receipt(asked) == eastern(2026, 5, 18, 8, 0)
    assert cal.hop_due_at(asked) == eastern(2026, 5, 19, 8, 0)


def test_business_hours_end_at_half_past_five():
    assert cal.hop_due_at(eastern(2026, 5, 12, 17, 29)) == eastern(2026, 5, 13, 17, 29)
    assert cal.effective_receipt(eastern(2026, 5, 12, 17, 30)) == eastern(2026, 5, 13, 8, 0)


def test_early_morning_counts_from_8am_the_same_day():
    assert cal.effective_receipt(eastern(2026, 5, 12, 6, 0)) == eastern(2026, 5, 12, 8, 0)
    assert cal.hop_due_at(eastern(2026, 5, 12, 6, 0)) == eastern(2026, 5, 13, 8, 0)


def test_a_request_on_a_saturday_counts_from_monday():
    assert cal.hop_due_at(eastern(2026, 5, 16, 11, 0)) == eastern(2026, 5, 19, 8, 0)


def test_a_request_on_thanksgiving_counts_from_friday_and_stops_for_the_weekend():
    asked = eastern(2026, 11, 26, 10, 0)
    assert cal.effective_receipt(asked) == eastern(2026, 11, 27, 8, 0)
    # 16 hours run on Friday, the clock stops Saturday 00:00, 8 hours remain from Monday 00:00.
    assert cal.hop_due_at(asked) == eastern(2026, 11, 30, 8, 0)


def test_a_clock_ending_on_a_holiday_resumes_the_next_business_day():
    assert cal.hop_due_at(eastern(2026, 11, 25, 10, 0)) == eastern(2026, 11, 27, 10, 0)
    assert cal.hop_due_at(eastern(2026, 1, 16, 10, 0)) == eastern(2026, 1, 20, 10, 0)  # MLK Monday


def test_after_hours_before_a_long_weekend():
    assert cal.hop_due_at(eastern(2026, 1, 16, 18, 0)) == eastern(2026, 1, 21, 8, 0)


def test_christmas_eve_2024_was_a_business_day_for_the_clock():
    # Closed by executive order, but not a "Federal legal holiday" in our calendar (see _closed_days).
    assert cal.hop_due_at(eastern(2024, 12, 24, 10, 0)) == eastern(2024, 12, 26, 10, 0)


def test_the_november_change_keeps_the_local_hour_and_24_running_hours():
    asked = eastern(2026, 10, 30, 15, 0)  # Friday, EDT
    due = cal.hop_due_at(asked)
    assert due == eastern(2026, 11, 2, 15, 0)  # Monday, EST
    assert due - asked == timedelta(hours=72 + 1)  # the weekend (stopped) had a 25-hour Sunday


def test_the_clock_runs_in_the_providers_zone():
    asked = datetime(2026, 3, 10, 22, 0, tzinfo=UTC)  # 18:00 in New York, 15:00 in Los Angeles
    assert cal.effective_receipt(asked) == eastern(2026, 3, 11, 8, 0)  # Eastern by default: after hours
    assert cal.hop_due_at(asked) == eastern(2026, 3, 12, 8, 0)
    assert cal.hop_due_at(asked, "America/Los_Angeles") == datetime(2026, 3, 11, 15, 0, tzinfo=PT)
    assert cal.hop_due_at(asked, PT) == datetime(2026, 3, 11, 15, 0, tzinfo=PT)


def test_results_are_in_utc_and_naive_input_is_refused():
    assert cal.hop_due_at(eastern(2026, 5, 12, 10, 0)).tzinfo is UTC
    assert cal.effective_receipt(eastern(2026, 5, 12, 10, 0)).tzinfo is UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.hop_due_at(datetime(2026, 5, 12, 10, 0))


# --- Properties ----------------------------------------------------------------------------------------------

CODES = sorted(cal.JURISDICTIONS)
days_2024_2030 = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@settings(deadline=None, max_examples=300)
@given(start=days_2024_2030, n=st.integers(min_value=0, max_value=400), code=st.sampled_from(CODES))
def test_a_due_date_is_never_a_weekend_or_a_holiday_of_the_issuing_jurisdiction(start, n, code):
    for due in (
        cal.add_business_days(start, n, code),
        cal.add_calendar_days(start, n, code),
        cal.due_from_return_date(start + timedelta(days=n), code),
    ):
        assert due.due_date.weekday() < 5
        assert due.due_date not in cal.holidays_for(code, due.due_date.year)
        assert due.due_at == cal.end_of_day(due.due_date, code)
        assert f"due {cal.fmt_date(due.due_date)} at the end of the day" in due.explanation


@settings(deadline=None, max_examples=200)
@given(start=days_2024_2030, n=st.integers(min_value=1, max_value=250), code=st.sampled_from(CODES))
def test_add_business_days_counts_exactly_n_business_days(start, n, code):
    due = cal.add_business_days(start, n, code)
    between = [start + timedelta(days=k) for k in range(1, (due.due_date - start).days + 1)]
    assert sum(cal.is_business_day(d, code) for d in between) == n
    weekday_holidays = [d for d in between if d.weekday() < 5 and cal.holiday_name(d, code)]
    assert [d for d, _ in due.skipped] == weekday_holidays


def _running_time(start: datetime, end: datetime, zone: ZoneInfo) -> timedelta:
    """Time between start and end that falls on federal business days, local to `zone`."""
    total, day = timedelta(0), start.astimezone(zone).date()
    while (day_start := datetime.combine(day, datetime.min.time(), tzinfo=zone)) < end:
        day_end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        if cal.is_business_day(day, cal.FEDERAL):
            total += max(timedelta(0), min(end, day_end) - max(start, day_start))
        day += timedelta(days=1)
    return total


@settings(deadline=None, max_examples=300)
@given(
    asked=st.datetimes(datetime(2024, 1, 1), datetime(2030, 12, 31), timezones=st.just(UTC)),
    zone=st.sampled_from([ET, CT, PT, ZoneInfo("America/Phoenix"), ZoneInfo("Pacific/Honolulu")]),
)
def test_the_traceback_clock_runs_exactly_24_hours_of_business_days(asked, zone):
    start, due = cal.effective_receipt(asked, zone), cal.hop_due_at(asked, zone)
    local_start = start.astimezone(zone)
    assert start >= asked
    assert cal.is_business_day(local_start.date(), cal.FEDERAL)
    assert cal.OPENS <= local_start.time() < cal.CLOSES
    assert cal.is_business_day(due.astimezone(zone).date(), cal.FEDERAL)
    assert _running_time(start, due, zone) == timedelta(hours=24)


# --- Speed ---------------------------------------------------------------------------------------------------


def test_a_few_hundred_business_days_take_well_under_a_millisecond_or_so():
    cal.add_business_days(date(2026, 1, 2), 400, "CA")  # warm the holiday cache
    seconds = timeit.timeit(lambda: cal.add_business_days(date(2026, 1, 2), 400, "CA"), number=200) / 200
    assert seconds < 0.005  # measured ~0.3 ms; the bound leaves room for a slow CI machine
