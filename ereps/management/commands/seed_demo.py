from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.backoffice import backoffice_group
from accounts.models import Customer, User
from accounts.services import upsert_customer
from catalogue.models import Product, ProductGroup
from communication import services as communication
from communication.models import Audience, MessageType
from dossiers import services
from dossiers.models import Dossier, Status
from dossiers.services import create_dossier

DEMO_PASSWORD = "demo-ereps-2026"  # noqa: S105 - printed on purpose, demo data only

CATALOGUE = [
    # (group code, names fr/nl/de/en, [(product code, names, is_service)])
    (
        "sun",
        ("Protection solaire", "Zonwering", "Sonnenschutz", "Sun protection"),
        [
            ("fixscreen", ("Fixscreen", "Fixscreen", "Fixscreen", "Fixscreen"), False),
            ("topfix", ("Topfix", "Topfix", "Topfix", "Topfix"), False),
            ("sun-service", ("Service", "Service", "Service", "Service"), True),
        ],
    ),
    (
        "outdoor",
        ("Outdoor", "Outdoor", "Outdoor", "Outdoor"),
        [
            ("camargue", ("Pergola Camargue", "Pergola Camargue", "Pergola Camargue", "Camargue pergola"), False),
            ("algarve", ("Pergola Algarve", "Pergola Algarve", "Pergola Algarve", "Algarve pergola"), False),
            ("outdoor-service", ("Service", "Service", "Service", "Service"), True),
        ],
    ),
    (
        "ventilation",
        ("Ventilation", "Ventilatie", "Lüftung", "Ventilation"),
        [
            ("invisivent", ("Invisivent", "Invisivent", "Invisivent", "Invisivent"), False),
            ("ventilation-service", ("Service", "Service", "Service", "Service"), True),
        ],
    ),
]

CUSTOMERS = [
    (
        "100200",
        "Menuiserie Dupont SPRL",
        "fr",
        [
            ("marie@dupont.example", "Marie", "Dupont", "fr"),
            ("jan@dupont.example", "Jan", "Peeters", "nl"),
        ],
    ),
    (
        "300400",
        "Zonwering Janssens BV",
        "nl",
        [
            ("els@janssens.example", "Els", "Janssens", "nl"),
        ],
    ),
]

DOSSIERS = [
    ("fixscreen", "Villa Leroy – cuisine", Status.ACTIVE, ""),
    ("topfix", "Bureau Namur", Status.QUOTE, ""),
    ("camargue", "Terrasse Martin", Status.ORDERED, "ORD-DEMO-1"),
    ("fixscreen", "École Saint-Jean", Status.IN_PRODUCTION, "ORD-DEMO-2"),
    ("invisivent", "Résidence Les Tilleuls", Status.DELIVERED, "ORD-DEMO-3"),
    ("algarve", "Maison Lambert", Status.COMPLETED, "ORD-DEMO-4"),
    ("fixscreen", "Appartement Gérard", Status.COMPLETED, "ORD-DEMO-5"),
    ("topfix", "Projet abandonné", Status.CANCELLED, ""),
]


Move = tuple[Callable[..., Dossier], dict[str, Any]]


def _path_to(status: Status) -> list[Move]:
    """The workflow moves from « Actif » to ``status`` (staff moves carry their target)."""
    ordered: list[Move] = [(services.mark_ordered, {})]
    production: list[Move] = [*ordered, (services.advance_status, {"to": Status.IN_PRODUCTION})]
    delivered: list[Move] = [*production, (services.advance_status, {"to": Status.DELIVERED})]
    completed: list[Move] = [*delivered, (services.advance_status, {"to": Status.COMPLETED})]
    paths: dict[Status, list[Move]] = {
        Status.ACTIVE: [],
        Status.QUOTE: [(services.request_quote, {})],
        Status.ORDERED: ordered,
        Status.IN_PRODUCTION: production,
        Status.DELIVERED: delivered,
        Status.COMPLETED: completed,
        Status.SERVICE_REQUESTED: [*completed, (services.request_service, {})],
        Status.CANCELLED: [(services.cancel_dossier, {})],
    }
    return paths[status]


