from odoo import fields, models

EVENT_KINDS = [
    ("create", "Created"),
    ("take", "Taken"),
    ("transfer_agent", "Transferred to an agent"),
    ("transfer_team", "Transferred to a team"),
    ("conference_invite", "Conference requested"),
    ("conference_accept", "Conference accepted"),
    ("conference_decline", "Conference declined"),
    ("conference_end", "Conference ended"),
    ("conference_leave", "Left the conference"),
    ("resolve", "Resolved"),
    ("reopen", "Reopened"),
    ("archive", "Archived"),
    ("unarchive", "Unarchived"),
    ("tag_add", "Tag added"),
    ("tag_remove", "Tag removed"),
    ("owner_gone", "Back to the queue: owner offline"),
    ("offer", "Offered to an agent"),
    ("offer_decline", "Offer declined"),
    ("rona", "Offer not answered (RONA)"),
]

STATES = [
    ("queued", "Queued"),
    ("offered", "Offered"),
    ("taken", "Taken"),
    ("resolved", "Resolved"),
]


class OmnichannelEvent(models.Model):
    """The event log: every state change and action on a conversation. Reports read it."""

    _name = "omnichannel.event"
    _description = "Conversation event"
    _order = "date, id"
    _rec_name = "kind"

    conversation_id = fields.Many2one(
        "omnichannel.conversation", required=True, ondelete="cascade", index=True, readonly=True
    )
    kind = fields.Selection(EVENT_KINDS, required=True, readonly=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="By", readonly=True, help="Who acted; empty when the system did."
    )
    from_state = fields.Selection(STATES, readonly=True)
    to_state = fields.Selection(STATES, readonly=True)
    from_user_id = fields.Many2one("res.users", string="From agent", readonly=True)
    to_user_id = fields.Many2one("res.users", string="To agent", readonly=True)
    from_team_id = fields.Many2one("helpdesk.ticket.team", string="From team", readonly=True)
    to_team_id = fields.Many2one("helpdesk.ticket.team", string="To team", readonly=True)
    reason_id = fields.Many2one("omnichannel.resolution.reason", readonly=True)
    tag_id = fields.Many2one("helpdesk.ticket.tag", readonly=True)
    note = fields.Text(readonly=True)
