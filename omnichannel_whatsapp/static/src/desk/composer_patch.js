import { Composer } from "@mail/core/common/composer";
import { onWillDestroy, toRaw, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

/** When each loaded window closes, in the browser's time (one entry per server answer). */
const windowEnds = new WeakMap();

/**
 * WhatsApp's 24-hour customer service window above the composer: the time left to reply
 * freely, counting down; once closed, only an approved template reaches the customer, picked
 * here.
 */
patch(Composer.prototype, {
    setup() {
        super.setup(...arguments);
        this.whatsappClock = useState({ now: Date.now() });
        const timer = setInterval(() => (this.whatsappClock.now = Date.now()), 30000);
        onWillDestroy(() => clearInterval(timer));
    },

    get whatsappWindow() {
        const window = this.omnichannelConversation?.whatsapp;
        if (!window) {
            return false;
        }
        const raw = toRaw(window);
        if (!windowEnds.has(raw)) {
            windowEnds.set(raw, Date.now() + raw.window_seconds_left * 1000);
        }
        const secondsLeft = Math.max(
            0,
            Math.floor((windowEnds.get(raw) - this.whatsappClock.now) / 1000)
        );
        return {
            ...window,
            window_open: window.window_open && secondsLeft > 0,
            window_seconds_left: secondsLeft,
        };
    },

    get whatsappWindowLeft() {
        const seconds = this.whatsappWindow.window_seconds_left;
        const hours = Math.floor(seconds / 3600);
        const minutes = Math.floor((seconds % 3600) / 60);
        return hours ? _t("%(hours)sh %(minutes)sm", { hours, minutes }) : _t("%s min", minutes);
    },

    get whatsappWindowText() {
        return _t("Free-form replies for %s more", this.whatsappWindowLeft);
    },

    openWhatsappTemplates() {
        const state = this.omnichannelConversation;
        this.env.services.action.doAction(
            {
                type: "ir.actions.act_window",
                name: _t("Send a WhatsApp template"),
                res_model: "omnichannel.whatsapp.template.send",
                views: [[false, "form"]],
                target: "new",
                context: { default_conversation_id: state.id },
            },
            { onClose: () => this.omnichannelDesk.loadState(state.channel_id) }
        );
    },
});
