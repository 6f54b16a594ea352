from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.backoffice import backoffice_group
from accounts.models import Customer, User
from accounts.services import upsert_customer
from catalogue.models import Product
from catalogue.services import load_catalogue
from communication import services as communication
from communication.models import Audience, MessageType
from configurator import services as configurator
from configurator.models import OrderLine, WarrantyItem
from documents.models import Document, DocumentState
from dossiers import services
from dossiers.models import Dossier, Status
from dossiers.services import create_dossier

DEMO_PASSWORD = "demo-ereps-2026"  # noqa: S105 - printed on purpose, demo data only

CATALOGUE_FILE = Path(__file__).resolve().parents[3] / "catalogue" / "data" / "demo.yaml"

CUSTOMERS = [
    (
        "100200",
        "Menuiserie Dupont SPRL",
        "fr",
        Decimal(0),
        [
            ("marie@dupont.example", "Marie", "Dupont", "fr"),
            ("jan@dupont.example", "Jan", "Peeters", "nl"),
        ],
    ),
    (
        "300400",
        "Zonwering Janssens BV",
        "nl",
        Decimal(8),  # a discount, so the Configurateur shows gross, discount and net
        [
            ("els@janssens.example", "Els", "Janssens", "nl"),
        ],
    ),
]

# What the invoices print: billing name, address and VAT number (checked, as in the admin).
BILLING = {
    "100200": ("Menuiserie Dupont SPRL", "Rue de la Station 14\n5000 Namur\nBelgique", "BE0403019261"),
    "300400": ("Zonwering Janssens BV", "Kerkstraat 12\n8500 Kortrijk\nBelgië", "BE0202239951"),
}

# (product code, values as a dealer types them, quantity, index of the roof line or None)
Line = tuple[str, dict[str, Any], int, int | None]

FIXSCREEN_KITCHEN: Line = ("FX100", {"width_mm": "2130", "height_mm": "2480", "sensors": ["wind_io"]}, 2, None)
DOSSIERS: list[tuple[str, str, Status, list[Line]]] = [
    # A draft: its motor has no wind sensor, a warning still to acknowledge.
    ("FX100", "Villa Leroy – cuisine", Status.ACTIVE, [("FX100", {"width_mm": "1850", "height_mm": "2200"}, 1, None)]),
    (
        "TPFX",
        "Bureau Namur",
        Status.QUOTE,
        [("TPFX", {"width_mm": "3000", "projection_mm": "3500", "slope_deg": "20", "sensors": ["wind_io"]}, 1, None)],
    ),
    (
        "CAMG",
        "Terrasse Martin",
        Status.ORDERED,
        [
            (
                "CAMG",
                {"width_mm": "4500", "projection_mm": "3500", "sensor_wind": True, "colour_ral": "RAL 9016"},
                1,
                None,
            )
        ],
    ),
    (
        "FX100",
        "École Saint-Jean",
        Status.IN_PRODUCTION,
        [
            FIXSCREEN_KITCHEN,
            (
                "FX100",
                {"width_mm": "1400", "height_mm": "1600", "sensors": ["wind_io"], "operating_side": "left"},
                4,
                None,
            ),
        ],
    ),
    (
        "INVV",
        "Résidence Les Tilleuls",
        Status.DELIVERED,
        [
            (
                "INVV",
                {
                    "length_mm": "1000",
                    "frame_width_mm": "1200",
                    "room_type": "bedroom",
                    "floor_area_m2": "12",
                    "install_height_mm": "2100",
                },
                6,
                None,
            ),
            (
                "INVV",
                {
                    "length_mm": "2400",
                    "frame_width_mm": "2600",
                    "room_type": "living",
                    "floor_area_m2": "30",
                    "install_height_mm": "2100",
                },
                2,
                None,
            ),
        ],
    ),
    (
        "ALGV",
        "Maison Lambert",
        Status.COMPLETED,
        [
            ("ALGV", {"width_mm": "4500", "projection_mm": "3500", "sensor_wind": True, "led_blades": True}, 1, None),
            ("LOGG", {"side": "S", "height_mm": "2500"}, 1, 0),
        ],
    ),
    # The order a new user can try the service flow on (printed by the command).
    (
        "FX100",
        "Appartement Gérard",
        Status.COMPLETED,
        [
            (
                "FX100",
                {"width_mm": "2130", "height_mm": "2480", "colour_ral": "RAL 9016", "sensors": ["wind_io"]},
                2,
                None,
            )
        ],
    ),
    (
        "TPFX",
        "Projet abandonné",
        Status.CANCELLED,
        [("TPFX", {"width_mm": "2500", "projection_mm": "2500", "slope_deg": "25", "sensors": ["wind_io"]}, 1, None)],
    ),
]
SHOWCASE = ("100200", "Appartement Gérard")


Move = tuple[Callable[..., Dossier], dict[str, Any]]


def _path_to(status: Status) -> list[Move]:
    """The workflow moves from « Actif » to ``status``; ordering is « Passer la commande » (None)."""
    ordered: list[Move | None] = [None]
    production = [*ordered, (services.advance_status, {"to": Status.IN_PRODUCTION})]
    delivered = [*production, (services.advance_status, {"to": Status.DELIVERED})]
    completed = [*delivered, (services.advance_status, {"to": Status.COMPLETED})]
    paths: dict[Status, list[Move | None]] = {
        Status.ACTIVE: [],
        Status.QUOTE: [(services.request_quote, {})],
        Status.ORDERED: ordered,
        Status.IN_PRODUCTION: production,
        Status.DELIVERED: delivered,
        Status.COMPLETED: completed,
        Status.SERVICE_REQUESTED: [*completed, (services.request_service, {})],
        Status.CANCELLED: [(services.cancel_dossier, {})],
    }
    return paths[status]  # type: ignore[return-value]


