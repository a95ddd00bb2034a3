from odoo.tests import tagged

from .common import MarketingListCommon


@tagged("post_install", "-at_install")
class TestMarketingListActivityView(MarketingListCommon):
    def test_activity_view(self):
        list_sam = self._create_list("Sam's calls (test)", self.ghent, user_id=self.user_salesman.id)
        list_sue = self._create_list("Sue's calls (test)", self.lyon, user_id=self.user_salesman_2.id)
        for mlist in list_sam | list_sue:
            mlist.activity_schedule("mail.mail_activity_data_todo", user_id=self.user_salesman.id, summary="Call")
        action = self.env.ref("crm_marketing_lists.crm_marketing_list_action")
        self.assertEqual(action.view_mode, "kanban,list,form,activity")

        Lists = self.MarketingList.with_user(self.user_salesman)
        activity = Lists.get_views([(False, "activity")])["views"]["activity"]
        self.assertEqual(activity["id"], self.env.ref("crm_marketing_lists.crm_marketing_list_view_activity").id)
        self.assertIn('t-name="activity-box"', activity["arch"])
        self.assertIn('<field name="name"', activity["arch"])
        # what the activity view loads: Sue's list stays hidden from Sam
        data = (
            self.env["mail.activity"]
            .with_user(self.user_salesman)
            .get_activity_data("crm.marketing.list", [("id", "in", (list_sam | list_sue).ids)])
        )
        self.assertEqual(data["activity_res_ids"], list_sam.ids)
