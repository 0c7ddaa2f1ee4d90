from odoo import api, fields, models
from odoo.exceptions import UserError


class OmnichannelSource(models.Model):
    """Where conversations come from (WhatsApp, live chat, ...): one record per kind of source.

    A source addon ships its record as data. If it delivers agents' messages itself (WhatsApp),
    it also defines the AbstractModel ``omnichannel.provider.<code>``; a source whose customers
    read the Discuss channel directly (live chat) needs none.
    """

    _name = "omnichannel.source"
    _description = "Conversation source"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Technical key, e.g. whatsapp, livechat.")
    icon = fields.Char(
        help="Font Awesome icon class shown beside its conversations, e.g. fa-whatsapp."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Default team",
        help="Team whose queue receives new conversations of this source, unless the "
        "source's account or channel names another.",
    )

    ticket_channel_id = fields.Many2one(
        "helpdesk.ticket.channel",
        string="Ticket channel",
        help="Channel of the helpdesk tickets created from its conversations (default: Other).",
    )

    _sql_constraints = [("code_unique", "UNIQUE(code)", "A source with this code already exists.")]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used_by_conversations(self):
        # sudo: omnichannel.conversation - whether any exists, whoever may read them
        if (
            self.env["omnichannel.conversation"]
            .sudo()
            .search_count([("source_id", "in", self.ids)], limit=1)
        ):
            raise UserError(self.env._("Archive this source instead: it has conversations."))

    def _get_provider(self):
        """The provider model delivering this source's outbound messages, or None."""
        self.ensure_one()
        return self.env.get(f"omnichannel.provider.{self.code}")
