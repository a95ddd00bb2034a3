"""Shared set-up of the sales material tests (no test in here)."""

import base64

from odoo.addons.crm_extended.tests.common import CrmSuiteCommon


class SalesMaterialCommon(CrmSuiteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Material = cls.env["crm.sales.material"]
        cls.stage_won = cls.env["crm.stage"].create({"name": "Won (test)", "is_won": True, "sequence": 99})
        cls.partner_a.write({"email": "buyer@azure.example.com"})

    @classmethod
    def _create_material(cls, name, user=None, **values):
        vals = {
            "name": name,
            "material_type": "presentation",
            "user_id": (user or cls.user_salesman).id,
            "company_id": cls.company_a.id,
            "customer_viewable": True,
            "lang": "en_US",
        }
        vals.update(values)
        return cls.Material.create(vals)

    @classmethod
    def _create_file(cls, name, content, **values):
        return cls.env["ir.attachment"].create(
            {"name": name, "datas": base64.b64encode(content), "mimetype": "text/plain", **values}
        )

    @classmethod
    def _create_opportunity(cls, name, user=None, **values):
        vals = {
            "name": name,
            "type": "opportunity",
            "user_id": (user or cls.user_salesman).id,
            "partner_id": cls.partner_a.id,
            "company_id": cls.company_a.id,
        }
        vals.update(values)
        return cls.env["crm.lead"].create(vals)
