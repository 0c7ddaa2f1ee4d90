import base64
import json
import time
from datetime import timedelta

from markupsafe import Markup

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase

from .common import WhatsappCase


@tagged("post_install", "-at_install")
class TestOutbound(WhatsappCase):
    def setUp(self):
        super().setUp()
        self.text("Hola, ¿me ayudáis?")
        self.conversation = self.conversation_of()
        self.conversation.with_user(self.agent_ana).action_take()
        self.standin.reset()

    def reply(self, body, **kwargs):
        return self.reply_as(self.agent_ana, self.conversation, body, **kwargs)

    def test_reply_is_sent_after_commit_with_whatsapp_formatting(self):
        message = self.reply(Markup("<p>Hola <b>Carmen</b>, te lo <i>envío</i> hoy</p>"))
        # Queued in the agent's transaction; nothing reaches Meta before it commits.
        self.assertEqual(self.standin.sent_messages, [])
        self.assertEqual(message.omnichannel_delivery_state, "pending")
        self.send_due()
        sent = self.standin.sent_messages
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["to"], "34699000111")
        self.assertEqual(sent[0]["text"]["body"], "Hola *Carmen*, te lo _envío_ hoy")
        self.assertEqual(message.omnichannel_delivery_state, "sent")
        self.assertTrue(message.omnichannel_whatsapp_id.startswith("wamid."))

    def test_internal_note_is_never_sent(self):
        self.conversation.with_user(self.agent_ana).action_post_note("Cliente VIP")
        self.send_due()
        self.assertEqual(self.standin.sent_messages, [])
        self.assertFalse(self.Outbound.search([("conversation_id", "=", self.conversation.id)]))

    def test_attachment_is_uploaded_and_sent_as_media_with_caption(self):
        attachment = self.env["ir.attachment"].create(
            {
                "name": "foto.png",
                "raw": b"\x89PNG\r\n\x1a\nimg",
                "mimetype": "image/png",
                "res_model": "discuss.channel",
                "res_id": self.conversation.channel_id.id,
            }
        )
        self.reply("Aquí la foto", attachment_ids=[attachment.id])
        self.send_due()
        (sent,) = self.standin.sent_messages
        self.assertEqual(sent["type"], "image")
        self.assertEqual(sent["image"]["caption"], "Aquí la foto")
        content, mimetype, _filename = self.standin.uploaded_media(sent["image"]["id"])
        self.assertEqual((content, mimetype), (b"\x89PNG\r\n\x1a\nimg", "image/png"))

    def test_voice_message_is_sent_as_audio(self):
        voice = self.env["ir.attachment"].create(
            {
                "name": "Voice.ogg",
                "datas": base64.b64encode(b"OggS"),
                "mimetype": "audio/ogg",
                "res_model": "discuss.channel",
                "res_id": self.conversation.channel_id.id,
            }
        )
        self.env["discuss.voice.metadata"].create({"attachment_id": voice.id})
        self.reply("", attachment_ids=[voice.id])
        self.send_due()
        (sent,) = self.standin.sent_messages
        self.assertEqual(sent["type"], "audio")
        self.assertNotIn("caption", sent["audio"])

    def test_reply_context_and_agent_reaction_reach_the_customer(self):
        question = self.customer_messages(self.conversation)[-1]
        self.reply("Claro", parent_id=question.id)
        self.send_due()
        self.assertEqual(
            self.standin.sent_messages[-1]["context"]["message_id"],
            question.omnichannel_whatsapp_id,
        )
        self.authenticate(self.agent_ana.login, self.agent_ana.login)
        self.make_jsonrpc_request(
            "/mail/message/reaction", {"message_id": question.id, "content": "👍", "action": "add"}
        )
        self.send_due()
        reaction = self.standin.sent_messages[-1]
        self.assertEqual(
            reaction["reaction"], {"message_id": question.omnichannel_whatsapp_id, "emoji": "👍"}
        )

    def test_statuses_move_forward_only_and_failed_keeps_the_reason(self):
        message = self.reply("Enviado")
        self.send_due()
        wamid = message.omnichannel_whatsapp_id
        self.status(wamid, "read")
        self.status(wamid, "delivered")  # late: no downgrade
        self.status(wamid, "sent")
        self.assertEqual(message.omnichannel_delivery_state, "read")
        self.status(wamid, "read")  # duplicate
        self.assertEqual(message.omnichannel_delivery_state, "read")
        other = self.reply("Otro")
        self.send_due()
        errors = [
            {
                "code": 131026,
                "title": "Message undeliverable",
                "error_data": {"details": "Receiver is incapable of receiving this message"},
            }
        ]
        self.status(other.omnichannel_whatsapp_id, "failed", errors=errors)
        self.status(other.omnichannel_whatsapp_id, "sent")
        self.assertEqual(other.omnichannel_delivery_state, "failed")
        self.assertEqual(
            other.omnichannel_delivery_error,
            "(#131026) Message undeliverable: Receiver is incapable of receiving this message",
        )

    def test_status_before_its_send_is_recorded_is_applied_later(self):
        message = self.reply("Rápido")
        self.standin.fail_next(path_contains="messages", code=130429, http_status=400, times=1)
        self.send_due()  # rate limited: still queued
        outbound = self.Outbound.search([("message_id", "=", message.id)])
        self.assertEqual(outbound.state, "queued")
        self.status("wamid.future", "delivered")
        waiting = self.Inbound.search([("external_id", "=", "wamid.future")])
        self.assertEqual(waiting.state, "waiting")
        outbound.next_attempt_date = "2000-01-01"
        self.standin.next_wamids = ["wamid.future"]
        self.send_due()
        self.assertEqual(outbound.external_id, "wamid.future")
        self.assertEqual(waiting.state, "done")
        self.assertEqual(message.omnichannel_delivery_state, "delivered")

    def test_waiting_status_is_swept_when_its_send_lands_elsewhere(self):
        # The send is recorded by another transaction (the sending cron) after this status
        # was set aside: the next processing run applies it.
        message = self.reply("Cruce")
        self.status("wamid.crossed", "read")
        waiting = self.Inbound.search([("external_id", "=", "wamid.crossed")])
        self.assertEqual(waiting.state, "waiting")
        outbound = self.Outbound.search([("message_id", "=", message.id)])
        self.env.cr.execute(
            "UPDATE omnichannel_outbound SET external_id = 'wamid.crossed', state = 'sent' "
            "WHERE id = %s",
            [outbound.id],
        )
        self.env.invalidate_all()
        self.sweep()  # the pipeline's cron safety net
        self.assertEqual(waiting.state, "done")
        self.assertEqual(message.omnichannel_delivery_state, "read")

    def test_orphan_status_is_kept_a_week_then_set_aside(self):
        self.status("wamid.from-another-app", "delivered")
        orphan = self.Inbound.search([("external_id", "=", "wamid.from-another-app")])
        self.process()
        self.assertEqual(orphan.state, "waiting")
        self.env.cr.execute(
            "UPDATE omnichannel_inbound SET create_date = now() - interval '8 days' WHERE id = %s",
            [orphan.id],
        )
        self.env.invalidate_all()
        self.sweep()
        self.assertEqual(orphan.state, "failed")

    def test_transient_errors_are_retried_without_duplicates(self):
        for code, http_status in (
            (130429, 400),
            (131056, 400),
            (131000, 500),
            (131016, 503),
            (None, 502),
        ):
            with self.subTest(code=code):
                self.standin.reset()
                message = self.reply(f"Reintento {code}")
                self.standin.fail_next(
                    path_contains="messages", code=code, http_status=http_status, times=1
                )
                self.send_due()
                outbound = self.Outbound.search([("message_id", "=", message.id)])
                self.assertEqual((outbound.state, outbound.attempts), ("queued", 1))
                self.assertGreater(outbound.next_attempt_date, outbound.create_date)
                self.send_due()  # not due yet: backoff
                self.assertEqual(outbound.attempts, 1)
                outbound.next_attempt_date = "2000-01-01"
                self.send_due()
                self.assertEqual(outbound.state, "sent")
                self.assertEqual(len(self.standin.sent_messages), 1)
                self.assertEqual(message.omnichannel_delivery_state, "sent")

    def test_timeout_is_retried_and_not_sent_twice_when_meta_got_it(self):
        message = self.reply("¿Llegó?")
        # Meta answers after the client gave up (Odoo's tests raise timeouts to 10 s).
        self.standin.fail_next(path_contains="messages", code=None, latency=11, times=1)
        self.send_due()
        outbound = self.Outbound.search([("message_id", "=", message.id)])
        self.assertEqual(outbound.state, "queued")
        self.assertIn("Timeout", outbound.error)
        # Meta had accepted it: its status carries our tracker.
        for _wait in range(40):
            if self.standin.sent_messages:
                break
            time.sleep(0.1)
        (accepted,) = self.standin.sent_messages
        self.assertEqual(accepted["biz_opaque_callback_data"], outbound.tracker)
        self.status("wamid.accepted-late", "sent", biz_opaque_callback_data=outbound.tracker)
        outbound.next_attempt_date = "2000-01-01"
        self.send_due()
        self.assertEqual(len(self.standin.sent_messages), 1)
        self.assertEqual((outbound.state, outbound.external_id), ("sent", "wamid.accepted-late"))

    def test_permanent_errors_fail_at_once_with_the_reason(self):
        for code in (131026, 131047, 132000, 132001):
            with self.subTest(code=code):
                message = self.reply(f"Permanente {code}")
                self.standin.fail_next(
                    path_contains="messages",
                    code=code,
                    http_status=400,
                    title="Meta says no",
                    times=1,
                )
                self.send_due()
                outbound = self.Outbound.search([("message_id", "=", message.id)])
                self.assertEqual(outbound.state, "failed")
                self.assertEqual(message.omnichannel_delivery_state, "failed")
                self.assertIn(f"(#{code})", message.omnichannel_delivery_error)

    def test_invalid_token_pauses_the_number_and_tells_managers(self):
        message = self.reply("Token caducado")
        self.standin.fail_next(
            path_contains="messages",
            code=190,
            http_status=401,
            title="Error validating access token",
            times=1,
        )
        self.send_due()
        self.assertEqual(self.account.state, "attention")
        self.assertIn("190", self.account.last_error)
        notice = self.account.message_ids.filtered(
            lambda m: self.manager.partner_id in m.partner_ids
        )
        self.assertTrue(notice, "managers are told")
        outbound = self.Outbound.search([("message_id", "=", message.id)])
        self.assertEqual(outbound.state, "queued")  # waits for a valid token, not lost
        self.send_due()
        self.assertEqual(outbound.attempts, 1, "nothing is sent while the token is invalid")
        self.account.with_user(self.manager).access_token = "test-access-token"
        self.assertEqual(self.account.state, "ok")
        self.send_due()
        self.assertEqual(outbound.state, "sent")

    def test_agent_reading_marks_the_customer_message_as_read(self):
        self.account.mark_read_on_agent_read = True
        question = self.customer_messages(self.conversation)[-1]
        member = self.conversation.channel_id.channel_member_ids.filtered(
            lambda m: m.partner_id == self.agent_ana.partner_id
        )
        member.with_user(self.agent_ana)._mark_as_read(question.id)
        self.send_due()
        (receipt,) = [
            r["json"] for r in self.standin.requests if (r["json"] or {}).get("status") == "read"
        ]
        self.assertEqual(receipt["message_id"], question.omnichannel_whatsapp_id)


