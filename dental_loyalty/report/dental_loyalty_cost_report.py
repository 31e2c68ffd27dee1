from odoo import fields, models
from odoo.tools import SQL


class DentalLoyaltyCostReport(models.Model):
    """What the programme costs, one row per source: each payment of a paid
    register sale (the points method as its own line, the other methods beside
    it), each used reward's discount and each gift handed over."""

    _name = "dental.loyalty.cost.report"
    _inherit = ["dental.loyalty.report.view"]
    _description = "Loyalty Programme Costs"
    _auto = False
    _order = "date desc, id desc"

    source = fields.Selection(
        selection=[
            ("points_payment", "Paid in points"),
            ("other_payment", "Paid otherwise"),
            ("reward", "Reward discount"),
            ("gift", "Gift handed over"),
        ],
        readonly=True,
    )
    # A moment, so that a month is the user's month for payments; a voucher's
    # day is read at noon (UTC), the same day in every time zone of a clinic.
    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Patient", readonly=True)
    session_id = fields.Many2one("pos.session", readonly=True)
    config_id = fields.Many2one("pos.config", string="Point of Sale", readonly=True)
    payment_method_id = fields.Many2one("pos.payment.method", readonly=True)
    pos_order_id = fields.Many2one("pos.order", string="POS Order", readonly=True)
    voucher_id = fields.Many2one("dental.loyalty.voucher", readonly=True)
    reward_id = fields.Many2one("dental.loyalty.reward", readonly=True)
    practitioner_id = fields.Many2one("hr.employee", readonly=True)
    amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="Money taken by the payment method, or the value a voucher gave.",
    )
    clinic_cost = fields.Monetary(
        string="Clinic's Cost",
        currency_field="currency_id",
        readonly=True,
        help="What the clinic bears: all of a points payment, its share of a "
        "reward or gift; nothing of a payment in money.",
    )
    practitioner_cost = fields.Monetary(
        string="Practitioner's Cost", currency_field="currency_id", readonly=True
    )
    gift_cost = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="A gift at its product's cost today (the reward has no cost of its "
        "own; the value given is the product's sales price when handed over).",
    )

    def _payments_sql(self):
        return SQL(
            """
            SELECT pay.id * 3 AS id,
                   CASE WHEN method.dental_loyalty_points THEN 'points_payment'
                        ELSE 'other_payment' END AS source,
                   pay.payment_date AS date,
                   o.company_id,
                   company.currency_id,
                   o.partner_id,
                   o.session_id,
                   session.config_id,
                   pay.payment_method_id,
                   o.id AS pos_order_id,
                   NULL::int AS voucher_id,
                   NULL::int AS reward_id,
                   o.dental_loyalty_practitioner_id AS practitioner_id,
                   pay.amount,
                   CASE WHEN method.dental_loyalty_points THEN pay.amount
                        ELSE 0 END AS clinic_cost,
                   0 AS practitioner_cost,
                   0 AS gift_cost
              FROM pos_payment pay
              JOIN pos_order o ON o.id = pay.pos_order_id
              JOIN pos_session session ON session.id = o.session_id
              JOIN pos_payment_method method ON method.id = pay.payment_method_id
              JOIN res_company company ON company.id = o.company_id
             WHERE o.state IN ('paid', 'done', 'invoiced')
            """
        )

    def _vouchers_sql(self):
        return SQL(
            """
            SELECT voucher.id * 3 + CASE WHEN reward.kind = 'gift' THEN 2 ELSE 1 END,
                   CASE WHEN reward.kind = 'gift' THEN 'gift' ELSE 'reward' END,
                   voucher.used_date + TIME '12:00',
                   voucher.company_id,
                   company.currency_id,
                   voucher.partner_id,
                   o.session_id,
                   session.config_id,
                   NULL::int,
                   voucher.pos_order_id,
                   voucher.id,
                   voucher.reward_id,
                   voucher.practitioner_id,
                   voucher.used_amount,
                   voucher.clinic_cost,
                   voucher.practitioner_cost,
                   CASE WHEN reward.kind = 'gift' THEN COALESCE(
                       (product.standard_price ->> voucher.company_id::text)::numeric,
                       0
                   ) ELSE 0 END
              FROM dental_loyalty_voucher voucher
              JOIN dental_loyalty_reward reward ON reward.id = voucher.reward_id
              JOIN res_company company ON company.id = voucher.company_id
         LEFT JOIN product_product product ON product.id = reward.product_id
         LEFT JOIN pos_order o ON o.id = voucher.pos_order_id
         LEFT JOIN pos_session session ON session.id = o.session_id
             WHERE voucher.state = 'used'
            """
        )

    def _query(self):
        return SQL("%s UNION ALL %s", self._payments_sql(), self._vouchers_sql())
