from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.crm_extended.tests.contract_common import CrmContractCommon


@tagged("post_install", "-at_install")
class TestCrmContractLifecycle(CrmContractCommon):
    def test_code_from_sequence_per_company(self):
        first = self._create_contract()
        second = self._create_contract()
        self.assertTrue(first.code.startswith("CTR/"), first.code)
        self.assertNotEqual(first.code, second.code)
        self.assertIn(first.code, first.display_name)
        contract_b = self.Contract.create(
            {"name": "B contract", "partner_id": self.partner_b.id, "company_id": self.company_b.id}
        )
        sequence_b = self.env["ir.sequence"].search(
            [("code", "=", "crm.contract"), ("company_id", "=", self.company_b.id)]
        )
        self.assertEqual(len(sequence_b), 1, "company B gets its own contract sequence")
        self.assertEqual(contract_b.code, f"CTR/{fields.Date.today().year}/0001")
        self.assertEqual(contract_b.currency_id, self.company_b.currency_id)

    def test_amounts(self):
        contract = self._create_contract(
            lines=[
                {"product_id": self.product_support.id, "quantity": 2, "discount": 10, "recurring_interval": "monthly"},
                {"name": "Audit", "quantity": 1, "price_unit": 300, "recurring_interval": "quarterly"},
                {"name": "Licence", "quantity": 1, "price_unit": 1200, "recurring_interval": "yearly"},
                {"product_id": self.product_setup.id, "quantity": 1, "recurring_interval": "one_off"},
            ]
        )
        support = contract.line_ids[0]
        self.assertEqual(support.name, self.product_support.display_name, "description comes from the product")
        self.assertEqual(support.price_unit, 100.0, "unit price comes from the product")
        self.assertAlmostEqual(support.price_subtotal, 180.0)
        self.assertAlmostEqual(contract.amount_total, 180 + 300 + 1200 + 500)
        self.assertAlmostEqual(contract.amount_yearly, 180 * 12 + 300 * 4 + 1200)
        self.assertAlmostEqual(contract.amount_monthly, (180 * 12 + 300 * 4 + 1200) / 12)
        contract.line_ids[0].quantity = 3
        self.assertAlmostEqual(contract.amount_yearly, 270 * 12 + 300 * 4 + 1200)

    def test_lifecycle(self):
        contract = self._create_contract()
        self.assertEqual(contract.state, "draft")
        with self.assertRaisesRegex(UserError, "cannot be set to On Hold"):
            contract.action_hold()
        with self.assertRaisesRegex(UserError, "cannot be set to Renewed"):
            contract.action_renew()
        with self.assertRaisesRegex(UserError, "Only contracts on hold can be resumed"):
            contract.action_resume()
        contract.action_activate()
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.date_signed, fields.Date.context_today(contract), "activation records the signature")
        with self.assertRaisesRegex(UserError, "cannot be set to Active"):
            contract.action_activate()
        contract.action_hold()
        self.assertEqual(contract.state, "on_hold")
        contract.action_resume()
        self.assertEqual(contract.state, "active")
        contract.action_cancel()
        self.assertEqual(contract.state, "cancelled")
        with self.assertRaisesRegex(UserError, "cannot be set to Active"):
            contract.action_activate()
        contract.action_set_draft()
        self.assertEqual(contract.state, "draft")

    def test_activate_needs_lines(self):
        contract = self._create_contract(lines=[])
        with self.assertRaisesRegex(UserError, "Add at least one line"):
            contract.action_activate()
        self.assertEqual(contract.state, "draft")

    def test_renewal_chain(self):
        contract = self._create_contract(auto_renew=True, notice_period_days=45, terms="<p>Net 30</p>")
        contract.action_activate()
        action = contract.action_renew()
        successor = self.Contract.browse(action["res_id"])
        self.assertEqual(action["res_model"], "crm.contract")
        self.assertEqual(contract.state, "renewed")
        self.assertEqual(contract.next_contract_id, successor)
        self.assertEqual(successor.previous_contract_id, contract)
        self.assertEqual(successor.state, "draft")
        self.assertNotEqual(successor.code, contract.code)
        self.assertEqual(successor.date_start, fields.Date.to_date("2026-01-01"))
        self.assertEqual(successor.date_end, fields.Date.to_date("2026-12-31"))
        self.assertEqual(successor.line_ids.mapped("name"), contract.line_ids.mapped("name"))
        self.assertEqual(successor.line_ids.mapped("price_unit"), contract.line_ids.mapped("price_unit"))
        self.assertAlmostEqual(successor.amount_total, contract.amount_total)
        self.assertAlmostEqual(successor.amount_yearly, contract.amount_yearly)
        self.assertAlmostEqual(successor.amount_monthly, contract.amount_monthly)
        self.assertEqual(
            (successor.partner_id, successor.user_id, successor.auto_renew, successor.notice_period_days),
            (contract.partner_id, contract.user_id, True, 45),
        )
        self.assertEqual(str(successor.terms), "<p>Net 30</p>")
        with self.assertRaisesRegex(UserError, "cannot be set to Renewed"):
            contract.action_renew()
        # the chain goes on: the successor is activated and renewed in turn
        successor.action_activate()
        third = self.Contract.browse(successor.action_renew()["res_id"])
        self.assertEqual(third.previous_contract_id.previous_contract_id, contract)
        self.assertEqual(third.date_start, fields.Date.to_date("2027-01-01"))
        self.assertAlmostEqual(third.amount_yearly, contract.amount_yearly)

    def test_renew_needs_end_date(self):
        contract = self._create_contract(date_end=False)
        contract.action_activate()
        with self.assertRaisesRegex(UserError, "Set an end date"):
            contract.action_renew()
        self.assertEqual(contract.state, "active")

    def test_delete_only_draft_or_cancelled(self):
        contract = self._create_contract()
        contract.action_activate()
        with self.assertRaisesRegex(UserError, "Only draft or cancelled contracts can be deleted"):
            contract.unlink()
        contract.action_cancel()
        contract.unlink()
        self.assertFalse(contract.exists())


