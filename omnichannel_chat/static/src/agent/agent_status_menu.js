import { Component, useState } from "@odoo/owl";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/** The agent's status in the systray, as Webex's agent state: what routing sees of them. */
export class AgentStatusMenu extends Component {
    static template = "omnichannel_chat.AgentStatusMenu";
    static components = { Dropdown, DropdownItem };
    static props = {};

    setup() {
        this.agent = useState(useService("omnichannel.agent"));
        this.store = useState(useService("mail.store"));
        this.orm = useService("orm");
        // called from the dropdown's slot, where `this` is not the component
        this.setting = this.setting.bind(this);
        this.saveSetting = this.saveSetting.bind(this);
    }

    /** The agent's notification settings for new queued conversations (3CX: Settings > Chat). */
    get sounds() {
        return [
            { value: "ting", label: _t("Ting") },
            { value: "message", label: _t("Message") },
            { value: "chime", label: _t("Chime") },
            { value: "none", label: _t("No sound") },
        ];
    }

    setting(name, fallback) {
        return this.store.settings[name] ?? fallback;
    }

    async saveSetting(name, value) {
        this.store.settings[name] = value;
        await this.orm.call("res.users.settings", "set_res_users_settings", [[this.store.settings.id]], {
            new_settings: { [name]: value },
        });
    }

    get choices() {
        return [
            { status: "available", reason: false, label: _t("Available") },
            { status: "busy", reason: false, label: _t("Busy") },
            { status: "not_ready", reason: "break", label: _t("Not ready (break)") },
        ];
    }

    get label() {
        const { status, reason } = this.agent;
        if (status === "not_ready") {
            return reason === "rona" ? _t("Not ready (RONA)") : _t("Not ready (break)");
        }
        return status === "busy" ? _t("Busy") : _t("Available");
    }

    get dotClass() {
        return {
            available: "text-success",
            busy: "text-warning",
            not_ready: "text-danger",
        }[this.agent.status];
    }

    isCurrent(choice) {
        return choice.status === this.agent.status && choice.reason === (this.agent.reason || false);
    }
}

export const agentStatusMenuItem = {
    Component: AgentStatusMenu,
    isDisplayed: (env) => Boolean(env.services["omnichannel.agent"].isAgent),
};

registry.category("systray").add("omnichannel_chat.AgentStatusMenu", agentStatusMenuItem, {
    sequence: 120,
});
