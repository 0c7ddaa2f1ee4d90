from odoo.tools import SQL

OUR_MODULES = ("omnichannel_chat", "omnichannel_livechat", "omnichannel_whatsapp")


def uninstall_hook(env):
    """Odoo's live chat sessions outlive this addon, but the partners our addons created (the
    queue's placeholder operator, demo agents) go away with them, and a session must keep an
    operator: hand those sessions to OdooBot."""
    env.cr.execute(
        SQL(
            """
            UPDATE discuss_channel SET livechat_operator_id = %(root)s
             WHERE livechat_operator_id IN (
                   SELECT res_id FROM ir_model_data
                    WHERE model = 'res.partner' AND module IN %(modules)s
                    UNION
                   SELECT users.partner_id FROM res_users users
                     JOIN ir_model_data data ON data.res_id = users.id
                    WHERE data.model = 'res.users' AND data.module IN %(modules)s)
            """,
            root=env.ref("base.partner_root").id,
            modules=OUR_MODULES,
        )
    )
