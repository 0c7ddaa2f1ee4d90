import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("omnichannel_agent_opens_discuss", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Discuss app",
            trigger: '.o_app[data-menu-xmlid="mail.menu_root_discuss"]',
            run: "click",
        },
        {
            content: "Discuss shows its sidebar, as the demo agent",
            trigger: ".o-mail-Discuss .o-mail-DiscussSidebar",
            run() {
                if (user.login !== "ana") {
                    throw new Error(`Discuss opened for ${user.login}, expected the demo agent ana`);
                }
            },
        },
    ],
});
