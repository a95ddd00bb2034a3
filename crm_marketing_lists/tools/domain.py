"""Parse and check the domains that users write on dynamic marketing lists.

A domain is text typed (or built with the domain editor) by a user. It is only
ever read with :func:`ast.literal_eval`, which builds Python literals and never
calls anything, then checked leaf by leaf against the fields of the member
model: anything else is refused with a message that names the problem.
"""

import ast

from odoo.exceptions import AccessError, ValidationError
from odoo.osv import expression

_LOGICAL_OPERATORS = ("&", "|", "!")
_SUBDOMAIN_OPERATORS = ("any", "not any")
_SCALARS = (str, int, float, bool, type(None))
# the constant leaves Odoo itself writes for "always true" / "always false"
_CONSTANT_LEAVES = ((1, "=", 1), (0, "=", 1))


def parse_domain(env, model_name, text):
    """Return the domain written in ``text`` for ``model_name`` as a list.

    Raise a :class:`ValidationError` when ``text`` is not a literal domain,
    names an unknown field or uses an operator Odoo does not know.
    """
    text = (text or "").strip() or "[]"
    try:
        domain = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as error:
        raise ValidationError(
            env._(
                "The filter %(domain)s is not a valid domain: only a list of conditions with literal values "
                "is accepted (%(error)s).",
                domain=_shorten(text),
                error=type(error).__name__,
            )
        ) from None
    check_domain(env, env[model_name], domain)
    return list(domain)


def check_domain(env, model, domain):
    """Check the structure, fields, operators and values of ``domain`` on ``model``."""
    if not isinstance(domain, (list, tuple)):
        raise ValidationError(
            env._("The filter must be a list of conditions, not %(value)s.", value=_shorten(repr(domain)))
        )
    # Prefix (Polish) notation: count the terms from the end, each operator consumes its operands.
    terms = 0
    for element in reversed(domain):
        if isinstance(element, str):
            if element not in _LOGICAL_OPERATORS:
                raise ValidationError(
                    env._(
                        "Unknown logical operator %(operator)s in the filter: use '&', '|' or '!'.",
                        operator=_shorten(repr(element)),
                    )
                )
            needed = 1 if element == "!" else 2
            if terms < needed:
                raise ValidationError(
                    env._("The logical operator %(operator)s lacks a condition.", operator=repr(element))
                )
            terms -= needed - 1
        elif isinstance(element, (list, tuple)):
            _check_leaf(env, model, element)
            terms += 1
        else:
            raise ValidationError(
                env._(
                    "The filter contains %(value)s, which is neither a condition nor a logical operator.",
                    value=_shorten(repr(element)),
                )
            )


def _check_leaf(env, model, leaf):
    if len(leaf) != 3:
        raise ValidationError(
            env._(
                "The condition %(leaf)s must have three parts: field, operator and value.",
                leaf=_shorten(repr(leaf)),
            )
        )
    if tuple(leaf) in _CONSTANT_LEAVES:
        return
    path, operator, value = leaf
    if not isinstance(path, str) or not path:
        raise ValidationError(env._("The condition %(leaf)s does not name a field.", leaf=_shorten(repr(leaf))))
    if not isinstance(operator, str) or operator not in expression.TERM_OPERATORS:
        raise ValidationError(
            env._(
                "The operator %(operator)s of the condition on %(field)s is not allowed.",
                operator=_shorten(repr(operator)),
                field=path,
            )
        )
    field = _resolve_path(env, model, path)
    if operator in _SUBDOMAIN_OPERATORS:
        if not field.relational:
            raise ValidationError(
                env._(
                    "The operator %(operator)s needs a relational field, and %(field)s is not one.",
                    operator=operator,
                    field=path,
                )
            )
        check_domain(env, env[field.comodel_name], value)
        return
    _check_value(env, path, value)


def _resolve_path(env, model, path):
    """Return the last field of the dotted ``path``, checking every step."""
    current = model
    parts = path.split(".")
    field = None
    for index, name in enumerate(parts):
        field = current._fields.get(name)
        if field is None:
            raise ValidationError(
                env._(
                    "Unknown field %(field)s on %(model)s in the filter.",
                    field=name if len(parts) == 1 else path,
                    model=current._description,
                )
            )
        try:
            current.check_field_access_rights("read", [name])
        except AccessError:
            raise ValidationError(env._("You may not filter on the field %(field)s.", field=path)) from None
        if not field._description_searchable:
            raise ValidationError(env._("The field %(field)s cannot be used in a filter.", field=path))
        if index < len(parts) - 1:
            if not field.relational:
                raise ValidationError(
                    env._(
                        "%(field)s is not a relational field, so %(path)s cannot go through it.",
                        field=name,
                        path=path,
                    )
                )
            current = env[field.comodel_name]
    return field


def _check_value(env, path, value):
    values = value if isinstance(value, (list, tuple)) else [value]
    for item in values:
        if not isinstance(item, _SCALARS):
            raise ValidationError(
                env._(
                    "The value %(value)s compared with %(field)s must be text, a number, a boolean or a list of them.",
                    value=_shorten(repr(value)),
                    field=path,
                )
            )


def _shorten(text, size=80):
    return text if len(text) <= size else text[: size - 1] + "…"
