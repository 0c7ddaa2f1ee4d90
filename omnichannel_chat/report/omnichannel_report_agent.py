from odoo import fields, models, tools
from odoo.tools import SQL


class OmnichannelReportAgent(models.Model):
    """Per agent and day, from the event log: conversations taken, resolved, transferred out
    and in; the first reply and handle times of the conversations they resolved that day
    (average, and the day's median); and the minutes spent in each status."""

    _name = "omnichannel.report.agent"
    _description = "Agent analysis"
    _auto = False
    _order = "date desc, user_id"

    date = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    taken_count = fields.Integer(string="Taken", readonly=True)
    resolved_count = fields.Integer(string="Resolved", readonly=True)
    transferred_out_count = fields.Integer(string="Transferred out", readonly=True)
    transferred_in_count = fields.Integer(string="Transferred in", readonly=True)
    first_reply_minutes = fields.Float(string="First reply (min)", readonly=True, aggregator="avg")
    first_reply_minutes_median = fields.Float(
        string="First reply, median of the day (min)", readonly=True, aggregator="avg"
    )
    handle_minutes = fields.Float(string="Handle time (min)", readonly=True, aggregator="avg")
    handle_minutes_median = fields.Float(
        string="Handle time, median of the day (min)", readonly=True, aggregator="avg"
    )
    available_minutes = fields.Float(string="Available (min)", readonly=True)
    busy_minutes = fields.Float(string="Busy (min)", readonly=True)
    not_ready_minutes = fields.Float(string="Not ready (min)", readonly=True)

    def _select(self):
        return SQL(
            """
            WITH moves AS (
                SELECT e.date::date AS day, e.to_user_id AS user_id, 1 AS taken, 0 AS resolved,
                       0 AS moved_out, 0 AS moved_in
                  FROM omnichannel_event e WHERE e.kind = 'take'
                UNION ALL
                SELECT e.date::date, e.user_id, 0, 1, 0, 0
                  FROM omnichannel_event e WHERE e.kind = 'resolve' AND e.user_id IS NOT NULL
                UNION ALL
                SELECT e.date::date, e.from_user_id, 0, 0, 1, 0
                  FROM omnichannel_event e
                 WHERE e.kind IN ('transfer_agent', 'transfer_team') AND e.from_user_id IS NOT NULL
                UNION ALL
                SELECT e.date::date, e.to_user_id, 0, 0, 0, 1
                  FROM omnichannel_event e
                 WHERE e.kind = 'transfer_agent' AND e.to_user_id IS NOT NULL
            ),
            status_days AS (
                -- each status period cut at midnight: the minutes of each day in each status
                SELECT s.user_id, d.day::date AS day,
                       SUM(x.minutes) FILTER (WHERE s.status = 'available') AS available,
                       SUM(x.minutes) FILTER (WHERE s.status = 'busy') AS busy,
                       SUM(x.minutes) FILTER (WHERE s.status = 'not_ready') AS not_ready
                  FROM omnichannel_agent_status s
                 CROSS JOIN LATERAL generate_series(
                       date_trunc('day', s.date_start),
                       date_trunc('day', COALESCE(s.date_end, NOW() AT TIME ZONE 'UTC')),
                       interval '1 day') AS d(day)
                 CROSS JOIN LATERAL (
                       SELECT EXTRACT(EPOCH FROM
                              LEAST(COALESCE(s.date_end, NOW() AT TIME ZONE 'UTC'),
                                    d.day + interval '1 day')
                              - GREATEST(s.date_start, d.day)) / 60.0 AS minutes) AS x
                 GROUP BY s.user_id, d.day::date
            ),
            counts AS (
                SELECT day, user_id, SUM(taken) AS taken,
                       SUM(resolved) AS resolved, SUM(moved_out) AS moved_out,
                       SUM(moved_in) AS moved_in
                  FROM moves WHERE user_id IS NOT NULL GROUP BY day, user_id
            ),
            times AS (
                SELECT c.resolved_date::date AS day, c.user_id,
                       AVG(EXTRACT(EPOCH FROM c.first_agent_reply_date - c.create_date)) / 60.0
                           AS first_reply,
                       PERCENTILE_CONT(0.5) WITHIN GROUP (
                           ORDER BY EXTRACT(EPOCH FROM c.first_agent_reply_date - c.create_date)
                       ) / 60.0 AS first_reply_median,
                       AVG(EXTRACT(EPOCH FROM c.resolved_date - c.first_taken_date)) / 60.0
                           AS handle,
                       PERCENTILE_CONT(0.5) WITHIN GROUP (
                           ORDER BY EXTRACT(EPOCH FROM c.resolved_date - c.first_taken_date)
                       ) / 60.0 AS handle_median
                  FROM omnichannel_conversation c
                 WHERE c.state = 'resolved' AND c.user_id IS NOT NULL
                 GROUP BY c.resolved_date::date, c.user_id
            )
            SELECT ROW_NUMBER() OVER (ORDER BY keys.day, keys.user_id) AS id,
                   keys.day AS date, keys.user_id,
                   COALESCE(counts.taken, 0) AS taken_count,
                   COALESCE(counts.resolved, 0) AS resolved_count,
                   COALESCE(counts.moved_out, 0) AS transferred_out_count,
                   COALESCE(counts.moved_in, 0) AS transferred_in_count,
                   times.first_reply AS first_reply_minutes,
                   times.first_reply_median AS first_reply_minutes_median,
                   times.handle AS handle_minutes, times.handle_median AS handle_minutes_median,
                   COALESCE(status_days.available, 0) AS available_minutes,
                   COALESCE(status_days.busy, 0) AS busy_minutes,
                   COALESCE(status_days.not_ready, 0) AS not_ready_minutes
              FROM (SELECT day, user_id FROM counts
                    UNION SELECT day, user_id FROM status_days) AS keys
              LEFT JOIN counts ON counts.day = keys.day AND counts.user_id = keys.user_id
              LEFT JOIN times ON times.day = keys.day AND times.user_id = keys.user_id
              LEFT JOIN status_days
                     ON status_days.day = keys.day AND status_days.user_id = keys.user_id
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._select())
        )