@tagged("post_install", "-at_install")
class TestCrmContractConstraints(CrmContractCommon):
    def test_end_after_start(self):
        with self.assertRaisesRegex(ValidationError, "cannot end .* before it starts"):
            self._create_contract(date_start="2025-06-01", date_end="2025-05-31")
        contract = self._create_contract()
        with self.assertRaisesRegex(ValidationError, "Please choose an end date after the start date"):
            contract.date_end = "2024-12-31"
        one_day = self._create_contract(date_start="2025-06-01", date_end="2025-06-01")
        self.assertEqual(one_day.date_end, one_day.date_start)

    def test_end_after_start_form(self):
        form = Form(self.Contract.with_user(self.user_salesman))
        form.name = "Form contract"
        form.partner_id = self.partner_a
        form.date_start = "2025-06-01"
        form.date_end = "2025-01-01"
        with self.assertRaisesRegex(ValidationError, "before it starts"):
            form.save()

    def test_quantity_not_negative(self):
        with self.assertRaisesRegex(ValidationError, "quantity .* cannot be negative"):
            self._create_contract(lines=[{"product_id": self.product_support.id, "quantity": -1}])
        contract = self._create_contract()
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            contract.line_ids[0].quantity = -0.5
        contract.line_ids[0].quantity = 0
        self.assertEqual(contract.line_ids[0].price_subtotal, 0.0)

    def test_discount_range(self):
        for discount in (-1, 100.5):
            with self.assertRaisesRegex(ValidationError, "must be between 0 and 100 %"):
                self._create_contract(lines=[{"product_id": self.product_support.id, "discount": discount}])
        contract = self._create_contract(lines=[{"product_id": self.product_support.id, "discount": 100}])
        self.assertEqual(contract.amount_total, 0.0)

    def test_notice_period_not_negative(self):
        with self.assertRaisesRegex(ValidationError, "notice period .* cannot be negative"):
            self._create_contract(notice_period_days=-5)

    def test_company_consistency(self):
        with self.assertRaisesRegex(UserError, "belong to different companies|Incompatible companies"):
            self._create_contract(partner_id=self.partner_b.id)
        lead_b = self.env["crm.lead"].create({"name": "B deal", "type": "opportunity", "company_id": self.company_b.id})
        with self.assertRaisesRegex(UserError, "belong to different companies|Incompatible companies"):
            self._create_contract(opportunity_id=lead_b.id)
        with self.assertRaises(UserError):
            self._create_contract(lines=[{"product_id": self.product_b.id}])
        contract = self._create_contract(partner_id=self.partner_shared.id)
        with self.assertRaises(UserError):
            contract.line_ids = [Command.create({"product_id": self.product_b.id})]
        product_a = self.env["product.product"].create({"name": "A only", "company_id": self.company_a.id})
        contract.line_ids = [Command.create({"product_id": product_a.id})]
        with self.assertRaisesRegex(ValidationError, "belong to another company than the contract"):
            contract.company_id = self.company_b
        # a contract of company B may use company B's partner and products, and shared partners
        contract_b = self.Contract.create(
            {
                "name": "B contract",
                "partner_id": self.partner_shared.id,
                "company_id": self.company_b.id,
                "line_ids": [Command.create({"product_id": self.product_b.id})],
            }
        )
        self.assertEqual(contract_b.line_ids.company_id, self.company_b)

    def test_company_consistency_import(self):
        result = self.Contract.load(
            ["name", "partner_id/.id", "company_id/.id"],
            [["Imported", str(self.partner_b.id), str(self.company_a.id)]],
        )
        self.assertFalse(result["ids"], "nothing is imported")
        self.assertTrue(
            any(msg["type"] == "error" for msg in result["messages"]), "the import reports the company conflict"
        )
        self.assertFalse(self.Contract.search([("name", "=", "Imported")]))


