"""The people of bench/load.py (run by it, in a child process with the production settings): AG staff in
Texas with a few demands each, ITG staff with a worked demand each to sign, providers with an open hop
each. Prints one JSON line."""

from __future__ import annotations

import sys as _sys
from pathlib import Path as _Path

# bench/queue.py would shadow the standard library's `queue` (urllib3, psycopg import it).
_sys.path[:] = [p for p in _sys.path if _Path(p or ".").resolve() != _Path(__file__).resolve().parent]

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itg.settings")

import django  # noqa: E402

django.setup()

from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from itg.accounts.models import User  # noqa: E402
from providers.services import provider_token_create  # noqa: E402
from tests import factories  # noqa: E402
from tests.factories import PASSWORD, make_demand, make_provider, make_user, start_traceback  # noqa: E402


def person(user: User) -> dict:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    token, _ = Token.objects.get_or_create(user=user)
    return {"email": user.email, "password": PASSWORD, "key": device.key, "token": token.key}


def main(n_ag: int, n_itg: int, n_prov: int) -> None:
    run = os.urandom(3).hex()
    seed = int.from_bytes(os.urandom(3), "big") % 900_000  # rerunnable: provider numbers unique per run
    factories._provider_seq = iter(range(seed, 10**6))
    ag = [make_user(f"ag{run}{i}", "ag_staff", "TX") for i in range(n_ag)]
    itg = [make_user(f"itg{run}{i}", "itg_staff") for i in range(n_itg)]
    for user in ag[: max(1, n_ag // 5)]:
        make_demand("TX", by=user)
    # Demands the ITG staff will sign during the run: in progress, request 1 answered "produced" with a
    # finished traceback (as tests/conftest.py's `worked`), one per ITG user.
    from subpoenas.responses import evidence
    from tests.responses_helpers import in_progress_demand, make_completed_traceback

    to_sign = []
    for _user in itg:
        demand = in_progress_demand(phone_numbers=["+12145550142"])
        make_completed_traceback(by=itg[0])
        request = demand.requests.get(number=1)
        evidence.evidence_propose(request=request, by=itg[0])
        evidence.request_answer_set(request=request, kind="produced", by=itg[0])
        to_sign.append(demand.pk)
    providers = []
    for i in range(n_prov):
        provider = make_provider(f"Acme Voice {run} {i}")
        start_traceback(itg[0], provider)
        providers.append({"token": provider_token_create(by=itg[0], provider=provider)})
    print(
        json.dumps(
            {
                "ag": [person(u) for u in ag],
                "itg": [person(u) for u in itg],
                "providers": providers,
                "to_sign": to_sign,
            }
        )
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
