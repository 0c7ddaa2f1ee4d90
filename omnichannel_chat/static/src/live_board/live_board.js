import { Component, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";
import { useService } from "@web/core/utils/hooks";
import { debounce } from "@web/core/utils/timing";

/** The supervisors' live board: per team what waits and who holds what, per agent their
 * presence and load; refreshed from the bus whenever a conversation moves. */
export class LiveBoard extends Component {
    static template = "omnichannel_chat.LiveBoard";
    static props = ["*"];

    setup() {
        this.busService = useService("bus_service");
        this.state = useState({ teams: [], agents: [], loaded: false, now: Date.now() });
        this.refresh = debounce(() => this.load(), 300);
        this.onChange = () => this.refresh();
        onWillStart(() => this.load());
        this.busService.subscribe("omnichannel.board/changed", this.onChange);
        this.timer = setInterval(() => (this.state.now = Date.now()), 1000);
        onWillUnmount(() => {
            this.busService.unsubscribe("omnichannel.board/changed", this.onChange);
            clearInterval(this.timer);
        });
    }

    async load() {
        const board = await rpc("/omnichannel/live_board", {});
        Object.assign(this.state, board, { loaded: true, loadedAt: Date.now() });
    }

    longestWait(team) {
        if (!team.queued) {
            return "";
        }
        const seconds =
            team.longest_wait_seconds + Math.floor((this.state.now - this.state.loadedAt) / 1000);
        const minutes = Math.floor(seconds / 60);
        return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
    }
}

registry.category("actions").add("omnichannel_live_board", LiveBoard);
