"""Bulk data for the benchmark: many customers, dossiers and messages, inserted in batches.

Rows are written with ``bulk_create`` straight into the tables, not through the
services: a hundred thousand history-replaying transactions would take hours, and the
benchmark measures reads. The columns the overview reads (last activity, last message,
order and warranty numbers) are filled in as the services would leave them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Customer, User
from catalogue.models import Product, ProductGroup
from communication.models import Attachment, Audience, Complaint, ComplaintState, Message, MessageType
from configurator.models import OrderLine, WarrantyItem
from dossiers.models import Dossier, DossierSeen, EventKind, Favourite, HistoryEvent, Status

BIG_CUSTOMER = "B000000"
BENCH_USER = "bench@dealer.example"
BENCH_PASSWORD = "bench-password-2026"  # noqa: S105  (benchmark database only)
HOT_DOSSIER_REFERENCE = "Dossier du banc d'essai (50 messages)"
HOT_MESSAGES = 50

WORDS = [
    "Villa",
    "Maison",
    "Bureau",
    "École",
    "Résidence",
    "Appartement",
    "Terrasse",
    "Chalet",
    "Atelier",
    "Magasin",
    "Cuisine",
    "Véranda",
    "Namur",
    "Liège",
    "Gand",
    "Anvers",
    "Bruges",
    "Louvain",
    "Mons",
    "Charleroi",
    "Hasselt",
    "Lille",
    "Tournai",
    "Wavre",
    "Arlon",
    "Ostende",
]
STATUS_WEIGHTS = {
    Status.ACTIVE: 30,
    Status.QUOTE: 15,
    Status.ORDERED: 10,
    Status.IN_PRODUCTION: 5,
    Status.DELIVERED: 5,
    Status.COMPLETED: 25,
    Status.SERVICE_REQUESTED: 2,
    Status.CANCELLED: 8,
}
ORDERED_OR_LATER = {Status.ORDERED, Status.IN_PRODUCTION, Status.DELIVERED, Status.COMPLETED, Status.SERVICE_REQUESTED}
BATCH = 5_000

T = TypeVar("T")


@dataclass
class Summary:
    customers: int
    dossiers: int
    messages: int

    def __str__(self) -> str:
        return f"bench_data: {self.customers} customers, {self.dossiers} dossiers, {self.messages} messages"


def _batches(items: Iterator[T], size: int = BATCH) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _catalogue() -> list[Product]:
    products = []
    for g, group_name in enumerate(("Protection solaire", "Outdoor", "Ventilation")):
        group, _ = ProductGroup.objects.update_or_create(
            code=f"bench-{g}", defaults={"name_fr": group_name, "name_nl": group_name, "position": g}
        )
        for p, product_name in enumerate(("Fixscreen", "Pergola Camargue", "Invisivent")):
            product, _ = Product.objects.update_or_create(
                code=f"bench-{g}-{p}", defaults={"group": group, "name_fr": f"{product_name} {g}", "position": p}
            )
            products.append(product)
    return products


def _counts(customers: int, dossiers: int, big: int) -> list[int]:
    """Dossiers per customer: the first (the measured one) gets ``big``, the others share the rest."""
    rest = max(dossiers - big, 0)
    others = customers - 1
    return [big] + [rest // others + (1 if i < rest % others else 0) for i in range(others)]


def generate(*, customers: int, dossiers: int, messages: int, big: int, seed: int = 2026) -> Summary:
    """Replace every bench row (customer numbers starting with B) with fresh data."""
    rng = random.Random(seed)
    now = timezone.now()
    password = make_password(BENCH_PASSWORD)  # hashed once: hashing per user would take minutes
    with transaction.atomic():
        clear()
        products = _catalogue()
        staff, _ = User.objects.get_or_create(
            email="bench-staff@renson.example", defaults={"is_staff": True, "password": password, "first_name": "Banc"}
        )
        customer_rows = Customer.objects.bulk_create(
            Customer(number=f"B{i:06d}", name=f"Revendeur {i} SRL", account_manager=staff) for i in range(customers)
        )
        User.objects.bulk_create(
            User(
                email=BENCH_USER if i == 0 else f"dealer{i}@bench.example",
                customer=customer,
                password=password,
                first_name="Banc",
                last_name=str(i),
            )
            for i, customer in enumerate(customer_rows)
        )
    counts = _counts(customers, dossiers, big)
    serial = iter(range(1, dossiers + 1))

    def dossier_rows() -> Iterator[Dossier]:
        statuses, weights = zip(*STATUS_WEIGHTS.items(), strict=True)
        for customer, count in zip(customer_rows, counts, strict=True):
            for _ in range(count):
                n = next(serial)
                status = rng.choices(statuses, weights)[0]
                product = rng.choice(products)
                created = now - timedelta(days=rng.uniform(0, 3 * 365))
                ordered = status in ORDERED_OR_LATER
                yield Dossier(
                    number=f"B{n:09d}",
                    customer=customer,
                    reference=f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.randint(1, 999)}",
                    product_group_id=product.group_id,
                    product=product,
                    contact_person=staff,
                    status=status,
                    order_number=f"C{n:09d}" if ordered else "",
                    warranty_numbers=f"W{n:09d}-1 W{n:09d}-2" if ordered else "",
                    created_at=created,
                    last_activity_at=created + (now - created) * rng.random(),
                )

    for batch in _batches(dossier_rows()):
        with transaction.atomic():
            created = Dossier.objects.bulk_create(batch)
            HistoryEvent.objects.bulk_create(
                HistoryEvent(dossier=d, kind=EventKind.CREATED, created_at=d.created_at) for d in created
            )
    written = _messages(rng, customer_rows[0], messages, now)
    _reader_marks(rng, customer_rows[0])
    dress_hot_thread()
    with connection.cursor() as cursor:
        # Fresh statistics and visibility map, as autovacuum keeps them in a live database: without
        # the VACUUM, counts read every heap page and plans are made from the deleted rows too.
        cursor.execute("VACUUM ANALYZE")
    return Summary(customers=customers, dossiers=dossiers, messages=written)


def _messages(rng: random.Random, big: Customer, total: int, now: datetime) -> int:
    """``total`` messages: 50 on the big customer's newest dossier, the rest spread at random."""
    ids = list(Dossier.objects.filter(number__startswith="B").values_list("pk", flat=True))
    hot = Dossier.objects.filter(customer=big).order_by("-last_activity_at").first()
    assert hot is not None
    Dossier.objects.filter(pk=hot.pk).update(reference=HOT_DOSSIER_REFERENCE, last_activity_at=now)
    author = User.objects.get(email=BENCH_USER)
    last_message: dict[int, datetime] = {}

    def rows() -> Iterator[Message]:
        for i in range(total):
            dossier_id = hot.pk if i < HOT_MESSAGES else rng.choice(ids)
            at = now - timedelta(minutes=i)
            last_message.setdefault(dossier_id, at)
            yield Message(
                dossier_id=dossier_id,
                type="remark",
                author=author,
                title=f"Remarque {i}",
                body="Bonjour, " * 8,
                created_at=at,
            )

    written = 0
    for batch in _batches(rows(), 10_000):
        Message.objects.bulk_create(batch)
        written += len(batch)
    with connection.cursor() as cursor:
        # One UPDATE … FROM: a row-by-row update of 100,000 dossiers would dominate the run.
        dossiers, messages = Dossier._meta.db_table, Message._meta.db_table  # table names, no input
        cursor.execute(
            f"UPDATE {dossiers} d SET last_message_at = m.at, last_activity_at = GREATEST(d.last_activity_at, m.at) "  # noqa: S608
            f"FROM (SELECT dossier_id, MAX(created_at) AS at FROM {messages} GROUP BY dossier_id) m "
            "WHERE d.id = m.dossier_id"
        )
    return written


