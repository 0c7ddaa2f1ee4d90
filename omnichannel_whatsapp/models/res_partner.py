from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import phone


class ResPartner(models.Model):
    _inherit = "res.partner"

    whatsapp_wa_id = fields.Char(
        string="WhatsApp ID",
        index="btree_not_null",
        copy=False,
        help="The number WhatsApp gave for this contact: replies go to it unchanged.",
    )
    whatsapp_user_id = fields.Char(
        string="WhatsApp user ID",
        index="btree_not_null",
        copy=False,
        help="Meta's business-scoped user id (BSUID), set also for users hiding their number.",
    )

    @api.model
    def _omnichannel_whatsapp_find_or_create(self, wa_id, user_id, name):
        """The contact a WhatsApp user writes as: by WhatsApp id, by business-scoped id, by a
        phone number in any of the number's national variants, else a new contact."""
        partner = self.browse()
        if wa_id:
            partner = self.search([("whatsapp_wa_id", "=", wa_id)], limit=1)
        if not partner and user_id:
            partner = self.search([("whatsapp_user_id", "=", user_id)], limit=1)
        if not partner and wa_id:
            partner = self._omnichannel_whatsapp_match_phone(wa_id)
        if partner:
            values = {}
            if wa_id and partner.whatsapp_wa_id != wa_id:
                values["whatsapp_wa_id"] = wa_id
            if user_id and partner.whatsapp_user_id != user_id:
                values["whatsapp_user_id"] = user_id
            if values:
                partner.write(values)
            return partner
        display_number = phone.wa_id_to_e164(wa_id) if wa_id else False
        return self.create(
            {
                "name": name or display_number or user_id,
                "phone": display_number,
                "whatsapp_wa_id": wa_id or False,
                "whatsapp_user_id": user_id or False,
                "omnichannel_unconfirmed": True,
                "omnichannel_source_contact": True,
            }
        )

    @api.model
    def _omnichannel_whatsapp_match_phone(self, wa_id):
        keys = phone.wa_id_keys(wa_id)
        suffix = phone.match_suffix(wa_id)
        if not keys or not suffix:
            return self.browse()
        # Every variant ends with the same digits: a coarse filter in SQL, the exact check
        # (country code, 9th digit, mobile prefix) in Python.
        digits = SQL("regexp_replace(COALESCE(%s, ''), '[^0-9]', '', 'g')", SQL.identifier("phone"))
        mobile = SQL(
            "regexp_replace(COALESCE(%s, ''), '[^0-9]', '', 'g')", SQL.identifier("mobile")
        )
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE active AND (%s LIKE %s OR %s LIKE %s) "
                "ORDER BY id LIMIT 50",
                digits,
                f"%{suffix}",
                mobile,
                f"%{suffix}",
            )
        )
        candidates = self.browse([row[0] for row in self.env.cr.fetchall()])
        for candidate in candidates:
            region = candidate.country_id.code
            numbers = [candidate.phone, candidate.mobile]
            if any(keys & phone.phone_keys(number, region) for number in numbers if number):
                return candidate
        return self.browse()
