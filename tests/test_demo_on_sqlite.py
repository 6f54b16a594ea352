"""The README's `make run` demo on its embedded defaults: SQLite, tasks inline, mails as files.

The rest of the suite runs on PostgreSQL, so SQL that only PostgreSQL understands would pass
it and break the demo. Here the demo is built as `make run` builds it (migrate, seed_demo,
in a process of its own with only ``DEBUG=true`` and its own files), then every page of
every demo dossier is read as a dealer, the overview with a search (and its SQL compared with
the ORM's, every sort), and the admin as staff.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Read by the demo process, against the demo data; prints one line per page that is not a 200.
WALK = """
from django.test import Client
from django.test.utils import setup_test_environment
from accounts.models import User
from dossiers.models import Dossier

setup_test_environment()
pages = ["/dossiers/", "/dossiers/?q=namur", "/dossiers/?q=2026", "/dossiers/?page=2"]
for pk in Dossier.objects.filter(customer__number="100200").values_list("pk", flat=True):
    for tab in ("", "communication/", "configurator/", "history/"):
        pages.append(f"/dossiers/{pk}/{tab}")
# Logged in without the form (django-axes wants a request); the login page has its own tests.
dealer, staff = Client(), Client()
dealer.force_login(User.objects.get(email="marie@dupont.example"))
staff.force_login(User.objects.get(email="contact@renson.example"))
admin_pages = ["/admin/", "/admin/dossiers/dossier/", "/admin/communication/message/",
               "/admin/documents/document/", "/admin/mailer/outboundmail/?q=dupont"]
checked = 0
for client, urls in ((dealer, pages), (staff, admin_pages)):
    for url in urls:
        status = client.get(url).status_code
        checked += 1
        if status != 200:
            print("FAILED", url, status)
# The thread's files come from SQLite's JSON functions there: every active file of a
# message the thread shows is a download link of the tab, and no other.
import re
from communication.models import Attachment, Message
owner = User.objects.get(email="marie@dupont.example")
files_seen = 0
for dossier in Dossier.objects.filter(customer__number="100200"):
    shown = set(Message.objects.visible_to(owner).filter(dossier=dossier).in_thread().values_list("pk", flat=True))
    expected = set(Attachment.objects.filter(message__in=shown, is_active=True).values_list("pk", flat=True))
    html = dealer.get(f"/dossiers/{dossier.pk}/communication/").content.decode()
    linked = set(int(pk) for pk in re.findall(r'/files/(\\d+)/download/', html))
    own_links = expected <= linked
    files_seen += len(expected)
    if not own_links or not linked <= set(Attachment.objects.filter(is_active=True).values_list("pk", flat=True)):
        print("FAILED files of", dossier.number, sorted(expected), sorted(linked))
print("FILES", files_seen)
# The overview's one statement (dossiers.overview_sql) on SQLite: every sort, the search,
# the dates and the stars, as the ORM reads them there.
from datetime import datetime, time, timedelta
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from dossiers.models import DossierSeen, Favourite
from dossiers.overview import SORTS, OverviewFilters
from dossiers.overview_sql import overview_page
from dossiers.workflow import STATUS_ORDER
mine = Dossier.objects.filter(customer=owner.customer)
Favourite.objects.get_or_create(user=owner, dossier=mine.order_by("pk").first())
position = Case(*(When(status=s, then=Value(p)) for s, p in STATUS_ORDER.items()), output_field=IntegerField())
day = timezone.localdate() - timedelta(days=1)
midnight = timezone.make_aware(datetime.combine(day, time.min))
compared = 0
for sort in SORTS:
    for q, favourites, since in (("", False, None), ("a", False, None), ("DUPONT", False, None), ("%", False, None),
                                 ("", True, None), ("", False, day)):
        expected = mine.annotate(status_position=position)
        if q:
            expected = expected.filter(search_text__icontains=q)
        if favourites:
            expected = expected.filter(favourites__user=owner)
        if since:
            expected = expected.filter(created_at__gte=midnight)
        expected = list(expected.order_by(*SORTS[sort]))
        page = overview_page(customer_id=owner.customer_id, user_id=owner.pk, products=[], number=1, per_page=1000,
                             filters=OverviewFilters(q=q, favourites=favourites, created_from=since, sort=sort))
        starred = set(Favourite.objects.filter(user=owner).values_list("dossier_id", flat=True))
        seen = dict(DossierSeen.objects.filter(user=owner).values_list("dossier_id", "seen_at"))
        wanted = [(d.number, d.last_activity_at, d.pk in starred,
                   d.last_message_at is not None and (d.pk not in seen or d.last_message_at > seen[d.pk]))
                  for d in expected]
        got = [(row.number, row.last_activity_at, row.is_favourite, row.is_unread) for row in page]
        if got != wanted or page.paginator.count != len(expected):
            print("FAILED overview", sort, repr(q), favourites, since, got[:3], wanted[:3])
        compared += len(got)
print("OVERVIEW", compared)
print("CHECKED", checked)
"""


def _demo_env(tmp_path: Path) -> dict[str, str]:
    # Only what `make run` sets: the test run's own settings (PostgreSQL, Redis, eager
    # tasks…) must not leak into the demo process.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE", "REDIS", "CACHE", "CELERY", "EMAIL", "MEDIA", "SECRET", "DEBUG"))
    }
    env.update(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        EMAIL_URL=f"filemail:///{tmp_path / 'mail'}",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.mark.integration
def test_every_demo_page_works_on_the_embedded_sqlite_defaults(tmp_path: Path) -> None:
    env = _demo_env(tmp_path)
    _manage(env, "migrate", "--noinput", "-v0")
    seeded = _manage(env, "seed_demo")
    assert "marie@dupont.example" in seeded
    assert (tmp_path / "db.sqlite3").exists()

    out = _manage(env, "shell", "-c", WALK)

    assert "FAILED" not in out, out
    checked = int(out.split("CHECKED")[1].split()[0])
    assert checked > 40  # the 4 overview pages, 4 tabs of each of the demo customer's dossiers, 5 admin pages
    assert int(out.split("FILES")[1].split()[0]) > 0  # the demo's threads hold files, read through SQLite's JSON
    assert int(out.split("OVERVIEW")[1].split()[0]) > 100  # rows of the overview's SQL compared with the ORM's
    assert any((tmp_path / "mail").iterdir())  # seed_demo's documents were mailed, as files
