"""Column headers of an imported spreadsheet, recognised in the users' languages.

``HEADER_SYNONYMS[import_type][target]`` lists what people write at the top of
a column for that target, in English, Greek, Polish, Russian, Latvian and
Filipino. Headers are compared after :func:`normalise_header` (case, accents,
punctuation and spaces do not matter), so ``"E-Mail"``, ``"e mail"`` and
``"EMAIL "`` are the same header, and ``"Επωνυμία"`` matches ``"ΕΠΩΝΥΜΙΑ"``.
Odoo's own field labels (in every installed language) are added by the wizard.
"""

import re
import unicodedata

_NOT_WORD_RE = re.compile(r"[\W_]+")

_COMPANY = [
    # en
    "company",
    "company name",
    "account",
    "account name",
    "customer",
    "customer name",
    "organisation",
    "organization",
    "business name",
    # el
    "επωνυμία",
    "εταιρεία",
    "εταιρία",
    "επωνυμία εταιρείας",
    "όνομα εταιρείας",
    "πελάτης",
    # pl
    "firma",
    "nazwa firmy",
    "klient",
    "kontrahent",
    "nazwa klienta",
    # ru
    "компания",
    "название компании",
    "организация",
    "наименование организации",
    "клиент",
    # lv
    "uzņēmums",
    "uzņēmuma nosaukums",
    "klients",
    "kompānija",
    "organizācija",
    # fil
    "kumpanya",
    "kompanya",
    "pangalan ng kumpanya",
    "kliyente",
]
_EMAIL = [
    "email",
    "e-mail",
    "mail",
    "email address",
    "e-mail address",
    "ηλεκτρονικό ταχυδρομείο",
    "διεύθυνση email",
    "ηλ. ταχυδρομείο",
    "adres e-mail",
    "adres email",
    "poczta",
    "электронная почта",
    "эл. почта",
    "почта",
    "емейл",
    "e-pasts",
    "epasts",
    "e-pasta adrese",
    "koreo",
    "elektronikong koreo",
    "email ng kumpanya",
]
_PHONE = [
    "phone",
    "telephone",
    "tel",
    "phone number",
    "τηλέφωνο",
    "τηλ",
    "αριθμός τηλεφώνου",
    "telefon",
    "numer telefonu",
    "телефон",
    "тел",
    "номер телефона",
    "tālrunis",
    "telefons",
    "tālr",
    "tālruņa numurs",
    "telepono",
    "numero ng telepono",
]
_MOBILE = [
    "mobile",
    "mobile phone",
    "cell",
    "cell phone",
    "κινητό",
    "κινητό τηλέφωνο",
    "telefon komórkowy",
    "komórka",
    "tel kom",
    "мобильный",
    "мобильный телефон",
    "сотовый",
    "mobilais",
    "mobilais tālrunis",
    "cellphone",
    "selpon",
]
_WEBSITE = [
    "website",
    "web site",
    "web",
    "url",
    "site",
    "homepage",
    "ιστοσελίδα",
    "ιστότοπος",
    "strona",
    "strona www",
    "www",
    "strona internetowa",
    "сайт",
    "веб-сайт",
    "mājaslapa",
    "tīmekļa vietne",
    "vietne",
    "websayt",
]
_STREET = [
    "street",
    "address",
    "street address",
    "address line 1",
    "διεύθυνση",
    "οδός",
    "ulica",
    "adres",
    "улица",
    "адрес",
    "iela",
    "adrese",
    "kalye",
    "tirahan",
]
_STREET2 = ["street2", "street 2", "address line 2", "διεύθυνση 2", "adres 2", "адрес 2", "adrese 2", "tirahan 2"]
_CITY = ["city", "town", "πόλη", "miasto", "miejscowość", "город", "pilsēta", "lungsod", "bayan"]
_ZIP = [
    "zip",
    "zip code",
    "postcode",
    "post code",
    "postal code",
    "τκ",
    "τ.κ.",
    "ταχυδρομικός κώδικας",
    "kod pocztowy",
    "индекс",
    "почтовый индекс",
    "pasta indekss",
    "indekss",
    "kodigo postal",
]
_COUNTRY = ["country", "χώρα", "kraj", "państwo", "страна", "valsts", "bansa"]
_CONTACT_NAME = [
    "contact",
    "contact name",
    "contact person",
    "επαφή",
    "όνομα επαφής",
    "υπεύθυνος επικοινωνίας",
    "osoba kontaktowa",
    "kontakt",
    "imię i nazwisko",
    "контактное лицо",
    "контакт",
    "фио",
    "kontaktpersona",
    "kontaktpersonas vārds",
    "pangalan ng contact",
    "kontak",
    "taong kokontakin",
]
_CONTACT_EMAIL = [
    "contact email",
    "contact e-mail",
    "email επαφής",
    "e-mail osoby kontaktowej",
    "email kontaktu",
    "email контакта",
    "почта контактного лица",
    "kontaktpersonas e-pasts",
    "email ng contact",
]
_CONTACT_PHONE = [
    "contact phone",
    "τηλέφωνο επαφής",
    "telefon osoby kontaktowej",
    "telefon kontaktu",
    "телефон контакта",
    "телефон контактного лица",
    "kontaktpersonas tālrunis",
    "telepono ng contact",
]
_FUNCTION = [
    "job position",
    "job title",
    "position",
    "function",
    "role",
    "θέση",
    "θέση εργασίας",
    "ιδιότητα",
    "stanowisko",
    "должность",
    "amats",
    "posisyon",
    "katungkulan",
]

