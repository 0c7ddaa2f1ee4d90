import json

from odoo.tests import HttpCase, new_test_user
from odoo.tools import mute_logger


class LivechatCase(HttpCase):
    """A website live chat in queue mode for a team of two agents (none online unless a test
    says so); visitors go through the routes Odoo's widget calls, with its guest cookie."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        agents = "omnichannel_chat.group_omnichannel_agent"
        cls.agent_ana = new_test_user(cls.env, "lc_ana", groups=agents, name="Ana Live")
        cls.agent_bruno = new_test_user(cls.env, "lc_bruno", groups=agents, name="Bruno Live")
        cls.manager = new_test_user(
            cls.env, "lc_marta", groups="omnichannel_chat.group_omnichannel_manager", name="Marta"
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Web team", "user_ids": [(6, 0, (cls.agent_ana | cls.agent_bruno).ids)]}
        )
        cls.livechat = cls.env["im_livechat.channel"].create(
            {
                "name": "Website support",
                "user_ids": [(6, 0, (cls.agent_ana | cls.agent_bruno).ids)],
                "omnichannel_queue_mode": True,
                "omnichannel_team_id": cls.team.id,
            }
        )
        cls.Conversation = cls.env["omnichannel.conversation"]
        cls.reason_resolved = cls.env.ref("omnichannel_chat.reason_resolved")

    def setUp(self):
        super().setUp()
        # Each test starts as a new visitor: no session, no guest cookie.
        self.url_open("/web/session/logout")
        self.opener.cookies.clear()

    def visitor_opens(self, name="Visitor 42", cors=False, guest_token=None):
        return self.make_jsonrpc_request(
            *self.session_params(cors=cors, guest_token=guest_token, name=name)
        )

    def channel_of(self, session):
        return self.env["discuss.channel"].browse(session["discuss.channel"][0]["id"])

    def conversation_of(self, channel):
        return self.Conversation.search([("channel_id", "=", channel.id)])

    def visitor_says(self, channel, body, cors=False, guest_token=None):
        return self.make_jsonrpc_request(
            *self.post_params(channel, body, cors=cors, guest_token=guest_token)
        )

    def visitor_reads(self, channel, cors=False, guest_token=None):
        params = {"channel_id": channel.id}
        route = "/discuss/channel/messages"
        if cors:
            route = "/im_livechat/cors/channel/messages"
            params["guest_token"] = guest_token
        data = self.make_jsonrpc_request(route, params)
        return [m["body"] for m in data["data"].get("mail.message", [])]

    def guest_token(self):
        return self.opener.cookies.get("dgid")

    def act(self, user, conversation, action, **params):
        """An agent's action through the desk's JSON route, then back to the visitor's
        (public) session; the visitor's guest cookie stays."""
        guest_cookie = self.opener.cookies.get("dgid")
        self.authenticate(user.login, user.login)
        try:
            return self.make_jsonrpc_request(
                f"/omnichannel/conversation/{conversation.id}/{action}", params
            )
        finally:
            self.authenticate(None, None)
            if guest_cookie:
                self.opener.cookies.set("dgid", guest_cookie)

    def refusal(self, route, params):
        """The error message a JSON route answers with (None when it accepts)."""
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        with mute_logger("odoo.http"):
            response = self.url_open(
                route, data=json.dumps(payload), headers={"Content-Type": "application/json"}
            )
        error = response.json().get("error")
        return error and error["data"]["message"]

    def post_params(self, channel, body, cors=False, guest_token=None):
        params = {
            "thread_model": "discuss.channel",
            "thread_id": channel.id,
            "post_data": {
                "body": body,
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment",
            },
        }
        if cors:
            params["guest_token"] = guest_token
        return ("/im_livechat/cors/message/post" if cors else "/mail/message/post"), params

    def session_params(self, cors=False, guest_token=None, name="Visitor"):
        params = {"channel_id": self.livechat.id, "anonymous_name": name, "persisted": True}
        if cors:
            params["guest_token"] = guest_token or ""
        return ("/im_livechat/cors/get_session" if cors else "/im_livechat/get_session"), params
