from odoo import api, fields, models

AGENT_STATUSES = [
    ("available", "Available"),
    ("busy", "Busy"),
    ("not_ready", "Not ready"),
]
NOT_READY_REASONS = [
    ("break", "Break"),
    ("rona", "Did not answer an offer (RONA)"),
]


class OmnichannelAgentStatus(models.Model):
    """The agent's status over time: one row per stretch (reports sum the time in each)."""

    _name = "omnichannel.agent.status"
    _description = "Agent status period"
    _order = "date_start desc, id desc"

    user_id = fields.Many2one("res.users", required=True, index=True, ondelete="cascade")
    status = fields.Selection(AGENT_STATUSES, required=True)
    reason = fields.Selection(NOT_READY_REASONS)
    date_start = fields.Datetime(required=True, default=fields.Datetime.now)
    date_end = fields.Datetime(help="Empty while the agent is in this status.")

    @api.model
    def _record(self, user, status, reason=False):
        """Close the user's current period and open the new one."""
        now = fields.Datetime.now()
        self.search([("user_id", "=", user.id), ("date_end", "=", False)]).date_end = now
        return self.create(
            {"user_id": user.id, "status": status, "reason": reason, "date_start": now}
        )
