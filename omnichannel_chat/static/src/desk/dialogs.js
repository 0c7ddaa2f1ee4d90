import { Component, onWillStart, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
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

/** Resolve with a reason (the system's reasons are not offered) and an optional note. */
export class ResolveDialog extends Component {
    static template = "omnichannel_chat.ResolveDialog";
    static components = { Dialog };
    static props = { state: Object, close: Function };

    setup() {
        this.desk = useService("omnichannel.desk");
        this.orm = useService("orm");
        this.ui = useState({ reasons: [], reasonId: false, note: "" });
        onWillStart(async () => {
            this.ui.reasons = await this.orm.searchRead(
                "omnichannel.resolution.reason",
                [["is_system", "=", false]],
                ["name"]
            );
            this.ui.reasonId = this.ui.reasons[0]?.id || false;
        });
    }

    onReasonChange(ev) {
        this.ui.reasonId = Number(ev.target.value);
    }

    async confirm() {
        await this.desk.act(this.props.state, "resolve", {
            reason_id: this.ui.reasonId,
            note: this.ui.note.trim() || null,
        });
        this.props.close();
    }
}
