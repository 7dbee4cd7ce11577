"""The column headers of other tools' CSV exports of contacts: Google Contacts (both
layouts), Outlook (in English and in the seeds' languages), Yahoo, Thunderbird, common CRMs
(Salesforce, HubSpot) and our own export. Each preset names, per field, the headers it may be
read from, best first; :mod:`.csvfile` picks the preset a header matches best.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kamdesk.core.interchange.people.model import FIELDS

MAPPABLE = ("name", "first_name", "middle_name", "last_name", *FIELDS[1:])
MAPPABLE_LABELS = {
    "name": "Full name",
    "first_name": "First name",
    "middle_name": "Middle name",
    "last_name": "Last name",
    "position": "Position",
    "department": "Department",
    "email": "E-mail",
    "phone": "Phone",
    "language": "Language",
}


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    columns: Mapping[str, tuple[str, ...]]  # field -> alternative headers, best first


def _numbered(template: str, count: int) -> tuple[str, ...]:
    return tuple(template.format(i) for i in range(1, count + 1))


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "kamdesk",
            "kamdesk export",
            {
                "name": ("Name",),
                "position": ("Position",),
                "department": ("Department",),
                "email": ("E-mail",),
                "phone": ("Phone",),
                "language": ("Language",),
            },
        ),
        Preset(
            "google",
            "Google Contacts",
            {
                "name": ("Name",),
                "first_name": ("Given Name", "First Name"),
                "middle_name": ("Additional Name", "Middle Name"),
                "last_name": ("Family Name", "Last Name"),
                "email": _numbered("E-mail {} - Value", 6),
                "phone": _numbered("Phone {} - Value", 8),
                "position": ("Organization 1 - Title", "Organization Title"),
                "department": ("Organization 1 - Department", "Organization Department"),
            },
        ),
        Preset(
            "outlook",
            "Outlook",
            {
                "first_name": ("First Name",),
                "middle_name": ("Middle Name",),
                "last_name": ("Last Name",),
                "position": ("Job Title",),
                "department": ("Department",),
                "email": ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address"),
                "phone": (
                    "Business Phone",
                    "Mobile Phone",
                    "Primary Phone",
                    "Company Main Phone",
                    "Business Phone 2",
                    "Home Phone",
                    "Other Phone",
                ),
                "language": ("Language",),
            },
        ),
        # Outlook's CSV export names its columns in the language of Outlook itself: the
        # seeds' languages (PL, RU, IT, HU). Other columns and spellings: --map.
        Preset(
            "outlook-pl",
            "Outlook (polski)",
            {
                "first_name": ("Imię",),
                "middle_name": ("Drugie imię",),
                "last_name": ("Nazwisko",),
                "position": ("Stanowisko",),
                "department": ("Dział",),
                "email": ("Adres e-mail", "Adres e-mail 2", "Adres e-mail 3"),
                "phone": (
                    "Telefon służbowy",
                    "Telefon komórkowy",
                    "Telefon podstawowy",
                    "Telefon główny firmy",
                    "Telefon służbowy 2",
                    "Telefon domowy",
                    "Inny telefon",
                ),
                "language": ("Język",),
            },
        ),
        Preset(
            "outlook-ru",
            "Outlook (русский)",
            {
                "first_name": ("Имя",),
                "middle_name": ("Отчество",),
                "last_name": ("Фамилия",),
                "position": ("Должность",),
                "department": ("Отдел",),
                "email": ("Адрес эл. почты", "Адрес 2 эл. почты", "Адрес 3 эл. почты"),
                "phone": (
                    "Рабочий телефон",
                    "Мобильный телефон",
                    "Основной телефон",
                    "Телефон организации",
                    "Рабочий телефон 2",
                    "Домашний телефон",
                    "Другой телефон",
                ),
                "language": ("Язык",),
            },
        ),
        Preset(
            "outlook-it",
            "Outlook (italiano)",
            {
                "first_name": ("Nome",),
                "middle_name": ("Secondo nome",),
                "last_name": ("Cognome",),
                "position": ("Posizione",),
                "department": ("Reparto",),
                "email": (
                    "Indirizzo posta elettronica",
                    "Indirizzo posta elettronica 2",
                    "Indirizzo posta elettronica 3",
                ),
                "phone": (
                    "Ufficio",
                    "Cellulare",
                    "Telefono principale",
                    "Telefono principale società",
                    "Ufficio 2",
                    "Abitazione",
                    "Altro telefono",
                ),
                "language": ("Lingua",),
            },
        ),
        Preset(
            "outlook-hu",
            "Outlook (magyar)",
            {
                "first_name": ("Utónév",),
                "middle_name": ("Második utónév",),
                "last_name": ("Vezetéknév",),
                "position": ("Beosztás",),
                "department": ("Osztály",),
                "email": (
                    "Elektronikus levélcím",
                    "2. elektronikus levélcím",
                    "3. elektronikus levélcím",
                ),
                "phone": (
                    "Munkahelyi telefon",
                    "Mobiltelefon",
                    "Elsődleges telefon",
                    "Cég fő telefonszáma",
                    "2. munkahelyi telefon",
                    "Otthoni telefon",
                    "Egyéb telefon",
                ),
                "language": ("Nyelv",),
            },
        ),
        Preset(
            "yahoo",
            "Yahoo",
            {
                "first_name": ("First",),
                "middle_name": ("Middle",),
                "last_name": ("Last",),
                "position": ("Title",),
                "email": ("Email", "Alternate Email 1", "Alternate Email 2"),
                "phone": ("Work", "Mobile", "Home", "Other"),
            },
        ),
        Preset(
            "thunderbird",
            "Thunderbird",
            {
                "name": ("Display Name",),
                "first_name": ("First Name",),
                "last_name": ("Last Name",),
                "position": ("Job Title",),
                "department": ("Department",),
                "email": ("Primary Email", "Secondary Email"),
                "phone": ("Work Phone", "Mobile Number", "Home Phone"),
            },
        ),
        Preset(
            "crm",
            "CRM (Salesforce, HubSpot…)",
            {
                "name": ("Full Name", "Name", "Contact Name"),
                "first_name": ("First Name", "Firstname"),
                "last_name": ("Last Name", "Lastname", "Surname"),
                "position": ("Title", "Job Title"),
                "department": ("Department",),
                "email": ("Email", "Email Address", "Work Email"),
                "phone": (
                    "Phone",
                    "Phone Number",
                    "Business Phone",
                    "Work Phone",
                    "Mobile",
                    "Mobile Phone",
                    "Mobile Phone Number",
                ),
                "language": ("Language", "Preferred Language"),
            },
        ),
    )
}
