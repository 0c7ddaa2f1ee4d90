import { Component, onWillDestroy, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/** Minutes and seconds, as the pop-up's timers show them. */
export function formatDuration(seconds) {
    const total = Math.max(0, Math.floor(seconds));
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const rest = `${String(total % 60).padStart(2, "0")}`;
    if (hours) {
        return `${hours}:${String(minutes).padStart(2, "0")}:${rest}`;
    }
    return `${minutes}:${rest}`;
}

/**
 * The offer pop-up (as Webex's request popover): a conversation routed to this agent, with the
 * customer, team, source, first message, the time the customer waited and the countdown left
 * to accept it. The server decides when it expires (its cron); at zero the pop-up only says so.
 */
export class OfferPopup extends Component {
    static template = "omnichannel_chat.OfferPopup";
    static props = {};

    setup() {
        this.agent = useState(useService("omnichannel.agent"));
        this.clock = useState({ now: Date.now() });
        const timer = setInterval(() => (this.clock.now = Date.now()), 1000);
        onWillDestroy(() => clearInterval(timer));
    }

    secondsLeft(offer) {
        const left = Math.floor((offer.deadline - this.clock.now) / 1000);
        return Math.max(0, Math.min(offer.seconds_left, left));
    }

    waited(offer) {
        return formatDuration((this.clock.now - offer.waitingSince) / 1000);
    }

    countdown(offer) {
        const left = this.secondsLeft(offer);
        return left ? formatDuration(left) : _t("Expiring…");
    }
}

registry.category("main_components").add("omnichannel_chat.OfferPopup", { Component: OfferPopup });
