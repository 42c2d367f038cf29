"""Rate limits on extraction, verification, login and the provider API (issue 15, item 9).

The N+1th request inside the period gets 429 with `Retry-After` and a message naming what was limited."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from providers.services import provider_token_create
from tests.factories import make_provider, verified_login


def rate(settings, scope: str) -> int:
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])


def test_extraction_is_limited_per_user(people, settings):
    client = verified_login(APIClient(), people.tess)
    for _ in range(rate(settings, "extraction")):
        assert client.post("/api/demands/extract/", {}, format="multipart").status_code == 400
    refused = client.post("/api/demands/extract/", {}, format="multipart")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many demand PDFs read: at most 10/minute. Try again in" in refused.json()["detail"]
    # Another user has their own count.
    assert (
        verified_login(APIClient(), people.sam)
        .post("/api/demands/extract/", {}, format="multipart")
        .status_code
        == 400
    )


def test_verification_is_limited_per_user(people, settings):
    client = verified_login(Client(), people.carl)
    for _ in range(rate(settings, "verification")):
        assert client.post("/responses/verify/", {}).status_code == 400
    refused = client.post("/responses/verify/", {})
    assert refused.status_code == 429 and "Too many documents verified" in refused.content.decode()


def test_login_posts_are_limited_per_address(people, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login": "3/minute"}}  # fmt: skip
    client = Client()
    for _ in range(3):
        client.post(
            "/accounts/login/", {"username": "nobody@x.example", "password": "x"}, REMOTE_ADDR="192.0.2.1"
        )
    refused = client.post(
        "/accounts/login/", {"username": people.tess.email, "password": "x"}, REMOTE_ADDR="192.0.2.1"
    )
    assert (
        refused.status_code == 429 and "Too many login attempts from your address" in refused.content.decode()
    )
    other = client.post(
        "/accounts/login/", {"username": "nobody@x.example", "password": "x"}, REMOTE_ADDR="192.0.2.2"
    )
    assert other.status_code == 200


@pytest.mark.parametrize("path", ["/api/provider/hops/", "/api/provider/providers/?q=acme"])
def test_the_provider_api_is_limited_per_token(people, settings, path):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "provider": "5/minute"}}  # fmt: skip
    acme, other = make_provider("Acme Voice"), make_provider("Other Telecom")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Provider {provider_token_create(by=people.ivy, provider=acme)}")
    for _ in range(5):
        assert client.get(path).status_code == 200
    refused = client.get(path)
    assert (
        refused.status_code == 429
        and "Too many provider API requests with this token" in refused.json()["detail"]
    )
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Provider {provider_token_create(by=people.ivy, provider=other)}")
    assert fresh.get(path).status_code == 200
