from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError


class ImLivechatChannel(models.Model):
    _inherit = "im_livechat.channel"

    omnichannel_queue_mode = fields.Boolean(
        string="Queue in the omnichannel inbox",
        help="New visitor chats wait in a team's queue until an agent takes them, instead of "
        "being handed to one online operator at once. Visitors can chat even when nobody is "
        "online.",
    )
    omnichannel_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Queue team",
        help="Team whose queue receives this channel's chats (default: the live chat source's).",
    )
    omnichannel_waiting_message = fields.Char(
        string="Waiting notice",
        translate=True,
        default=lambda self: self.env._("Thanks! An agent will answer you shortly."),
        help="Shown to the visitor while their chat waits in the queue.",
    )
    omnichannel_max_sessions_per_minute = fields.Integer(
        string="New chats per minute per IP",
        default=5,
        help="Abuse limit: more new chats from one IP address within a minute are refused. "
        "0 means no limit.",
    )
    omnichannel_max_messages_per_minute = fields.Integer(
        string="Messages per minute per IP",
        default=30,
        help="Abuse limit: more visitor messages from one IP address within a minute are "
        "refused. 0 means no limit.",
    )

    def _omnichannel_queue_active(self, chatbot_script=None):
        self.ensure_one()
        return self.omnichannel_queue_mode and not chatbot_script

    def _omnichannel_get_team(self):
        self.ensure_one()
        return (
            self.omnichannel_team_id or self.env.ref("omnichannel_livechat.source_livechat").team_id
        )

    def _get_livechat_discuss_channel_vals(
        self,
        anonymous_name,
        previous_operator_id=None,
        chatbot_script=None,
        user_id=None,
        country_id=None,
        lang=None,
    ):
        if not self._omnichannel_queue_active(chatbot_script):
            return super()._get_livechat_discuss_channel_vals(
                anonymous_name,
                previous_operator_id=previous_operator_id,
                chatbot_script=chatbot_script,
                user_id=user_id,
                country_id=country_id,
                lang=lang,
            )
        # No operator is chosen now: the queue's placeholder holds the operator's place (Odoo
        # requires one, and the visitor's widget shows it) until an agent takes the chat.
        placeholder = self.env.ref("omnichannel_livechat.partner_queue")
        members = [
            fields.Command.create(
                {
                    "partner_id": placeholder.id,
                    "last_interest_dt": fields.Datetime.now() - timedelta(seconds=30),
                    "unpin_dt": fields.Datetime.now(),
                }
            )
        ]
        visitor_user = self.env["res.users"].browse(user_id) if user_id else None
        if visitor_user and visitor_user.active:
            members.append(fields.Command.create({"partner_id": visitor_user.partner_id.id}))
        return {
            "channel_member_ids": members,
            "livechat_active": True,
            "livechat_operator_id": placeholder.id,
            "livechat_channel_id": self.id,
            "anonymous_name": False if user_id else anonymous_name,
            "country_id": country_id,
            "channel_type": "livechat",
            "name": visitor_user.display_name if visitor_user else anonymous_name,
        }

    def get_livechat_info(self, username=None):
        info = super().get_livechat_info(username=username)
        if self.omnichannel_queue_mode and not info["available"]:
            # Queue mode: the button follows the channel's rules, not who is online now.
            info["available"] = True
            info["options"] = self._get_channel_infos()
            info["options"]["default_username"] = username or self.env._("Visitor")
        return info

    # ------------------------------------------------------------------------------------------
    # Abuse limits
    # ------------------------------------------------------------------------------------------

    def _omnichannel_check_new_session(self, ip_address, guest):
        """Refuse a blocked visitor, or an address opening chats too fast."""
        self.ensure_one()
        self.env["omnichannel.livechat.block"]._check_visitor(ip_address, guest)
        limit = self.omnichannel_max_sessions_per_minute
        if not limit or not ip_address:
            return
        recent = self.env["omnichannel.conversation"].search_count(
            [
                ("livechat_visitor_ip", "=", ip_address),
                ("create_date", ">=", fields.Datetime.now() - timedelta(minutes=1)),
            ]
        )
        if recent >= limit:
            raise UserError(
                self.env._("Too many new chats from your network. Please wait a minute.")
            )
