"""Shared fixtures: named people, a verified login, and the real services the suite runs against.

A test that needs a service (PostgreSQL, Redis, S3 through moto_server, Chromium) fails when the
service is missing and CI=true; on a developer's machine it is skipped with the reason.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection

from tests.factories import make_user

IN_CI = os.environ.get("CI", "").lower() == "true"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright beside live_server (STACK-NOTES)


def need(condition: bool, why: str) -> None:
    """Fail in CI, skip elsewhere, when a real service the test needs is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI needs this service: {why}")
    pytest.skip(why)


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords the production way costs ~0.3 s each; the tests are about flows, not PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ITG_VAR_DIR = tmp_path
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counts (itg/throttling.py) never leak between tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def people(db):
    """tess and sam (supervisor) work for Texas's AG, carl for California's, nora supervises in New York;
    ivy is ITG compliance staff, ada an ITG administrator; aldo audits."""
    return SimpleNamespace(
        tess=make_user("tess", "ag_staff", "TX"),
        sam=make_user("sam", "ag_supervisor", "TX"),
        carl=make_user("carl", "ag_staff", "CA"),
        nora=make_user("nora", "ag_supervisor", "NY"),
        ivy=make_user("ivy", "itg_staff"),
        ada=make_user("ada", "itg_admin"),
        aldo=make_user("aldo", "auditor"),
    )


@pytest.fixture
def postgres(db):
    need(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL=postgres://…)")
    return connection


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        need(False, f"Redis at {url} ({error})")
    return url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """A moto_server on loopback speaking the S3 API, for the whole session."""
    server = Path(sys.executable).with_name("moto_server")
    need(server.exists(), "moto_server (the dev dependency moto[server])")
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(server), "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=out)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            need(False, f"moto_server did not start: {log.read_text()[-500:]}")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory):
    """ClamAV's real daemon on a temporary Unix socket, with a signature database built here (EICAR's body
    signature and hash: the official database cannot be downloaded on these machines)."""
    from itg.scanning.clamav import ping
    from tests.hostile import EICAR

    clamd = shutil.which("clamd") or "/usr/sbin/clamd"
    need(Path(clamd).exists(), "ClamAV's daemon (apt-get install clamav-daemon)")
    root = tmp_path_factory.mktemp("clamd")
    (root / "db").mkdir()
    (root / "db" / "local.ndb").write_text(f"Itg.Test.EICAR:0:*:{EICAR.hex()}\n")
    md5 = hashlib.md5(EICAR, usedforsecurity=False).hexdigest()  # clamd's .hdb format is MD5
    (root / "db" / "local.hdb").write_text(f"{md5}:{len(EICAR)}:Itg.Test.EICAR-hash\n")
    sock = root / "clamd.sock"
    (root / "clamd.conf").write_text(
        f"LocalSocket {sock}\nDatabaseDirectory {root / 'db'}\nForeground yes\nLogFile {root / 'clamd.log'}\n"
        f"PidFile {root / 'clamd.pid'}\nStreamMaxLength 200M\nMaxScanSize 400M\nMaxFileSize 200M\n"
        f"TemporaryDirectory {root}\n" + ("User root\n" if os.geteuid() == 0 else "")
    )
    with open(root / "out.log", "wb") as out:
        proc = subprocess.Popen([clamd, "--config-file", str(root / "clamd.conf")], stdout=out, stderr=out)
    try:
        for _ in range(300):
            if sock.exists() and ping(str(sock)):
                break
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        need(ping(str(sock)), f"clamd did not start: {(root / 'out.log').read_text()[-800:]}")
        yield str(sock)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def clamav(settings, clamd_socket):
    """Uploads in this test are scanned by the real daemon."""
    settings.CLAMAV_SOCKET = clamd_socket
    return clamd_socket


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    need(Path(path).exists(), "Debian's chromium (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    """pytest-playwright drives Debian's Chromium; Playwright never downloads a browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def dev_ca_dir(tmp_path_factory):
    """One development signing CA for the session (RSA key generation takes about half a second)."""
    return tmp_path_factory.mktemp("dev-ca")


@pytest.fixture(autouse=True)
def _isolated_dev_ca(settings, dev_ca_dir):
    """Anything that signs (responses, receipts) uses a throwaway development CA, never var/dev-ca."""
    settings.ITG_DEV_CA_DIR = dev_ca_dir


@pytest.fixture
def dev_signing(settings, dev_ca_dir):
    """Sign with the throwaway development CA, as a fresh clone does."""
    settings.ITG_DEV_CA_DIR = dev_ca_dir
    settings.ITG_SIGNING_P12_PATH = ""
    settings.ITG_SIGNING_TRUST_ROOTS = ""
    settings.ITG_TSA_URL = ""
    return dev_ca_dir


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's base URL, for browser tests (which need committed data)."""
    return live_server.url


# --- Responses: a worked demand, its signed version, its delivery ---------------------------------------------


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what services queue on commit (the signing task, notices), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def worked(people):
    """A TX demand in progress whose request 1 has two linked tracebacks, answered 'produced'."""
    from subpoenas.responses import evidence
    from tests.responses_helpers import in_progress_demand, make_completed_traceback

    demand = in_progress_demand(phone_numbers=["+12145550142"])
    tracebacks = [make_completed_traceback(by=people.ivy) for _ in range(2)]
    request = demand.requests.get(number=1)
    evidence.evidence_propose(request=request, by=people.ivy)
    evidence.request_answer_set(request=request, kind="produced", by=people.ivy)
    return demand, tracebacks


@pytest.fixture
def signed(worked, people, on_commit):
    """Version 1 rendered and signed by the (eager) task, not yet delivered."""
    from subpoenas.responses import services
    from subpoenas.responses.models import Response

    demand, tracebacks = worked
    with on_commit():
        response = services.response_prepare(demand=demand, by=people.ivy)
    response.refresh_from_db()
    assert response.status == Response.Status.SIGNED
    return demand, response, tracebacks


@pytest.fixture
def delivered(signed, people, on_commit):
    """Version 1 signed and delivered to the issuing office."""
    from subpoenas.responses import services

    demand, response, tracebacks = signed
    with on_commit():
        services.response_deliver(response=response, by=people.ivy)
    return demand, response, tracebacks
