# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Omnichannel Chat",
    "summary": "One inbox in Discuss for every customer chat: queue, take, transfer, "
    "conference, resolve",
    "version": "18.0.1.1.0",
    "category": "Productivity/Discuss",
    "website": "https://github.com/omnichannel-odoo/omnichannel",
    "author": "Omnichannel Odoo Team",
    "license": "LGPL-3",
    "application": True,
    "depends": ["mail", "resource", "helpdesk_mgmt", "queue_job"],
    "data": [
        "security/omnichannel_security.xml",
        "security/ir.model.access.csv",
        "security/omnichannel_rules.xml",
        "data/omnichannel_resolution_reason_data.xml",
        "data/ir_cron_data.xml",
        "data/queue_job_channel_data.xml",
        "views/helpdesk_ticket_views.xml",
        "views/omnichannel_conversation_views.xml",
        "views/omnichannel_configuration_views.xml",
        "views/omnichannel_pipeline_views.xml",
        "views/omnichannel_menus.xml",
        "report/omnichannel_report_views.xml",
        "wizard/omnichannel_conversation_assign_views.xml",
    ],
    "demo": [
        "demo/omnichannel_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "omnichannel_chat/static/src/**/*",
        ],
        "web.assets_tests": [
            "omnichannel_chat/static/tests/tours/**/*",
        ],
    },
}
