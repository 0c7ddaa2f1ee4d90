from odoo import models


class OmnichannelProvider(models.AbstractModel):
    """What a source addon implements to bring its customers' messages in and send agents'
    messages out.

    A source is declared by an ``omnichannel.source`` record (data of its addon, with its code,
    name and icon) and, when it talks to a provider's API, by an AbstractModel named
    ``omnichannel.provider.<code>`` inheriting this one. The core never names a source.

    The pipeline is the core's: the source's webhook controller checks the provider's
    signature, turns the body into items (``omnichannel.inbound._prepare_item`` /
    ``_prepare_refusal``) and stores them with ``omnichannel.inbound._store_items``, before
    answering. Everything after runs outside the request, in order per customer, and calls
    the hooks below. Agents' messages go through ``_send_message``, which queues rows of
    ``omnichannel.outbound`` (``_prepare_values`` / ``_enqueue``); each is sent after the
    agent's transaction commits by ``_send_outbound``. Delivery states come back as inbound
    status items, applied with ``omnichannel.outbound._find_for_status`` and
    ``mail.message._omnichannel_set_delivery`` (forward only).
    """

    _name = "omnichannel.provider"
    _description = "Conversation source provider"

    def _send_message(self, conversation, message):
        """Deliver an agent's public message of ``conversation`` to its customer, or queue it
        (a provider that calls a remote API queues ``omnichannel.outbound`` rows). Internal
        notes and the customer's own messages never reach this method."""
        raise NotImplementedError(f"{self._name} does not implement _send_message")

    # Inbound ----------------------------------------------------------------------------------

    def _process_inbound(self, row, payload):
        """Process one stored item (``row``, an ``omnichannel.inbound``; ``payload``, what
        the parser stored): find or create the contact, route the conversation, post the
        message, apply a status. Returns values to write on the row (e.g. ``message_id``).
        Raise ``OmnichannelInboundNotReady`` for an item that must wait (a status before its
        message is recorded); any other exception is a failure: the row is retried with
        backoff, its customer's later items wait, and it ends *Failed* for managers."""
        raise NotImplementedError(f"{self._name} does not implement _process_inbound")

    # Outbound ---------------------------------------------------------------------------------

    def _can_send(self, account):
        """False while ``account`` cannot send (e.g. its token was revoked): its rows wait."""
        return bool(account)

    def _send_outbound(self, outbound):
        """Send one queued row; return the provider's id of the sent message (or None).
        Raise ``OmnichannelSendError`` when it was not sent (``transient``: retried with
        backoff; ``account_blocked``: waits for the account; otherwise it fails)."""
        raise NotImplementedError(f"{self._name} does not implement _send_outbound")

    def _on_outbound_sent(self, outbound):
        """Called once a row is sent with the provider's id (e.g. record the id on the
        message, so that replies and reactions find it)."""

    def _on_account_blocked(self, account, error):
        """The provider refused the account itself (e.g. revoked token): tell managers."""

    def _find_sent_by_tracker(self, outbound):
        """After a timed-out send: the provider's id of ``outbound`` if a status carrying its
        tracker arrived (it was delivered after all), else None."""
        return None
