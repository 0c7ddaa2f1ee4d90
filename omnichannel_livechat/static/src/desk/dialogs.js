import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

/** Block the chat's anonymous visitor (its guest and IP address), with a reason, for a number
 * of days or until a manager lifts it. */
export class BlockVisitorDialog extends Component {
    static template = "omnichannel_livechat.BlockVisitorDialog";
    static components = { Dialog };
    static props = { state: Object, close: Function };

    setup() {
        this.desk = useService("omnichannel.desk");
        this.notification = useService("notification");
        // days: "" until lifted, else a number of days
        this.ui = useState({ reason: "", days: "1", busy: false });
    }

    get canConfirm() {
        return Boolean(this.ui.reason.trim()) && !this.ui.busy;
    }

    async confirm() {
        if (!this.canConfirm) {
            return;
        }
        const days = this.ui.days ? Number(this.ui.days) : null;
        this.ui.busy = true; // one block per click, however impatient
        try {
            await this.desk.act(this.props.state, "block_visitor", {
                reason: this.ui.reason.trim(),
                days,
            });
        } finally {
            this.ui.busy = false;
        }
        const visitor = this.props.state.customer.name;
        let message;
        if (!days) {
            message = _t("%s is blocked until a manager lifts the block.", visitor);
        } else if (days === 1) {
            message = _t("%s is blocked for 1 day.", visitor);
        } else {
            message = _t("%(visitor)s is blocked for %(days)s days.", { visitor, days });
        }
        this.notification.add(message, { type: "success", title: _t("Visitor blocked") });
        this.props.close();
    }
}
