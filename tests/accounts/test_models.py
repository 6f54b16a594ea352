import pytest
from django.db import IntegrityError, transaction

from accounts.models import Customer, User


def test_dealer_without_customer_is_refused_by_the_database(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="x@example.com", is_staff=False, customer=None)


def test_staff_with_customer_is_refused_by_the_database(customer: Customer) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="y@example.com", is_staff=True, customer=customer)


def test_email_is_unique_whatever_the_case(owner: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email=owner.email.upper(), customer=owner.customer)


def test_superuser_is_staff_without_customer(db: None) -> None:
    user = User.objects.create_superuser(email="Root@Example.com", password="long-enough-pass")
    assert user.is_staff and user.customer is None and user.email == "root@example.com"


@pytest.mark.parametrize("percent", ["-1", "100.01", "250"])
def test_discount_outside_0_to_100_is_refused_by_the_form_and_the_database(customer: Customer, percent: str) -> None:
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    customer.discount_percent = Decimal(percent)
    with pytest.raises(ValidationError) as refused:
        customer.full_clean()
    assert "discount_percent" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(discount_percent=Decimal(percent))


def test_discount_defaults_to_zero_and_is_edited_in_the_admin(customer: Customer, superuser_client) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from django.urls import reverse

    assert customer.discount_percent == 0
    page = superuser_client.get(reverse("admin:accounts_customer_change", args=[customer.pk]))
    assert "discount_percent" in page.context["adminform"].form.fields
    data = {
        "number": customer.number,
        "name": customer.name,
        "language": "fr",
        "account_manager": customer.account_manager_id,
        "discount_percent": "12.5",
        "is_active": "on",
        "users-TOTAL_FORMS": "0",
        "users-INITIAL_FORMS": "0",
    }
    response = superuser_client.post(reverse("admin:accounts_customer_change", args=[customer.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    customer.refresh_from_db()
    assert customer.discount_percent == Decimal("12.5")
