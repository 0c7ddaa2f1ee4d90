import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("omnichannel_manager_configures", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Omnichannel app",
            trigger: '.o_app[data-menu-xmlid="omnichannel_chat.menu_omnichannel_root"]',
            run: "click",
        },
        {
            content: "Show every conversation, not only mine",
            trigger: ".o_searchview .o_facet_remove",
            run: "click",
        },
        {
            content: "The demo conversations are listed",
            trigger: ".o_list_view .o_data_row td:contains('Carmen López')",
        },
        {
            content: "Open the configuration",
            trigger: ".o_main_navbar button:contains('Configuration')",
            run: "click",
        },
        {
            content: "Open the resolution reasons",
            trigger: ".dropdown-menu a:contains('Resolution reasons')",
            run: "click",
        },
        {
            content: "The system reason is there",
            trigger: ".o_list_view .o_data_row td:contains('Auto-closed for inactivity')",
        },
    ],
});
