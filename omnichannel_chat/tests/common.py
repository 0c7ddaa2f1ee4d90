import json
import threading
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, http
from odoo.http import root
from odoo.modules.registry import DummyRLock, Registry
from odoo.service import security
from odoo.sql_db import TestCursor
from odoo.tests import HttpCase, TransactionCase, get_db_name, new_test_user
from odoo.tools import mute_logger

from odoo.addons.bus.models.bus import dispatch, hashable
from odoo.addons.bus.tests.common import WebsocketCase


def run_cron_twice_at_once(registry, method, **kwargs):
    """Two runs of the conversations' cron ``method`` at the same moment, each on its own
    cursor committing its batches as Odoo's cron runner does. Returns the errors raised."""
    barrier = threading.Barrier(2)
    errors = []

    def run():
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"omnichannel_cron_commit": True})
            try:
                barrier.wait(timeout=30)
                getattr(env["omnichannel.conversation"], method)(**kwargs)
            except Exception as error:  # any failure is the caller's to report
                errors.append(repr(error))
                cr.rollback()

    threads = [threading.Thread(target=run) for _i in range(2)]
    with patch.object(Registry, "_lock", DummyRLock()), mute_logger("odoo.sql_db"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    errors += [
        f"{thread.name} still running after 120 s" for thread in threads if thread.is_alive()
    ]
    return errors


class OmnichannelSetup:
    """Two teams, agents with the least rights that can do the job, a manager, and people who
    must see nothing: an internal user who is no agent, a portal user. Passwords = logins."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        agent_groups = "omnichannel_chat.group_omnichannel_agent"
        cls.agent_ana = new_test_user(cls.env, "t_ana", groups=agent_groups, name="Ana Test")
        cls.agent_bruno = new_test_user(cls.env, "t_bruno", groups=agent_groups, name="Bruno Test")
        cls.agent_carla = new_test_user(cls.env, "t_carla", groups=agent_groups, name="Carla Test")
        cls.manager = new_test_user(
            cls.env,
            "t_marta",
            groups="omnichannel_chat.group_omnichannel_manager",
            name="Marta Test",
        )
        cls.internal_user = new_test_user(cls.env, "t_ivan", groups="base.group_user", name="Ivan")
        cls.portal_user = new_test_user(cls.env, "t_pia", groups="base.group_portal", name="Pia")
        Team = cls.env["helpdesk.ticket.team"]
        cls.team_support = Team.create(
            {"name": "Test Support", "user_ids": [(6, 0, (cls.agent_ana | cls.agent_bruno).ids)]}
        )
        cls.team_sales = Team.create(
            {"name": "Test Sales", "user_ids": [(6, 0, cls.agent_carla.ids)]}
        )
        cls.source = cls.env["omnichannel.source"].create(
            {"name": "Test source", "code": "test_source", "team_id": cls.team_support.id}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Customer Carmen", "phone": "+34600000001"}
        )
        cls.reason_resolved = cls.env.ref("omnichannel_chat.reason_resolved")
        cls.reason_spam = cls.env.ref("omnichannel_chat.reason_spam")
        cls.reason_auto = cls.env.ref("omnichannel_chat.reason_auto_closed")
        cls.Conversation = cls.env["omnichannel.conversation"]

    @classmethod
    def route(cls, partner=None, body="Hello", **kwargs):
        """A customer message as a source delivers it (sources run as superuser)."""
        conversation, _message = cls.Conversation.sudo()._route_inbound_message(
            cls.source, partner or cls.customer, body, **kwargs
        )
        return conversation.sudo(False)

    @staticmethod
    def post_as_agent(conversation, user, body):
        """An agent's public message in the conversation, as Discuss posts it."""
        return conversation.sudo().channel_id.message_post(
            body=body,
            author_id=user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def as_user(self, conversation, user):
        return conversation.with_user(user)

    def events(self, conversation):
        return conversation.sudo().event_ids.mapped("kind")


class OmnichannelCase(OmnichannelSetup, TransactionCase):
    pass


class OmnichannelHttpCase(OmnichannelSetup, HttpCase):
    """Calls the JSON routes the agent desk uses, as a logged-in user."""

    def call(self, user, route, **params):
        """JSON-RPC call as user: (result, None) or (None, error data with name and message)."""
        if user:
            self.authenticate(user.login, user.login)
        else:
            self.authenticate(None, None)  # a public visitor's session
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        response = self.url_open(
            route, data=json.dumps(payload), headers={"Content-Type": "application/json"}
        )
        response.raise_for_status()
        body = response.json()
        return body.get("result"), body.get("error", {}).get("data")

    def act(self, user, conversation, action, **params):
        return self.call(user, f"/omnichannel/conversation/{conversation.id}/{action}", **params)


class OmnichannelBrowserCase(OmnichannelSetup, WebsocketCase):
    """Chromium tests with Odoo's bus live, as in production. A test cursor never commits, so
    Odoo skips the NOTIFY that wakes the websockets after a commit: this does it instead, for
    the channels each request notified (the rows are there, in the test transaction)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Read the addons' manifests once now: the browser's parallel first requests would
        # parse them in threads, which CPython 3.11.7's ast.parse does not survive (gh-106905).
        root.statics  # noqa: B018
        commit = TestCursor.commit

        def commit_and_notify(cursor):
            cursor.flush()  # runs the precommit hooks that write the bus rows
            channels = list(cursor.postcommit.data.get("bus.bus.channels", ()))
            commit(cursor)
            sockets = set()
            for channel in channels:
                sockets.update(dispatch._channels_to_ws.get(hashable(channel), ()))
            for socket in sockets:
                socket.trigger_notification_dispatching()

        cls.startClassPatcher(patch.object(TestCursor, "commit", commit_and_notify))

    def new_session(self, user):
        """A logged-in web session of `user` apart from the browser's: a second agent's
        requests, through the same routes and checks as a second browser's."""
        session = root.session_store.new()
        session.update(http.get_default_session(), db=get_db_name())
        env = self.env(user=user)
        session.uid = user.id
        session.login = user.login
        session.session_token = security.compute_session_token(session, env)
        session.context = dict(env["res.users"].context_get())
        root.session_store.save(session)
        return session

    def set_online(self, *users):
        """Users online for routing, as their open Discuss keeps them."""
        for user in users:
            self.env["bus.presence"].create({"user_id": user.id, "status": "online"})
        self.env["res.users"].browse([user.id for user in users]).invalidate_recordset()
