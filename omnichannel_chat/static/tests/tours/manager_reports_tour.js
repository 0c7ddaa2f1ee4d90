import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("omnichannel_manager_reports", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Omnichannel app",
            trigger: '.o_app[data-menu-xmlid="omnichannel_chat.menu_omnichannel_root"]',
            run: "click",
        },
        {
            content: "Open Reporting",
            trigger: '[data-menu-xmlid="omnichannel_chat.menu_omnichannel_reporting"]',
            run: "click",
        },
        {
            content: "Conversation analysis",
            trigger: '[data-menu-xmlid="omnichannel_chat.menu_omnichannel_report_conversation"]',
            run: "click",
        },
        {
            content: "The pivot shows the teams and the waiting time",
            trigger: ".o_pivot .o_pivot_measure_row:contains('Waiting (min)')",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_renderer canvas",
        },
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Omnichannel app again",
            trigger: '.o_app[data-menu-xmlid="omnichannel_chat.menu_omnichannel_root"]',
            run: "click",
        },
        {
            content: "Open Reporting",
            trigger: '[data-menu-xmlid="omnichannel_chat.menu_omnichannel_reporting"]',
            run: "click",
        },
        {
            content: "Live board",
            trigger: '[data-menu-xmlid="omnichannel_chat.menu_omnichannel_live_board"]',
            run: "click",
        },
        {
            content: "The live board lists the demo teams",
            trigger: ".o_omnichannel_live_board_teams tr[data-team='Customer Support'] .o_queued",
        },
        {
            content: "and their agents with their status (offline: not connected)",
            trigger:
                ".o_omnichannel_live_board_agents tr[data-agent='Ana Agent'] .o_agent_status[data-status='offline']",
        },
        {
            content: "the manager herself, connected: Available, and nothing else",
            trigger:
                ".o_omnichannel_live_board_agents tr[data-agent='Marta Manager'] .o_agent_status[data-status='available']:contains(Available):not(:contains(Offline))",
        },
        {
            content: "Open Reporting again",
            trigger: '[data-menu-xmlid="omnichannel_chat.menu_omnichannel_reporting"]',
            run: "click",
        },
        {
            content: "Agent analysis",
            trigger: '[data-menu-xmlid="omnichannel_chat.menu_omnichannel_report_agent"]',
            run: "click",
        },
        {
            content: "The agents' pivot shows conversations taken",
            trigger: ".o_pivot .o_pivot_measure_row:contains('Taken')",
        },
    ],
});
