import {_t} from "@web/core/l10n/translation";
import {patch} from "@web/core/utils/patch";
import {AlertDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {PaymentScreen} from "@point_of_sale/app/screens/payment_screen/payment_screen";
import {
    formatPoints,
    offerCovers,
    pointsPaymentLines,
    releasePoints,
    reservePoints,
} from "@dental_loyalty/app/points_payment";

patch(PaymentScreen.prototype, {
    async addNewPaymentLine(paymentMethod) {
        if (!paymentMethod.dental_loyalty_points) {
            return super.addNewPaymentLine(...arguments);
        }
        const order = this.currentOrder;
        if (order.get_total_with_tax() < 0) {
            // A refund gives points back; the server caps them at what the order spent.
            return super.addNewPaymentLine(...arguments);
        }
        const existing = pointsPaymentLines(order)[0];
        if (existing) {
            order.select_paymentline(existing);
            return true;
        }
        if (order.uiState.dentalLoyaltyAsking) {
            return false; // the server is being asked for this line already
        }
        order.uiState.dentalLoyaltyAsking = true;
        let answer;
        try {
            answer = await reservePoints(this.pos, order);
        } finally {
            order.uiState.dentalLoyaltyAsking = false;
        }
        if (!answer.ok) {
            this._dentalLoyaltyRefused(answer.message);
            return false;
        }
        const amount = Math.min(answer.offer.max_amount, order.get_due());
        if (amount <= 0) {
            this._dentalLoyaltyRefused(
                _t("Nothing of this bill can be paid with points.")
            );
            return false;
        }
        order.uiState.dentalLoyaltyOffer = answer.offer;
        const added = await super.addNewPaymentLine(...arguments);
        if (added) {
            order.get_selected_paymentline().set_amount(amount);
            this.numberBuffer.reset();
        }
        return added;
    },

    updateSelectedPaymentline(amount = false) {
        const first = this.payment_methods_from_config[0];
        if (
            first?.dental_loyalty_points &&
            this.currentOrder.get_total_with_tax() >= 0 &&
            this.paymentLines.every((line) => line.paid)
        ) {
            // Typed with no line to type into, core would add a points line
            // (the register's first method) the server was never asked for:
            // it is added as a tap on the method adds it, held and capped.
            this.numberBuffer.reset();
            this.addNewPaymentLine(first);
            return;
        }
        const result = super.updateSelectedPaymentline(...arguments);
        const line = this.selectedPaymentLine;
        const offer = this.currentOrder.uiState.dentalLoyaltyOffer;
        if (
            line?.payment_method_id.dental_loyalty_points &&
            offer &&
            line.amount > offer.max_amount
        ) {
            // Corrected on the spot, not refused at Validate after the cash is in.
            line.set_amount(offer.max_amount);
            this.numberBuffer.set(String(offer.max_amount));
            this._dentalLoyaltyRefused(this._dentalLoyaltyLimitText(offer));
        }
        return result;
    },

    deletePaymentLine(uuid) {
        const order = this.currentOrder;
        const hadPoints = pointsPaymentLines(order).length > 0;
        const result = super.deletePaymentLine(...arguments);
        if (!pointsPaymentLines(order).length) {
            releasePoints(this.pos, order, hadPoints);
        }
        return result;
    },

    async validateOrder(isForceValidate) {
        const order = this.currentOrder;
        const lines = pointsPaymentLines(order).filter((line) => line.amount > 0);
        const amount = lines.reduce((sum, line) => sum + line.amount, 0);
        // The hold asked for when the line was added holds the most the bill may
        // pay: asked again only if the bill, the patient or the amount outgrew it.
        const offer = order.uiState.dentalLoyaltyOffer;
        if (lines.length && !offerCovers(this.pos, order, offer, amount)) {
            const answer = await reservePoints(this.pos, order, amount);
            if (!answer.ok) {
                this._dentalLoyaltyRefused(answer.message);
                return;
            }
            order.uiState.dentalLoyaltyOffer = answer.offer;
        }
        return super.validateOrder(...arguments);
    },

    get dentalLoyaltyOffer() {
        return pointsPaymentLines(this.currentOrder).length
            ? this.currentOrder.uiState.dentalLoyaltyOffer
            : null;
    },

    get dentalLoyaltySpendableText() {
        return formatPoints(this.dentalLoyaltyOffer?.spendable_points);
    },

    /** Why no more can be paid with points, naming the limit that bit. */
    _dentalLoyaltyLimitText(offer) {
        const amount = this.env.utils.formatCurrency(offer.max_amount);
        if (offer.limited_by === "points") {
            return _t(
                "At most %(amount)s of this bill can be paid with points: that is what the patient's spendable points (%(points)s) are worth.",
                {amount, points: formatPoints(offer.spendable_points)}
            );
        }
        return _t(
            "At most %(amount)s of this bill can be paid with points: the clinic lets points pay at most %(share)s % of a bill.",
            {amount, share: offer.max_share}
        );
    },

    _dentalLoyaltyRefused(message) {
        this.dialog.add(AlertDialog, {
            title: _t("Points payment refused"),
            body: message,
        });
    },
});
