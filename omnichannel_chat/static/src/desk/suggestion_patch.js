import { UseSuggestion } from "@mail/core/common/suggestion_hook";
import { SuggestionService } from "@mail/core/common/suggestion_service";
import { rpc } from "@web/core/network/rpc";
import { patch } from "@web/core/utils/patch";

/**
 * `:shortcut` in a conversation offers the quick replies of its team only, and inserts them
 * with their placeholders filled, as the quick replies panel does. Elsewhere Odoo's own
 * canned responses work as before.
 */
patch(SuggestionService.prototype, {
    async fetchSuggestions(search, { thread } = {}) {
        await super.fetchSuggestions(...arguments);
        if (search.delimiter === ":" && thread?.model === "discuss.channel") {
            const replies = await rpc(
                `/omnichannel/channel/${thread.id}/quick_replies`,
                { search: search.term },
                { silent: true }
            ).catch(() => false); // Odoo's own canned responses still work
            this.omnichannelFilled ??= {};
            // false on a channel that is no conversation
            this.omnichannelFilled[thread.id] =
                replies && Object.fromEntries(replies.map((reply) => [reply.id, reply.text]));
        }
    },

    searchSuggestions(search, { thread } = {}) {
        const result = super.searchSuggestions(...arguments);
        const filled = this.omnichannelFilled?.[thread?.id];
        if (search.delimiter === ":" && filled) {
            result.suggestions = result.suggestions.filter((reply) => reply.id in filled);
        }
        return result;
    },
});

patch(UseSuggestion.prototype, {
    insert(option) {
        const filled = this.suggestionService.omnichannelFilled?.[this.thread?.id];
        const text = option.cannedResponse && filled?.[option.cannedResponse.id];
        return super.insert(text === undefined || text === false ? option : { ...option, label: text });
    },
});
