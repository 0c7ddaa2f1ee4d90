import { reactive } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { url } from "@web/core/utils/urls";
import { deserializeDateTime } from "@web/core/l10n/dates";
import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { debounce } from "@web/core/utils/timing";

/** Odoo's own sounds a new queued conversation may play (res.users.settings). */
const QUEUE_SOUNDS = {
    ting: "/mail/static/src/audio/ting",
    message: "/mail/static/src/audio/dm_02",
    chime: "/mail/static/src/audio/channel_01_in",
};

/** Channel types that may hold a customer conversation (live chat is im_livechat's). */
export const CONVERSATION_CHANNEL_TYPES = ["omnichannel", "livechat"];

/**
 * The agent's desk in Discuss: the sidebar's Queue, My conversations and Conferences (one
 * route, in a number of queries that does not grow with the queue), and the state of the
 * conversations open in Discuss (what the thread header offers, the info panel). Both follow
 * the bus: a conversation taken, transferred, resolved elsewhere moves here without reload.
 */
export class OmnichannelDesk {
    constructor(env, services) {
        this.env = env;
        this.store = services["mail.store"];
        this.outOfFocus = services["mail.out_of_focus"];
        this.busService = services.bus_service;
        this.agent = services["omnichannel.agent"];
        this.isAgent = this.agent.isAgent;
        this.sections = { queue: [], mine: [], conferences: [], others: [] };
        this.sort = "waiting";
        this.archived = false;
        this.resolved = false;
        this.loaded = false;
        /** conversation state by channel id, as /omnichannel/channel/<id>/conversation gives */
        this.stateByChannel = {};
        /** channel ids whose composer writes internal notes */
        this.noteMode = {};
    }

    /** Called on the reactive proxy, so that bus updates re-render what shows them. */
    listen() {
        if (!this.isAgent) {
            return;
        }
        this.reload = debounce(() => this.load(), 200);
        this.busService.subscribe("omnichannel.conversation/changed", (payload) => {
            this.reload();
            for (const [channelId, state] of Object.entries(this.stateByChannel)) {
                if (state?.id === payload.id) {
                    this.loadState(Number(channelId));
                }
            }
            this.env.bus.trigger("omnichannel:conversation_changed", payload);
        });
        this.busService.subscribe("discuss.channel/new_message", async ({ id: channelId }) => {
            const known = this.entryByChannel(channelId);
            if (known && !this.sections.queue.includes(known)) {
                this.reload(); // the preview and the unread counter follow
                return;
            }
            // A customer writing in my queue (a new conversation, or one waiting): notify.
            await this.load();
            const entry = this.sections.queue.find((e) => e.channel_id === channelId);
            if (entry?.last_message?.from_customer) {
                this.notifyQueued(entry);
            }
        });
    }

    /** Sound and desktop notification for a customer waiting in my queue, as the agent's
     * settings ask (res.users.settings, the systray menu). */
    notifyQueued(entry) {
        const settings = this.store.settings;
        const sound = settings.omnichannel_queue_sound ?? "ting";
        if (sound !== "none" && QUEUE_SOUNDS[sound]) {
            const audio = new Audio();
            audio.src = url(
                QUEUE_SOUNDS[sound] +
                    (audio.canPlayType("audio/ogg; codecs=vorbis") ? ".ogg" : ".mp3")
            );
            audio.play().catch(() => {}); // no sound before the user's first interaction
        }
        if (settings.omnichannel_queue_desktop ?? true) {
            const preview = settings.omnichannel_queue_preview ?? true;
            this.outOfFocus.sendNotification({
                title: _t("Waiting in the queue: %s", entry.name),
                message: preview ? entry.last_message.preview : entry.source.name,
                sound: false,
                type: "info",
            });
        }
    }

    get all() {
        return [
            ...this.sections.queue,
            ...this.sections.mine,
            ...this.sections.conferences,
            ...this.sections.others,
            ...(this.sections.resolved || []),
        ];
    }

    entryByChannel(channelId) {
        return this.all.find((entry) => entry.channel_id === channelId);
    }

    async load() {
        const desk = await rpc(
            "/omnichannel/desk",
            { archived: this.archived, sort: this.sort, resolved: this.resolved },
            { silent: true }
        );
        for (const entries of Object.values(desk)) {
            for (const entry of entries) {
                entry.waitingSinceMs = entry.waiting_since
                    ? deserializeDateTime(entry.waiting_since).toMillis()
                    : false;
            }
        }
        this.sections = desk;
        this.loaded = true;
    }

    setSort(sort) {
        this.sort = sort;
        return this.load();
    }

    setArchived(archived) {
        this.archived = archived;
        return this.load();
    }

    /** The conversation state of a Discuss channel (false when it holds none). */
    async loadState(channelId) {
        const state = await rpc(`/omnichannel/channel/${channelId}/conversation`, {}, {
            silent: true,
        });
        this.stateByChannel[channelId] = state;
        return state;
    }

    async open(entry) {
        const thread = await this.store.Thread.getOrFetch({
            model: "discuss.channel",
            id: entry.channel_id,
        });
        if (thread) {
            thread.setAsDiscussThread();
        }
        return thread;
    }

    /** Run a workflow action (the routes check rights and state), then refresh what shows it. */
    async act(state, action, params = {}) {
        const result = await rpc(`/omnichannel/conversation/${state.id}/${action}`, params);
        await Promise.all([this.load(), this.loadState(state.channel_id)]);
        return result;
    }
}

export const omnichannelDeskService = {
    dependencies: ["bus_service", "mail.out_of_focus", "mail.store", "omnichannel.agent"],
    start(env, services) {
        const desk = reactive(new OmnichannelDesk(env, services));
        desk.listen();
        return desk;
    },
};

registry.category("services").add("omnichannel.desk", omnichannelDeskService);
