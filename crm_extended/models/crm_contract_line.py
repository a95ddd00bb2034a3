from odoo import api, fields, models
from odoo.exceptions import ValidationError

RECURRING_INTERVALS = [
    ("one_off", "One-off"),
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
    ("yearly", "Yearly"),
]

# number of periods of each interval in a year (one-off lines are not recurring)
PERIODS_PER_YEAR = {"one_off": 0, "monthly": 12, "quarterly": 4, "yearly": 1}


class CrmContractLine(models.Model):
    _name = "crm.contract.line"
    _description = "Contract Line"
    _order = "contract_id, sequence, id"
    _check_company_auto = True

    contract_id = fields.Many2one("crm.contract", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True, precompute=True)
    currency_id = fields.Many2one(related="contract_id.currency_id", store=True, precompute=True)
    product_id = fields.Many2one("product.product", check_company=True, index="btree_not_null")
    name = fields.Text(
        "Description", required=True, compute="_compute_name", store=True, readonly=False, precompute=True
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    price_unit = fields.Float(
        "Unit Price", digits="Product Price", compute="_compute_price_unit", store=True, readonly=False, precompute=True
    )
    discount = fields.Float("Discount (%)", digits="Discount")
    recurring_interval = fields.Selection(RECURRING_INTERVALS, "Billed", required=True, default="monthly")
    price_subtotal = fields.Monetary("Subtotal", compute="_compute_amounts", store=True, currency_field="currency_id")
    amount_monthly = fields.Monetary(
        "Monthly Value", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    amount_yearly = fields.Monetary(
        "Yearly Value", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    # stored copies of the header, for the contract analysis (pivot / graph on lines)
    partner_id = fields.Many2one(related="contract_id.partner_id", string="Customer", store=True, index=True)
    user_id = fields.Many2one(related="contract_id.user_id", string="Responsible", store=True)
    state = fields.Selection(related="contract_id.state", string="Contract Status", store=True)
    date_start = fields.Date(related="contract_id.date_start", string="Start Date", store=True)
    date_end = fields.Date(related="contract_id.date_end", string="End Date", store=True)

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            if line.product_id:
                line.name = line.product_id.description_sale or line.product_id.display_name
            else:
                line.name = line.name or False

    @api.depends("product_id", "contract_id.currency_id")
    def _compute_price_unit(self):
        for line in self:
            product = line.product_id
            if not product:
                line.price_unit = line.price_unit or 0.0
                continue
            currency = line.contract_id.currency_id or line.contract_id.company_id.currency_id
            company = line.contract_id.company_id or self.env.company
            line.price_unit = product.currency_id._convert(
                product.lst_price, currency or product.currency_id, company, fields.Date.context_today(self)
            )

    @api.depends("quantity", "price_unit", "discount", "recurring_interval", "currency_id")
    def _compute_amounts(self):
        for line in self:
            subtotal = line.quantity * line.price_unit * (1 - (line.discount or 0.0) / 100.0)
            if line.currency_id:
                subtotal = line.currency_id.round(subtotal)
            yearly = subtotal * PERIODS_PER_YEAR[line.recurring_interval or "one_off"]
            line.price_subtotal = subtotal
            line.amount_yearly = yearly
            line.amount_monthly = line.currency_id.round(yearly / 12.0) if line.currency_id else yearly / 12.0

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity < 0:
                raise ValidationError(
                    self.env._(
                        "The quantity of '%(line)s' on contract %(contract)s cannot be negative.",
                        line=line.name,
                        contract=line.contract_id.display_name,
                    )
                )

    @api.constrains("discount")
    def _check_discount(self):
        for line in self:
            if not 0 <= line.discount <= 100:
                raise ValidationError(
                    self.env._(
                        "The discount of '%(line)s' on contract %(contract)s must be between 0 and 100 %%.",
                        line=line.name,
                        contract=line.contract_id.display_name,
                    )
                )
