import logging
import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.graph_api import GraphApiClient, GraphApiError

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "omnichannel_chat.group_omnichannel_manager"


class OmnichannelWhatsappAccount(models.Model):
    """One WhatsApp Business phone number connected through Meta's Cloud API."""

    _name = "omnichannel.whatsapp.account"
    _description = "WhatsApp Business account"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    waba_id = fields.Char(
        string="WhatsApp Business Account ID",
        required=True,
        help="The WhatsApp Business Account (WABA) id, from Meta's WhatsApp Manager.",
    )
    phone_number_id = fields.Char(
        string="Phone number ID",
        required=True,
        index=True,
        help="Meta's id of the business phone number: webhooks are routed by it.",
    )
    display_phone_number = fields.Char(string="Display number")
    access_token = fields.Char(groups=MANAGER_GROUP, copy=False, help="System user access token.")
    app_secret = fields.Char(
        groups=MANAGER_GROUP,
        copy=False,
        help="The Meta app's secret (App settings > Basic): it signs every webhook.",
    )
    verify_token = fields.Char(
        groups=MANAGER_GROUP,
        copy=False,
        default=lambda self: secrets.token_urlsafe(24),
        help="Type it in Meta's App Dashboard with the callback URL when you subscribe.",
    )
    graph_api_version = fields.Char(string="Graph API version", required=True, default="v21.0")
    graph_api_url = fields.Char(
        string="Graph API base URL", required=True, default="https://graph.facebook.com"
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Default team",
        help="Team whose queue receives new conversations of this number (default: the "
        "WhatsApp source's team).",
    )
    mark_read_on_agent_read = fields.Boolean(
        string="Mark as read when an agent reads",
        help="Show the customer blue ticks when an agent opens the conversation.",
    )
    state = fields.Selection(
        [("ok", "Working"), ("attention", "Needs attention")],
        default="ok",
        required=True,
        readonly=True,
        tracking=True,
    )
    last_error = fields.Char(readonly=True)
    callback_url = fields.Char(compute="_compute_callback_url")
    template_ids = fields.One2many("omnichannel.whatsapp.template", "account_id")

    _sql_constraints = [
        (
            "phone_number_id_unique",
            "UNIQUE(phone_number_id)",
            "This phone number is already connected.",
        )
    ]

    def _compute_callback_url(self):
        base_url = self.get_base_url()
        for account in self:
            account.callback_url = f"{base_url}/omnichannel/whatsapp/webhook"

    @api.model
    def _get_routing_table(self):
        """phone_number_id -> (account id, app secret) for the active accounts: what the
        webhook needs before anything else, in one query."""
        self.env.cr.execute(
            "SELECT phone_number_id, id, app_secret FROM omnichannel_whatsapp_account WHERE active"
        )
        return {
            number_id: (account_id, secret)
            for number_id, account_id, secret in self.env.cr.fetchall()
        }

    def _get_client(self):
        self.ensure_one()
        # sudo: omnichannel.whatsapp.account - the token is read to call Meta, never shown
        account = self.sudo()
        if not account.access_token:
            raise UserError(self.env._("Set the access token of %s first.", self.name))
        return GraphApiClient(
            account.graph_api_url,
            account.graph_api_version,
            account.access_token,
            account.phone_number_id,
            waba_id=account.waba_id,
        )

    def _get_team(self):
        self.ensure_one()
        return self.team_id or self.env.ref("omnichannel_whatsapp.source_whatsapp").team_id

    def action_test_connection(self):
        self.ensure_one()
        try:
            details = self._get_client().get_phone_number()
        except GraphApiError as error:
            self._report_error(error)
            raise UserError(
                self.env._("Meta's Graph API answered: %(error)s", error=str(error))
            ) from error
        values = {"state": "ok", "last_error": False}
        if details.get("display_phone_number"):
            values["display_phone_number"] = details["display_phone_number"]
        self.write(values)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Connected"),
                "message": self.env._(
                    "%(number)s (%(name)s), quality: %(quality)s",
                    number=details.get("display_phone_number", ""),
                    name=details.get("verified_name", ""),
                    quality=details.get("quality_rating", "-"),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_sync_templates(self):
        self.ensure_one()
        try:
            templates = self._get_client().get_templates()
        except GraphApiError as error:
            self._report_error(error)
            raise UserError(
                self.env._("Meta's Graph API answered: %(error)s", error=str(error))
            ) from error
        self.env["omnichannel.whatsapp.template"]._sync_from_graph(self, templates)
        return True

    def _report_error(self, error):
        """Remember the last error; an invalid token stops sending until a manager fixes it,
        so tell the managers."""
        # sudo: omnichannel.whatsapp.account - errors come from sends made for any agent
        account = self.sudo()
        if not error.token_invalid:
            account.last_error = str(error)
            return
        already = account.state == "attention"
        account.write({"state": "attention", "last_error": str(error)})
        if already:
            return
        _logger.warning("WhatsApp account %s: access token rejected by Meta", account.id)
        managers = self.env.ref(MANAGER_GROUP).users.filtered(
            lambda user: not user.share and self.company_id in user.company_ids
        )
        account.message_post(
            body=self.env._(
                "Meta rejected the access token of this number: messages are not sent until "
                "a manager sets a valid token and tests the connection. (%(error)s)",
                error=str(error),
            ),
            partner_ids=managers.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def write(self, vals):
        # A new token is the fix for a rejected one: sending resumes.
        if "access_token" in vals and "state" not in vals:
            vals = dict(vals, state="ok")
        result = super().write(vals)
        if vals.get("state") == "ok":
            # The messages that waited for a valid token go now.
            # sudo: omnichannel.outbound - the account's queue, for the manager who fixed it
            self.env["omnichannel.outbound"].sudo().search(
                [
                    ("account_model", "=", self._name),
                    ("account_id", "in", self.ids),
                    ("state", "=", "queued"),
                ]
            )._enqueue_sending()
        return result

    def unlink(self):
        # The core's log and queue point at accounts of any source, without a foreign key.
        self.env["omnichannel.inbound"]._unlink_for_accounts(self)
        self.env["omnichannel.outbound"]._unlink_for_accounts(self)
        return super().unlink()

    def action_regenerate_verify_token(self):
        for account in self:
            account.verify_token = secrets.token_urlsafe(24)
