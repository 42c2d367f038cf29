"""Fuzzing (issue 15, "Prove it"): schemathesis generates requests from the OpenAPI schema served at
/api/schema/ and sends them in-process to the WSGI app, as ITG staff, as AG staff and as a provider.

Bounded to run in CI in well under two minutes: a few examples per operation, a fixed seed
(`derandomize`), no deadline (the machine is shared). Checks: no server error (5xx) and every documented
response matching its schema (status codes the schema leaves undocumented, such as 403, are allowed:
drf-spectacular documents the success answers)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from providers.services import provider_token_create
from tests.factories import make_case, make_demand, make_provider, start_traceback

EXAMPLES = 4


@pytest.fixture
def _keep_test_connection():
    """Like Django's test client: requests in-process must not close the test's connection (in its
    transaction, `close_old_connections` would, on PostgreSQL)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(people, settings, _keep_test_connection):
    settings.ALLOWED_HOSTS = ["*"]
    acme = make_provider("Acme Voice")
    start_traceback(people.ivy, acme)
    make_demand("TX", by=people.tess)
    make_case("TX", by=people.tess)
    return {
        "itg": f"Token {Token.objects.create(user=people.ivy).key}",
        "ag": f"Token {Token.objects.create(user=people.tess).key}",
        "provider": f"Provider {provider_token_create(by=people.ivy, provider=acme)}",
    }


def _api_schema(auth: str):
    return schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler(), headers={"Authorization": auth})


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
BOUNDED = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)  # fmt: skip


def fuzz(schema_auth: str, auth: str, *, provider: bool) -> tuple[int, list[str]]:
    """Every operation of the schema (the provider's or the staff's), EXAMPLES cases each: the number of
    calls made and the failures as "METHOD /path: what failed"."""
    calls, failures = 0, []
    for result in _api_schema(schema_auth).get_all_operations():
        operation = result.ok()
        if operation.path.startswith("/api/provider/") != provider:
            continue

        @BOUNDED
        @given(case=operation.as_strategy())
        def one(case):
            nonlocal calls
            calls += 1
            try:
                case.call_and_validate(headers={"Authorization": auth}, checks=CHECKS)
            except (Exception, FailureGroup) as error:  # schemathesis: a FailureGroup per failed call
                found = getattr(error, "exceptions", [error])
                what = "; ".join(" ".join(str(e).split("\n")[:6:2])[:300] for e in found)
                failures.append(f"{case.operation.method.upper()} {case.operation.path}: {what}")

        one()
    return calls, failures


def test_itg_staff_api_has_no_server_errors_and_matches_its_schema(fuzz_world):
    calls, failures = fuzz(fuzz_world["itg"], fuzz_world["itg"], provider=False)
    assert calls > 50
    assert not failures, "\n".join(sorted(set(failures)))


def test_ag_staff_api_has_no_server_errors_and_matches_its_schema(fuzz_world):
    calls, failures = fuzz(fuzz_world["itg"], fuzz_world["ag"], provider=False)
    assert calls > 50
    assert not failures, "\n".join(sorted(set(failures)))


def test_provider_api_has_no_server_errors_and_matches_its_schema(fuzz_world):
    calls, failures = fuzz(fuzz_world["itg"], fuzz_world["provider"], provider=True)
    assert calls > 10
    assert not failures, "\n".join(sorted(set(failures)))
