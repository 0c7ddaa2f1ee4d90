from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.params import check_choice
from .omnichannel_agent_status import AGENT_STATUSES, NOT_READY_REASONS

AGENT_GROUP = "omnichannel_chat.group_omnichannel_agent"
MANAGER_GROUP = "omnichannel_chat.group_omnichannel_manager"


class ResUsers(models.Model):
    _inherit = "res.users"

    omnichannel_status = fields.Selection(
        AGENT_STATUSES, string="Agent status", default="available", readonly=True
    )
    omnichannel_not_ready_reason = fields.Selection(
        NOT_READY_REASONS, string="Not ready because", readonly=True
    )
    omnichannel_effective_status = fields.Selection(
        AGENT_STATUSES + [("offline", "Offline")],
        string="Status now",
        compute="_compute_omnichannel_effective_status",
        help="The agent's status, or Offline when Odoo sees them disconnected.",
    )

    @api.depends("omnichannel_status", "im_status")
    def _compute_omnichannel_effective_status(self):
        for user in self:
            offline = user.im_status in (False, "offline", "im_partner")
            user.omnichannel_effective_status = "offline" if offline else user.omnichannel_status

    def _omnichannel_set_status(self, status, reason=False):
        """Switch the agent's status (their own, or any agent's for a manager)."""
        self.ensure_one()
        if not self.env.su and self != self.env.user and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only the agent or a manager changes this status."))
        check_choice(self.env, status, dict(AGENT_STATUSES), "status")
        reason = reason if status == "not_ready" else False
        if reason:
            check_choice(self.env, reason, dict(NOT_READY_REASONS), "reason")
        if (self.omnichannel_status, self.omnichannel_not_ready_reason or False) == (
            status,
            reason,
        ):
            return False
        # sudo: res.users - the status fields are the agent's own, checked above
        self.sudo().write({"omnichannel_status": status, "omnichannel_not_ready_reason": reason})
        # sudo: omnichannel.agent.status - the history is kept for reports, not edited
        self.env["omnichannel.agent.status"].sudo()._record(self, status, reason)
        # Every tab of the agent shows it, also when the system set it (RONA).
        self.partner_id._bus_send("omnichannel.agent/status", self._get_omnichannel_agent_data())
        # sudo: omnichannel.conversation - routing follows the agent's status, whoever set it
        conversations = self.env["omnichannel.conversation"].sudo()
        if status == "available":
            conversations._offer_waiting_to(self)  # offers wait for agents becoming available
        else:
            conversations._withdraw_offers_of(self)
        return True

    def _get_omnichannel_agent_data(self):
        """The agent's status as Discuss shows it in the systray."""
        self.ensure_one()
        return {
            "status": self.omnichannel_status,
            "reason": self.omnichannel_not_ready_reason or False,
        }

    def _init_store_data(self, store, /):
        result = super()._init_store_data(store)
        user = self.env.user
        if not user._is_public() and user.has_group(AGENT_GROUP):
            store.add(
                {
                    "omnichannel": {
                        **user._get_omnichannel_agent_data(),
                        "is_manager": user.has_group(MANAGER_GROUP),
                        "offers": self.env["omnichannel.conversation"]._get_my_offers(),
                    }
                }
            )
        return result
