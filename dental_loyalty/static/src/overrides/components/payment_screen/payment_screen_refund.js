import {_t} from "@web/core/l10n/translation";
import {patch} from "@web/core/utils/patch";
import {PaymentScreen} from "@point_of_sale/app/screens/payment_screen/payment_screen";
import {formatPoints, pointsPaymentLines} from "@dental_loyalty/app/points_payment";
import {refundPreview, returnedLines} from "@dental_loyalty/app/refund_preview";

patch(PaymentScreen.prototype, {
    onMounted() {
        super.onMounted(...arguments);
        this._dentalLoyaltyPrefillRefund();
    },

    /** A refund that gives points back opens with its points line filled:
     * a cashier who went straight to Cash would pay back in money what the
     * sale's points paid, refused at Validate. */
    async _dentalLoyaltyPrefillRefund() {
        const order = this.currentOrder;
        const method = this.payment_methods_from_config.find(
            (candidate) => candidate.dental_loyalty_points
        );
        if (
            !method ||
            order.get_total_with_tax() >= 0 ||
            !returnedLines(order).length ||
            this.paymentLines.length
        ) {
            return;
        }
        const answer = await refundPreview(this.pos, order);
        if (
            answer.ok &&
            answer.figures?.give_back_amount > 0 &&
            !this.paymentLines.length
        ) {
            await this.addNewPaymentLine(method);
        }
    },

    /** A refund's points line is filled with what may be given back in
     * points, as the server computes it, not with the whole refund. */
    async addNewPaymentLine(paymentMethod) {
        const order = this.currentOrder;
        if (
            !paymentMethod.dental_loyalty_points ||
            order.get_total_with_tax() >= 0 ||
            !returnedLines(order).length ||
            pointsPaymentLines(order).length
        ) {
            return super.addNewPaymentLine(...arguments);
        }
        const answer = await refundPreview(this.pos, order);
        if (!answer.ok) {
            this._dentalLoyaltyRefused(answer.message);
            return false;
        }
        const mostBack = answer.figures?.give_back_amount || 0;
        const due = -order.get_due();
        if (mostBack <= 0 || due <= 0) {
            this._dentalLoyaltyRefused(
                _t(
                    "Nothing of this refund can be given back in points: what it returns was not paid with points, or those points were given back already."
                )
            );
            return false;
        }
        const added = await super.addNewPaymentLine(...arguments);
        if (added) {
            order.get_selected_paymentline().set_amount(-Math.min(mostBack, due));
            this.numberBuffer.reset();
        }
        return added;
    },

    updateSelectedPaymentline(amount = false) {
        const result = super.updateSelectedPaymentline(...arguments);
        const line = this.selectedPaymentLine;
        const order = this.currentOrder;
        const figures = order.uiState.dentalLoyaltyRefund?.figures;
        if (
            !line?.payment_method_id.dental_loyalty_points ||
            !figures ||
            order.get_total_with_tax() >= 0 ||
            !returnedLines(order).length
        ) {
            return result;
        }
        // In a refund the points line only gives back: 50 typed is 50 back.
        const asked = Math.abs(line.amount);
        const mostBack = figures.give_back_amount;
        if (line.amount > 0 || asked > mostBack) {
            const amount = -Math.min(asked, mostBack);
            line.set_amount(amount);
            this.numberBuffer.set(String(amount));
        }
        if (asked > mostBack) {
            // Corrected on the spot, not refused at Validate.
            this.notification.add(
                _t(
                    "At most %(amount)s (%(points)s points) of this refund can be given back in points.",
                    {
                        amount: this.env.utils.formatCurrency(mostBack),
                        points: formatPoints(figures.give_back_points),
                    }
                ),
                {type: "warning"}
            );
        }
        return result;
    },
});
