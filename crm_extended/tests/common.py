"""Role users and companies shared by the tests of the whole suite.

Every addon of the suite builds its tests on :class:`CrmSuiteCommon`, so that
access rules are always proven with the same real users:

* ``user_salesman`` / ``user_salesman_2``: Sales / User: Own Documents Only
* ``user_all_docs``: Sales / User: All Documents
* ``user_manager``: Sales / Administrator
* ``user_internal``: an internal user without any sales group
* ``user_salesman_b``: own-documents salesman of ``company_b`` only
"""

from freezegun import freeze_time

from odoo.tests import TransactionCase, new_test_user


class CrmSuiteCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B (test)"})
        salesman = "base.group_user,sales_team.group_sale_salesman"
        cls.user_salesman = new_test_user(cls.env, "suite_salesman", groups=salesman, name="Sam Salesman")
        cls.user_salesman_2 = new_test_user(cls.env, "suite_salesman2", groups=salesman, name="Sue Salesman")
        cls.user_all_docs = new_test_user(
            cls.env,
            "suite_alldocs",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads",
            name="Alex All Documents",
        )
        cls.user_manager = new_test_user(
            cls.env,
            "suite_manager",
            groups="base.group_user,sales_team.group_sale_manager",
            name="Mia Manager",
        )
        cls.user_internal = new_test_user(cls.env, "suite_internal", groups="base.group_user", name="Ian Internal")
        cls.user_salesman_b = new_test_user(
            cls.env,
            "suite_salesman_b",
            groups=salesman,
            name="Bob Company B",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )
        cls.partner_a = cls.env["res.partner"].create({"name": "Azure Interior (test)", "company_id": cls.company_a.id})
        cls.partner_b = cls.env["res.partner"].create({"name": "Bravo Ltd (test)", "company_id": cls.company_b.id})
        cls.partner_shared = cls.env["res.partner"].create({"name": "Shared Partner (test)", "company_id": False})

    def count_cron_queries(self, cron, moment):
        """Queries of ``cron()`` run at ``moment``, what runs at commit (tracking, chatter) included."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        with freeze_time(moment):
            cron()
            self.env.flush_all()
            self.env.cr.precommit.run()
            self.env.flush_all()
        queries = self.env.cr.sql_log_count - before
        self.env.invalidate_all()
        return queries
