import { Composer } from "@mail/core/common/composer";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

/**
 * WhatsApp's 24-hour customer service window above the composer: the time left to reply
 * freely; once closed, only an approved template reaches the customer, picked here.
 */
patch(Composer.prototype, {
    get whatsappWindow() {
        return this.omnichannelConversation?.whatsapp || false;
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
