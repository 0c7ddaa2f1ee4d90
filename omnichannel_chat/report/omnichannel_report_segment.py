from odoo import fields, models, tools
from odoo.tools import SQL


class OmnichannelReportSegment(models.Model):
    """Who handled a conversation, and for how long: one row per stretch of ownership, from
    the event that gave an agent the conversation (take, transfer, warm transfer, reopen) to
    the next change of hands (transfer, resolution)."""

    _name = "omnichannel.report.segment"
    _description = "Handling segment"
    _auto = False
    _order = "start_date desc"

    conversation_id = fields.Many2one("omnichannel.conversation", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    source_id = fields.Many2one("omnichannel.source", readonly=True)
    start_date = fields.Datetime(string="From", readonly=True)
    end_date = fields.Datetime(string="Until", readonly=True)
    handle_minutes = fields.Float(string="Handled (min)", readonly=True, aggregator="sum")

    def _select(self):
        return SQL(
            """
            WITH changes AS (
                SELECT e.id, e.conversation_id, e.date,
                       CASE WHEN e.kind IN ('take', 'transfer_agent', 'conference_leave',
                                            'reopen')
                            THEN e.to_user_id END AS owner_id
                  FROM omnichannel_event e
                 WHERE e.kind IN ('take', 'transfer_agent', 'transfer_team',
                                  'conference_leave', 'resolve', 'reopen')
            ),
            spans AS (
                SELECT changes.*,
                       LEAD(changes.date) OVER (
                           PARTITION BY changes.conversation_id ORDER BY changes.date, changes.id
                       ) AS end_date
                  FROM changes
            )
            SELECT spans.id, spans.conversation_id, spans.owner_id AS user_id, c.team_id,
                   c.source_id, spans.date AS start_date, spans.end_date,
                   EXTRACT(EPOCH FROM spans.end_date - spans.date) / 60.0 AS handle_minutes
              FROM spans
              JOIN omnichannel_conversation c ON c.id = spans.conversation_id
             WHERE spans.owner_id IS NOT NULL
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._select())
        )
