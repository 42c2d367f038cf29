"""One call, many observations (issue item 5): rows of the same call from several sources share a group.

Two rows are the same call when they have the same calling number, their times are within
`MATCH_WINDOW` of each other, and either both carry a called number and it is the same, or (one has no
called number, as FTC complaints never do) they share the consumer's area code and state (a called
number's area code and state stand in for the consumer's). Date-only rows cannot be placed within
minutes and stay their own call.

`call_group` holds the smallest id of the rows linked to it, so `COUNT(DISTINCT call_group)` counts
calls, `COUNT(*)` observations. On PostgreSQL the linking is one set-based UPDATE per import (run twice,
so a chain of three observations linked through the middle one settles); elsewhere the same rule in
Python.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection

from .models import CallRecord

MATCH_WINDOW = timedelta(minutes=5)  # the rule: "within 5 minutes"

_AREA = "COALESCE(NULLIF({t}.consumer_area_code, ''), CASE WHEN {t}.called_number LIKE '+1%%' " \
        "THEN substr({t}.called_number, 3, 3) ELSE '' END)"  # fmt: skip
_LINK_SQL = f"""
UPDATE calls_callrecord AS r SET call_group = sub.grp FROM (
  SELECT r2.id, r2.call_at, MIN(COALESCE(m.call_group, m.id)) AS grp
  FROM calls_callrecord r2 JOIN calls_callrecord m
    ON m.calling_number = r2.calling_number AND NOT m.date_only
   AND m.call_at BETWEEN r2.call_at - interval '5 minutes' AND r2.call_at + interval '5 minutes'
   AND ((m.called_number <> '' AND r2.called_number <> '' AND m.called_number = r2.called_number)
        OR ((m.called_number = '' OR r2.called_number = '')
            AND {_AREA.format(t="m")} = {_AREA.format(t="r2")} AND {_AREA.format(t="m")} <> ''
            AND m.called_state = r2.called_state))
  WHERE r2.job_id = %s AND NOT r2.date_only
  GROUP BY r2.id, r2.call_at
) AS sub
WHERE r.id = sub.id AND r.call_at = sub.call_at AND r.call_group IS DISTINCT FROM sub.grp
"""


def link_observations(*, job_id: int | None = None, ids: list[int] | None = None) -> None:
    """Link the rows of one import (or the given rows) to the observations of the same calls."""
    if connection.vendor == "postgresql" and job_id is not None:
        with connection.cursor() as cursor:
            for _ in range(2):
                cursor.execute(_LINK_SQL, [job_id])
            cursor.execute(
                "UPDATE calls_callrecord SET call_group = id WHERE job_id = %s AND call_group IS NULL",
                [job_id],
            )
        return
    rows = (
        CallRecord.objects.filter(job_id=job_id)
        if job_id is not None
        else CallRecord.objects.filter(pk__in=ids)
    )
    _link_in_python(list(rows.values_list("pk", flat=True)))


def _area(row: dict) -> str:
    if row["consumer_area_code"]:
        return row["consumer_area_code"]
    return row["called_number"][2:5] if row["called_number"].startswith("+1") else ""


def _same_call(a: dict, b: dict) -> bool:
    if a["called_number"] and b["called_number"]:
        return a["called_number"] == b["called_number"]
    return _area(a) != "" and _area(a) == _area(b) and a["called_state"] == b["called_state"]


def _link_in_python(ids: list[int]) -> None:
    fields = ("pk", "calling_number", "call_at", "called_number", "consumer_area_code", "called_state",
              "call_group", "date_only")  # fmt: skip
    for start in range(0, len(ids), 5000):
        batch = list(CallRecord.objects.filter(pk__in=ids[start : start + 5000]).values(*fields))
        changed = []
        for row in batch:
            group = row["pk"]
            if not row["date_only"]:
                near = CallRecord.objects.filter(
                    calling_number=row["calling_number"], date_only=False,
                    call_at__range=(row["call_at"] - MATCH_WINDOW, row["call_at"] + MATCH_WINDOW),
                ).values(*fields)  # fmt: skip
                group = min([group] + [m["call_group"] or m["pk"] for m in near if _same_call(row, m)])
            if group != row["call_group"]:
                changed.append(CallRecord(pk=row["pk"], call_group=group))
        CallRecord.objects.bulk_update(changed, ["call_group"], batch_size=2000)