class Command(BaseCommand):
    help = (
        "Load demonstration data: the demo catalogue, two customers (two users on the first, one on "
        "the second), a staff contact person, a superuser and dossiers in several statuses "
        "(including Terminé). Idempotent: existing demo rows are reused, not duplicated. "
        "Refuses to run when DEBUG is off unless --force is given. Prints the demo logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo refuses to run with DEBUG off (use --force on a demo server).")
        with transaction.atomic():
            products = self._catalogue()
            staff = self._user("contact@renson.example", None, "Sophie", "Vermeulen", "fr", staff=True)
            staff.groups.add(backoffice_group())
            self._user("admin@renson.example", None, "Admin", "e-REPS", "fr", staff=True, superuser=True)
            created_dossiers = 0
            for number, name, language, users in CUSTOMERS:
                customer, _ = upsert_customer(number=number, name=name, language=language, account_manager=staff)
                people = [self._user(email, customer, first, last, lang) for email, first, last, lang in users]
                created_dossiers += self._dossiers(customer, people, products, staff)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for _number, _name, _language, users in CUSTOMERS:
            for email, *_rest in users:
                self.stdout.write(f"  dealer  {email}  (customer {_number})")
        self.stdout.write("  staff   contact@renson.example  (admin, contact person)")
        self.stdout.write("  admin   admin@renson.example  (superuser)")
        self.stdout.write(f"seed_demo: {len(CUSTOMERS)} customers, {created_dossiers} dossiers created")

    def _catalogue(self) -> dict[str, Product]:
        products: dict[str, Product] = {}
        for position, (code, names, items) in enumerate(CATALOGUE):
            group, _ = ProductGroup.objects.update_or_create(
                code=code,
                defaults=dict(zip(("name_fr", "name_nl", "name_de", "name_en"), names, strict=True), position=position),
            )
            for item_position, (pcode, pnames, is_service) in enumerate(items):
                product, _ = Product.objects.update_or_create(
                    code=pcode,
                    defaults={
                        **dict(zip(("name_fr", "name_nl", "name_de", "name_en"), pnames, strict=True)),
                        "group": group,
                        "is_service": is_service,
                        "position": item_position,
                    },
                )
                products[pcode] = product
        return products

    def _user(
        self,
        email: str,
        customer: Customer | None,
        first: str,
        last: str,
        language: str,
        *,
        staff: bool = False,
        superuser: bool = False,
    ) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                customer=customer,
                first_name=first,
                last_name=last,
                language=language,
                is_staff=staff,
                is_superuser=superuser,
            )
        return user

    def _dossiers(self, customer: Customer, people: list[User], products: dict[str, Product], staff: User) -> int:
        user = people[0]
        created = 0
        existing = set(Dossier.objects.for_customer(customer).values_list("reference", flat=True))
        for code, reference, status, _order_number in DOSSIERS:
            if reference in existing:
                continue
            dossier = create_dossier(customer=customer, user=user, product=products[code], reference=reference)
            # Through the workflow services, so the Historique tab shows a real history.
            for service, kwargs in _path_to(status):
                dossier = service(dossier=dossier, user=staff if "to" in kwargs else user, **kwargs)
            if reference == THREAD_DOSSIER:
                _demo_thread(dossier, people, staff)
            created += 1
        return created


THREAD_DOSSIER = "Terrasse Martin"


def _demo_thread(dossier: Dossier, people: list[User], staff: User) -> None:
    """A few messages, so the Communication tab of the demo is not empty."""
    author, colleague = people[0], people[-1]
    communication.post_message(
        dossier=dossier,
        author=author,
        type=MessageType.ANNEX,
        title="Plan de la terrasse",
        files=[SimpleUploadedFile("plan-terrasse.txt", b"Terrasse 4,20 m x 3,60 m, mur cote gauche.", "text/plain")],
    )
    remark = communication.post_message(
        dossier=dossier,
        author=author,
        type=MessageType.REMARK,
        body="Le client souhaite une livraison après le 15 du mois. Est-ce possible ?",
    )
    communication.answer_message(
        parent=remark, author=staff, body="Oui, nous planifions la livraison la semaine du 16."
    )
    communication.post_message(
        dossier=dossier,
        author=colleague,
        type=MessageType.REMARK,
        audience=Audience.INTERNAL,
        body="Note interne : prévoir deux monteurs pour ce chantier.",
    )
