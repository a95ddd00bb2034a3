"""Competitors and a known set of opportunities for the tests of crm_competitors."""

from odoo.fields import Command

from odoo.addons.crm_extended.tests.common import CrmSuiteCommon


class CompetitorsCommon(CrmSuiteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create({"name": "Competitive Team (test)", "company_id": cls.company_a.id})
        cls.stage_new = cls.env["crm.stage"].create({"name": "New (test)", "sequence": 1})
        cls.stage_won = cls.env["crm.stage"].create({"name": "Won (test)", "sequence": 90, "is_won": True})
        cls.lost_reason = cls.env["crm.lost.reason"].create({"name": "Too expensive (test)"})
        Competitor = cls.env["crm.competitor"]
        cls.rival_1 = Competitor.create({"name": "Rival One", "company_id": cls.company_a.id, "threat_level": "high"})
        cls.rival_2 = Competitor.create({"name": "Rival Two", "company_id": cls.company_a.id})
        cls.rival_3 = Competitor.create({"name": "Rival Three", "company_id": cls.company_a.id})

    @classmethod
    def _create_deal(cls, name, competitors, revenue, outcome="open", user=None, lost_to=None, **values):
        """Create an opportunity of ``user`` (the salesman by default) and close it as ``outcome``."""
        lead = cls.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": cls.partner_a.id,
                "user_id": (user or cls.user_salesman).id,
                "team_id": cls.team.id,
                "company_id": cls.company_a.id,
                "stage_id": cls.stage_new.id,
                "expected_revenue": revenue,
                "competitor_ids": [Command.set(competitors.ids)],
                **values,
            }
        )
        if outcome == "won":
            lead.write({"stage_id": cls.stage_won.id})
        elif outcome == "lost":
            lead.action_set_lost(lost_reason_id=cls.lost_reason.id, lost_competitor_id=lost_to.id if lost_to else False)
        return lead

    @classmethod
    def _create_known_deals(cls):
        """The known set the figures are checked against (see test_crm_competitor)."""
        r1, r2 = cls.rival_1, cls.rival_2
        cls.deal_won_both = cls._create_deal("Won vs both", r1 | r2, 1000, "won")
        cls.deal_won_r1 = cls._create_deal("Won vs one", r1, 2000, "won")
        cls.deal_lost_to_r1 = cls._create_deal("Lost to one", r1 | r2, 500, "lost", lost_to=r1)
        cls.deal_lost_unnamed = cls._create_deal("Lost, nobody named", r1 | r2, 300, "lost")
        cls.deal_open_r1 = cls._create_deal("Open vs one", r1, 700)
        cls.deal_lost_to_r2 = cls._create_deal("Lost to two", r2, 400, "lost", lost_to=r2)
        cls.deal_won_other_rep = cls._create_deal("Won by Sue", r1, 5000, "won", user=cls.user_salesman_2)
        # A plain lead (not an opportunity) never counts.
        cls.lead_not_opportunity = cls._create_deal("Just a lead", r1, 9999, type="lead")
