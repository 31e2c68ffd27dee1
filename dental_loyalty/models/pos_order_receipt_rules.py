from odoo import api, fields, models


class PosOrderReceiptRules(models.Model):
    """The earning rules that gave the order points, named on its receipt:
    read from the order's rule lines in the ledger, as every figure."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    dental_loyalty_rule_lines = fields.Json(
        string="Points by Earning Rule",
        compute="_compute_dental_loyalty_rule_lines",
        compute_sudo=True,
        help="[{ruleId, name, points}]: what each earning rule gave this order, "
        "in the rules' order.",
    )

    @api.depends(
        "dental_loyalty_line_ids.kind",
        "dental_loyalty_line_ids.points",
        "dental_loyalty_line_ids.earning_rule_id.name",
        "dental_loyalty_line_ids.earning_rule_id.sequence",
    )
    def _compute_dental_loyalty_rule_lines(self):
        for order in self:
            given = {}
            for line in order.dental_loyalty_line_ids:
                if line.kind == "rule" and line.earning_rule_id:
                    rule = line.earning_rule_id
                    given[rule] = given.get(rule, 0) + line.points
            # An archived or renamed rule keeps what it gave; its name is today's.
            rules = sorted(given, key=lambda rule: (rule.sequence, rule.id))
            order.dental_loyalty_rule_lines = [
                {"ruleId": rule.id, "name": rule.name, "points": given[rule]}
                for rule in rules
                if given[rule]
            ]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [*super()._load_pos_data_fields(config_id), "dental_loyalty_rule_lines"]
