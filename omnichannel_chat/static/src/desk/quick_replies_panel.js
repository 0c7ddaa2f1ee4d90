import { ActionPanel } from "@mail/discuss/core/common/action_panel";
import { Component, onWillStart, useState } from "@odoo/owl";
import { rpc } from "@web/core/network/rpc";
import { debounce } from "@web/core/utils/timing";

/**
 * Quick replies beside the conversation: search, category tabs, language filter. A click puts
 * the reply, its placeholders filled for this customer, in the composer to edit before
 * sending (`:shortcut` in the composer keeps working too).
 */
export class OmnichannelQuickRepliesPanel extends Component {
    static template = "omnichannel_chat.QuickRepliesPanel";
    static components = { ActionPanel };
    static props = { state: Object, thread: Object };

    setup() {
        this.ui = useState({ search: "", categoryId: false, lang: "", replies: [], all: [] });
        this.fetch = debounce(() => this.load(), 250);
        onWillStart(async () => {
            await this.load();
            this.ui.all = this.ui.replies; // the tabs and languages offered
        });
    }

    async load() {
        this.ui.replies = await rpc(
            `/omnichannel/conversation/${this.props.state.id}/quick_replies`,
            {
                search: this.ui.search || null,
                category_id: this.ui.categoryId || null,
                lang: this.ui.lang || null,
            }
        );
    }

    get categories() {
        const seen = new Map();
        for (const reply of this.ui.all) {
            if (reply.category_id && !seen.has(reply.category_id)) {
                seen.set(reply.category_id, reply.category);
            }
        }
        return [...seen].map(([id, name]) => ({ id, name }));
    }

    get languages() {
        return [...new Set(this.ui.all.map((reply) => reply.lang).filter(Boolean))].sort();
    }

    onSearch(ev) {
        this.ui.search = ev.target.value;
        this.fetch();
    }

    setCategory(categoryId) {
        this.ui.categoryId = categoryId;
        this.load();
    }

    setLang(ev) {
        this.ui.lang = ev.target.value;
        this.load();
    }

    insert(reply) {
        const composer = this.props.thread.composer;
        const before = composer.text ? `${composer.text.replace(/\s*$/, "")} ` : "";
        composer.text = before + reply.text;
        const end = composer.text.length;
        composer.selection.start = end;
        composer.selection.end = end;
        composer.forceCursorMove = true;
        composer.autofocus++;
    }
}
