from odoo import models


class OmnichannelProvider(models.AbstractModel):
    """What a source addon implements to deliver agents' messages to its customers.

    A source is declared by an ``omnichannel.source`` record (data of its addon, with its code,
    name and icon) and, when it delivers messages itself, by an AbstractModel named
    ``omnichannel.provider.<code>`` inheriting this one. The core never names a source: it
    routes inbound messages through ``omnichannel.conversation._route_customer`` /
    ``_route_inbound_message`` and hands outbound ones to the provider of the conversation's
    source. Delivery states come back through ``mail.message._omnichannel_set_delivery``.
    """

    _name = "omnichannel.provider"
    _description = "Conversation source provider"

    def _send_message(self, conversation, message):
        """Deliver an agent's public message of ``conversation`` to its customer, or queue it
        (a provider that calls a remote API queues and sends outside the agent's transaction).
        Internal notes and the customer's own messages never reach this method."""
        raise NotImplementedError(f"{self._name} does not implement _send_message")
