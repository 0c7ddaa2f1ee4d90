# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Omnichannel WhatsApp",
    "summary": "WhatsApp Business Cloud API as a source of the omnichannel inbox",
    "version": "18.0.1.1.0",
    "category": "Productivity/Discuss",
    "website": "https://github.com/omnichannel-odoo/omnichannel",
    "author": "Omnichannel Odoo Team",
    "license": "LGPL-3",
    "depends": ["omnichannel_chat"],
    "external_dependencies": {"python": ["phonenumbers", "requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/omnichannel_whatsapp_rules.xml",
        "data/omnichannel_source_data.xml",
        "data/queue_job_channel_data.xml",
        "views/omnichannel_whatsapp_account_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "omnichannel_whatsapp/static/src/**/*",
        ],
        "web.assets_tests": [
            "omnichannel_whatsapp/static/tests/tours/**/*",
        ],
    },
    "demo": [
        "demo/omnichannel_whatsapp_demo.xml",
    ],
}
