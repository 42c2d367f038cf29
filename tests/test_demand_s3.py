"""Demands on S3-compatible storage (moto_server): stored under generated keys, streamed back, cleaned up."""

from __future__ import annotations

import uuid

import boto3
import pytest
from rest_framework.test import APIClient

from subpoenas.models import LegalDemand
from tests.factories import verified_login
from tests.test_demand_intake import form


@pytest.fixture
def s3(settings, s3_endpoint):
    bucket = f"itg-demands-{uuid.uuid4().hex[:12]}"  # the moto server lives for the whole session
    client = boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                          region_name="us-east-1")  # fmt: skip
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": bucket, "endpoint_url": s3_endpoint, "access_key": "test", "secret_key": "test",
                        "region_name": "us-east-1", "signature_version": "s3v4", "addressing_style": "path",
                        "default_acl": "private", "querystring_expire": 300, "file_overwrite": False},
        },
    }  # fmt: skip
    from django.core.files.storage import storages

    storages._storages.pop("default", None)
    yield lambda: sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))
    storages._storages.pop("default", None)


def test_intake_stores_on_s3_and_the_download_streams_it(people, s3):
    api = APIClient()
    verified_login(api, people.tess)
    response = api.post("/api/demands/", form(), format="multipart")
    assert response.status_code == 201, response.content
    doc = LegalDemand.objects.get().documents.get()
    assert s3() == [doc.storage_key] and doc.storage_key.startswith("demands/")
    download = api.get(f"/api/demands/{doc.demand_id}/documents/{doc.pk}/")
    import hashlib

    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == doc.sha256


def test_a_failed_intake_leaves_no_object_in_the_bucket(people, s3, monkeypatch):
    from subpoenas import intake

    monkeypatch.setattr(
        intake, "_write_children", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("db down"))
    )
    api = APIClient()
    verified_login(api, people.tess)
    with pytest.raises(RuntimeError):
        api.post("/api/demands/", form(), format="multipart")
    assert s3() == [] and LegalDemand.objects.count() == 0


@pytest.fixture
def s3_down(settings):
    """Storage pointing at a port nobody listens on: the S3 endpoint is down."""
    import socket

    from botocore.config import Config

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "gone", "endpoint_url": f"http://127.0.0.1:{port}", "access_key": "test",
                        "secret_key": "test", "region_name": "us-east-1", "signature_version": "s3v4",
                        "addressing_style": "path", "file_overwrite": False,
                        "client_config": Config(connect_timeout=1, read_timeout=1, retries={"max_attempts": 1})},
        },
    }  # fmt: skip
    from django.core.files.storage import storages

    storages._storages.pop("default", None)
    yield
    storages._storages.pop("default", None)


def test_with_s3_down_the_api_answers_a_json_503_with_retry_after_and_stores_nothing(people, s3_down):
    from subpoenas.models import IdempotencyKey

    api = APIClient()
    verified_login(api, people.tess)
    response = api.post("/api/demands/", form(), format="multipart", HTTP_IDEMPOTENCY_KEY="s3-down")
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert "nothing was stored" in response.json()["detail"] and int(response["Retry-After"]) > 0
    assert LegalDemand.objects.count() == 0 and not IdempotencyKey.objects.exists()


def test_with_s3_down_pages_that_need_no_storage_keep_working(client, people, s3_down):
    verified_login(client, people.tess)
    assert client.get("/demands/").status_code == 200 and client.get("/cases/").status_code == 200
    page = client.post("/demands/new/", {"document": form()["document"]})
    assert page.status_code == 503 and "File storage is unavailable" in page.content.decode()
    assert LegalDemand.objects.count() == 0
