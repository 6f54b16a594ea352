"""Settings come from the environment and fail loudly; production settings pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_KEY", "DEBUG"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghij",
        ALLOWED_HOSTS="ereps.example.com",
        SECURE_SSL_REDIRECT="true",
        SESSION_COOKIE_SECURE="true",
        CSRF_COOKIE_SECURE="true",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_with_debug_off_fails_loudly() -> None:
    result = _manage("check", DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_misspelt_boolean_fails_loudly() -> None:
    result = _manage("check", DEBUG="ture")
    assert result.returncode != 0
    assert "DEBUG='ture' is not a boolean" in result.stderr


def test_bad_database_url_fails_loudly() -> None:
    result = _manage("check", DEBUG="true", DATABASE_URL="nosuchdb://x")
    assert result.returncode != 0
    assert "nosuchdb" in result.stderr


def test_overview_cache_in_process_memory_is_flagged_by_check_deploy() -> None:
    # Without CACHE_URL or REDIS_URL each web process would cache its own overview pages.
    result = _manage(
        "check",
        "--deploy",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghij",
        ALLOWED_HOSTS="ereps.example.com",
        CACHE_URL="",
        REDIS_URL="",
    )
    assert "dossiers.W001" in result.stderr + result.stdout


def test_cache_url_must_be_redis() -> None:
    result = _manage("check", DEBUG="true", CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "CACHE_URL must be a redis://" in result.stderr
