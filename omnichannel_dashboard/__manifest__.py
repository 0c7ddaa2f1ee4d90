# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Omnichannel Dashboard",
    "summary": "The omnichannel headline figures as an Odoo spreadsheet dashboard",
    "version": "18.0.1.0.0",
    "category": "Productivity/Dashboard",
    "website": "https://github.com/omnichannel-odoo/omnichannel",
    "author": "Omnichannel Odoo Team",
    "license": "LGPL-3",
    "depends": ["omnichannel_chat", "spreadsheet_dashboard"],
    "data": [
        "data/omnichannel_dashboard_data.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "omnichannel_dashboard/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
}
