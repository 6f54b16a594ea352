"""Every runtime dependency in requirements.txt is used by the portal."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

BASE = Path(__file__).resolve().parents[1]
# Used without an import of their own: how each is used instead.
USED_OTHERWISE = {
    "gunicorn": "the WSGI server of deploy/ (systemd units, make stack)",
    "psycopg": "Django's PostgreSQL backend (DATABASE_URL=postgres://…)",
    "crispy-bootstrap5": "CRISPY_TEMPLATE_PACK, an installed app",
    "boto3": "django-storages' S3 backend (AWS_STORAGE_BUCKET_NAME)",
}


def _requirements() -> list[str]:
    names = []
    for line in (BASE / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(re.split(r"[\[=<>~!]", line, maxsplit=1)[0].strip().lower())
    return names


def _project_sources() -> str:
    # The portal's own packages, as the layers contract lists them (bench and tests aside).
    packages = tomllib.loads((BASE / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
    apps = [name for name in packages if name not in ("bench", "tests")]
    return "\n".join(p.read_text() for app in apps for p in (BASE / app).rglob("*.py") if "migrations" not in p.parts)


def test_every_runtime_requirement_is_imported_or_named_in_the_settings() -> None:
    modules_of: dict[str, set[str]] = {}
    for module, distributions in packages_distributions().items():
        for distribution in distributions:
            modules_of.setdefault(distribution.lower().replace("_", "-"), set()).add(module)
    sources = _project_sources()
    unused = []
    for name in _requirements():
        if name in USED_OTHERWISE:
            continue
        modules = modules_of.get(name, set()) or {name.replace("-", "_")}
        used = any(
            re.search(rf"^\s*(from|import)\s+{re.escape(m)}\b", sources, re.MULTILINE) or f'"{m}' in sources
            for m in modules
        )
        if not used:
            unused.append(name)
    assert not unused, f"in requirements.txt but never used: {unused}"
