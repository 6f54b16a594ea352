"""Time (and profile) pages in this process: the portal's WSGI handler, no server, no load generator.

    DATABASE_URL=postgres://…/ereps_bench python bench/profile_pages.py [--requests 200] [--profile] [PAGE …]

PAGE is a word of a page name of bench/run.py (« floor », « Communication », « uncached » …).
Requests go through Django's handler with the bench user's session, bench settings with
DEBUG off, the bench database (made by ``bench/run.py``). Prints the best of 5 batches in
ms per request (wall time, and this process's CPU time: the Python share, less sensitive
to other processes on the machine) and the queries of one request; ``--profile`` adds the
cProfile of one batch, sorted by own time, and by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100, help="requests per batch")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--lines", type=int, default=35)
    parser.add_argument("pages", nargs="*")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ereps_bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", "profile-" + "x" * 50)
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/3")
    os.environ.setdefault("CACHE_KEY_PREFIX", "ereps-bench")
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["CONN_MAX_AGE"] = "60"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.data import BENCH_USER, BIG_CUSTOMER, HOT_DOSSIER_REFERENCE
    from dossiers.models import Dossier

    hot = Dossier.objects.get(customer__number=BIG_CUSTOMER, reference=HOT_DOSSIER_REFERENCE)
    pages = {
        "floor": "/bench/floor/",
        "overview, page 1, uncached": "/dossiers/?n={n}",
        "overview, search « namur », uncached": "/dossiers/?q=namur&n={n}",
        "overview, page 1": "/dossiers/",
        "dossier page": f"/dossiers/{hot.pk}/",
        "Communication tab": f"/dossiers/{hot.pk}/communication/",
        # Every card printed, none from the cache (THREAD_CARD_CACHE_SECONDS=0).
        "Communication tab, cards printed": f"/dossiers/{hot.pk}/communication/",
    }
    chosen = {name: url for name, url in pages.items() if not args.pages or any(w in name for w in args.pages)}
    client = Client()
    client.force_login(User.objects.get(email=BENCH_USER))
    counter = iter(range(10**9))
    for name, url in chosen.items():
        no_cards = override_settings(THREAD_CARD_CACHE_SECONDS=0) if name.endswith("cards printed") else None
        if no_cards is not None:
            no_cards.enable()

        def batch(url: str = url) -> tuple[float, float]:
            started, cpu = time.perf_counter(), time.process_time()
            for _ in range(args.requests):
                response = client.get(url.replace("{n}", str(next(counter))))
                assert response.status_code == 200, response.status_code
            wall = (time.perf_counter() - started) * 1000 / args.requests
            return wall, (time.process_time() - cpu) * 1000 / args.requests

        batch()
        timings = [batch() for _ in range(5)]
        best, best_cpu = min(t[0] for t in timings), min(t[1] for t in timings)
        with CaptureQueriesContext(connection) as queries:
            size = len(client.get(url.replace("{n}", str(next(counter)))).content)
        print(
            f"{name:40} {best:7.2f} ms ({best_cpu:6.2f} ms of this process's CPU)   "
            f"{len(queries)} queries   {size} bytes",
            flush=True,
        )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            batch()
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(args.lines)
            stats.sort_stats("cumulative").print_stats(args.lines)
        if no_cards is not None:
            no_cards.disable()


if __name__ == "__main__":
    main()
