from __future__ import annotations

from functools import cache
from typing import Any

import factory
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from accounts.models import Customer, User
from catalogue.models import Product, ProductGroup
from dossiers.models import Dossier

PASSWORD = "correct-horse-battery-staple"


@cache
def password_hash() -> str:
    """PASSWORD hashed once per run (the real hasher takes ~0.5 s): every factory user shares it.

    Computed on first use, not at import, when the settings are configured."""
    return make_password(PASSWORD)


class StaffFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@renson.example")
    first_name = "Sophie"
    last_name = factory.Sequence(lambda n: f"Staff{n}")
    is_staff = True
    customer: Any = None
    language = "fr"

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if extracted and extracted != PASSWORD:
            obj.set_password(extracted)
        else:
            obj.password = password_hash()
        if create:
            obj.save(update_fields=["password"])


class CustomerFactory(DjangoModelFactory[Customer]):
    class Meta:
        model = Customer
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"{100000 + n}")
    name = factory.Sequence(lambda n: f"Dealer {n} SRL")
    language = "fr"
    account_manager = factory.SubFactory(StaffFactory)


class DealerFactory(StaffFactory):
    email = factory.Sequence(lambda n: f"dealer{n}@dealer.example")
    first_name = "Marie"
    last_name = factory.Sequence(lambda n: f"Dealer{n}")
    is_staff = False
    customer = factory.SubFactory(CustomerFactory)


class ProductGroupFactory(DjangoModelFactory[ProductGroup]):
    class Meta:
        model = ProductGroup
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"group-{n}")
    name_fr = factory.Sequence(lambda n: f"Groupe {n}")
    name_nl = factory.Sequence(lambda n: f"Groep {n}")
    name_de = factory.Sequence(lambda n: f"Gruppe {n}")
    name_en = factory.Sequence(lambda n: f"Group {n}")


class ProductFactory(DjangoModelFactory[Product]):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    group = factory.SubFactory(ProductGroupFactory)
    code = factory.Sequence(lambda n: f"product-{n}")
    name_fr = factory.Sequence(lambda n: f"Store {n}")
    name_nl = factory.Sequence(lambda n: f"Screen {n}")
    name_de = factory.Sequence(lambda n: f"Markise {n}")
    name_en = factory.Sequence(lambda n: f"Screen {n}")


class DossierFactory(DjangoModelFactory[Dossier]):
    class Meta:
        model = Dossier

    number = factory.Sequence(lambda n: f"T{n:08d}")
    customer = factory.SubFactory(CustomerFactory)
    reference = factory.Sequence(lambda n: f"Chantier {n}")
    product = factory.SubFactory(ProductFactory)
    product_group = factory.SelfAttribute("product.group")
    contact_person = factory.SelfAttribute("customer.account_manager")