def _reader_marks(rng: random.Random, big: Customer) -> None:
    """The bench user has read most of their dossiers and starred a few."""
    user = User.objects.get(email=BENCH_USER)
    dossiers = list(Dossier.objects.filter(customer=big).values_list("pk", "last_message_at"))
    now = timezone.now()
    DossierSeen.objects.bulk_create(
        (DossierSeen(user=user, dossier_id=pk, seen_at=now) for pk, at in dossiers if at and rng.random() < 0.8),
        batch_size=BATCH,
    )
    Favourite.objects.bulk_create(
        (Favourite(user=user, dossier_id=pk) for pk, _ in rng.sample(dossiers, min(200, len(dossiers)))),
        batch_size=BATCH,
    )


def clear() -> None:
    """Delete the bench rows (and only them): customers, users and dossiers created by ``generate``."""
    dossiers = Dossier.objects.filter(customer__number__startswith="B")
    with connection.cursor() as cursor:
        # Raw deletes: Django's cascade collector would load a million message objects first.
        for table, column in (
            (WarrantyItem._meta.db_table, "dossier_id"),
            (OrderLine._meta.db_table, "dossier_id"),
            (Complaint._meta.db_table, "dossier_id"),
            (HistoryEvent._meta.db_table, "dossier_id"),
            (DossierSeen._meta.db_table, "dossier_id"),
            (Favourite._meta.db_table, "dossier_id"),
        ):
            sql, params = dossiers.values("pk").query.sql_with_params()
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({sql})", params)  # noqa: S608
        # The thread's files (dress_hot_thread), then the messages they hang on.
        messages = Message.objects.filter(dossier__in=dossiers).values("pk")
        for table, column in (
            (Message.linked_attachments.through._meta.db_table, "message_id"),
            (Attachment._meta.db_table, "message_id"),
            (Message._meta.db_table, "id"),
        ):
            sql, params = messages.query.sql_with_params()
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({sql})", params)  # noqa: S608
    dossiers._raw_delete(dossiers.db)  # type: ignore[attr-defined]
    User.objects.filter(customer__number__startswith="B").delete()
    Customer.objects.filter(number__startswith="B").delete()


CONFIGURATOR_REFERENCE = "Banc d'essai du Configurateur (20 lignes)"
CONFIGURATOR_LINES = 20


