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
        "in the order the rules were applied, named as they were at the sale.",
    )

    @api.depends(
        "dental_loyalty_line_ids.kind",
        "dental_loyalty_line_ids.points",
        "dental_loyalty_line_ids.earning_rule_id",
        "dental_loyalty_line_ids.reason",
    )
    def _compute_dental_loyalty_rule_lines(self):
        for order in self:
            given = {}
            # Settlement posts the rules' lines in the rules' order, each with
            # the rule's name as the reason: a rule renamed or archived later
            # changes nothing the receipt says, and reading it costs no query.
            for line in order.dental_loyalty_line_ids.sorted("id"):
                if line.kind != "rule" or not line.earning_rule_id:
                    continue
                rule_id = line.earning_rule_id.id
                entry = given.setdefault(
                    rule_id, {"ruleId": rule_id, "name": line.reason or "", "points": 0}
                )
                entry["points"] += line.points
            order.dental_loyalty_rule_lines = [
                entry for entry in given.values() if entry["points"]
            ]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [*super()._load_pos_data_fields(config_id), "dental_loyalty_rule_lines"]
