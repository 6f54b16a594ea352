"""docs/deploy.md names only settings that exist, with the defaults it says."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parents[1]
DOC = (BASE / "docs" / "deploy.md").read_text()
SETTINGS_SOURCE = (BASE / "ereps" / "settings.py").read_text()
ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]+)` \| (.+) \|$", re.MULTILINE)


def _table() -> dict[str, str]:
    section = DOC[DOC.index("## Settings named here") :]
    return dict(ROW.findall(section))


def _literal(cell: str) -> object:
    """The default as the table writes it: `60`, `'plain'`, `false`…"""
    text = re.match(r"`([^`]*)`", cell)
    assert text, cell
    value = text.group(1)
    return {"false": False, "true": True}[value] if value in ("false", "true") else ast.literal_eval(value)


def _settings_in_a_clean_process(names: list[str], **env: str) -> dict[str, object]:
    """The settings as a production process with only these variables would see them."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, '<missing>') for n in {names!r}}}, default=str))"
    )
    clean = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "ereps.settings", "SECRET_KEY": "x" * 50, **env}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env=clean, capture_output=True, text=True, check=True
    )
    return dict(json.loads(result.stdout))


def test_every_upper_case_name_in_the_document_is_in_its_settings_table() -> None:
    named = set(re.findall(r"`([A-Z][A-Z0-9_]{3,})`", DOC))
    assert named - set(_table()) == set(), "add them to « Settings named here »"


def test_each_setting_exists_with_the_default_the_document_gives() -> None:
    table = _table()
    env_only = {name for name, cell in table.items() if "an environment variable" in cell}
    special = {"CELERY_BROKER_TRANSPORT", "CONTENT_SECURITY_POLICY", "PERMISSIONS_POLICY"}
    plain = [name for name in table if name not in env_only | special]
    found = _settings_in_a_clean_process(plain)
    wrong = {name: (found[name], _literal(table[name])) for name in plain if found[name] != _literal(table[name])}
    assert not wrong, f"setting: (actual, documented) {wrong}"

    with_redis = _settings_in_a_clean_process(sorted(special), REDIS_URL="redis://127.0.0.1:6379/0")
    assert with_redis["CELERY_BROKER_TRANSPORT"] == _literal(table["CELERY_BROKER_TRANSPORT"])
    assert isinstance(with_redis["CONTENT_SECURITY_POLICY"], dict)
    assert isinstance(with_redis["PERMISSIONS_POLICY"], dict)

    for name in env_only:  # read from the environment by settings.py, with the documented default
        match = re.search(rf'["\']{name}["\'], default=([^)]+)\)', SETTINGS_SOURCE)
        assert match, f"{name} is not read by ereps/settings.py"
        assert ast.literal_eval(match.group(1)) == _literal(table[name]), name
