from odoo import api, models
from odoo.osv import expression
from odoo.tools import SQL

# The files of internal messages of Discuss channels (a conversation's internal notes).
NOTE_ATTACHMENTS_SQL = SQL(
    """(SELECT rel.attachment_id
          FROM message_attachment_rel rel
          JOIN mail_message message ON message.id = rel.message_id
     LEFT JOIN mail_message_subtype subtype ON subtype.id = message.subtype_id
         WHERE message.model = 'discuss.channel'
           AND (message.is_internal IS TRUE OR subtype.internal IS TRUE))"""
)


def _searches_channel_files(domain):
    """Whether a domain looks for files of Discuss channels, as Discuss's routes do (the
    channel's file list, a file's download, an image), which search as superuser."""
    for leaf in domain:
        if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and leaf[0] == "res_model":
            value = leaf[2]
            if value == "discuss.channel" or (
                isinstance(value, (list, tuple)) and "discuss.channel" in value
            ):
                return True
    return False


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """A file attached to an internal note is not found for a customer (guest or portal
        user) even by Discuss's superuser searches of their channel's files: not listed, not
        downloaded, not shown as an image. Odoo hides the note itself from them, not its
        files."""
        user = self.env.user  # none when Odoo serves a URL as a file (ir.http's fallback)
        if _searches_channel_files(domain) and not (user and user._is_internal()):
            domain = expression.AND([domain, [("id", "not in", NOTE_ATTACHMENTS_SQL)]])
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _bus_send(self, notification_type, message, /, *, subchannel=None):
        """The removal of a note's file is news for the agents only, as the note's are."""
        others = self.browse()
        for attachment in self:
            note = self.env["mail.message"]
            if attachment.res_model == "discuss.channel":
                # sudo: mail.message - the message holding a file being removed
                note = (
                    self.env["mail.message"]
                    .sudo()
                    .search([("attachment_ids", "in", attachment.id)], limit=1)
                )
            partners = note._omnichannel_note_bus_partners() if note else None
            if partners is None:
                others |= attachment
            else:
                partners._bus_send(notification_type, message)
        return super(IrAttachment, others)._bus_send(
            notification_type, message, subchannel=subchannel
        )
