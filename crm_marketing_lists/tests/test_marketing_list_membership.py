import base64
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import MarketingListCommon


@tagged("post_install", "-at_install")
class TestMarketingListMembership(MarketingListCommon):
    # ------------------------------------------------------------------
    # static lists
    # ------------------------------------------------------------------

    def _add_wizard(self, active_ids=None, active_domain=None, model="res.partner", user=None, **values):
        context = {"active_model": model, "active_ids": active_ids or []}
        if active_domain is not None:
            context["active_domain"] = active_domain
        Wizard = self.env["crm.marketing.list.add.wizard"].with_context(**context)
        if user:
            Wizard = Wizard.with_user(user)
        return Wizard.create(values)

    def test_static_add_selected_and_remove(self):
        mlist = self._create_list("Trade show (test)", user=self.user_salesman)
        wizard = self._add_wizard([self.ghent.id, self.lyon.id], user=self.user_salesman, list_id=mlist.id)
        self.assertEqual(wizard.member_model, "res.partner")
        self.assertEqual(wizard.selected_count, 2)
        wizard.action_apply()
        self.assertEqual(mlist.partner_ids, self.ghent | self.lyon)
        self.assertEqual(mlist.member_count, 2)
        self.assertIn(mlist, self.ghent.with_user(self.user_salesman).marketing_list_ids)
        # adding again doubles nothing
        self._add_wizard([self.ghent.id], user=self.user_salesman, list_id=mlist.id).action_apply()
        self.assertEqual(mlist.member_count, 2)
        self._add_wizard([self.ghent.id], user=self.user_salesman, list_id=mlist.id, operation="remove").action_apply()
        self.assertEqual(mlist.partner_ids, self.lyon)
        self.assertNotIn(mlist, self.ghent.with_user(self.user_salesman).marketing_list_ids)
        # removing in the form, like a user clicking the cross on a member
        mlist.write({"partner_ids": [Command.unlink(self.lyon.id)]})
        self.assertFalse(mlist.partner_ids)
        self.assertEqual(mlist.member_count, 0)

    def test_member_sees_the_list_it_was_just_added_to(self):
        """The members' lists are computed without dependencies: saving a list's members refreshes them."""
        mlist = self._create_list("Fresh (test)")
        self.assertNotIn(mlist, self.lyon.marketing_list_ids)  # read, so in the cache
        self.assertNotIn(mlist, self.lyon.marketing_list_effective_ids)
        mlist.partner_ids = [Command.link(self.lyon.id)]
        self.assertIn(mlist, self.lyon.marketing_list_ids)
        self.assertIn(mlist, self.lyon.marketing_list_effective_ids)
        other = self.MarketingList.create({"name": "Created full (test)", "partner_ids": [Command.set(self.lyon.ids)]})
        self.assertIn(other, self.lyon.marketing_list_ids)

    def test_static_add_and_remove_by_filter(self):
        mlist = self._create_list("Belgium (test)")
        domain = [("country_id.code", "=", "BE"), ("name", "like", "(test)")]
        wizard = self._add_wizard([self.ghent.id], active_domain=domain, list_id=mlist.id, scope="filter")
        self.assertEqual(wizard.filter_count, 2)
        wizard.action_apply()
        self.assertEqual(mlist.partner_ids, self.ghent | self.liege)
        self._add_wizard(
            [], active_domain=[("city", "=", "Liège")], list_id=mlist.id, scope="filter", operation="remove"
        ).action_apply()
        self.assertEqual(mlist.partner_ids, self.ghent)

    def test_add_from_another_list(self):
        source = self._create_list("Source (test)", self.ghent | self.paris)
        target = self._create_list("Target (test)", self.lyon)
        action = target.action_open_add_wizard()
        wizard = (
            self.env["crm.marketing.list.add.wizard"]
            .with_context(**action["context"])
            .create({"source_list_id": source.id})
        )
        wizard.action_apply()
        self.assertEqual(target.partner_ids, self.ghent | self.paris | self.lyon)
        self.assertEqual(source.partner_ids, self.ghent | self.paris, "the source list is untouched")

    def test_other_company_members_are_refused(self):
        mlist = self._create_list("Company A (test)")
        with self.assertRaisesRegex(UserError, "another company"):
            self._add_wizard([self.partner_b.id], list_id=mlist.id).action_apply()
        # by filter, records of company B are simply not taken
        self._add_wizard(
            [],
            active_domain=[("id", "in", [self.partner_b.id, self.partner_shared.id])],
            list_id=mlist.id,
            scope="filter",
        ).action_apply()
        self.assertEqual(mlist.partner_ids, self.partner_shared)
        # through the form
        with self.assertRaisesRegex(ValidationError, "another company"):
            mlist.partner_ids = self.partner_b

    def test_add_wizard_only_for_static_lists(self):
        dynamic = self._create_list("Dyn (test)", list_type="dynamic", domain="[('city', '=', 'Lyon')]")
        with self.assertRaisesRegex(UserError, "static list"):
            self._add_wizard([self.ghent.id], list_id=dynamic.id).action_apply()
        with self.assertRaisesRegex(UserError, "come from its filter"):
            dynamic.partner_ids = self.ghent

    def test_member_model_is_fixed(self):
        mlist = self._create_list("Fixed (test)")
        with self.assertRaisesRegex(UserError, "cannot change"):
            mlist.member_model = "crm.lead"

    # ------------------------------------------------------------------
    # dynamic lists
    # ------------------------------------------------------------------

    def test_dynamic_refresh_on_a_known_dataset(self):
        mlist = self._create_list(
            "Belgian companies (test)",
            list_type="dynamic",
            domain="[('country_id.code', '=', 'BE'), ('name', 'like', '(test)')]",
        )
        self.assertFalse(mlist.partner_ids, "nothing before the first refresh")
        mlist.action_refresh()
        self.assertEqual(mlist.partner_ids, self.ghent | self.liege)
        self.assertEqual(mlist.member_count, 2)
        self.assertTrue(mlist.last_refresh_date)
        # the data moves: Liège leaves Belgium, Lyon moves in
        self.liege.country_id = self.country_fr
        self.lyon.country_id = self.country_be
        added, removed = mlist._refresh_members()
        self.assertEqual((added, removed), (1, 1))
        self.assertEqual(mlist.partner_ids, self.ghent | self.lyon)
        # archived records leave a dynamic list at the next refresh
        self.ghent.active = False
        mlist._refresh_members()
        self.assertEqual(mlist.with_context(active_test=False).partner_ids, self.lyon)
        # the domain changes
        mlist.domain = "[('city', 'in', ['Paris', 'Lyon'])]"
        mlist.action_refresh()
        self.assertEqual(mlist.partner_ids, self.lyon | self.paris)
        self.assertIn("1 members added, 0 removed", mlist.message_ids[0].body)

    def test_dynamic_list_on_crm_extended_fields(self):
        """Tier, relationship type and contract products of crm_extended are usable in a filter."""
        self.ghent.write({"customer_tier": "A", "relationship_type": "customer"})
        self.lyon.write({"customer_tier": "A", "relationship_type": "prospect"})
        self.paris.write({"customer_tier": "B", "relationship_type": "customer"})
        mlist = self._create_list(
            "Tier A customers (test)",
            list_type="dynamic",
            domain="[('customer_tier', '=', 'A'), ('relationship_type', '=', 'customer')]",
        )
        mlist.action_refresh()
        self.assertEqual(mlist.partner_ids, self.ghent)
        contracts = self._create_list(
            "Contract products (test)",
            list_type="dynamic",
            domain="[('contract_ids.line_ids.product_id.name', 'ilike', 'support'), "
            "('next_contact_date', '<=', '2026-12-31')]",
        )
        contracts.action_refresh()
        self.assertFalse(contracts.partner_ids)

    def test_salesman_dynamic_list_holds_only_what_he_may_see(self):
        """CHECKLIST 13: [] never widens what the user sees."""
        mlist = self._create_list(
            "All my leads (test)",
            user=self.user_salesman,
            member_model="crm.lead",
            list_type="dynamic",
            domain="[('name', 'like', '(test)')]",
        )
        mlist.action_refresh()
        self.assertEqual(mlist.sudo().lead_ids, self.lead_sam | self.lead_free)
        # the nightly cron runs as the list owner, not as the superuser
        cron_list = self._create_list(
            "Refreshed by the cron (test)",
            member_model="crm.lead",
            list_type="dynamic",
            domain="[]",
            user_id=self.user_salesman.id,
        )
        self.assertFalse(cron_list.lead_ids)
        self.MarketingList._cron_refresh_dynamic_lists()
        self.assertEqual(
            cron_list.lead_ids.filtered(lambda lead: "(test)" in lead.name), self.lead_sam | self.lead_free
        )
        self.assertFalse(cron_list.lead_ids - self.env["crm.lead"].with_user(self.user_salesman).search([]))
        # a manager refreshing the same filter sees everything
        manager_list = self._create_list(
            "All leads (test)",
            user=self.user_manager,
            member_model="crm.lead",
            list_type="dynamic",
            domain="[('name', 'like', '(test)')]",
        )
        manager_list.action_refresh()
        self.assertEqual(manager_list.lead_ids, self.lead_sam | self.lead_sue | self.lead_free)

    def test_refresh_query_count_does_not_grow(self):
        def count_queries(partners):
            mlist = self._create_list(
                f"Count {len(partners)} (test)", list_type="dynamic", domain=repr([("id", "in", partners.ids)])
            )
            self.env.flush_all()
            start = self.env.cr.sql_log_count
            mlist._refresh_members()
            self.env.flush_all()
            queries = self.env.cr.sql_log_count - start
            self.assertEqual(mlist.member_count, len(partners))
            return queries

        few = self.env["res.partner"].create([{"name": f"Few {i}"} for i in range(3)])
        many = self.env["res.partner"].create(
            [{"name": f"Many {i}", "email": f"m{i}@x.example.com"} for i in range(60)]
        )
        count_queries(few)  # warm the caches
        self.assertEqual(count_queries(few), count_queries(many))

    def test_salesman_refresh_removes_and_adds(self):
        """A refresh as a salesman (own documents) removes what he may no longer see or what left the filter,
        adds what entered it, and reports both counts."""
        mlist = self._create_list(
            "My test leads (test)",
            user=self.user_manager,
            member_model="crm.lead",
            list_type="dynamic",
            domain="[('name', 'like', '(test)')]",
            user_id=self.user_salesman.id,
        )
        mlist.with_user(self.user_manager).action_refresh()
        self.assertEqual(mlist.lead_ids, self.lead_sam | self.lead_sue | self.lead_free, "the manager sees all")
        # Sam's lead leaves the filter, a new lead of his enters it
        self.lead_sam.name = "Sam's office chairs"
        new_lead = self.env["crm.lead"].create(
            {"name": "Sam's new desks (test)", "type": "opportunity", "user_id": self.user_salesman.id}
        )
        as_salesman = mlist.with_user(self.user_salesman)
        added, removed = as_salesman._refresh_members()
        # Sue's lead goes too: the filter never gives him what he may not read
        self.assertEqual((added, removed), (1, 2))
        self.assertEqual(mlist.lead_ids, self.lead_free | new_lead)
        self.assertEqual(as_salesman.member_count, 2)
        # nothing changed: nothing added or removed, and the counts stay
        self.assertEqual(as_salesman._refresh_members(), (0, 0))
        self.assertEqual(mlist.lead_ids, self.lead_free | new_lead)

    def test_refresh_is_one_statement_whatever_the_change(self):
        """The diff is one SQL statement: the query count of a refresh does not depend on what changed."""
        partners = self.env["res.partner"].create([{"name": f"Refresh {i} (test)", "city": "Ghent"} for i in range(30)])
        mlist = self._create_list("Ghent (test)", list_type="dynamic", domain="[('city', '=', 'Ghent')]")

        def count_queries():
            self.env.flush_all()
            start = self.env.cr.sql_log_count
            result = mlist._refresh_members()
            self.env.flush_all()
            return self.env.cr.sql_log_count - start, result

        _count, first = count_queries()
        self.assertEqual(first, (31, 0))
        partners[:20].city = "Liège"
        self.env["res.partner"].create([{"name": f"New {i} (test)", "city": "Ghent"} for i in range(5)])
        second_count, second = count_queries()
        self.assertEqual(second, (5, 20))
        self.assertEqual(mlist.member_count, 16)
        partners[20].city = "Liège"
        third_count, third = count_queries()
        self.assertEqual(third, (0, 1))
        self.assertEqual(second_count, third_count)
        # the lock of the list, the diff, the date of the refresh
        self.assertLessEqual(second_count, 3)

    # ------------------------------------------------------------------
    # lock, temporary lists, snapshots, algebra
    # ------------------------------------------------------------------

    def test_lock(self):
        mlist = self._create_list("Locked (test)", self.ghent, user=self.user_salesman, list_type="static")
        with self.assertRaises(AccessError):
            mlist.action_lock()
        mlist.with_user(self.user_manager).action_lock()
        self.assertTrue(mlist.locked)
        with self.assertRaisesRegex(UserError, "locked"):
            mlist.partner_ids = [Command.link(self.lyon.id)]
        with self.assertRaisesRegex(UserError, "locked"):
            self._add_wizard([self.lyon.id], user=self.user_salesman, list_id=mlist.id).action_apply()
        with self.assertRaisesRegex(UserError, "locked"):
            mlist.unlink()
        with self.assertRaises(AccessError):
            mlist.write({"locked": False})
        with self.assertRaises(AccessError):
            mlist.action_unlock()
        dynamic = self._create_list("Locked dynamic (test)", list_type="dynamic", domain="[('city', '=', 'Lyon')]")
        dynamic.action_lock()
        with self.assertRaisesRegex(UserError, "locked"):
            dynamic.action_refresh()
        self.MarketingList._cron_refresh_dynamic_lists()
        self.assertFalse(dynamic.partner_ids, "the cron leaves locked lists alone")
        mlist.with_user(self.user_manager).action_unlock()
        mlist.partner_ids = [Command.link(self.lyon.id)]
        self.assertEqual(mlist.partner_ids, self.ghent | self.lyon)

    def test_temporary_lists_expire(self):
        with freeze_time("2026-03-01"):
            mlist = self._create_list(
                "Spring webinar (test)", self.ghent, is_temporary=True, expiration_date="2026-03-31"
            )
            keep = self._create_list("Kept (test)", self.ghent)
            locked = self._create_list("Locked too (test)", is_temporary=True, expiration_date="2026-03-15")
            locked.action_lock()
        with self.assertRaisesRegex(ValidationError, "expiration date"):
            self._create_list("No end (test)", is_temporary=True)
        with freeze_time("2026-03-31 22:00:00"):
            self.MarketingList._cron_archive_expired_lists()
            self.assertTrue(mlist.active, "still valid on its last day")
        with freeze_time("2026-04-01 08:00:00"):
            self.MarketingList._cron_archive_expired_lists()
            self.assertFalse(mlist.active)
            self.assertFalse(locked.active, "a locked list keeps its members, not its life")
            self.assertTrue(keep.active)
            # running it twice changes nothing
            self.assertFalse(self.MarketingList._cron_archive_expired_lists())

    def test_copy_to_static(self):
        mlist = self._create_list(
            "France (test)", list_type="dynamic", domain="[('country_id.code', '=', 'FR'), ('name', 'like', '(test)')]"
        )
        mlist.action_refresh()
        action = mlist.action_copy_to_static()
        snapshot = self.MarketingList.browse(action["res_id"])
        self.assertEqual(snapshot.list_type, "static")
        self.assertEqual(snapshot.partner_ids, self.lyon | self.paris)
        # the snapshot keeps its members when the dynamic list moves on
        self.paris.country_id = self.country_be
        mlist.action_refresh()
        self.assertEqual(mlist.partner_ids, self.lyon)
        self.assertEqual(snapshot.partner_ids, self.lyon | self.paris)

    def test_duplicate_a_list(self):
        mlist = self._create_list("Original (test)", self.ghent | self.lyon)
        copy = mlist.copy()
        self.assertEqual(copy.name, "Original (test) (copy)")
        self.assertEqual(copy.partner_ids, self.ghent | self.lyon)
        self.assertFalse(copy.locked)

    def test_list_algebra(self):
        list_a = self._create_list("A (test)", self.ghent | self.liege | self.lyon)
        list_b = self._create_list("B (test)", self.liege | self.lyon | self.paris)
        list_c = self._create_list("C (test)", self.lyon)
        Wizard = self.env["crm.marketing.list.algebra.wizard"]
        expected = {
            "union": self.ghent | self.liege | self.lyon | self.paris,
            "intersection": self.liege | self.lyon,
            "difference": self.ghent,
        }
        for operation, members in expected.items():
            with self.subTest(operation=operation):
                wizard = Wizard.create(
                    {"operation": operation, "base_list_id": list_a.id, "other_list_ids": [Command.set(list_b.ids)]}
                )
                new_list = self.MarketingList.browse(wizard.action_combine()["res_id"])
                self.assertEqual(new_list.list_type, "static")
                self.assertEqual(new_list.partner_ids, members)
        three = Wizard.create(
            {
                "operation": "intersection",
                "base_list_id": list_a.id,
                "other_list_ids": [Command.set((list_b | list_c).ids)],
            }
        )
        self.assertEqual(three.name, "A (test) ∩ B (test) ∩ C (test)")
        self.assertEqual(self.MarketingList.browse(three.action_combine()["res_id"]).partner_ids, self.lyon)
        lead_list = self._create_list("Leads (test)", self.lead_sam)
        with self.assertRaisesRegex(UserError, "same kind"):
            self.MarketingList._create_from_algebra("union", list_a, lead_list, "Mixed")

    # ------------------------------------------------------------------
    # import from .xlsx
    # ------------------------------------------------------------------

    def _import(self, mlist, rows, match_by="email", **values):
        wizard = self.env["crm.marketing.list.import.wizard"].create(
            {"list_id": mlist.id, "file": self._xlsx(rows), "filename": "members.xlsx", "match_by": match_by, **values}
        )
        return wizard.action_import()

    def test_import_xlsx(self):
        mlist = self._create_list("Imported (test)")
        self._import(
            mlist,
            [
                ["Name", "E-mail"],
                ["x", "INFO@ghent-gardens.example.com "],
                [None, None],
                ["y", "hello@lyon-looms.example.com"],
            ],
        )
        self.assertEqual(mlist.partner_ids, self.ghent | self.lyon)
        self._import(mlist, [["VAT"], ["be 0477 472 701"]], match_by="vat")
        self._import(mlist, [["Name"], ["paris prints (TEST)"]], match_by="name")
        self.assertEqual(mlist.partner_ids, self.ghent | self.lyon | self.paris)

    def test_import_xlsx_errors_write_nothing(self):
        mlist = self._create_list("Imported (test)")
        cases = [
            ([["E-mail"], ["info@ghent-gardens.example.com"], ["nobody@nowhere.example.com"]], "Row 3, column E-mail"),
            ([["E-mail"], ["not an address"]], "Row 2, column E-mail: not an address is not a valid e-mail"),
            ([["Mail address?"], ["info@ghent-gardens.example.com"]], "must name the column"),
            ([], "must name the column"),
            ([["E-mail"]], "no row to import"),
        ]
        for rows, message in cases:
            with self.subTest(message=message), self.assertRaisesRegex(UserError, message):
                self._import(mlist, rows)
        for content in (b"not a spreadsheet", b"PK\x03\x04corrupt zip"):
            wizard = self.env["crm.marketing.list.import.wizard"].create(
                {"list_id": mlist.id, "file": base64.b64encode(content), "match_by": "email"}
            )
            with self.assertRaisesRegex(UserError, "not an .xlsx spreadsheet"):
                wizard.action_import()
        self.assertFalse(mlist.partner_ids)
        # unless the user chose to skip rows without a match
        self._import(mlist, cases[0][0], skip_unmatched=True)
        self.assertEqual(mlist.partner_ids, self.ghent)

    def test_import_xlsx_limits(self):
        mlist = self._create_list("Imported (test)")
        rows = [["E-mail"], ["info@ghent-gardens.example.com"], ["hello@lyon-looms.example.com"]]
        module = "odoo.addons.crm_marketing_lists.wizard.crm_marketing_list_import_wizard"
        with patch(f"{module}.MAX_ROWS", 1), self.assertRaisesRegex(UserError, "more than 1 rows"):
            self._import(mlist, rows)
        with patch(f"{module}.MAX_FILE_SIZE", 100), self.assertRaisesRegex(UserError, "too large"):
            self._import(mlist, rows)
        self.assertFalse(mlist.partner_ids)
        # a partner of another company is not found for a company A list
        self.partner_b.email = "bravo@company-b.example.com"
        with self.assertRaisesRegex(UserError, "nothing matches bravo@company-b.example.com"):
            self._import(mlist, [["E-mail"], ["bravo@company-b.example.com"]])

    def test_add_wizard_form_from_the_lead_list_view(self):
        """What a salesman sees after selecting leads and choosing Actions › Add to Marketing List."""
        mlist = self._create_list("Leads to call (test)", member_model="crm.lead", user=self.user_salesman)
        context = {
            "active_model": "crm.lead",
            "active_ids": [self.lead_sam.id],
            "active_domain": [("name", "like", "(test)")],
        }
        Wizard = self.env["crm.marketing.list.add.wizard"].with_user(self.user_salesman).with_context(**context)
        with Form(Wizard) as form:
            self.assertEqual(form.member_model, "crm.lead")
            self.assertEqual(form.selected_count, 1)
            form.scope = "filter"
            self.assertEqual(form.filter_count, 2, "Sue's lead is not his to see")
            form.list_id = mlist
        form.record.action_apply()
        self.assertEqual(mlist.lead_ids, self.lead_sam | self.lead_free)
