from odoo import api, fields, models
from odoo.exceptions import UserError


class OmnichannelConversationAssign(models.TransientModel):
    """Managers hand one or many conversations to an agent: from the queue or from another
    agent. All or nothing: one that cannot move stops the whole batch, with its reason."""

    _name = "omnichannel.conversation.assign"
    _description = "Assign conversations to an agent"

    conversation_ids = fields.Many2many("omnichannel.conversation", string="Conversations")
    user_id = fields.Many2one(
        "res.users",
        string="Agent",
        required=True,
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("omnichannel_chat.group_omnichannel_agent").ids)
        ],
    )
    note = fields.Text(help="For the agent: shown in the conversation's event log.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "omnichannel.conversation":
            values["conversation_ids"] = [
                fields.Command.set(self.env.context.get("active_ids") or [])
            ]
        return values

    def action_assign(self):
        self.ensure_one()
        for conversation in self.conversation_ids:
            if conversation.user_id == self.user_id:
                continue  # already theirs
            try:
                conversation.action_assign(self.user_id.id, note=self.note)
            except UserError as error:
                raise UserError(
                    self.env._(
                        "%(conversation)s: %(reason)s",
                        conversation=conversation.name,
                        reason=error.args[0],
                    )
                ) from error
        return {"type": "ir.actions.act_window_close"}
