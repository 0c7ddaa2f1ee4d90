import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("omnichannel_manager_dashboard", {
    steps: () => [
        {
            content: "The Omnichannel group lists its dashboard",
            trigger:
                ".o_spreadsheet_dashboard_search_panel .o_search_panel_section:contains('Omnichannel') .o_search_panel_category_value:contains('Conversations')",
            run: "click",
        },
        {
            content: "The spreadsheet opens, with its Period and Team filters",
            trigger: ".o_spreadsheet_dashboard_action .o-spreadsheet .o-grid",
        },
    ],
});
