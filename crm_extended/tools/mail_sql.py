"""Set-based activities and followers for the nightly crons: the rows ``mail.activity.create`` would store.

The ORM ``create`` of thousands of activities (and the ``message_subscribe`` of their assignees) costs
several times the SQL that stores the same rows; the crons of accounts and contracts share these two
statements instead.
"""

from odoo import fields
from odoo.tools import SQL


def insert_activities(env, model, activity_type, source, with_clause=None):
    """Insert the activities of ``source`` on records of ``model``, with their assignees as followers.

    What ``mail.activity.create`` with ``mail_activity_quick_update`` stores: the activities (document
    name, assignee's time zone), each assignee following the documents of his activities (default
    subtypes), and the assignees of activities due today or earlier told to refresh their activity menu.
    No e-mail is sent for each activity: the assignees find them in their activities.

    :param str model: model of the documents
    :param activity_type: the ``mail.activity.type`` of the activities
    :param SQL source: a query of the rows ``(res_id, res_name, user_id, date_deadline, summary)``, one
        per activity; it may use the CTEs of ``with_clause``
    :param SQL with_clause: ``WITH …`` clause run in the same statement (e.g. claiming the documents)
    :return: ``(activity id, res_id, user_id)`` of the activities created, in the order of ``res_id``
    """
    rows = env.execute_query(
        SQL(
            """
            %(with_clause)s
            INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id, user_id,
                                       user_tz, date_deadline, summary, active,
                                       create_uid, write_uid, create_date, write_date)
            SELECT %(model_id)s, %(model)s, a.res_id, a.res_name, %(type_id)s, a.user_id,
                   up.tz, a.date_deadline, a.summary, TRUE,
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM (%(source)s) AS a(res_id, res_name, user_id, date_deadline, summary)
              JOIN res_users u ON u.id = a.user_id
              JOIN res_partner up ON up.id = u.partner_id
             ORDER BY a.res_id
            RETURNING id, res_id, user_id, date_deadline
            """,
            with_clause=with_clause or SQL(),
            model_id=env["ir.model"]._get_id(model),
            model=model,
            type_id=activity_type.id,
            source=source,
            uid=env.uid,
            now=env.cr.now(),
        )
    )
    env["mail.activity"].invalidate_model()
    env[model].invalidate_model(["activity_ids"])
    if not rows:
        return []
    add_followers(env, model, [(res_id, user_id) for _id, res_id, user_id, _deadline in rows])
    today = fields.Date.today()  # as mail.activity.create decides
    to_notify = {user_id for _id, _res_id, user_id, deadline in rows if deadline <= today}
    if to_notify:
        env["res.users"].browse(to_notify)._bus_send("mail.activity/updated", {"activity_created": True})
    return [(activity_id, res_id, user_id) for activity_id, res_id, user_id, _deadline in rows]


def add_followers(env, model, rows):
    """Make each user follow the records of ``model`` given with him, in one statement.

    What ``message_subscribe`` does for a user's partner (the default subtypes of ``model``, the
    external ones for a portal user; an existing follower is left as it is), set-based.

    :param rows: ``(res_id, user id)`` pairs
    """
    users = env["res.users"].sudo().browse({user_id for _res_id, user_id in rows})
    partner_of = {user.id: user.partner_id for user in users if user.partner_id.active}
    default, _internal, external = env["mail.message.subtype"].sudo().default_subtypes(model)
    subtypes = [
        (partner.id, subtype.id)
        for partner in partner_of.values()
        for subtype in (external if partner.partner_share else default)
    ]
    followers = [(res_id, partner_of[user_id].id) for res_id, user_id in rows if user_id in partner_of]
    if not followers:
        return
    env.execute_query(
        SQL(
            """
            WITH new AS (
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                SELECT %(model)s, f.res_id, f.partner_id
                  FROM unnest(%(res_ids)s::int[], %(partner_ids)s::int[]) AS f(res_id, partner_id)
                    ON CONFLICT (res_model, res_id, partner_id) DO NOTHING
                RETURNING id, partner_id
            )
            INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id)
            SELECT new.id, s.subtype_id
              FROM new
              JOIN unnest(%(subtype_partner_ids)s::int[], %(subtype_ids)s::int[]) AS s(partner_id, subtype_id)
                ON s.partner_id = new.partner_id
            """,
            model=model,
            res_ids=[res_id for res_id, _partner_id in followers],
            partner_ids=[partner_id for _res_id, partner_id in followers],
            subtype_partner_ids=[partner_id for partner_id, _subtype_id in subtypes] or [0],
            subtype_ids=[subtype_id for _partner_id, subtype_id in subtypes] or [0],
        )
    )
    env["mail.followers"].invalidate_model()
    env[model].invalidate_model(["message_follower_ids", "message_partner_ids", "message_is_follower"])