def configurator_dossier() -> Dossier:
    """A dossier of the measured customer with 20 Fixscreen lines (made once, then reused).

    Through the services, as a dealer makes it: the demo catalogue is loaded with
    load_catalogue (unchanged if it already is) and each line is evaluated on save.
    """
    from pathlib import Path

    from catalogue.services import load_catalogue
    from configurator import services
    from dossiers.services import create_dossier

    demo = Path(__file__).resolve().parents[1] / "catalogue" / "data" / "demo.yaml"
    load_catalogue(text=demo.read_text(encoding="utf-8"), filename=demo.name)
    user = User.objects.get(email=BENCH_USER)
    assert user.customer is not None
    existing = Dossier.objects.filter(customer=user.customer, reference=CONFIGURATOR_REFERENCE).first()
    if existing is not None and OrderLine.objects.filter(dossier=existing).count() == CONFIGURATOR_LINES:
        return existing
    fixscreen = Product.objects.get(code="FX100")
    dossier = create_dossier(customer=user.customer, user=user, product=fixscreen, reference=CONFIGURATOR_REFERENCE)
    for index in range(CONFIGURATOR_LINES):
        values = {"width_mm": str(1200 + 100 * index), "height_mm": "2480", "sensors": ["wind_io"]}
        services.add_line(dossier=dossier, user=user, product=fixscreen, values=values)
    return dossier


HOT_FILES = (1, 4, 8, 10, 15, 20, 26, 30, 38, 47)  # messages (oldest first) with files
HOT_INTERNAL = (2, 22, 23, 33, 43)  # Interne ones
HOT_REPLIES = (6, 12, 18, 23, 24, 36, 44, 48)  # answers to the message before them


def dress_hot_thread() -> bool:
    """Make the 50-message thread of the measured dossier look like a real one (once).

    A real thread is not 50 bare remarks: about ten messages carry files (two of them
    Annexes of the bench user, whose gear « Désactiver » shows, one of a colleague, whose
    does not), one is a complaint answered by staff, a few are Interne, a few answer an
    earlier message, and some are written by a colleague or by staff. Rows are changed in
    place (no file is stored: the thread lists names and sizes, it does not read files).
    Returns False when the thread was already dressed.
    """
    user = User.objects.get(email=BENCH_USER)
    hot = Dossier.objects.get(customer=user.customer, reference=HOT_DOSSIER_REFERENCE)
    if Complaint.objects.filter(dossier=hot).exists():
        return False
    staff = User.objects.get(email="bench-staff@renson.example")
    colleague, _ = User.objects.get_or_create(
        email="colleague@dealer.example",
        defaults={"customer": user.customer, "password": user.password, "first_name": "Collègue", "last_name": "Banc"},
    )
    # Oldest first: message 0 is the first of the thread.
    messages = list(Message.objects.filter(dossier=hot).order_by("created_at", "id"))
    with transaction.atomic():
        for i, message in enumerate(messages):
            message.title = f"Remarque {i}"
            message.body = (
                f"Bonjour,\n\nsuite à notre échange du {i + 1} mars, voici les mesures (ligne {i}).\n\nCordialement"
            )
            if i % 7 == 3:
                message.author = colleague
            if i % 9 == 5:  # the manufacturer's answers
                message.author, message.audience = staff, Audience.RENSON
            if i in HOT_INTERNAL:  # Interne: the dealer's own notes, never staff's
                message.author, message.audience = (colleague if i % 2 else user), Audience.INTERNAL
            if i in HOT_REPLIES:  # a reply to the message before it, in its audience
                message.parent = messages[i - 1]
                message.audience = messages[i - 1].audience
                message.title = ""
            if i in (10, 30):  # Annexes of the bench user: files only, one gear each
                message.type, message.author, message.audience, message.parent = (
                    MessageType.ANNEX,
                    user,
                    Audience.RENSON,
                    None,
                )
                message.body = ""
            if i == 20:
                message.type, message.author, message.audience, message.parent = (
                    MessageType.ANNEX,
                    colleague,
                    Audience.RENSON,
                    None,
                )
                message.body = ""
            if i == 15:
                message.type, message.author, message.audience, message.parent = (
                    MessageType.COMPLAINT,
                    user,
                    Audience.RENSON,
                    None,
                )
                message.title = "Toile déchirée à la livraison"
        Message.objects.bulk_update(messages, ["title", "body", "author", "audience", "parent", "type"])
        Complaint.objects.create(
            dossier=hot,
            message=messages[15],
            state=ComplaintState.IN_PROGRESS,
            answer="Nous remplaçons la toile à nos frais.\nLivraison prévue la semaine prochaine.",
            handler=staff,
        )
        with_files = [m for i, m in enumerate(messages) if i in HOT_FILES]
        Attachment.objects.bulk_create(
            Attachment(
                message=message,
                file=f"bench/{hot.pk}/{message.pk}-{n}.pdf",
                original_name=f"mesures-{message.pk}-{n}.pdf",
                size=20_000 + 1_337 * n + message.pk % 1000,
                content_type="application/pdf",
                uploaded_by_id=message.author_id,
                created_at=message.created_at,
            )
            for message in with_files
            for n in range(1 + (message.type == MessageType.ANNEX))
        )
    return True