@tagged("post_install", "-at_install")
class TestCrmContractLeadPartner(CrmContractCommon):
    def test_create_contract_from_won_opportunity(self):
        team = self.env["crm.team"].create({"name": "Team (test)", "company_id": self.company_a.id})
        contact = self.env["res.partner"].create({"name": "Contact (test)", "parent_id": self.partner_a.id})
        lead = (
            self.env["crm.lead"]
            .with_user(self.user_salesman)
            .create(
                {
                    "name": "Big deal",
                    "type": "opportunity",
                    "partner_id": contact.id,
                    "user_id": self.user_salesman.id,
                    "team_id": team.id,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "Win the opportunity"):
            lead.action_create_contract()
        lead.action_set_won()
        action = lead.action_create_contract()
        self.assertEqual(action["res_model"], "crm.contract")
        form = Form(self.env["crm.contract"].with_user(self.user_salesman).with_context(**action["context"]))
        self.assertEqual(form.partner_id, self.partner_a, "the account of the opportunity's contact")
        self.assertEqual(form.opportunity_id, lead)
        self.assertEqual(form.user_id, self.user_salesman)
        self.assertEqual(form.team_id, team)
        self.assertEqual(form.company_id, self.company_a)
        self.assertEqual(form.currency_id, self.company_a.currency_id)
        self.assertEqual(form.name, "Big deal")
        with form.line_ids.new() as line:
            line.product_id = self.product_support
        contract = form.save()
        self.assertEqual(lead.contract_ids, contract)
        self.assertEqual(lead.contract_count, 1)
        self.assertEqual(lead.action_view_contracts()["res_id"], contract.id)

    def test_partner_figures(self):
        self.assertEqual(self.partner_a.contract_count, 0)
        self.assertFalse(self.partner_a.customer_since)
        first = self._create_contract(date_start="2023-03-01", date_end="2023-12-31")
        second = self._create_contract(date_start="2024-01-01", date_end="2024-12-31")
        draft = self._create_contract(date_start="2022-01-01", date_end="2022-12-31")
        (first | second).action_activate()
        self.assertEqual(self.partner_a.customer_since, fields.Date.to_date("2023-03-01"), "drafts do not count")
        first.action_cancel()
        self.assertEqual(
            self.partner_a.customer_since, fields.Date.to_date("2024-01-01"), "cancelled ones do not count"
        )
        self.partner_a.invalidate_recordset(["contract_count", "contract_amount_yearly"])
        self.assertEqual(self.partner_a.contract_count, 3)
        self.assertEqual(self.partner_a.contract_ids, first | second | draft)
        self.assertAlmostEqual(self.partner_a.contract_amount_yearly, second.amount_yearly, msg="active ones only")
        self.assertAlmostEqual(second.amount_yearly, 2 * 100 * 12)
        action = self.partner_a.action_view_contracts()
        self.assertEqual(self.Contract.search(action["domain"]), first | second | draft)

    def test_partner_figures_query_count(self):
        """The smart-button figures cost the same number of queries for 2 or 6 accounts."""
        partners = self.env["res.partner"].create([{"name": f"Account {i}"} for i in range(6)])
        for partner in partners:
            self._create_contract(partner_id=partner.id).action_activate()
        counts = []
        for batch in (partners[:1], partners[:2], partners):  # the first one warms the caches up
            self.env.invalidate_all()
            batch = batch.with_user(self.user_salesman)
            before = self.env.cr.sql_log_count
            batch.mapped("contract_amount_yearly")
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(batch.mapped("contract_count"), [1] * len(batch))
        self.assertEqual(counts[1], counts[2])

    def test_partner_with_contracts_cannot_be_deleted(self):
        self._create_contract()
        with self.assertRaisesRegex(UserError, "You cannot delete .*Azure Interior.*: they have contracts"):
            self.partner_a.unlink()
        self.assertTrue(self.partner_a.exists())
        self.partner_a.action_archive()
        self.assertFalse(self.partner_a.active, "archiving keeps the history")
        free = self.env["res.partner"].create({"name": "No contract"})
        free.unlink()
        self.assertFalse(free.exists())
