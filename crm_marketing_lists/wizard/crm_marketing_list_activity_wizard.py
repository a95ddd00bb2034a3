from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CrmMarketingListActivityWizard(models.TransientModel):
    """Plan one activity per member of a list, for the member's salesperson, in one batch."""

    _name = "crm.marketing.list.activity.wizard"
    _description = "Plan Activities for a Marketing List"

    list_id = fields.Many2one("crm.marketing.list", required=True, readonly=True)
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        required=True,
        default=lambda self: self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False),
        domain="['|', ('res_model', '=', False), ('res_model', '=', res_model)]",
    )
    res_model = fields.Selection(related="list_id.member_model")
    summary = fields.Char()
    note = fields.Html()
    date_deadline = fields.Date("Due Date", required=True, default=fields.Date.context_today)

    def action_schedule(self):
        self.ensure_one()
        activities = self._schedule_activities()
        message = self.env._("%(count)s activities planned.", count=len(activities))
        if activities:
            self.list_id.message_post(body=message)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "message": message, "next": {"type": "ir.actions.act_window_close"}},
        }

    def _schedule_activities(self):
        """Create the activities in one ``create``; members that already have this activity planned
        for the same day and person are skipped, so running it twice plans nothing more."""
        mlist = self.list_id
        mlist.check_access("read")
        model = self.env[mlist.member_model]
        model.check_access("write")
        members = mlist._members_sql(mlist.member_model, effective=True, consent=False)
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """SELECT m.member_id, COALESCE(u.id, %(fallback)s) AS user_id
                     FROM (%(members)s) m
                     JOIN %(table)s t ON t.id = m.member_id
                LEFT JOIN res_users u ON u.id = t.user_id AND u.active
                    WHERE NOT EXISTS (
                          SELECT 1 FROM mail_activity a
                           WHERE a.res_model = %(model)s AND a.res_id = m.member_id
                             AND a.activity_type_id = %(type)s AND a.date_deadline = %(deadline)s
                             AND a.user_id = COALESCE(u.id, %(fallback)s))
                 ORDER BY m.member_id""",
                fallback=(mlist.user_id or self.env.user).id,
                members=members,
                table=SQL.identifier(model._table),
                model=mlist.member_model,
                type=self.activity_type_id.id,
                deadline=self.date_deadline,
            )
        )
        if not rows:
            raise UserError(self.env._("Every member already has this activity planned."))
        res_model_id = self.env["ir.model"]._get_id(mlist.member_model)
        vals_list = [
            {
                "res_model_id": res_model_id,
                "res_id": member_id,
                "user_id": user_id,
                "activity_type_id": self.activity_type_id.id,
                "summary": self.summary,
                "note": self.note,
                "date_deadline": self.date_deadline,
            }
            for member_id, user_id in rows
        ]
        activities = self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
        mlist._mark_used()
        return activities
