from odoo import api, fields, models
from odoo.exceptions import UserError


class HelpdeskTicketTeam(models.Model):
    """A helpdesk team is an omnichannel team (queue): its members are its agents."""

    _inherit = "helpdesk.ticket.team"

    omnichannel_take_on_reply = fields.Boolean(
        string="Take on first reply",
        default=True,
        help="An agent replying to a queued conversation takes it.",
    )
    omnichannel_reason_required = fields.Boolean(
        string="Resolution reason required",
        default=True,
    )
    omnichannel_history_visible = fields.Boolean(
        string="Agents read the team's resolved conversations",
        help="In a contact's history, the team's agents open the resolved conversations of "
        "the team read-only, whoever handled them (without their internal notes). Off: "
        "each agent opens only the conversations they may read.",
    )
    omnichannel_reopen_hours = fields.Float(
        string="Reopen tolerance (hours)",
        default=1.0,
        help="A customer writing within this time after resolution reopens the conversation "
        "to its owner; later, a new conversation starts.",
    )

    omnichannel_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Business hours",
        help="Reports measure durations twice: on the clock, and within these working hours "
        "only. Leave empty to count every hour.",
    )

    omnichannel_outside_hours_message = fields.Char(
        string="Reply outside business hours",
        translate=True,
        help="Sent once per closed period to a customer writing outside the team's business "
        "hours; their conversation still waits in the queue. Empty: no reply.",
    )
    omnichannel_routing_mode = fields.Selection(
        [("open", "Open queue"), ("offer", "Offer to one agent")],
        string="Routing",
        default="open",
        required=True,
        help="Open queue: every agent of the team sees new conversations, the first to take "
        "wins. Offer: each is offered to one available agent under capacity, who accepts or "
        "lets it pass to the next.",
    )
    omnichannel_offer_seconds = fields.Integer(
        string="Offer timeout (seconds)",
        default=30,
        help="An offer not accepted in time sets the agent Not ready (RONA) and goes to the "
        "next agent.",
    )
    omnichannel_capacity = fields.Integer(
        string="Conversations per agent",
        help="How many taken conversations an agent of this team holds at most before taking "
        "another asks to confirm. 0: no limit.",
    )
    omnichannel_owner_gone_minutes = fields.Integer(
        string="Requeue after the owner is offline (minutes)",
        default=15,
        help="Taken conversations of an agent offline this long go back to the queue. 0: never.",
    )
    omnichannel_autoclose_hours = fields.Float(
        string="Close after (hours without the customer)",
        default=24.0,
        help="Conversations whose customer has not written for this long are resolved with "
        "the reason Auto-closed. 0 never closes them.",
    )
    omnichannel_autoclose_warn = fields.Boolean(
        string="Warn the customer first",
        default=True,
        help="Halfway to the automatic close, the customer is asked whether they are still there.",
    )
    omnichannel_autoclose_warning_message = fields.Char(
        string="Warning",
        translate=True,
        default=lambda self: self.env._(
            "Are you still there? This conversation will close soon if we do not hear from you."
        ),
    )
    omnichannel_autoclose_message = fields.Char(
        string="Closing message",
        translate=True,
        default=lambda self: self.env._(
            "We are closing this conversation. Write to us again whenever you need us."
        ),
        help="Sent to the customer when the conversation closes itself; empty sends nothing.",
    )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used_by_conversations(self):
        # sudo: omnichannel.conversation - whether any exists, whoever may read them
        if (
            self.env["omnichannel.conversation"]
            .sudo()
            .search_count([("team_id", "in", self.ids)], limit=1)
        ):
            raise UserError(self.env._("Archive this team instead: it has conversations."))
