"""WhatsApp's own webhook log and send queue moved into the core's (omnichannel.inbound and
omnichannel.outbound): their rows move with them, in their order, and the old tables go (Odoo
removes the models' records at the end of the update, not their tables)."""

import logging

from odoo.tools.sql import table_exists

_logger = logging.getLogger(__name__)

ACCOUNT_MODEL = "omnichannel.whatsapp.account"


def migrate(cr, version):
    if not table_exists(cr, "omnichannel_whatsapp_inbound"):
        return
    cr.execute(
        "SELECT res_id FROM ir_model_data WHERE module = 'omnichannel_whatsapp' "
        "AND name = 'source_whatsapp'"
    )
    (source_id,) = cr.fetchone()
    cr.execute(
        """
        INSERT INTO omnichannel_inbound (source_id, account_model, account_id, kind,
            external_id, status, contact_key, payload, state, attempts, error, message_id,
            create_uid, create_date, write_uid, write_date)
        SELECT %s, CASE WHEN account_id IS NULL THEN NULL ELSE %s END, account_id, kind,
            external_id, status, contact_key, payload, state, attempts, error, message_id,
            create_uid, create_date, write_uid, write_date
        FROM omnichannel_whatsapp_inbound
        ORDER BY id
        ON CONFLICT DO NOTHING
        """,
        (source_id, ACCOUNT_MODEL),
    )
    _logger.info("moved %s WhatsApp webhook items to omnichannel.inbound", cr.rowcount)
    cr.execute(
        """
        INSERT INTO omnichannel_outbound (source_id, account_model, account_id,
            conversation_id, message_id, kind, recipient, attachment_id, text,
            reply_to_external_id, payload, tracker, external_id, state, attempts,
            next_attempt_date, error, create_uid, create_date, write_uid, write_date)
        SELECT %s, %s, account_id, conversation_id, message_id, kind, recipient,
            attachment_id, text, reply_to_wamid, template_payload, tracker, wamid, state,
            attempts, next_attempt_date, error, create_uid, create_date, write_uid, write_date
        FROM omnichannel_whatsapp_outbound
        ORDER BY id
        """,
        (source_id, ACCOUNT_MODEL),
    )
    _logger.info("moved %s WhatsApp messages to send to omnichannel.outbound", cr.rowcount)
    cr.execute("DROP TABLE omnichannel_whatsapp_outbound, omnichannel_whatsapp_inbound CASCADE")
