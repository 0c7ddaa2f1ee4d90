import { Thread } from "@mail/core/common/thread_model";
import { patch } from "@web/core/utils/patch";

import { CONVERSATION_CHANNEL_TYPES } from "./desk_service";

patch(Thread.prototype, {
    /** A conversation opened in Discuss: load what its header and info panel show. */
    setAsDiscussThread() {
        super.setAsDiscussThread(...arguments);
        const desk = this.store.env.services["omnichannel.desk"];
        if (
            desk?.isAgent &&
            this.model === "discuss.channel" &&
            CONVERSATION_CHANNEL_TYPES.includes(this.channel_type)
        ) {
            desk.loadState(this.id);
        }
    },
});
