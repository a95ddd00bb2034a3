from odoo import fields, models, tools
from odoo.tools import SQL


class CrmCompetitorAnalysis(models.Model):
    """Win/loss analysis: one row per opportunity and competitor taking part in it.

    Outcomes follow the rules of ``crm.competitor``: a deal lost to another
    named competitor is neither won nor lost against this one. Record rules
    mirror those of the opportunities, so a salesman analyses only his deals.
    """

    _name = "crm.competitor.analysis"
    _description = "Win/Loss Analysis by Competitor"
    _auto = False
    _order = "date_closed desc, id desc"
    _rec_name = "lead_id"

    competitor_id = fields.Many2one("crm.competitor", readonly=True)
    threat_level = fields.Selection([("low", "Low"), ("medium", "Medium"), ("high", "High")], readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    lost_reason_id = fields.Many2one("crm.lost.reason", readonly=True)
    lost_competitor_id = fields.Many2one("crm.competitor", string="Lost To Competitor", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    product_ids = fields.Many2many(
        "product.product",
        "crm_competitor_analysis_product_rel",
        "analysis_id",
        "product_id",
        string="Competing Product",
        readonly=True,
    )
    create_date = fields.Datetime(string="Created On", readonly=True)
    date_closed = fields.Datetime(string="Closed On", readonly=True)
    date_deadline = fields.Date(string="Expected Closing", readonly=True)
    outcome = fields.Selection(
        [
            ("open", "Open"),
            ("won", "Won"),
            ("lost", "Lost"),
            ("other", "Lost to another competitor"),
            ("archived", "Archived"),
        ],
        readonly=True,
    )
    lead_count = fields.Integer(string="Opportunities", readonly=True, aggregator="sum")
    open_count = fields.Integer(string="Open", readonly=True, aggregator="sum")
    won_count = fields.Integer(string="Won Against", readonly=True, aggregator="sum")
    lost_count = fields.Integer(string="Lost To", readonly=True, aggregator="sum")
    expected_revenue = fields.Float(readonly=True, aggregator="sum")
    revenue_won = fields.Float(string="Revenue Won Against", readonly=True, aggregator="sum")
    revenue_lost = fields.Float(string="Revenue Lost To", readonly=True, aggregator="sum")

    def _outcome_sql(self):
        return SQL(
            """CASE
                WHEN lead.active AND COALESCE(stage.is_won, FALSE) THEN 'won'
                WHEN lead.active THEN 'open'
                WHEN COALESCE(lead.probability, 0) != 0 THEN 'archived'
                WHEN lead.lost_competitor_id IS NOT NULL AND lead.lost_competitor_id != rel.competitor_id THEN 'other'
                ELSE 'lost'
            END"""
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, "crm_competitor_analysis_product_rel")
        tools.drop_view_if_exists(self.env.cr, self._table)
        outcome = self._outcome_sql()
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(table)s AS (
                SELECT row.*,
                       CASE WHEN row.outcome = 'open' THEN 1 ELSE 0 END AS open_count,
                       CASE WHEN row.outcome = 'won' THEN 1 ELSE 0 END AS won_count,
                       CASE WHEN row.outcome = 'lost' THEN 1 ELSE 0 END AS lost_count,
                       CASE WHEN row.outcome = 'won' THEN row.expected_revenue ELSE 0 END AS revenue_won,
                       CASE WHEN row.outcome = 'lost' THEN row.expected_revenue ELSE 0 END AS revenue_lost
                  FROM (
                    SELECT ROW_NUMBER() OVER (ORDER BY rel.competitor_id, rel.lead_id) AS id,
                           rel.competitor_id,
                           competitor.threat_level,
                           rel.lead_id,
                           lead.user_id,
                           lead.team_id,
                           lead.partner_id,
                           lead.country_id,
                           lead.stage_id,
                           lead.lost_reason_id,
                           lead.lost_competitor_id,
                           lead.company_id,
                           lead.create_date,
                           lead.date_closed,
                           lead.date_deadline,
                           %(outcome)s AS outcome,
                           1 AS lead_count,
                           COALESCE(lead.expected_revenue, 0) AS expected_revenue
                      FROM crm_competitor_crm_lead_rel rel
                      JOIN crm_lead lead ON lead.id = rel.lead_id AND lead.type = 'opportunity'
                      JOIN crm_competitor competitor ON competitor.id = rel.competitor_id
                 LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
                  ) row
            )""",
                table=SQL.identifier(self._table),
                outcome=outcome,
            )
        )
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW crm_competitor_analysis_product_rel AS (
                SELECT analysis.id AS analysis_id, product_rel.product_id
                  FROM %(table)s analysis
                  JOIN crm_competitor_product_product_rel product_rel
                    ON product_rel.competitor_id = analysis.competitor_id
            )""",
                table=SQL.identifier(self._table),
            )
        )
