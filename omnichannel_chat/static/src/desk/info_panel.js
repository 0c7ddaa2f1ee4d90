import { ActionPanel } from "@mail/discuss/core/common/action_panel";
import { Component, onWillStart, onWillUpdateProps, useState } from "@odoo/owl";
import { formatDateTime, deserializeDateTime } from "@web/core/l10n/dates";
import { rpc } from "@web/core/network/rpc";
import { useService } from "@web/core/utils/hooks";

import { HistoryDialog } from "./dialogs";

/**
 * The conversation's side panel: the contact (edits saved on the contact, for every agent),
 * who takes part, the tags (added and removed inline), the ticket, every conversation with
 * this contact (any source, any agent; opened read-only) and this conversation's event log.
 */
export class OmnichannelInfoPanel extends Component {
    static template = "omnichannel_chat.InfoPanel";
    static components = { ActionPanel };
    static props = { state: Object, thread: { optional: true } };

    setup() {
        this.desk = useState(useService("omnichannel.desk"));
        this.orm = useService("orm");
        this.action = useService("action");
        this.dialog = useService("dialog");
        this.ui = useState({
            info: null,
            editing: false,
            contact: {},
            tagSearch: "",
            tagMatches: [],
            ticketSearch: "",
            ticketMatches: [],
        });
        onWillStart(() => this.load(this.props.state));
        onWillUpdateProps((next) => {
            if (next.state !== this.props.state) {
                return this.load(next.state);
            }
        });
    }

    async load(state) {
        this.ui.info = await rpc(`/omnichannel/conversation/${state.id}/info`, {});
    }

    formatDate(value) {
        return value ? formatDateTime(deserializeDateTime(value)) : "";
    }

    can(action) {
        return this.props.state.actions.includes(action);
    }

    editContact() {
        const { name, phone, email } = this.props.state.customer;
        this.ui.contact = { name: name || "", phone: phone || "", email: email || "" };
        this.ui.editing = true;
    }

    discardContact() {
        this.ui.editing = false;
    }

    async saveContact() {
        await this.desk.act(this.props.state, "update_contact", this.ui.contact);
        this.ui.editing = false;
        await this.load(this.props.state);
    }

    async searchTags(ev) {
        this.ui.tagSearch = ev.target.value;
        const current = this.props.state.tag_ids;
        this.ui.tagMatches = this.ui.tagSearch
            ? await this.orm.searchRead(
                  "helpdesk.ticket.tag",
                  [
                      ["name", "ilike", this.ui.tagSearch],
                      ["id", "not in", current],
                  ],
                  ["name"],
                  { limit: 8 }
              )
            : [];
    }

    async addTag(tag) {
        this.ui.tagSearch = "";
        this.ui.tagMatches = [];
        await this.desk.act(this.props.state, "add_tags", { tag_ids: [tag.id] });
    }

    async removeTag(tag) {
        await this.desk.act(this.props.state, "remove_tags", { tag_ids: [tag.id] });
    }

    async searchTickets(ev) {
        this.ui.ticketSearch = ev.target.value;
        this.ui.ticketMatches = this.ui.ticketSearch
            ? await this.orm.call("helpdesk.ticket", "name_search", [], {
                  name: this.ui.ticketSearch,
                  limit: 8,
              })
            : [];
    }

    async linkTicket([ticketId]) {
        this.ui.ticketSearch = "";
        this.ui.ticketMatches = [];
        await this.desk.act(this.props.state, "link_ticket", { ticket_id: ticketId });
    }

    openTicket() {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "helpdesk.ticket",
            res_id: this.props.state.ticket.id,
            views: [[false, "form"]],
        });
    }

    openConversation(entry) {
        if (!entry.current) {
            this.dialog.add(HistoryDialog, {
                conversationId: this.props.state.id,
                otherId: entry.id,
            });
        }
    }
}
