import { Component, markup, onWillStart, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { formatDateTime, deserializeDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { rpc } from "@web/core/network/rpc";
import { debounce } from "@web/core/utils/timing";

/**
 * Transfer a conversation to an agent (searched by name, with their status now) or to a team,
 * with an optional note for whoever gets it; or invite an agent to a conference.
 */
export class TransferDialog extends Component {
    static template = "omnichannel_chat.TransferDialog";
    static components = { Dialog };
    static props = { state: Object, mode: String, close: Function };

    setup() {
        this.desk = useService("omnichannel.desk");
        this.ui = useState({ search: "", agents: [], teams: [], target: null, note: "" });
        this.search = debounce(() => this.fetch(), 250);
        onWillStart(() => this.fetch());
    }

    get title() {
        return {
            invite: _t("Invite an agent to the conference"),
            assign: _t("Assign to an agent"),
            transfer: _t("Transfer the conversation"),
        }[this.props.mode];
    }

    async fetch() {
        const result = await rpc("/omnichannel/transfer_targets", {
            search: this.ui.search,
            exclude_conversation_id: this.props.state.id,
        });
        this.ui.agents = result.agents;
        this.ui.teams = this.props.mode === "transfer" ? result.teams : [];
    }

    onInput(ev) {
        this.ui.search = ev.target.value;
        this.search();
    }

    pick(kind, record) {
        this.ui.target = { kind, ...record };
    }

    isPicked(kind, record) {
        return this.ui.target?.kind === kind && this.ui.target.id === record.id;
    }

    async confirm() {
        const { target, note } = this.ui;
        if (!target) {
            return;
        }
        if (this.props.mode === "invite") {
            await this.desk.act(this.props.state, "invite", { user_id: target.id });
        } else if (this.props.mode === "assign") {
            await this.desk.act(this.props.state, "assign", {
                user_id: target.id,
                note: note.trim() || null,
            });
        } else {
            await this.desk.act(this.props.state, "transfer", {
                [target.kind === "team" ? "team_id" : "user_id"]: target.id,
                note: note.trim() || null,
            });
        }
        this.props.close();
    }
}

/** Resolve with a reason (the system's reasons are not offered) and an optional note; a
 * source's way of closing (e.g. ending a website chat) asks the same through its own route
 * (`action`), title, explanation and button. */
export class ResolveDialog extends Component {
    static template = "omnichannel_chat.ResolveDialog";
    static components = { Dialog };
    static props = {
        state: Object,
        close: Function,
        action: { type: String, optional: true },
        title: { type: String, optional: true },
        intro: { type: String, optional: true },
        confirmLabel: { type: String, optional: true },
    };
    static defaultProps = { action: "resolve" };

    setup() {
        this.desk = useService("omnichannel.desk");
        this.orm = useService("orm");
        this.ui = useState({ reasons: [], reasonId: false, note: "", filter: "" });
        onWillStart(async () => {
            this.ui.reasons = await this.orm.searchRead(
                "omnichannel.resolution.reason",
                [["is_system", "=", false]],
                ["name"]
            );
            this.ui.reasonId = this.ui.reasons[0]?.id || false;
        });
    }

    get title() {
        return this.props.title || _t("Resolve the conversation");
    }

    get confirmLabel() {
        return this.props.confirmLabel || _t("Resolve");
    }

    /** The reasons whose name contains what the agent typed in the search field. */
    get shownReasons() {
        const filter = this.ui.filter.trim().toLowerCase();
        return this.ui.reasons.filter((reason) => reason.name.toLowerCase().includes(filter));
    }

    onFilterInput(ev) {
        this.ui.filter = ev.target.value;
        const shown = this.shownReasons;
        if (!shown.some((reason) => reason.id === this.ui.reasonId)) {
            this.ui.reasonId = shown[0]?.id || false;
        }
    }

    onReasonChange(ev) {
        this.ui.reasonId = Number(ev.target.value);
    }

    async confirm() {
        await this.desk.act(this.props.state, this.props.action, {
            reason_id: this.ui.reasonId,
            note: this.ui.note.trim() || null,
        });
        this.props.close();
    }
}

/** A past conversation of the contact, read-only: its messages and internal notes. */
export class HistoryDialog extends Component {
    static template = "omnichannel_chat.HistoryDialog";
    static components = { Dialog };
    static props = { conversationId: Number, otherId: Number, close: Function };

    setup() {
        this.ui = useState({ conversation: null });
        onWillStart(async () => {
            const conversation = await rpc(
                `/omnichannel/conversation/${this.props.conversationId}/history/${this.props.otherId}`,
                {}
            );
            for (const message of conversation.messages) {
                message.body = markup(message.body); // sanitized by mail.message
            }
            this.ui.conversation = conversation;
        });
    }

    formatDate(value) {
        return value ? formatDateTime(deserializeDateTime(value)) : "";
    }
}
