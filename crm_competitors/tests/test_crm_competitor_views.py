from odoo.tests import tagged

from .common import CompetitorsCommon


@tagged("post_install", "-at_install")
class TestCompetitorActivityView(CompetitorsCommon):
    def test_activity_view(self):
        rival_b = self.env["crm.competitor"].create({"name": "Rival B (test)", "company_id": self.company_b.id})
        for rival in self.rival_1 | rival_b:
            rival.activity_schedule("mail.mail_activity_data_todo", user_id=self.user_salesman.id, summary="Check")
        action = self.env.ref("crm_competitors.crm_competitor_action")
        self.assertEqual(action.view_mode, "kanban,list,form,activity")

        Competitor = self.env["crm.competitor"].with_user(self.user_salesman)
        activity = Competitor.get_views([(False, "activity")])["views"]["activity"]
        self.assertEqual(activity["id"], self.env.ref("crm_competitors.crm_competitor_view_activity").id)
        self.assertIn('t-name="activity-box"', activity["arch"])
        self.assertIn('<field name="name"', activity["arch"])
        # what the activity view loads: the company-B competitor stays hidden from a company-A salesman
        data = (
            self.env["mail.activity"]
            .with_user(self.user_salesman)
            .get_activity_data("crm.competitor", [("id", "in", (self.rival_1 | rival_b).ids)])
        )
        self.assertEqual(data["activity_res_ids"], self.rival_1.ids)
