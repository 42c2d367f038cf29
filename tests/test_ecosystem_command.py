"""`manage.py provider_findings`: the columns, one row per finding, the window arguments, bad input."""

from __future__ import annotations

import csv

import pytest
from django.core.management import CommandError, call_command

from tests import ecosystem_world

HEADER = ["provider_id", "rmd_number", "provider_name", "criterion", "count", "threshold", "window_start",
          "window_end", "traceback_ids"]  # fmt: skip


def test_one_row_per_finding_with_the_exact_columns(db, tmp_path):
    w = ecosystem_world.build()
    out = tmp_path / "findings.csv"
    call_command("provider_findings", since="2025-12-01", until="2026-11-30", csv=str(out))
    rows = list(csv.reader(out.open(newline="")))
    assert rows[0] == HEADER
    got = {(int(r[0]), r[3]) for r in rows[1:]}
    assert got == {(pid, c) for c, pids in w.expected.items() for pid in pids}
    pd5 = next(r for r in rows[1:] if int(r[0]) == w.pd5.pk)
    assert pd5[1:7] == [w.pd5.rmd_number, "No Logs Telecom", "d", "5", "3", "2025-12-01"]
    assert (
        pd5[7] == "2026-11-30" and len(pd5[8].split(" ")) == 5 and all(x.isdigit() for x in pd5[8].split(" "))
    )


def test_a_window_ending_before_it_starts_or_a_bad_date_is_refused(db, tmp_path):
    out = tmp_path / "x.csv"
    with pytest.raises(CommandError, match="before it starts"):
        call_command("provider_findings", since="2026-05-01", until="2026-04-01", csv=str(out))
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("provider_findings", "--since", "May 1", "--csv", str(out))
    assert not out.exists()
