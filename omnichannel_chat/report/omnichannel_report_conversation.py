from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.omnichannel_event import STATES


def minutes_between(start, end):
    """Minutes from one moment to another, to the second; NULL until both exist."""
    return SQL(
        "EXTRACT(EPOCH FROM (%s - %s)) / 60.0", SQL.identifier("c", end), SQL.identifier("c", start)
    )


class OmnichannelReportConversation(models.Model):
    """One row per conversation with the figures managers analyse: who, where, how long, how
    many. Durations come from the conversation's moments (each one an event of its log), in
    minutes on the clock and within the team's business hours."""

    _name = "omnichannel.report.conversation"
    _description = "Conversation analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "conversation_id"

    conversation_id = fields.Many2one("omnichannel.conversation", readonly=True)
    date = fields.Datetime(string="Started", readonly=True)
    first_taken_date = fields.Datetime(string="First taken", readonly=True)
    resolved_date = fields.Datetime(string="Resolved", readonly=True)
    source_id = fields.Many2one("omnichannel.source", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Agent", readonly=True, help="The owner (at resolution, once resolved)."
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    guest_id = fields.Many2one("mail.guest", string="Visitor", readonly=True)
    reason_id = fields.Many2one("omnichannel.resolution.reason", readonly=True)
    state = fields.Selection(STATES, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    tag_ids = fields.Many2many(related="conversation_id.tag_ids", string="Tags")
    waiting_minutes = fields.Float(string="Waiting (min)", readonly=True, aggregator="avg")
    first_reply_minutes = fields.Float(string="First reply (min)", readonly=True, aggregator="avg")
    handle_minutes = fields.Float(string="Handle time (min)", readonly=True, aggregator="avg")
    resolution_minutes = fields.Float(
        string="Resolution time (min)", readonly=True, aggregator="avg"
    )
    waiting_minutes_business = fields.Float(
        string="Waiting, business hours (min)", readonly=True, aggregator="avg"
    )
    first_reply_minutes_business = fields.Float(
        string="First reply, business hours (min)", readonly=True, aggregator="avg"
    )
    handle_minutes_business = fields.Float(
        string="Handle time, business hours (min)", readonly=True, aggregator="avg"
    )
    resolution_minutes_business = fields.Float(
        string="Resolution time, business hours (min)", readonly=True, aggregator="avg"
    )
    transfer_count = fields.Integer(string="Transfers", readonly=True)
    conference_count = fields.Integer(string="Conferences", readonly=True)
    offer_count = fields.Integer(string="Offers", readonly=True)
    rona_count = fields.Integer(string="Offers not answered (RONA)", readonly=True)
    reopen_count = fields.Integer(string="Reopens", readonly=True)
    customer_message_count = fields.Integer(string="Customer messages", readonly=True)
    agent_message_count = fields.Integer(string="Agent messages", readonly=True)
    note_count = fields.Integer(string="Internal notes", readonly=True)

    def _business(self, seconds_field, end_field):
        return SQL(
            "CASE WHEN %s IS NULL THEN NULL ELSE %s / 60.0 END",
            SQL.identifier("c", end_field),
            SQL.identifier("c", seconds_field),
        )

    def _select(self):
        return SQL(
            """
            SELECT c.id, c.id AS conversation_id, c.create_date AS date, c.first_taken_date,
                   c.resolved_date, c.source_id, c.team_id, c.user_id, c.partner_id,
                   c.guest_id, c.reason_id, c.state, c.company_id,
                   %(waiting)s AS waiting_minutes,
                   %(first_reply)s AS first_reply_minutes,
                   %(handle)s AS handle_minutes,
                   %(resolution)s AS resolution_minutes,
                   %(waiting_b)s AS waiting_minutes_business,
                   %(first_reply_b)s AS first_reply_minutes_business,
                   %(handle_b)s AS handle_minutes_business,
                   %(resolution_b)s AS resolution_minutes_business,
                   COALESCE(c.transfer_count, 0) AS transfer_count,
                   COALESCE(c.conference_count, 0) AS conference_count,
                   COALESCE(c.offer_count, 0) AS offer_count,
                   COALESCE(c.rona_count, 0) AS rona_count,
                   COALESCE(c.reopen_count, 0) AS reopen_count,
                   COALESCE(c.customer_message_count, 0) AS customer_message_count,
                   COALESCE(c.agent_message_count, 0) AS agent_message_count,
                   COALESCE(c.note_count, 0) AS note_count
              FROM omnichannel_conversation c
            """,
            waiting=minutes_between("create_date", "first_taken_date"),
            first_reply=minutes_between("create_date", "first_agent_reply_date"),
            handle=minutes_between("first_taken_date", "resolved_date"),
            resolution=minutes_between("create_date", "resolved_date"),
            waiting_b=self._business("waiting_seconds_business", "first_taken_date"),
            first_reply_b=self._business("first_reply_seconds_business", "first_agent_reply_date"),
            handle_b=self._business("handle_seconds_business", "resolved_date"),
            resolution_b=self._business("resolution_seconds_business", "resolved_date"),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._select())
        )
