"""Settings: the embedded default, production from the environment, and loud failures on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from itg import env

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "kM3v-9QzL_x2TqW8rB7nY4pHs6JdF1gC0eUaVoXiZlNtRwEyKb5mPjSuGhDcAf",
    "ALLOWED_HOSTS": "portal.itg.example",
    "DATABASE_URL": "postgres://itg@127.0.0.1:5432/itg",
    "S3_BUCKET": "itg-files",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "ITG_SIGNING_P12_PATH": str(
        ROOT / "pyproject.toml"
    ),  # any readable file: only its presence is checked here
    "ITG_SIGNING_P12_PASSPHRASE": "not-used-by-check",
    "AUDIT_SIGNING_KEY": "e02GXyOSWG9+vyvX9E5oaJ9QjWSyaEkKTSMjMgb5i+o=",  # a test key, signs nothing real
    "ITG_CUSTODIAN_NAME": "Pat Keeper",
}


def manage(*args: str, extra: dict | None = None, drop: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    environ.update(PRODUCTION_ENV)
    environ.update(extra or {})
    for name in drop:
        environ.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start_with_a_clear_message():
    result = manage("check", drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "Configuration error: SECRET_KEY must be set when DEBUG=False" in result.stderr
    assert "Traceback" not in result.stderr  # one clear line for the operator, no stack trace


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be one of"),
        ("DATABASE_URL", "mysql://db/itg", "DATABASE_URL must start with sqlite:/// or postgres://"),
        ("UPLOAD_MAX_MB", "lots", "UPLOAD_MAX_MB must be a whole number"),
        ("S3_BUCKET", "", "S3_BUCKET must be set when DEBUG=False"),
        ("CELERY_BROKER_URL", "", "CELERY_BROKER_URL must point at Redis"),
        ("ALLOWED_HOSTS", "", "ALLOWED_HOSTS must list"),
        ("ITG_SIGNING_P12_PATH", "", "ITG_SIGNING_P12_PATH must name the organization's signing certificate"),
        ("ITG_SIGNING_P12_PATH", "/nonexistent/itg.p12", "ITG_SIGNING_P12_PATH names no readable file"),
        ("AUDIT_SIGNING_KEY", "", "AUDIT_SIGNING_KEY must be set when DEBUG=False"),
        ("ITG_CUSTODIAN_NAME", "", "ITG_CUSTODIAN_NAME must name the ITG's custodian of records"),
        ("AUDIT_SIGNING_KEY", "bm90IGEga2V5", "AUDIT_SIGNING_KEY is not a usable Ed25519 private key"),
    ],
)
def test_a_bad_value_names_the_variable(name, value, message):
    result = manage("check", extra={name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_env_helpers_parse_and_refuse(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env.env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="X_NUM must be at least 1"):
        env.env_int("X_NUM", 5, minimum=1)
    monkeypatch.setenv("X_DB", "postgres://u:p%40ss@db.internal:6432/itg?sslmode=require")
    db = env.env_database("X_DB", "")
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "u",
        "p@ss",
        "db.internal",
        "6432",
        "itg",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}
    monkeypatch.setenv("X_DB", "postgres://db.internal:notaport/itg")
    with pytest.raises(ImproperlyConfigured, match="X_DB has a port that is not a number"):
        env.env_database("X_DB", "")


def test_the_embedded_default_needs_no_environment(tmp_path):
    environ = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "ITG_VAR_DIR": str(tmp_path / "var")}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='itg.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.STORAGES['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.files.storage.FileSystemStorage",
    ], result.stderr
