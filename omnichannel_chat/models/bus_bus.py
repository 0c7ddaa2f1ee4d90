from odoo import api, models


class BusBus(models.Model):
    _inherit = "bus.bus"

    @api.model
    def _poll(self, channels, last=0, ignore_ids=None):
        return super()._poll(self._omnichannel_readable_channels(channels), last, ignore_ids)

    @api.model
    def _omnichannel_readable_channels(self, channels):
        """A websocket's subscriptions are checked once, when it subscribes; a conversation's
        channel stops being readable when someone else takes it, on a transfer or when one
        leaves a conference. Each dispatch therefore drops the conversation channels that the
        user may no longer read, so that access ends on open websockets when it ends in the
        database. Other channels (and guests' sockets, whose channels are theirs) are left as
        they are."""
        channel_ids = {
            channel[2]
            for channel in channels
            if isinstance(channel, tuple)
            and len(channel) >= 3
            and channel[1] == "discuss.channel"
            and isinstance(channel[2], int)
        }
        if not channel_ids or self.env.su or not self.env.uid or not self.env.user._is_internal():
            return channels
        self.env.cr.execute(
            "SELECT channel_id FROM omnichannel_conversation WHERE channel_id = ANY(%s)",
            [list(channel_ids)],
        )
        conversation_channel_ids = {row[0] for row in self.env.cr.fetchall()}
        if not conversation_channel_ids:
            return channels
        readable = self.env["discuss.channel"].search(
            [("id", "in", list(conversation_channel_ids))]
        )
        hidden = conversation_channel_ids - set(readable.ids)
        return [
            channel
            for channel in channels
            if not (
                isinstance(channel, tuple)
                and len(channel) >= 3
                and channel[1] == "discuss.channel"
                and channel[2] in hidden
            )
        ]
