"""The portal in French, Dutch, German and English, as found by walking the FAQ in each:
language names, the colon of each language, mails in their reader's language, dates."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.models import User
from communication import services
from communication.models import Complaint, Message, MessageType
from dossiers.models import Dossier
from mailer.models import OutboundMail
from mailer.rendering import render_mail
from tests.factories import DealerFactory

pytestmark = pytest.mark.django_db

NB = "\u00a0"
NAMES = [("fr", "Français"), ("nl", "Nederlands"), ("de", "Deutsch"), ("en", "English")]


def _switcher(html: str) -> list[tuple[str, str, str]]:
    select = html[html.index('id="language-switch"') : html.index("</select>", html.index('id="language-switch"'))]
    return re.findall(r'<option value="(\w+)" lang="(\w+)"[^>]*>([^<]+)</option>', select)


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_language_switcher_names_each_language_in_itself(owner: User, owner_client: Client, language: str) -> None:
    owner.language = language
    owner.save(update_fields=["language"])
    html = owner_client.get(reverse("dossiers:dossier-list")).content.decode()
    assert f'<html lang="{language}">' in html
    assert _switcher(html) == [(code, code, name) for code, name in NAMES]


def test_language_switcher_on_the_login_page_too() -> None:
    html = Client(headers={"accept-language": "de"}).get(reverse("accounts:login")).content.decode()
    assert '<html lang="de">' in html
    assert _switcher(html) == [(code, code, name) for code, name in NAMES]


def _thread(client: Client, dossier: Dossier) -> str:
    return client.get(reverse("communication:message-list", kwargs={"pk": dossier.pk})).content.decode()


@pytest.mark.parametrize(
    ("language", "audience", "complaint"),
    [
        ("fr", f"Groupe-cible{NB}: Renson", f"Plainte{NB}: Nouvelle"),
        ("nl", "Doelgroep: Renson", "Klacht: Nieuw"),
        ("de", "Zielgruppe: Renson", "Reklamation: Neu"),
        ("en", "Audience: Renson", "Complaint: New"),
    ],
)
def test_only_french_puts_a_space_before_the_colon(
    owner: User, owner_client: Client, dossier: Dossier, language: str, audience: str, complaint: str
) -> None:
    services.post_message(dossier=dossier, author=owner, type=MessageType.COMPLAINT, body="Lame cassée")
    owner.language = language
    owner.save(update_fields=["language"])
    html = _thread(owner_client, dossier)
    assert audience in html
    assert complaint in html
    if language != "fr":
        assert " :" not in re.sub(r"<[^>]+>", "", html).replace(f"{NB}:", "")


@pytest.mark.parametrize(
    ("language", "line"),
    [("fr", f"Référence{NB}: Villa Leroy"), ("nl", "Referentie: Villa Leroy"), ("en", "Reference: Villa Leroy")],
)
def test_mails_write_the_colon_of_their_language(owner: User, dossier: Dossier, language: str, line: str) -> None:
    dossier.reference = "Villa Leroy"
    message = Message(dossier=dossier, author=owner, type=MessageType.REMARK, body="Bonjour", created_at=timezone.now())
    mail = render_mail(
        "message_posted",
        {"message": message, "dossier": dossier, "author_name": "Marie", "recipient": owner, "link": "http://x/"},
        language,
    )
    for text in (mail.text, mail.html):
        assert line in text
        if language != "fr":
            assert " :" not in text


def test_an_email_copied_to_a_colleague_arrives_in_the_colleagues_language(
    owner: User, colleague: User, dossier: Dossier, staff: User
) -> None:
    german = DealerFactory.create(email="Hans@Partner.example", language="de")  # another customer's account
    services.post_message(
        dossier=dossier,
        author=owner,
        type=MessageType.EMAIL,
        title="Plans",
        body="Voici les plans.",
        recipients=["JAN@dupont.example", "archi@example.com", "hans@partner.example", staff.email],
    )
    languages = {mail.recipient.lower(): mail.language for mail in OutboundMail.objects.all()}
    assert languages == {
        colleague.email: "nl",  # an account: its own language, whatever case the dealer typed
        "archi@example.com": "fr",  # an outside address: the sender's
        german.email.lower(): "de",
        staff.email: staff.language,
    }
    dutch = OutboundMail.objects.get(recipient__iexact=colleague.email)
    assert "Verstuurd door" in dutch.body_text


def test_an_inactive_account_does_not_choose_the_language(owner: User, dossier: Dossier) -> None:
    DealerFactory.create(email="old@dupont.example", customer=owner.customer, language="de", is_active=False)
    services.post_message(
        dossier=dossier, author=owner, type=MessageType.EMAIL, title="x", body="y", recipients=["old@dupont.example"]
    )
    assert OutboundMail.objects.get().language == owner.language


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", f"Adresse e-mail invalide{NB}: «{NB}faux{NB}»."),
        ("nl", "Ongeldig e-mailadres: ‘faux’."),
        ("de", "Ungültige E-Mail-Adresse: „faux“."),
        ("en", "Invalid e-mail address: “faux”."),
    ],
)
def test_an_invalid_address_is_quoted_as_the_language_quotes(language: str, expected: str) -> None:
    from django.core.exceptions import ValidationError

    from communication.recipients import parse_recipients

    with translation.override(language), pytest.raises(ValidationError) as raised:
        parse_recipients("ok@example.com, faux")
    assert raised.value.messages == [expected]


AT = dt.datetime(2026, 12, 1, 22, 6, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1 Dec 2026 23:06"), ("fr", "01/12/2026 23:06"), ("nl", "1-12-2026 23:06"), ("de", "01.12.2026 23:06")],
)
def test_dates_are_unambiguous_in_every_language(language: str, expected: str) -> None:
    with translation.override(language):
        assert date_format(timezone.localtime(AT), "SHORT_DATETIME_FORMAT") == expected


def test_english_pages_and_mails_use_the_day_month_year_24_hour_format(
    owner: User, owner_client: Client, dossier: Dossier
) -> None:
    message = services.post_message(dossier=dossier, author=owner, type=MessageType.COMPLAINT, body="Cassé")
    Message.objects.filter(pk=message.pk).update(created_at=AT)
    owner.language = "en"
    owner.save(update_fields=["language"])
    html = _thread(owner_client, dossier)
    assert "1 Dec 2026 23:06" in html
    assert "p.m." not in html and "12/01/2026" not in html
    complaint = Complaint.objects.select_related("message__author", "message__dossier").get()
    complaint.message.created_at = AT
    mail = render_mail(
        "complaint_state",
        {"complaint": complaint, "message": complaint.message, "dossier": dossier, "link": "http://x/"},
        "en",
    )
    assert "1 Dec 2026 23:06" in mail.text
