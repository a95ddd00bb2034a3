from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_sales_material import SalesMaterialCommon


@tagged("post_install", "-at_install")
class TestCrmSalesMaterialAccess(SalesMaterialCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mat_sam = cls._create_material("Sam's deck")
        cls.mat_sue = cls._create_material("Sue's deck", user=cls.user_salesman_2)
        cls.mat_shared = cls._create_material("Group deck", user=cls.user_manager, company_id=False)
        cls.mat_b = cls._create_material("Company B deck", user=cls.user_salesman_b, company_id=cls.company_b.id)
        cls.tag = cls.env["crm.sales.material.tag"].create({"name": "Pricing (test)"})

    def test_salesman_reads_library_edits_own(self):
        Material = self.Material.with_user(self.user_salesman)
        visible = Material.search([("id", "in", (self.mat_sam | self.mat_sue | self.mat_shared | self.mat_b).ids)])
        self.assertEqual(visible, self.mat_sam | self.mat_sue | self.mat_shared)
        self.assertEqual(self.mat_sue.with_user(self.user_salesman).name, "Sue's deck")

        self.mat_sam.with_user(self.user_salesman).write({"description": "<p>Updated</p>"})
        self.assertIn("Updated", self.mat_sam.description)
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.mat_sue.with_user(self.user_salesman).write({"name": "Hijacked"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.mat_shared.with_user(self.user_salesman).write({"name": "Hijacked"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            Material.create({"name": "For Sue", "user_id": self.user_salesman_2.id})
        own = Material.create({"name": "My new deck"})
        self.assertEqual(own.user_id, self.user_salesman)
        with self.assertRaises(AccessError):
            self.mat_sam.with_user(self.user_salesman).unlink()

    def test_salesman_views(self):
        views = self.Material.with_user(self.user_salesman).get_views(
            [(False, "kanban"), (False, "list"), (False, "form"), (False, "search")]
        )
        self.assertIn("filter_expiring", views["views"]["search"]["arch"])
        self.assertIn("attachment_ids", views["views"]["form"]["arch"])
        lead_form = self.env["crm.lead"].with_user(self.user_salesman).get_view(view_type="form")["arch"]
        self.assertIn("action_open_material_send", lead_form)
        self.assertIn("material_usage_ids", lead_form)

    def test_all_documents_user_cannot_delete(self):
        self.assertEqual(self.mat_sue.with_user(self.user_all_docs).name, "Sue's deck")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.mat_sue.with_user(self.user_all_docs).write({"name": "Hijacked"})
        with self.assertRaises(AccessError):
            self.mat_sue.with_user(self.user_all_docs).unlink()

    def test_manager_edits_and_deletes_everything(self):
        self.mat_sue.with_user(self.user_manager).write({"name": "Reviewed deck"})
        self.assertEqual(self.mat_sue.name, "Reviewed deck")
        self.mat_shared.with_user(self.user_manager).unlink()
        self.mat_sue.with_user(self.user_manager).unlink()
        self.assertFalse((self.mat_shared | self.mat_sue).exists())
        tag = self.env["crm.sales.material.tag"].with_user(self.user_manager).create({"name": "Case studies (test)"})
        tag.unlink()

    def test_tags_are_configuration(self):
        self.assertEqual(self.tag.with_user(self.user_salesman).name, "Pricing (test)")
        with self.assertRaises(AccessError):
            self.tag.with_user(self.user_salesman).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["crm.sales.material.tag"].with_user(self.user_salesman).create({"name": "New"})

    def test_internal_user_sees_nothing(self):
        for model in ("crm.sales.material", "crm.sales.material.tag", "crm.sales.material.usage"):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.user_internal).search([])
        with self.assertRaises(AccessError):
            self.mat_shared.with_user(self.user_internal).read(["name"])
        with self.assertRaises(AccessError):
            self.env["crm.sales.material.send"].with_user(self.user_internal).create({})

    def test_multi_company(self):
        Material_b = self.Material.with_user(self.user_salesman_b)
        visible = Material_b.search([("id", "in", (self.mat_sam | self.mat_shared | self.mat_b).ids)])
        self.assertEqual(visible, self.mat_shared | self.mat_b, "company B sees its own and shared materials")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.mat_sam.with_user(self.user_salesman_b).read(["name"])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.mat_b.with_user(self.user_salesman).read(["name"])

    def test_company_consistency(self):
        product_b = self.env["product.product"].create({"name": "Company B chair", "company_id": self.company_b.id})
        with self.assertRaises(UserError):
            self.mat_sam.write({"product_ids": [fields.Command.link(product_b.id)]})
        lead_a = self._create_opportunity("Company A deal")
        with self.assertRaises(UserError):
            self.env["crm.sales.material.usage"].create({"material_id": self.mat_b.id, "lead_id": lead_a.id})

    def test_actions_refused_without_access(self):
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.mat_sam.with_user(self.user_salesman_b).action_view_usage()
        action = self.mat_sam.with_user(self.user_salesman_2).action_view_usage()
        self.assertEqual(action["domain"], [("material_id", "=", self.mat_sam.id)])

    def test_usage_follows_opportunity(self):
        lead_sam = self._create_opportunity("Sam's deal")
        lead_sue = self._create_opportunity("Sue's deal", user=self.user_salesman_2)
        Usage = self.env["crm.sales.material.usage"]
        now = fields.Datetime.now()
        usage_sam, usage_sue = Usage.create(
            [
                {"material_id": self.mat_sam.id, "lead_id": lead_sam.id, "date": now},
                {"material_id": self.mat_sam.id, "lead_id": lead_sue.id, "date": now},
            ]
        )
        self.assertEqual(
            Usage.with_user(self.user_salesman).search([("id", "in", (usage_sam | usage_sue).ids)]), usage_sam
        )
        self.assertEqual(
            Usage.with_user(self.user_all_docs).search([("id", "in", (usage_sam | usage_sue).ids)]),
            usage_sam | usage_sue,
        )
        with self.assertRaises(AccessError):
            usage_sam.with_user(self.user_salesman).write({"date": now})
        with self.assertRaises(AccessError):
            usage_sam.with_user(self.user_all_docs).unlink()
        # the sales manager may clean up
        usage_sue.with_user(self.user_manager).unlink()
        self.assertFalse(usage_sue.exists())

    def test_attachments_follow_material(self):
        """CHECKLIST 9: the files belong to the material; who may not read it may not read them."""
        # uploaded first (as the binary widget does), then linked to a new material
        upload = (
            self.env["ir.attachment"]
            .with_user(self.user_salesman)
            .create({"name": "deck.txt", "raw": b"secret deck", "res_model": "crm.sales.material", "res_id": 0})
        )
        material = self.Material.with_user(self.user_salesman).create(
            {"name": "Deck with file", "attachment_ids": [fields.Command.link(upload.id)]}
        )
        self.assertEqual((upload.res_model, upload.res_id), ("crm.sales.material", material.id))
        self.assertFalse(upload.public)
        # a file uploaded later is attached too
        later = self.env["ir.attachment"].with_user(self.user_salesman).create({"name": "later.txt", "raw": b"later"})
        material.with_user(self.user_salesman).write({"attachment_ids": [fields.Command.link(later.id)]})
        self.assertEqual((later.res_model, later.res_id), ("crm.sales.material", material.id))
        # somebody else's pending upload cannot be taken over
        other_upload = self._create_file("other.txt", b"not yours")
        with self.assertRaises(AccessError):
            material.with_user(self.user_salesman).write({"attachment_ids": [fields.Command.link(other_upload.id)]})
        # a file of another document is copied: the original stays where it was
        lead = self._create_opportunity("Deal with a file")
        lead_file = self._create_file("lead.txt", b"lead file", res_model="crm.lead", res_id=lead.id)
        material.with_user(self.user_salesman).write({"attachment_ids": [fields.Command.link(lead_file.id)]})
        self.assertEqual((lead_file.res_model, lead_file.res_id), ("crm.lead", lead.id))
        self.assertNotIn(lead_file, material.attachment_ids)
        copy = material.attachment_ids.filtered(lambda att: att.name == "lead.txt")
        self.assertEqual((copy.res_model, copy.res_id, copy.raw), ("crm.sales.material", material.id, b"lead file"))
        self.assertEqual(len(material.attachment_ids), 3)

        self.assertEqual(upload.with_user(self.user_salesman_2).raw, b"secret deck", "the sales team reads it")
        with self.assertRaises(AccessError):
            upload.with_user(self.user_internal).read(["raw"])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            upload.with_user(self.user_salesman_b).read(["raw"])
        with self.assertRaises(AccessError):
            upload.with_user(self.user_salesman_2).unlink()
        # company B cannot list them either
        found = self.env["ir.attachment"].with_user(self.user_salesman_b).search([("id", "in", (upload | later).ids)])
        self.assertFalse(found)
