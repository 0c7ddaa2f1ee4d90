import re
import time
import uuid

from odoo import api, models


class OmnichannelDemo(models.AbstractModel):
    _inherit = "omnichannel.demo"

    @api.model
    def _demo_customer_message(self, source, customer, text, team):
        """Demo WhatsApp messages go the webhook's way: a stored item, then its processing."""
        if source != self.env.ref("omnichannel_whatsapp.source_whatsapp"):
            return super()._demo_customer_message(source, customer, text, team)
        account = self.env.ref("omnichannel_whatsapp.demo_account")
        wa_id = re.sub(r"\D", "", customer.phone or "")
        customer.whatsapp_wa_id = wa_id
        # Open it on the script's team first; the item then finds it like any later message.
        self.env["omnichannel.conversation"]._route_customer(source, partner=customer, team=team)
        message = {
            "from": wa_id,
            "id": f"wamid.demo.{uuid.uuid4().hex}",
            "timestamp": str(int(time.time())),
            "type": "text",
            "text": {"body": text},
        }
        contact = {"wa_id": wa_id, "profile": {"name": customer.name}}
        Inbound = self.env["omnichannel.inbound"]
        Inbound._store_items(
            source,
            [
                Inbound._prepare_item(
                    account,
                    "message",
                    message["id"],
                    {"message": message, "contact": contact},
                    contact_key=wa_id,
                )
            ],
        )
        row = Inbound.search([("kind", "=", "message"), ("external_id", "=", message["id"])])
        row._process()
        return self.env["omnichannel.conversation"]._find_open(source, partner=customer)
