"""`manage.py check --deploy` is clean under the settings the stack runs with (deploy/stack.py),
which are production's: DEBUG off, HTTPS behind a proxy, Redis cache, S3, SMTP."""

from __future__ import annotations

import importlib.util
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

BASE = Path(__file__).resolve().parents[1]


def _stack() -> Any:
    spec = importlib.util.spec_from_file_location("deploy_stack", BASE / "deploy" / "stack.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_check_deploy_is_clean_under_the_stack_settings() -> None:
    # Only the stack's variables: not the test run's relaxed defaults (pyproject.toml's env).
    env = {"PATH": os.environ["PATH"], **_stack().stack_environment(secret_key=secrets.token_urlsafe(50))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_stack_runs_with_production_switches_on() -> None:
    env = _stack().stack_environment(secret_key="x" * 50)
    assert env["DEBUG"] == "false"
    assert env["CELERY_TASK_ALWAYS_EAGER"] == "false"
    # Nothing relaxes the secure defaults: HTTPS redirect, secure cookies, HSTS stay on.
    assert not any(key.startswith(("SECURE_", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")) for key in env)


def test_the_stack_knows_which_pdf_libraries_are_missing() -> None:
    """`make stack` installs WeasyPrint's pango and fonts when missing, as CI does (.ci/run)."""
    stack = _stack()
    assert set(stack.PDF_PACKAGES) >= {"libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"}
    # This machine renders PDFs (the documents' tests need it): nothing of them is missing.
    assert stack.missing_packages(stack.PDF_PACKAGES) == []
    assert stack.missing_packages(("libpango-1.0-0", "ereps-no-such-package")) == ["ereps-no-such-package"]