class Command(BaseCommand):
    help = (
        "Load demonstration data: the demo catalogue (catalogue/data/demo.yaml, through the same loader as "
        "load_catalogue), two customers (two users on the first, one on the second, who has a discount), a "
        "staff contact person, a superuser and dossiers in every status with configured lines; the dossiers "
        "past Offre are ordered through « Passer la commande » (order numbers, warranty numbers, snapshots) "
        "and moved on by the staff status actions, two of them to Terminé; their documents (quote, order "
        "confirmations, invoices) are generated. Idempotent: existing demo rows "
        "are reused, not duplicated. Refuses to run when DEBUG is off unless --force is given. Prints the "
        "demo logins and an order and a warranty number to try."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo refuses to run with DEBUG off (use --force on a demo server).")
        with transaction.atomic():
            load_catalogue(text=CATALOGUE_FILE.read_text(encoding="utf-8"), filename=CATALOGUE_FILE.name)
            products = {product.code: product for product in Product.objects.active()}
            staff = self._user("contact@renson.example", None, "Sophie", "Vermeulen", "fr", staff=True)
            staff.groups.add(backoffice_group())
            self._user("admin@renson.example", None, "Admin", "e-REPS", "fr", staff=True, superuser=True)
            created_dossiers = 0
            for number, name, language, discount, users in CUSTOMERS:
                customer, _ = upsert_customer(
                    number=number, name=name, language=language, account_manager=staff, discount_percent=discount
                )
                customer.billing_name, customer.billing_address, customer.vat_number = BILLING[number]
                customer.full_clean()
                customer.save()
                people = [self._user(email, customer, first, last, lang) for email, first, last, lang in users]
                created_dossiers += self._dossiers(customer, people, products, staff)
        # The documents were issued with the workflow and generated once it committed (inline
        # in the demo, where tasks run eagerly; by the workers where a broker is set).
        states = Counter(Document.objects.values_list("state", flat=True))
        self.stdout.write(
            f"Documents: {states[DocumentState.READY]} ready, {states[DocumentState.PENDING]} pending, "
            f"{states[DocumentState.FAILED]} failed (quotes, order confirmations, invoices in Communication)"
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for number, _name, _language, _discount, users in CUSTOMERS:
            for email, *_rest in users:
                self.stdout.write(f"  dealer  {email}  (customer {number})")
        self.stdout.write("  staff   contact@renson.example  (admin, contact person)")
        self.stdout.write("  admin   admin@renson.example  (superuser)")
        self._showcase()
        self.stdout.write(f"seed_demo: {len(CUSTOMERS)} customers, {created_dossiers} dossiers created")

    def _showcase(self) -> None:
        """An order and a warranty number of a Terminé dossier, for the after-sales flow."""
        number, reference = SHOWCASE
        item = (
            WarrantyItem.objects.filter(dossier__customer__number=number, dossier__reference=reference)
            .select_related("dossier", "line__product")
            .order_by("line__position", "index")
            .first()
        )
        if item is None:
            return
        values = item.line.snapshot["values"] if item.line.snapshot else {}
        self.stdout.write(
            f"Try the after-sales flow as marie@dupont.example on dossier {item.dossier.number} "
            f"« {reference} » (Terminé):"
        )
        self.stdout.write(f"  order number     {item.dossier.order_number}")
        self.stdout.write(
            f"  warranty number  {item.display_number}  ({item.line.product.name_fr}, "
            f"{values.get('width_mm')} × {values.get('height_mm')} mm, {values.get('colour_ral')}, "
            f"side {values.get('operating_side')})"
        )
        self.stdout.write(
            "  « Demande de service » in Communication, then in the Configurateur « Selon numéro de garantie » "
            "with the warranty number, or « Selon mesures » with the order number and the dimensions "
            "(also from a « Nouvelle demande » of the product « Service »)"
        )

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
        for code, reference, status, lines in DOSSIERS:
            if reference in existing:
                continue
            dossier = create_dossier(customer=customer, user=user, product=products[code], reference=reference)
            _configure(dossier, user, products, lines, acknowledge=status != Status.ACTIVE)
            # Through the workflow services, so the Historique tab shows a real history.
            for move in _path_to(status):
                if move is None:  # « Passer la commande »
                    dossier = configurator.place_order(dossier=dossier, user=user).dossier
                    continue
                service, kwargs = move
                dossier = service(dossier=dossier, user=staff if "to" in kwargs else user, **kwargs)
            if reference == THREAD_DOSSIER:
                _demo_thread(dossier, people, staff)
            created += 1
        return created


def _configure(
    dossier: Dossier, user: User, products: dict[str, Product], lines: list[Line], *, acknowledge: bool
) -> None:
    """The dossier's lines, as a dealer fills them in; their warnings acknowledged unless a draft."""
    added: list[OrderLine] = []
    for code, values, quantity, roof in lines:
        parent = added[roof] if roof is not None else None
        line = configurator.add_line(
            dossier=dossier, user=user, product=products[code], values=values, quantity=quantity, parent=parent
        )
        warnings = [message["id"] for message in line.messages if message["severity"] == "warning"]
        if acknowledge and warnings:
            line = configurator.update_line(
                line=line,
                user=user,
                values=values,
                quantity=quantity,
                acknowledged=warnings,
                revision=line.revision,
                parent=parent,
            )
        added.append(line)


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
