# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Omnichannel Live Chat",
    "summary": "Website live chat visitors queue in the omnichannel inbox",
    "version": "18.0.1.0.0",
    "category": "Productivity/Discuss",
    "website": "https://github.com/omnichannel-odoo/omnichannel",
    "author": "Omnichannel Odoo Team",
    "license": "LGPL-3",
    "depends": ["omnichannel_chat", "im_livechat"],
    "data": [
        "security/omnichannel_livechat_security.xml",
        "security/ir.model.access.csv",
        "data/omnichannel_source_data.xml",
        "views/omnichannel_livechat_views.xml",
    ],
    "uninstall_hook": "uninstall_hook",
    "demo": [
        "demo/omnichannel_livechat_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "omnichannel_livechat/static/src/**/*",
        ],
        "web.assets_tests": [
            "omnichannel_livechat/static/tests/tours/**/*",
        ],
    },
}
