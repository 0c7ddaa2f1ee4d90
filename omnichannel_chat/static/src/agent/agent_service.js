import { reactive } from "@odoo/owl";
import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

/**
 * The agent's side of routing, shared by the systray and the offer pop-up: their status
 * (Available, Busy, Not ready) and the offers standing for them. Both come with the page
 * (res.users._init_store_data) and then from the bus, so every tab agrees, including when the
 * system sets the status (an offer let pass: Not ready, RONA).
 */
export class OmnichannelAgent {
    constructor(env, services) {
        this.env = env;
        this.store = services["mail.store"];
        this.busService = services.bus_service;
        const data = this.store.omnichannel;
        this.isAgent = Boolean(data);
        this.isManager = Boolean(data?.is_manager);
        this.status = data?.status || false;
        this.reason = data?.reason || false;
        /** @type {Object[]} offers shown in the pop-up, oldest first */
        this.offers = [];
        for (const offer of data?.offers || []) {
            this.addOffer(offer);
        }
    }

    /** Called on the reactive proxy, so that bus updates re-render what shows them. */
    listen() {
        if (!this.isAgent) {
            return;
        }
        this.busService.subscribe("omnichannel.agent/status", ({ status, reason }) => {
            this.status = status;
            this.reason = reason;
        });
        this.busService.subscribe("omnichannel.conversation/changed", (payload) => {
            if (payload.change === "offered") {
                this.addOffer(payload);
            } else {
                this.removeOffer(payload.id);
            }
        });
    }

    addOffer(payload) {
        this.removeOffer(payload.id);
        // Timers run from when the offer arrived, on the server's figures: the browser's
        // clock may differ from the server's.
        const now = Date.now();
        this.offers.push({
            ...payload,
            deadline: now + payload.seconds_left * 1000,
            waitingSince: now - payload.waited_seconds * 1000,
        });
    }

    removeOffer(conversationId) {
        const index = this.offers.findIndex((offer) => offer.id === conversationId);
        if (index >= 0) {
            this.offers.splice(index, 1);
        }
    }

    async setStatus(status, reason = false) {
        const result = await rpc("/omnichannel/agent/status", { status, reason });
        this.status = result.status;
        this.reason = result.reason;
    }

    async accept(offer) {
        this.removeOffer(offer.id);
        await rpc(`/omnichannel/conversation/${offer.id}/accept_offer`, {});
        const thread = await this.store.Thread.getOrFetch({
            model: "discuss.channel",
            id: offer.channel_id,
        });
        thread?.open();
    }

    async decline(offer) {
        this.removeOffer(offer.id);
        await rpc(`/omnichannel/conversation/${offer.id}/decline_offer`, {});
    }
}

export const omnichannelAgentService = {
    dependencies: ["bus_service", "mail.store"],
    start(env, services) {
        const agent = reactive(new OmnichannelAgent(env, services));
        agent.listen();
        return agent;
    },
};

registry.category("services").add("omnichannel.agent", omnichannelAgentService);
