"""Warranty numbers: the spec's test vectors, and every typo of the common kinds is caught."""

from __future__ import annotations

import random
from datetime import date

import pytest

from configurator.warranty import (
    InvalidWarrantyNumber,
    decode,
    display,
    make_warranty_number,
    normalise,
)


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("2423-1-004214-4", "242310042144"),  # FX100, 2024 week 23
        ("2507-4-000118-1", "250740001181"),  # ALGV, 2025 week 07
        ("2341-7-090213-0", "234170902130"),  # INVV, 2023 week 41
        ("2519-8-012345-6", "251980123456"),  # HBX3
        ("2452-2-000777-7", "245220007777"),  # FX150
        ("2423 1 004214 4", "242310042144"),
        ("2423.1.004214.4", "242310042144"),
        ("2423\u00a01\u00a0004214\u00a04", "242310042144"),
        ("242310042144", "242310042144"),
    ],
)
def test_valid_numbers_are_accepted_with_or_without_separators(typed: str, digits: str) -> None:
    assert normalise(typed) == digits
    assert display(digits) == display(typed) == f"{digits[:4]}-{digits[4]}-{digits[5:11]}-{digits[11]}"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("242310047144", "checksum"),  # a single typo, 2 → 7
        ("242310402144", "checksum"),  # adjacent swap 04 → 40
        ("242310042414", "checksum"),  # adjacent swap 14 → 41
        ("24231004214", "format"),  # a digit short
        ("2423100421444", "format"),  # a digit too many
        ("2423-1-0042I4-4", "format"),  # a letter
        ("２４２３１００４２１４４", "format"),  # full-width digits are not accepted as digits
    ],
)
def test_typos_are_refused_with_their_reason(typed: str, code: str) -> None:
    with pytest.raises(InvalidWarrantyNumber) as refused:
        normalise(typed)
    assert refused.value.code == code


def test_week_that_does_not_exist_is_refused() -> None:
    week_54 = make_warranty_number(2024, 1, 1, 1)[:2] + "54" + "1000001"
    from stdnum import damm

    with pytest.raises(InvalidWarrantyNumber) as refused:
        normalise(week_54 + damm.calc_check_digit(week_54))
    assert refused.value.code == "week"
    assert (
        str(refused.value.message) == "La semaine de fabrication de ce numéro n'existe pas\u00a0: relisez l'étiquette."
    )


def test_production_week_in_the_future_is_refused() -> None:
    number = make_warranty_number(2025, 7, 4, 118)
    assert normalise(number, today=date(2025, 2, 10)) == number  # week 7 of 2025
    with pytest.raises(InvalidWarrantyNumber) as refused:
        normalise(number, today=date(2025, 2, 9))  # still week 6
    assert refused.value.code == "week"


def test_unknown_family_is_refused() -> None:
    number = make_warranty_number(2024, 23, 9, 4214)
    with pytest.raises(InvalidWarrantyNumber) as refused:
        normalise(number)
    assert refused.value.code == "family"
    assert normalise(number, families={9}) == number


def test_make_warranty_number_matches_the_spec_vector_and_decodes() -> None:
    assert make_warranty_number(2024, 23, 1, 4214) == "242310042144"
    assert make_warranty_number(24, 23, 1, 4214) == "242310042144"
    parts = decode("242310042144")
    assert (parts.year, parts.week, parts.family, parts.sequence) == (2024, 23, 1, 4214)


@pytest.mark.parametrize(
    ("year", "week", "family", "sequence"), [(2024, 0, 1, 1), (2025, 53, 1, 1), (2024, 1, 0, 1), (2024, 1, 1, 10**6)]
)
def test_make_warranty_number_refuses_impossible_fields(year: int, week: int, family: int, sequence: int) -> None:
    with pytest.raises(ValueError):
        make_warranty_number(year, week, family, sequence)


def issued_sample() -> list[str]:
    rng = random.Random(20240623)  # a fixed sample: the test is exhaustive over it
    return [
        make_warranty_number(rng.randint(20, 26), rng.randint(1, 52), rng.randint(1, 8), rng.randint(0, 999_999))
        for _ in range(200)
    ]


def test_every_single_digit_error_is_refused() -> None:
    refused = 0
    for number in issued_sample():
        for position in range(12):
            for digit in "0123456789":
                if digit == number[position]:
                    continue
                typo = number[:position] + digit + number[position + 1 :]
                with pytest.raises(InvalidWarrantyNumber):
                    normalise(typo)
                refused += 1
    assert refused == 200 * 12 * 9


def test_every_adjacent_transposition_is_refused() -> None:
    refused = 0
    for number in issued_sample():
        for position in range(11):
            a, b = number[position], number[position + 1]
            if a == b:
                continue
            swapped = number[:position] + b + a + number[position + 2 :]
            with pytest.raises(InvalidWarrantyNumber):
                normalise(swapped)
            refused += 1
    assert refused > 200 * 11 * 0.8
