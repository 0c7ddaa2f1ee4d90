from odoo import api, fields, models
from odoo.exceptions import UserError


class OmnichannelLivechatBlock(models.Model):
    """A website visitor an agent blocked: by IP address and by guest, for a period, with a
    reason. A blocked visitor can neither start a chat nor post, by any route."""

    _name = "omnichannel.livechat.block"
    _description = "Blocked website visitor"
    _order = "create_date desc, id desc"

    ip_address = fields.Char(string="IP address", index=True)
    guest_id = fields.Many2one("mail.guest", string="Visitor", index=True, ondelete="cascade")
    reason = fields.Char(required=True)
    date_end = fields.Datetime(
        string="Blocked until", help="Leave empty to block until a manager lifts it."
    )
    conversation_id = fields.Many2one("omnichannel.conversation", ondelete="set null")
    active = fields.Boolean(default=True, help="Archive to lift the block.")
    is_current = fields.Boolean(compute="_compute_is_current", search="_search_is_current")

    @api.depends("date_end", "active")
    def _compute_is_current(self):
        now = fields.Datetime.now()
        for block in self:
            block.is_current = block.active and (not block.date_end or block.date_end > now)

    def _search_is_current(self, operator, value):
        current = ["|", ("date_end", "=", False), ("date_end", ">", fields.Datetime.now())]
        if (operator == "=") == bool(value):
            return current
        return [("date_end", "<=", fields.Datetime.now())]

    @api.constrains("ip_address", "guest_id")
    def _check_target(self):
        for block in self:
            if not block.ip_address and not block.guest_id:
                raise UserError(self.env._("Block an IP address, a visitor, or both."))

    @api.model
    def _get_current(self, ip_address, guest):
        domain = [("is_current", "=", True)]
        targets = []
        if ip_address:
            targets.append([("ip_address", "=", ip_address)])
        if guest:
            targets.append([("guest_id", "=", guest.id)])
        if not targets:
            return self.browse()
        target = targets[0] if len(targets) == 1 else ["|", *targets[0], *targets[1]]
        # sudo: omnichannel.livechat.block - visitors are checked, they never read blocks
        return self.sudo().search(domain + target, limit=1)

    @api.model
    def _check_visitor(self, ip_address, guest):
        if self._get_current(ip_address, guest):
            raise UserError(
                self.env._(
                    "This chat is not available to you right now. Please contact us another way."
                )
            )

    def action_lift(self):
        self.active = False
