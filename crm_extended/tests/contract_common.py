"""Fixtures of the contract tests: products and a helper that builds contracts."""

from odoo import Command, fields

from odoo.addons.crm_extended.tests.common import CrmSuiteCommon


class CrmContractCommon(CrmSuiteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Contract = cls.env["crm.contract"]
        cls.product_support = cls.env["product.product"].create(
            {"name": "Support Plan (test)", "list_price": 100.0, "type": "service"}
        )
        cls.product_setup = cls.env["product.product"].create(
            {"name": "Setup (test)", "list_price": 500.0, "type": "service"}
        )
        cls.product_b = cls.env["product.product"].create(
            {"name": "Company B Service (test)", "list_price": 10.0, "company_id": cls.company_b.id}
        )

    @classmethod
    def _create_contract(cls, user=None, lines=None, **values):
        """A contract of partner_a in company_a for ``user`` (default: user_salesman, False: unassigned)."""
        if lines is None:
            lines = [
                {"product_id": cls.product_support.id, "quantity": 2, "recurring_interval": "monthly"},
                {"product_id": cls.product_setup.id, "quantity": 1, "recurring_interval": "one_off"},
            ]
        vals = {
            "name": "Maintenance (test)",
            "partner_id": cls.partner_a.id,
            "user_id": cls.user_salesman.id if user is None else (user.id if user else False),
            "company_id": cls.company_a.id,
            "date_start": fields.Date.to_date("2025-01-01"),
            "date_end": fields.Date.to_date("2025-12-31"),
            "line_ids": [Command.create(line) for line in lines],
        }
        vals.update(values)
        return cls.env["crm.contract"].create(vals)
