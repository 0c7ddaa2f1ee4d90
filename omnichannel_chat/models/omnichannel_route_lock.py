from odoo import fields, models


class OmnichannelRouteLock(models.Model):
    """One row per (source, contact) whose upsert serialises the routing of that contact's
    messages: two transactions routing the first messages of one new contact conflict on it,
    the later one fails with a serialization error and is retried, and then finds the
    conversation the first one created."""

    _name = "omnichannel.route.lock"
    _description = "Inbound routing lock"
    _log_access = False

    key = fields.Char(required=True, index=True)
    counter = fields.Integer()

    _sql_constraints = [("key_unique", "UNIQUE(key)", "One lock row per contact and source.")]

    def _acquire(self, key):
        self.env.cr.execute(
            """
            INSERT INTO omnichannel_route_lock (key, counter) VALUES (%s, 1)
            ON CONFLICT (key) DO UPDATE SET counter = omnichannel_route_lock.counter + 1
            """,
            [key],
        )
