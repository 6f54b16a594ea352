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
