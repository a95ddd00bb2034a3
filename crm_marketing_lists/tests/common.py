import base64
import io

from openpyxl import Workbook

from odoo import Command

from odoo.addons.crm_extended.tests.common import CrmSuiteCommon


class MarketingListCommon(CrmSuiteCommon):
    """A small known dataset of contacts and leads, on top of the suite's role users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.MarketingList = cls.env["crm.marketing.list"]
        Partner = cls.env["res.partner"]
        cls.country_be = cls.env.ref("base.be")
        cls.country_fr = cls.env.ref("base.fr")
        cls.ghent, cls.liege, cls.lyon, cls.paris = Partner.create(
            [
                {
                    "name": "Ghent Gardens (test)",
                    "email": "info@ghent-gardens.example.com",
                    "city": "Ghent",
                    "country_id": cls.country_be.id,
                    "vat": "BE0477472701",
                    "is_company": True,
                },
                {
                    "name": "Liege Lights (test)",
                    "email": "contact@liege-lights.example.com",
                    "city": "Liège",
                    "country_id": cls.country_be.id,
                    "is_company": True,
                },
                {
                    "name": "Lyon Looms (test)",
                    "email": "hello@lyon-looms.example.com",
                    "city": "Lyon",
                    "country_id": cls.country_fr.id,
                    "is_company": True,
                },
                {
                    "name": "Paris Prints (test)",
                    "email": "sales@paris-prints.example.com",
                    "city": "Paris",
                    "country_id": cls.country_fr.id,
                    "is_company": True,
                },
            ]
        )
        Lead = cls.env["crm.lead"]
        cls.lead_sam, cls.lead_sue, cls.lead_free = Lead.create(
            [
                {
                    "name": "Sam's office chairs (test)",
                    "type": "opportunity",
                    "email_from": "buyer@sam-client.example.com",
                    "user_id": cls.user_salesman.id,
                    "expected_revenue": 12000,
                },
                {
                    "name": "Sue's desks (test)",
                    "type": "opportunity",
                    "email_from": "buyer@sue-client.example.com",
                    "user_id": cls.user_salesman_2.id,
                    "expected_revenue": 30000,
                },
                {
                    "name": "Unassigned lamps (test)",
                    "type": "lead",
                    "email_from": "buyer@free-client.example.com",
                    "user_id": False,
                    "team_id": False,
                    "expected_revenue": 500,
                },
            ]
        )

    @classmethod
    def _create_list(cls, name, members=None, user=None, **values):
        """Create a list as ``user`` (the superuser by default) holding ``members``."""
        env_list = cls.MarketingList.with_user(user) if user else cls.MarketingList
        values.setdefault("member_model", members._name if members is not None else "res.partner")
        mlist = env_list.create({"name": name, **values})
        if members:
            fname = "partner_ids" if members._name == "res.partner" else "lead_ids"
            mlist.write({fname: [Command.set(members.ids)]})
        return mlist

    @staticmethod
    def _xlsx(rows):
        workbook = Workbook()
        sheet = workbook.active
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return base64.b64encode(buffer.getvalue())
