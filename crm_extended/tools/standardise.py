"""Pure helpers that write account data the same way every time.

They take plain values and return plain values; the models decide which rule
applies to which field (see ``res.partner._crm_standardise_values``).
"""

import re

from odoo.exceptions import UserError, ValidationError

from odoo.addons.phone_validation.tools import phone_validation

try:
    import phonenumbers
except ImportError:  # phone_validation then leaves numbers as they are
    phonenumbers = None

_SPACES_RE = re.compile(r"\s+")
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_NAMED_ADDRESS_RE = re.compile(r'^"?(?P<name>[^"<>]*?)"?\s*<(?P<address>[^<>\s]+)>$')
_ADDRESS_RE = re.compile(
    r"^[^\s@<>,;\"()\[\]]+"  # local part
    r"@(?!-)[^\s@<>,;\"()\[\]._]+(?:\.[^\s@<>,;\"()\[\]._]+)*"  # domain labels
    r"\.[^\s@<>,;\"()\[\].\d_-]{2,}$"  # top-level domain
)


def collapse_spaces(value):
    """Trim a text and collapse its inner white space into single spaces."""
    if not isinstance(value, str):
        return value
    return _SPACES_RE.sub(" ", value).strip()


def is_valid_email(address):
    """Whether ``address`` (a bare address, no name) looks deliverable."""
    return bool(address) and ".." not in address and bool(_ADDRESS_RE.match(address))


def standardise_email(env, value, field_label):
    """Strip, lower-case and validate one or several e-mail addresses.

    ``"John Doe" <John@Example.COM>`` keeps its display name; several addresses
    are separated by commas. Raises a ValidationError naming the field and the
    value when an address is not valid. ``field_label`` is the label, or a function
    returning it (only called for the error message: a label costs a translation lookup).
    """
    if not isinstance(value, str):
        return value
    value = value.strip()
    if not value:
        return False
    cleaned = []
    for chunk in re.split(r"[,;]", value):
        chunk = chunk.strip()
        if not chunk:
            continue
        named = _NAMED_ADDRESS_RE.match(chunk)
        name, address = (collapse_spaces(named["name"]), named["address"]) if named else (False, chunk)
        address = address.lower()
        if not is_valid_email(address):
            raise ValidationError(
                env._(
                    "%(field)s: “%(value)s” is not a valid e-mail address (expected name@example.com).",
                    field=field_label() if callable(field_label) else field_label,
                    value=value,
                )
            )
        cleaned.append(f'"{name}" <{address}>' if name else address)
    return ", ".join(cleaned) or False


def _parse_phone(value, country):
    """``value`` parsed (phonenumbers) for ``country``, or None when it cannot be (or without the library)."""
    try:
        return phone_validation.phone_parse(value, country.code if country else None) or None
    except UserError:
        return None


# E.164 form of the numbers standardise_phone formatted last: (formatted, country code) -> E.164.
# Parsing a number (phonenumbers) is the costliest step of standardising a partner; the
# matching key of a number just standardised is read here instead of parsing it again.
# A memo of a pure function (the same answer as phone_key would compute), kept small.
_E164_OF_FORMATTED = {}
_E164_MEMO_SIZE = 4096


def standardise_phone(value, country):
    """International format (+32 470 12 34 56) from the country of the record.

    Numbers that cannot be parsed are only trimmed: a phone number is never a
    reason to refuse a record.
    """
    value = collapse_spaces(value)
    if not value:
        return value
    number = _parse_phone(value, country)
    if not number:
        return value
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if len(_E164_OF_FORMATTED) >= _E164_MEMO_SIZE:
        _E164_OF_FORMATTED.clear()
    _E164_OF_FORMATTED[formatted, country.code if country else None] = phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.E164
    )
    return formatted


def standardise_website(value):
    """A website always has a scheme: ``example.com`` becomes ``https://example.com``."""
    if not isinstance(value, str):
        return value
    value = _SPACES_RE.sub("", value)
    if not value:
        return False
    if not _SCHEME_RE.match(value):
        value = f"https://{value.lstrip('/')}"
    return value


def standardise_vat(value):
    """Tax ID in upper case without any white space: ``be 0477 472 701`` → ``BE0477472701``."""
    if not isinstance(value, str):
        return value
    return _SPACES_RE.sub("", value).upper() or False


def normalise_name(value):
    """Key used to compare company names: lower case, single spaces, no punctuation."""
    if not value:
        return False
    value = re.sub(r"[.'’`]", "", value.lower())  # S.A. = SA, O'Neil = ONeil
    value = re.sub(r"[^\w\s]", " ", value)
    return collapse_spaces(value) or False


def vat_key(value):
    """Key used to compare Tax IDs: upper-case letters and digits only (``/`` gives no key)."""
    if not value:
        return False
    return re.sub(r"[^A-Z0-9]", "", value.upper()) or False


def phone_key(value, country):
    """Key used to compare phone numbers: E.164 (+32470123456) when parseable, else digits."""
    if not value:
        return False
    e164 = _E164_OF_FORMATTED.get((value, country.code if country else None))
    if e164 is None:
        number = _parse_phone(value, country)
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else value
    digits = re.sub(r"[^\d+]", "", e164)
    return digits if len(digits.lstrip("+")) >= 6 else False


def partner_keys(name, is_company, city, vat, phone, mobile, country):
    """The duplicate-detection keys of a res.partner (its ``crm_*_key`` fields) from its values."""
    return {
        "crm_name_key": normalise_name(name) if is_company else False,
        "crm_city_key": normalise_name(city),
        "crm_vat_key": vat_key(vat),
        "crm_phone_key": phone_key(phone, country),
        "crm_mobile_key": phone_key(mobile, country),
    }


def standardise_values(records, vals, company, spec):
    """Return a copy of ``vals`` standardised for ``records``' model.

    :param records: the recordset (possibly empty) the values are meant for
    :param vals: dict of values to create or write
    :param company: res.company whose switches apply
    :param spec: dict rule -> field names, rules: names, email, phone, website, vat
    :return: a new dict; ``vals`` is left untouched and nothing is written
    """
    result = dict(vals)
    env = records.env
    model_fields = records._fields

    def _apply(rule, switch, function):
        if not company[switch]:
            return
        for fname in spec.get(rule, ()):
            if fname in result and isinstance(result[fname], str):
                result[fname] = function(fname, result[fname])

    _apply("names", "crm_standardise_names", lambda fname, value: collapse_spaces(value))
    _apply(
        "email",
        "crm_standardise_email",
        lambda fname, value: standardise_email(env, value, lambda: model_fields[fname]._description_string(env)),
    )
    if company.crm_standardise_phone and any(isinstance(result.get(fname), str) for fname in spec.get("phone", ())):
        country = _country_for(records, result, company)
        _apply("phone", "crm_standardise_phone", lambda fname, value: standardise_phone(value, country))
    _apply("website", "crm_standardise_website", lambda fname, value: standardise_website(value))
    _apply("vat", "crm_standardise_vat", lambda fname, value: standardise_vat(value))
    return result


def _country_for(records, vals, company):
    """Country deciding the phone prefix: the values', the record's, its parent's, the company's."""
    env = records.env
    if vals.get("country_id"):
        return env["res.country"].browse(vals["country_id"]).sudo()
    for parent_field in ("parent_id", "partner_id"):
        if vals.get(parent_field) and parent_field in records._fields:
            parent = env["res.partner"].browse(vals[parent_field]).sudo()
            if parent.country_id:
                return parent.country_id
    if len(records) == 1 and records.country_id:
        return records.country_id.sudo()
    return company.sudo().country_id
