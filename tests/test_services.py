"""The real services production uses: Redis as the Celery broker, S3 (moto_server) as file storage."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from django.core.files.base import ContentFile
from kombu import Connection

from itg.celery import app as celery_app


def test_celery_publishes_through_the_redis_broker(redis_url):
    queue = f"itg-test-{uuid.uuid4().hex}"
    with Connection(redis_url) as conn:
        celery_app.send_task("itg.ping", args=[42], queue=queue, connection=conn)
        with conn.SimpleQueue(queue) as simple:
            message = simple.get(timeout=5)
            assert message.headers["task"] == "itg.ping"
            assert message.headers["argsrepr"] == "[42]"
            message.ack()
    # The app's own settings: late acknowledgement and redelivery when a worker dies.
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True


@pytest.fixture
def s3_storage(s3_endpoint, settings):
    bucket = f"itg-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )  # noqa: S106
    client.create_bucket(Bucket=bucket)
    from storages.backends.s3 import S3Storage

    storage = S3Storage(
        bucket_name=bucket,
        endpoint_url=s3_endpoint,
        access_key="test",
        secret_key="test",  # noqa: S106
        region_name="us-east-1",
        signature_version="s3v4",
        addressing_style="path",
        default_acl="private",
        querystring_expire=300,
        file_overwrite=False,
    )
    return storage, client, bucket


def test_s3_storage_keeps_files_private_with_short_signed_urls(s3_storage):
    storage, client, bucket = s3_storage
    name = storage.save("demands/doc.pdf", ContentFile(b"%PDF-1.7 test"))
    again = storage.save("demands/doc.pdf", ContentFile(b"%PDF-1.7 other"))
    assert name != again  # never overwrite a stored file
    assert client.get_object(Bucket=bucket, Key=name)["Body"].read() == b"%PDF-1.7 test"
    grants = client.get_object_acl(Bucket=bucket, Key=name)["Grants"]
    assert all("AllUsers" not in str(g.get("Grantee", {})) for g in grants)
    url = storage.url(name)
    params = parse_qs(urlsplit(url).query)
    assert params["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert int(params["X-Amz-Expires"][0]) <= 300
    assert urlsplit(url).path.startswith(f"/{bucket}/")  # path-style addressing against an endpoint
    assert requests.get(url, timeout=5).content == b"%PDF-1.7 test"


def test_the_settings_module_builds_s3_options_from_the_environment(monkeypatch):
    import importlib

    import itg.settings as module

    monkeypatch.setenv("S3_BUCKET", "itg-files")
    monkeypatch.setenv("S3_ENDPOINT_URL", "http://127.0.0.1:5001")
    monkeypatch.setenv("S3_URL_EXPIRE_SECONDS", "3600")
    try:
        reloaded = importlib.reload(module)
        options = reloaded.STORAGES["default"]["OPTIONS"]
        assert reloaded.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
        assert options["querystring_expire"] == 300  # capped: presigned URLs live 300 s at most
        assert (options["signature_version"], options["addressing_style"], options["default_acl"]) == (
            "s3v4",
            "path",
            "private",
        )
        assert options["file_overwrite"] is False
    finally:
        monkeypatch.delenv("S3_BUCKET")
        monkeypatch.delenv("S3_ENDPOINT_URL")
        importlib.reload(module)
