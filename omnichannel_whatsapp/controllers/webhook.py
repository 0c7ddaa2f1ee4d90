import hashlib
import hmac
import json
import logging

from odoo import http
from odoo.http import request

_logger = logging.getLogger(__name__)

# Meta's notifications are at most 3 MB.
MAX_BODY_BYTES = 3 * 1024 * 1024
SIGNATURE_PREFIX = b"sha256="


def _signature_matches(body, header, secrets):
    """X-Hub-Signature-256 is sha256=<hex HMAC of the raw body with the app secret>; compared
    as bytes in constant time (a str compare raises on non-ASCII input)."""
    if not header.startswith(SIGNATURE_PREFIX):
        return set()
    received = header[len(SIGNATURE_PREFIX) :].strip().lower()
    return {
        secret
        for secret in secrets
        if hmac.compare_digest(
            hmac.new(secret.encode(), body, hashlib.sha256).hexdigest().encode(), received
        )
    }


class WhatsappWebhookController(http.Controller):
    @http.route(
        "/omnichannel/whatsapp/webhook",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def whatsapp_webhook(self, **kwargs):
        if request.httprequest.method == "GET":
            return self._verify_subscription(kwargs)
        return self._receive_notification()

    def _verify_subscription(self, params):
        """Meta's handshake when the callback URL is saved: echo the challenge if the
        verify token is one of ours."""
        token = params.get("hub.verify_token") or ""
        challenge = params.get("hub.challenge") or ""
        if params.get("hub.mode") != "subscribe" or not token or not challenge:
            return request.make_response("Forbidden", status=403)
        # sudo: omnichannel.whatsapp.account - Meta is not a user; it proves the token
        tokens = (
            request.env["omnichannel.whatsapp.account"].sudo().search([]).mapped("verify_token")
        )
        if not any(
            hmac.compare_digest(token.encode(), (mine or "").encode()) for mine in tokens if mine
        ):
            return request.make_response("Forbidden", status=403)
        return request.make_response(challenge, [("Content-Type", "text/plain")])

    def _receive_notification(self):
        """Check, store, answer: everything else runs after the response.
        A signed body that is a JSON object is always answered 200: its malformed parts are
        refused one by one (logged and kept for managers), its valid items stored."""
        httprequest = request.httprequest
        if (httprequest.content_length or 0) > MAX_BODY_BYTES:
            return request.make_response("Payload Too Large", status=413)
        body = httprequest.get_data()
        if len(body) > MAX_BODY_BYTES:  # a body sent without its length
            return request.make_response("Payload Too Large", status=413)
        header = httprequest.headers.get("X-Hub-Signature-256", "")
        header = header.encode("utf-8", "surrogateescape")
        Inbound = request.env["omnichannel.inbound"]
        # sudo: omnichannel.whatsapp.account - the secrets check Meta's signature
        routing = request.env["omnichannel.whatsapp.account"].sudo()._get_routing_table()
        secrets = {secret for _account_id, secret in routing.values() if secret}
        verified = _signature_matches(body, header, secrets)
        if not verified:
            return request.make_response("Forbidden", status=403)
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past the stack
            return request.make_response("Bad Request", status=400)
        if not isinstance(payload, dict):
            return request.make_response("Bad Request", status=400)
        # A body signed by one app only speaks for that app's numbers.
        accounts_by_number = {
            number_id: account_id
            for number_id, (account_id, secret) in routing.items()
            if secret in verified
        }
        # sudo: omnichannel.inbound - the signature is verified
        Inbound = Inbound.sudo()
        # The xmlid's id is cached: no query for the source on each request.
        source = Inbound._whatsapp_get_source()
        Inbound._store_items(source, Inbound._whatsapp_prepare_items(payload, accounts_by_number))
        return request.make_response("OK", [("Content-Type", "text/plain")])
