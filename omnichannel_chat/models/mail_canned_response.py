import re

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.params import check_id, check_text

# {{name}} or {{name|fallback when the value is missing}}
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*(?:\|([^}]*))?\}\}")
OMNICHANNEL_FIELDS = {"omnichannel_category_id", "omnichannel_lang", "omnichannel_team_ids"}


class MailCannedResponse(models.Model):
    """Quick replies are Odoo's canned responses (still typed as ``:shortcut``), with a
    category, a language and the teams they serve; managers curate them, agents use them."""

    _inherit = "mail.canned.response"

    omnichannel_category_id = fields.Many2one(
        "omnichannel.quick.reply.category", string="Category", index=True
    )
    omnichannel_lang = fields.Selection(
        selection="_get_omnichannel_lang_selection", string="Language"
    )
    omnichannel_team_ids = fields.Many2many(
        "helpdesk.ticket.team", string="Teams", help="Offered to these teams only; empty: to all."
    )

    @api.model
    def _get_omnichannel_lang_selection(self):
        # Every language, not only the installed ones: customers write in languages the
        # agents' Odoo does not need to be translated into.
        languages = (
            self.env["res.lang"]
            .with_context(active_test=False)
            .search_read([("code", "!=", False)], ["code", "name"], order="name")
        )
        return [(lang["code"], lang["name"]) for lang in languages]

    @api.model_create_multi
    def create(self, vals_list):
        if any(OMNICHANNEL_FIELDS & set(vals) for vals in vals_list):
            self._check_omnichannel_manager()
        return super().create(vals_list)

    def write(self, vals):
        curated = self.filtered(lambda r: r.omnichannel_category_id or r.omnichannel_team_ids)
        if OMNICHANNEL_FIELDS & set(vals) or (set(vals) - {"last_used"} and curated):
            self._check_omnichannel_manager()
        return super().write(vals)

    def _check_omnichannel_manager(self):
        if not (
            self.env.su or self.env.user.has_group("omnichannel_chat.group_omnichannel_manager")
        ):
            raise AccessError(self.env._("Only omnichannel managers edit the team quick replies."))

    @api.model
    def _omnichannel_search(self, conversation, search=None, category_id=None, lang=None, limit=50):
        """The quick replies an agent may use in ``conversation``, filled for it."""
        conversation._check_visible()
        search = check_text(self.env, search, "search")
        category_id = check_id(self.env, category_id, "category_id")
        lang = check_text(self.env, lang, "lang")
        domain = [
            "|",
            ("omnichannel_team_ids", "=", False),
            ("omnichannel_team_ids", "in", conversation.team_id.ids),
        ]
        if category_id:
            domain.append(("omnichannel_category_id", "=", category_id))
        if lang:
            domain.append(("omnichannel_lang", "=", lang))
        if search:
            domain += [
                "|",
                "|",
                ("source", "ilike", search),
                ("substitution", "ilike", search),
                ("description", "ilike", search),
            ]
        return [
            {
                "id": reply.id,
                "shortcut": reply.source,
                "description": reply.description or "",
                "category": reply.omnichannel_category_id.name or "",
                "category_id": reply.omnichannel_category_id.id,
                "lang": reply.omnichannel_lang or "",
                "text": reply._omnichannel_render(conversation),
            }
            for reply in self.search(domain, limit=limit, order="omnichannel_category_id, source")
        ]

    def _omnichannel_render(self, conversation):
        """The text with its placeholders filled: a missing value takes the fallback."""
        self.ensure_one()
        # sudo: res.partner, mail.guest - the customer's name, of a conversation checked above
        customer = conversation.sudo().partner_id or conversation.sudo().guest_id
        agent = self.env.user
        values = {
            "customer_name": customer.name or "",
            "customer_first_name": (customer.name or "").split(" ")[0],
            "agent_name": agent.name,
            "agent_first_name": agent.name.split(" ")[0],
            "team_name": conversation.team_id.name,
            "company_name": self.env.company.name,
        }

        def fill(match):
            name, fallback = match.group(1), match.group(2)
            if name not in values:
                return match.group(0)
            return values[name] or (fallback or "").strip()

        return PLACEHOLDER.sub(fill, self.substitution or "")