@tagged("post_install", "-at_install")
class TestServiceWindow(WhatsappCase):
    def setUp(self):
        super().setUp()
        self.text("Hola")
        self.conversation = self.conversation_of()
        self.conversation.with_user(self.agent_ana).action_take()
        self.standin.reset()

    def close_window(self):
        self.conversation.whatsapp_last_inbound_date = "2020-01-01 10:00:00"

    def test_the_desk_shows_the_window(self):
        """The thread header's state carries the window: time left, then closed."""
        state = self.conversation.with_user(self.agent_ana)._get_state_for_current_user()
        self.assertTrue(state["whatsapp"]["window_open"])
        self.assertGreater(state["whatsapp"]["window_seconds_left"], 23 * 3600)
        self.close_window()
        state = self.conversation.with_user(self.agent_ana)._get_state_for_current_user()
        self.assertEqual(state["whatsapp"], {"window_open": False, "window_seconds_left": 0})

    def test_free_text_refused_once_the_window_closed(self):
        self.assertTrue(self.conversation.whatsapp_window_open)
        self.close_window()
        self.assertFalse(self.conversation.whatsapp_window_open)
        with self.assertRaisesRegex(UserError, "24 hours"):
            self.reply_as(self.agent_ana, self.conversation, "¿Sigues ahí?")
        self.assertEqual(self.standin.sent_messages, [])

    def test_templates_sync_and_send_with_variables(self):
        self.account.with_user(self.manager).action_sync_templates()
        templates = self.env["omnichannel.whatsapp.template"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertEqual(len(templates), len(self.standin.templates))  # every page followed
        approved = templates.filtered("is_approved")
        self.assertTrue(approved and approved != templates)
        self.close_window()
        template = approved.filtered(lambda t: "{{1}}" in (t.body_text or ""))[:1]
        wizard = (
            self.env["omnichannel.whatsapp.template.send"]
            .with_user(self.agent_ana)
            .create({"conversation_id": self.conversation.id, "template_id": template.id})
        )
        body_lines = wizard.line_ids.filtered(lambda line: line.component == "BODY")
        self.assertEqual(body_lines[0].value, self.conversation.partner_id.name)
        for line in wizard.line_ids.filtered(lambda line: not line.value):
            line.value = "42"
        body_lines[0].value = "Carmen"  # edited before sending
        self.assertIn("Carmen", wizard.preview)
        wizard.action_send()
        self.send_due()
        (sent,) = self.standin.sent_messages
        self.assertEqual(sent["type"], "template")
        self.assertEqual(sent["template"]["name"], template.name)
        self.assertEqual(sent["template"]["language"], {"code": template.language})
        body = next(c for c in sent["template"]["components"] if c["type"] == "body")
        self.assertEqual(body["parameters"][0], {"type": "text", "text": "Carmen"})
        posted = self.conversation.channel_id.message_ids[0]
        self.assertEqual(posted.omnichannel_delivery_state, "sent")
        self.assertIn("Carmen", posted.body)

    def test_template_variables_must_be_filled(self):
        self.account.action_sync_templates()
        template = self.env["omnichannel.whatsapp.template"].search(
            [
                ("account_id", "=", self.account.id),
                ("is_approved", "=", True),
                ("body_text", "like", "{{2}}"),
            ],
            limit=1,
        )
        wizard = (
            self.env["omnichannel.whatsapp.template.send"]
            .with_user(self.agent_ana)
            .create({"conversation_id": self.conversation.id, "template_id": template.id})
        )
        with self.assertRaisesRegex(UserError, "Fill in every variable"):
            wizard.action_send()


@tagged("post_install", "-at_install")
class TestDeliveryNotifications(WhatsappCase, MailCase):
    def test_new_delivery_state_is_pushed_to_the_conversation(self):
        self.text("Hola")
        conversation = self.conversation_of()
        conversation.with_user(self.agent_ana).action_take()
        message = self.reply_as(self.agent_ana, conversation, "Ya sale")
        self.send_due()
        self._reset_bus()
        with self.mock_bus():
            self.status(message.omnichannel_whatsapp_id, "delivered")
        pushed = []
        for notification in self._new_bus_notifs:
            payload = json.loads(notification.message)["payload"]
            for values in (payload.get("mail.message") or []) if isinstance(payload, dict) else []:
                if "omnichannel_delivery_state" in values:
                    pushed.append((json.loads(notification.channel), values))
        self.assertEqual(len(pushed), 1)
        channel, values = pushed[0]
        self.assertEqual(channel[1:], ["discuss.channel", conversation.channel_id.id])
        self.assertEqual(
            (values["id"], values["omnichannel_delivery_state"]), (message.id, "delivered")
        )


@tagged("post_install", "-at_install")
class TestAutoCloseOnWhatsapp(WhatsappCase):
    def silent_for(self, conversation, hours, minutes=0):
        """The customer's last message (and so the window's start) that long ago."""
        moment = fields.Datetime.now() - timedelta(hours=hours, minutes=minutes)
        # sudo: omnichannel.conversation - the test moves the customer's last message back
        conversation.sudo().write(
            {"whatsapp_last_inbound_date": moment, "last_customer_message_date": moment}
        )

    def texts_sent(self):
        self.send_due()
        return [m["text"]["body"] for m in self.standin.sent_messages if m["type"] == "text"]

    def test_warned_then_closed_within_the_window_both_messages_delivered(self):
        """A team allowing 48 hours: on WhatsApp the close comes as the window ends (10
        minutes before), the warning at half that time; both reach the customer."""
        self.team.write({"omnichannel_autoclose_hours": 48, "omnichannel_autoclose_warn": True})
        self.text("Hola")
        conversation = self.conversation_of()
        self.silent_for(conversation, 11, 54)
        self.Conversation._cron_autoclose()
        self.assertEqual(self.texts_sent(), [])
        self.silent_for(conversation, 11, 56)
        self.Conversation._cron_autoclose()
        (warning,) = self.texts_sent()
        self.assertEqual(warning, self.team.omnichannel_autoclose_warning_message)
        self.silent_for(conversation, 23, 49)
        self.Conversation._cron_autoclose()
        self.assertEqual(conversation.state, "queued")
        self.silent_for(conversation, 23, 51)
        self.Conversation._cron_autoclose()
        self.assertEqual(conversation.state, "resolved")
        self.assertEqual(
            conversation.reason_id, self.env.ref("omnichannel_chat.reason_auto_closed")
        )
        _warning, closing = self.texts_sent()
        self.assertIn("closing this conversation", closing)
        root = self.env.ref("base.partner_root")
        notices = conversation.channel_id.message_ids.filtered(lambda m: m.author_id == root)
        self.assertEqual(set(notices.mapped("omnichannel_delivery_state")), {"sent"})

    def test_the_window_counts_from_metas_time_of_the_message(self):
        """A message processed 30 minutes after Meta received it: the close still comes
        before the window (Meta's time + 24 h) ends."""
        self.team.write({"omnichannel_autoclose_hours": 48, "omnichannel_autoclose_warn": False})
        self.text("Hola")
        conversation = self.conversation_of()
        now = fields.Datetime.now()
        # sudo: omnichannel.conversation - the test moves the customer's last message back
        conversation.sudo().write(
            {
                "whatsapp_last_inbound_date": now - timedelta(hours=23, minutes=49),
                "last_customer_message_date": now - timedelta(hours=23, minutes=19),
            }
        )
        self.Conversation._cron_autoclose()
        self.assertEqual(conversation.state, "queued")
        conversation.sudo().write(
            {
                "whatsapp_last_inbound_date": now - timedelta(hours=23, minutes=51),
                "last_customer_message_date": now - timedelta(hours=23, minutes=21),
            }
        )
        self.Conversation._cron_autoclose()
        self.assertEqual(conversation.state, "resolved")
        (closing,) = self.texts_sent()
        self.assertIn("closing this conversation", closing)

    def test_a_shorter_team_time_stands(self):
        self.team.write({"omnichannel_autoclose_hours": 2, "omnichannel_autoclose_warn": False})
        self.text("Hola")
        conversation = self.conversation_of()
        self.silent_for(conversation, 1, 59)
        self.Conversation._cron_autoclose()
        self.assertEqual(conversation.state, "queued")
        self.silent_for(conversation, 2, 1)
        self.Conversation._cron_autoclose()
        self.assertEqual(conversation.state, "resolved")

    def test_a_message_the_window_refuses_is_kept_as_not_delivered(self):
        """Had the timer stopped past the window (a server down for a day), the next run
        closes the conversation; its closing message, refused by WhatsApp, is kept in the
        conversation, marked failed with the reason."""
        self.team.write({"omnichannel_autoclose_hours": 48, "omnichannel_autoclose_warn": True})
        self.text("Hola")
        conversation = self.conversation_of()
        self.silent_for(conversation, 30)
        self.Conversation._cron_autoclose()
        self.assertEqual(conversation.state, "resolved")
        self.assertEqual(self.texts_sent(), [], "outside the window nothing free-form is sent")
        root = self.env.ref("base.partner_root")
        notice = conversation.channel_id.message_ids.filtered(lambda m: m.author_id == root)
        self.assertIn("closing this conversation", notice.body)
        self.assertEqual(notice.omnichannel_delivery_state, "failed")
        self.assertIn("24 hours", notice.omnichannel_delivery_error)
