import { DiscussSidebarCategories } from "@mail/discuss/core/public_web/discuss_sidebar_categories";
import { Component, onWillDestroy, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";

import { formatDuration } from "../agent/offer_popup";

/** A customer's waiting time, ticking every second on its own (the list does not re-render). */
export class WaitingTimer extends Component {
    static template = "omnichannel_chat.WaitingTimer";
    static props = { since: Number };

    setup() {
        this.clock = useState({ now: Date.now() });
        const timer = setInterval(() => (this.clock.now = Date.now()), 1000);
        onWillDestroy(() => clearInterval(timer));
    }

    get text() {
        return formatDuration((this.clock.now - this.props.since) / 1000);
    }
}

/**
 * The agent's desk at the top of Discuss's sidebar: Queue (with each customer's live waiting
 * time), My conversations (unread counters), Conferences, and for managers the others'. Sort
 * by longest waiting (default) or last activity; views for archived and resolved ones.
 */
export class OmnichannelDeskSidebar extends Component {
    static template = "omnichannel_chat.DeskSidebar";
    static components = { WaitingTimer };
    static props = {};

    setup() {
        this.store = useState(useService("mail.store"));
        this.desk = useState(useService("omnichannel.desk"));
        this.ui = useState({ folded: {} });
        onWillStart(() => this.desk.isAgent && this.desk.load());
    }

    get view() {
        if (this.desk.archived) {
            return "archived";
        }
        return this.desk.resolved ? "resolved" : "active";
    }

    get sections() {
        const { sections } = this.desk;
        if (this.view !== "active") {
            const entries = [
                ...sections.queue,
                ...sections.mine,
                ...sections.conferences,
                ...sections.others,
                ...sections.resolved,
            ];
            const name = this.view === "archived" ? _t("Archived") : _t("Resolved");
            return [{ id: this.view, name, entries, icon: "fa-archive" }];
        }
        const result = [
            { id: "queue", name: _t("Queue"), entries: sections.queue, icon: "fa-inbox" },
            { id: "mine", name: _t("My conversations"), entries: sections.mine, icon: "fa-user" },
            {
                id: "conferences",
                name: _t("Conferences"),
                entries: sections.conferences,
                icon: "fa-users",
            },
        ];
        if (sections.others.length) {
            result.push({
                id: "others",
                name: _t("Other agents'"),
                entries: sections.others,
                icon: "fa-eye",
            });
        }
        return result;
    }

    isActive(entry) {
        const thread = this.store.discuss.thread;
        return thread?.model === "discuss.channel" && thread.id === entry.channel_id;
    }

    toggle(section) {
        this.ui.folded[section.id] = !this.ui.folded[section.id];
    }

    setView(view) {
        this.desk.resolved = view === "resolved";
        return this.desk.setArchived(view === "archived");
    }
}

patch(DiscussSidebarCategories, {
    components: { ...DiscussSidebarCategories.components, OmnichannelDeskSidebar },
});
