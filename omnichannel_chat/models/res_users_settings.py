from odoo import fields, models

# Sounds of Odoo's own (mail/static/src/audio) a new queued conversation can play.
QUEUE_SOUNDS = [
    ("none", "No sound"),
    ("ting", "Ting"),
    ("message", "Message"),
    ("chime", "Chime"),
]


class ResUsersSettings(models.Model):
    """The agent's own notification settings for new queued conversations (as 3CX's
    Settings > Chat), kept with Odoo's other Discuss settings and sent with them."""

    _inherit = "res.users.settings"

    omnichannel_queue_sound = fields.Selection(
        QUEUE_SOUNDS, string="Sound for a new queued conversation", default="ting"
    )
    omnichannel_queue_desktop = fields.Boolean(
        string="Desktop notification for a new queued conversation", default=True
    )
    omnichannel_queue_preview = fields.Boolean(
        string="Show the message in notifications", default=True
    )
