import { Component, onWillDestroy, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { rpc } from "@web/core/network/rpc";
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
 * to accept it. At zero the pop-up asks the server to run the timeout now; the server checks
 * the deadline (and its cron runs the timeouts of agents no longer connected).
 */
export class OfferPopup extends Component {
    static template = "omnichannel_chat.OfferPopup";
    static props = {};

    setup() {
        this.agent = useState(useService("omnichannel.agent"));
        this.clock = useState({ now: Date.now() });
        /** offer id -> when the pop-up last asked the server to time it out */
        this.expiryAsked = new Map();
        const timer = setInterval(() => this.tick(), 1000);
        onWillDestroy(() => clearInterval(timer));
    }

    tick() {
        this.clock.now = Date.now();
        for (const offer of this.agent.offers) {
            const asked = this.expiryAsked.get(offer.id);
            // Past the deadline: ask, and ask again every 2 seconds while the server says it
            // is not yet time (the two clocks may differ by a second); the offer leaves the
            // list when the server times it out.
            if (this.clock.now >= offer.deadline && (!asked || this.clock.now - asked >= 2000)) {
                this.expiryAsked.set(offer.id, this.clock.now);
                this.askExpiry(offer);
            }
        }
    }

    async askExpiry(offer) {
        let state;
        try {
            state = await rpc(
                `/omnichannel/conversation/${offer.id}/expire_offer`,
                {},
                { silent: true }
            );
        } catch {
            // Gone or no longer readable (a manager assigned it): nothing to answer any more.
            this.agent.removeOffer(offer.id);
            return;
        }
        if (!state?.actions?.includes("accept_offer")) {
            this.agent.removeOffer(offer.id); // timed out, or handled meanwhile
        }
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