HEADER_SYNONYMS = {
    "partner": {
        "name": ["name", "nazwa", "название", "наименование", "nosaukums", "όνομα", "pangalan", *_COMPANY],
        "vat": [
            "vat",
            "vat number",
            "vat id",
            "tax id",
            "tax number",
            "tin",
            "αφμ",
            "α.φ.μ.",
            "αριθμός φορολογικού μητρώου",
            "nip",
            "numer nip",
            "nip ue",
            "инн",
            "ндс",
            "номер ндс",
            "pvn",
            "pvn numurs",
            "pvn reģistrācijas numurs",
            "nodokļu maksātāja numurs",
            "numero ng tin",
        ],
        "email": _EMAIL,
        "phone": _PHONE,
        "mobile": _MOBILE,
        "website": _WEBSITE,
        "street": _STREET,
        "street2": _STREET2,
        "city": _CITY,
        "zip": _ZIP,
        "country": _COUNTRY,
        "contact_name": _CONTACT_NAME,
        "contact_email": _CONTACT_EMAIL,
        "contact_phone": _CONTACT_PHONE,
        "contact_function": _FUNCTION,
    },
    "lead": {
        "lead_name": [
            "opportunity",
            "opportunity name",
            "lead",
            "lead name",
            "title",
            "subject",
            "deal",
            "name",
            "ευκαιρία",
            "τίτλος",
            "θέμα",
            "szansa",
            "szansa sprzedaży",
            "tytuł",
            "temat",
            "сделка",
            "возможность",
            "лид",
            "название сделки",
            "тема",
            "iespēja",
            "darījums",
            "temats",
            "nosaukums",
            "oportunidad",
            "pagkakataon",
            "pamagat",
            "paksa",
        ],
        "partner_name": _COMPANY,
        "contact_name": _CONTACT_NAME,
        "email": _EMAIL,
        "phone": _PHONE,
        "mobile": _MOBILE,
        "website": _WEBSITE,
        "street": _STREET,
        "street2": _STREET2,
        "city": _CITY,
        "zip": _ZIP,
        "country": _COUNTRY,
        "function": _FUNCTION,
        "expected_revenue": [
            "expected revenue",
            "revenue",
            "amount",
            "value",
            "deal value",
            "αναμενόμενα έσοδα",
            "έσοδα",
            "ποσό",
            "αξία",
            "oczekiwany przychód",
            "przychód",
            "kwota",
            "wartość",
            "ожидаемый доход",
            "доход",
            "сумма",
            "выручка",
            "paredzamie ieņēmumi",
            "ieņēmumi",
            "summa",
            "vērtība",
            "inaasahang kita",
            "kita",
            "halaga",
        ],
        "description": [
            "notes",
            "note",
            "description",
            "comment",
            "comments",
            "σημειώσεις",
            "περιγραφή",
            "σχόλια",
            "notatki",
            "uwagi",
            "opis",
            "примечание",
            "примечания",
            "описание",
            "комментарий",
            "piezīmes",
            "apraksts",
            "komentārs",
            "tala",
            "paglalarawan",
            "komento",
        ],
    },
}


def normalise_header(value):
    """Header key: case-folded, accents removed, punctuation and spaces collapsed.

    ``" E-Mail "`` → ``"e mail"``; ``"Τηλέφωνο"`` → ``"τηλεφωνο"``; ``"Uzņēmums"`` → ``"uznemums"``.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return _NOT_WORD_RE.sub(" ", text.casefold()).strip()


def synonym_index(import_type):
    """Dict normalised header -> target for ``import_type`` (first target listed wins)."""
    index = {}
    for target, words in HEADER_SYNONYMS[import_type].items():
        index.setdefault(normalise_header(target), target)
        for word in words:
            index.setdefault(normalise_header(word), target)
    return index
