import re

from odoo import api, fields, models

PLACEHOLDER = re.compile(r"{{\s*([\w.]+)\s*}}")


class OmnichannelWhatsappTemplate(models.Model):
    """A message template approved by Meta: the only thing a business may send once the
    customer's 24-hour window has closed. Synced from the Graph API, never edited here."""

    _name = "omnichannel.whatsapp.template"
    _description = "WhatsApp message template"
    _order = "name, language"
    _rec_names_search = ["name", "body_text"]

    account_id = fields.Many2one(
        "omnichannel.whatsapp.account", required=True, ondelete="cascade", index=True
    )
    active = fields.Boolean(default=True)
    meta_id = fields.Char(string="Meta ID")
    name = fields.Char(required=True)
    language = fields.Char(required=True, help="Meta's language code, e.g. en_US, es_MX, pt_BR.")
    category = fields.Selection(
        [
            ("MARKETING", "Marketing"),
            ("UTILITY", "Utility"),
            ("AUTHENTICATION", "Authentication"),
            ("UNKNOWN", "Other"),
        ],
        default="UNKNOWN",
    )
    status = fields.Char(help="Meta's review status: APPROVED, PENDING, REJECTED, PAUSED...")
    components = fields.Json()
    header_text = fields.Char(compute="_compute_texts", store=True)
    body_text = fields.Text(compute="_compute_texts", store=True)
    footer_text = fields.Char(compute="_compute_texts", store=True)
    is_approved = fields.Boolean(compute="_compute_texts", store=True)

    _sql_constraints = [
        (
            "name_language_unique",
            "UNIQUE(account_id, name, language)",
            "A template exists once per number and language.",
        )
    ]

    @api.depends("name", "language")
    def _compute_display_name(self):
        for template in self:
            template.display_name = f"{template.name} ({template.language})"

    @api.depends("components", "status")
    def _compute_texts(self):
        for template in self:
            by_type = {
                (component.get("type") or "").upper(): component
                for component in template.components or []
            }
            header = by_type.get("HEADER") or {}
            template.header_text = header.get("text") if header.get("format") == "TEXT" else False
            template.body_text = (by_type.get("BODY") or {}).get("text") or False
            template.footer_text = (by_type.get("FOOTER") or {}).get("text") or False
            template.is_approved = (template.status or "").upper() == "APPROVED"

    def _get_placeholders(self):
        """[(component, key)] in order, e.g. [("HEADER", "1"), ("BODY", "1"), ("BODY", "2")]."""
        self.ensure_one()
        result = []
        for component, text in (("HEADER", self.header_text), ("BODY", self.body_text)):
            seen = []
            for key in PLACEHOLDER.findall(text or ""):
                if key not in seen:
                    seen.append(key)
                    result.append((component, key))
        return result

    def _render(self, values):
        """The text the customer will read, with ``values[(component, key)]`` filled in."""
        self.ensure_one()

        def fill(component, text):
            return PLACEHOLDER.sub(
                lambda match: values.get((component, match.group(1))) or match.group(0), text
            )

        parts = [
            fill("HEADER", self.header_text or ""),
            fill("BODY", self.body_text or ""),
            self.footer_text or "",
        ]
        return "\n\n".join(part for part in parts if part)

    def _prepare_send_payload(self, values):
        """The ``template`` object of Meta's /messages body."""
        self.ensure_one()
        components = []
        for component in ("HEADER", "BODY"):
            keys = [key for comp, key in self._get_placeholders() if comp == component]
            if not keys:
                continue
            parameters = []
            for key in keys:
                parameter = {"type": "text", "text": values.get((component, key)) or ""}
                if not key.isdigit():
                    parameter["parameter_name"] = key
                parameters.append(parameter)
            components.append({"type": component.lower(), "parameters": parameters})
        payload = {"name": self.name, "language": {"code": self.language}}
        if components:
            payload["components"] = components
        return payload

    @api.model
    def _sync_from_graph(self, account, templates):
        """Create or update the account's templates as Meta lists them; archive the others."""
        existing = self.with_context(active_test=False).search([("account_id", "=", account.id)])
        by_key = {(template.name, template.language): template for template in existing}
        seen = self.browse()
        categories = dict(self._fields["category"].selection)
        for data in templates:
            key = (data.get("name"), data.get("language"))
            if not all(key):
                continue
            category = (data.get("category") or "UNKNOWN").upper()
            values = {
                "meta_id": data.get("id"),
                "status": data.get("status"),
                "category": category if category in categories else "UNKNOWN",
                "components": data.get("components") or [],
                "active": True,
            }
            template = by_key.get(key)
            if template:
                template.write(values)
            else:
                template = self.create(
                    dict(values, account_id=account.id, name=key[0], language=key[1])
                )
            seen |= template
        (existing - seen).write({"active": False})
        return seen
