import { Composer } from "@mail/core/common/composer";
import { toRaw, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";

/**
 * In a customer conversation the composer has a visible switch between replying to the
 * customer and writing an internal note (posted through the conversation's note route, seen
 * by agents only, shown as a note in the timeline).
 */
patch(Composer.prototype, {
    setup() {
        super.setup(...arguments);
        this.omnichannelDesk = useState(useService("omnichannel.desk"));
    },

    /** The conversation of this composer's thread, when the user may write in it. */
    get omnichannelConversation() {
        const thread = this.thread;
        if (thread?.model !== "discuss.channel" || this.props.composer.message) {
            return false;
        }
        const state = this.omnichannelDesk.stateByChannel[thread.id];
        return state?.visible && state.actions.includes("post_note") ? state : false;
    },

    /** An unknown sender's conversation (3CX: Add contact, Reply, Ignore). */
    get omnichannelUnknownSender() {
        const state = this.omnichannelConversation;
        return Boolean(state && state.customer.unknown && state.actions.includes("add_contact"));
    },

    async onOmnichannelAddContact() {
        await this.omnichannelDesk.act(this.omnichannelConversation, "add_contact");
    },

    async onOmnichannelReplyUnknown() {
        const state = this.omnichannelConversation;
        if (state.actions.includes("take")) {
            await this.omnichannelDesk.act(state, "take");
        }
        this.setOmnichannelNoteMode(false);
    },

    async onOmnichannelIgnore() {
        await this.omnichannelDesk.act(this.omnichannelConversation, "ignore");
    },

    get omnichannelNoteMode() {
        const state = this.omnichannelConversation;
        return Boolean(state && this.omnichannelDesk.noteMode[state.channel_id]);
    },

    setOmnichannelNoteMode(noteMode) {
        this.omnichannelDesk.noteMode[this.omnichannelConversation.channel_id] = noteMode;
        this.ref.el?.focus();
    },

    get placeholder() {
        if (this.omnichannelNoteMode) {
            return _t("Internal note: only agents see it…");
        }
        return super.placeholder;
    },

    async sendMessage() {
        const state = this.omnichannelConversation;
        if (!state || !this.omnichannelNoteMode) {
            return super.sendMessage(...arguments);
        }
        if (toRaw(this.props.composer).attachments.length) {
            this.env.services.notification.add(
                _t("Internal notes are text only: send files as a reply."),
                { type: "warning" }
            );
            return;
        }
        await this.processMessage((body) =>
            this.omnichannelDesk.act(state, "post_note", { body })
        );
    },

    onKeydown(ev) {
        // Ctrl+Enter, as Shift+Enter, breaks the line in a conversation instead of sending.
        if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && this.omnichannelConversation) {
            ev.preventDefault();
            const input = this.ref.el;
            const { selectionStart, selectionEnd, value } = input;
            this.props.composer.text =
                value.slice(0, selectionStart) + "\n" + value.slice(selectionEnd);
            const position = selectionStart + 1;
            this.props.composer.selection.start = position;
            this.props.composer.selection.end = position;
            this.props.composer.forceCursorMove = true;
            return;
        }
        return super.onKeydown(ev);
    },
});
