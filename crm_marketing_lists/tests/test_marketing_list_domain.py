import os
import tempfile
from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import MarketingListCommon


@tagged("post_install", "-at_install")
class TestMarketingListDomain(MarketingListCommon):
    def _dynamic(self, domain, member_model="res.partner"):
        return self.MarketingList.create(
            {"name": "Dynamic (test)", "list_type": "dynamic", "member_model": member_model, "domain": domain}
        )

    def test_valid_domains_are_accepted(self):
        for domain in (
            "[]",
            "[('country_id.code', '=', 'BE')]",
            "['|', ('city', 'ilike', 'gh'), '!', ('email', '=', False)]",
            "[('category_id', 'any', [('name', 'ilike', 'vip')])]",
            "[(1, '=', 1)]",
            '[("id", "in", [1, 2, 3])]',
        ):
            with self.subTest(domain=domain):
                self.assertEqual(self._dynamic(domain).domain, domain)
        lead_list = self._dynamic(
            "[('user_id.login', '=', 'suite_salesman'), ('expected_revenue', '>', 10.5)]", "crm.lead"
        )
        self.assertEqual(lead_list.member_model, "crm.lead")

    def test_code_is_refused_and_never_run(self):
        with tempfile.TemporaryDirectory() as directory:
            probe = os.path.join(directory, "probe")
            attempts = [
                "__import__('os').system('x')",
                f"[('name', '=', open({probe!r}, 'w').write('x'))]",
                f"[('name', '=', __import__('pathlib').Path({probe!r}).touch())]",
                "[('name', '=', (lambda: 1)())]",
            ]
            with patch("os.system") as system:
                for text in attempts:
                    with self.subTest(text=text), self.assertRaisesRegex(ValidationError, "not a valid domain"):
                        self._dynamic(text)
                system.assert_not_called()
            self.assertFalse(os.path.exists(probe), "a domain must never be executed")

    def test_bad_domains_are_refused_with_a_clear_message(self):
        cases = {
            "[('no_such_field', '=', 1)]": "Unknown field no_such_field",
            "[('country_id.no_such_field', '=', 1)]": "Unknown field country_id.no_such_field",
            "[('city.name', '=', 'Ghent')]": "city is not a relational field",
            "[('city', 'contains', 'x')]": "operator 'contains'",
            "[('city', '=')]": "three parts",
            "{'city': 'Ghent'}": "must be a list of conditions",
            "[('city', '=', 'Ghent'), 42]": "neither a condition nor a logical operator",
            "['^', ('city', '=', 'a'), ('city', '=', 'b')]": "Unknown logical operator",
            "['|', ('city', '=', 'a')]": "lacks a condition",
            "[('city', '=', {'a': 1})]": "must be text, a number",
            "[('city', 'any', [('name', '=', 'x')])]": "needs a relational field",
            "[('category_id', 'any', [('nope', '=', 'x')])]": "Unknown field nope",
            "[(('city',), '=', 'x')]": "does not name a field",
        }
        for text, message in cases.items():
            with self.subTest(text=text), self.assertRaisesRegex(ValidationError, message):
                self._dynamic(text)

    def test_refused_on_write_and_through_the_form(self):
        mlist = self._dynamic("[('city', '=', 'Ghent')]")
        with self.assertRaisesRegex(ValidationError, "Unknown field"):
            mlist.domain = "[('tier_of_the_moon', '=', 'A')]"
        with self.assertRaisesRegex(ValidationError, "Unknown field"), Form(self.MarketingList) as form:
            form.name = "Form list (test)"
            form.list_type = "dynamic"
            form.domain = "[('unknown_thing', '=', 1)]"

    def test_fields_hidden_or_not_searchable_are_refused(self):
        # signup_type is restricted to Access Rights administrators
        with self.assertRaisesRegex(ValidationError, "may not filter on the field signup_type"):
            self.MarketingList.with_user(self.user_salesman).create(
                {"name": "Hidden (test)", "list_type": "dynamic", "domain": "[('signup_type', '!=', False)]"}
            )
        # a computed field without a search method cannot be searched
        with self.assertRaisesRegex(ValidationError, "opportunity_count cannot be used in a filter"):
            self._dynamic("[('opportunity_count', '>', 2)]")
