from odoo.tests import tagged

from .common import OmnichannelBrowserCase


@tagged("post_install", "-at_install")
class TestOfferTour(OmnichannelBrowserCase):
    def test_agent_lets_an_offer_pass_then_accepts_the_next(self):
        """In Chromium, with the bus live: the offer pops up with the customer, team, source,
        first message, time waited and countdown; let pass, the agent shows Not ready (RONA);
        set Available again, the next offer is accepted and the conversation opens."""
        self.env["helpdesk.ticket.team"].create(
            {
                "name": "Offer Desk",
                "user_ids": self.agent_ana.ids,
                "omnichannel_routing_mode": "offer",
                # the tour lets the first offer run out in the browser: its pop-up at zero
                # asks the server to time it out
                "omnichannel_offer_seconds": 6,
            }
        )
        self.set_online(self.agent_ana)
        self.start_tour("/odoo/discuss", "omnichannel_agent_offer", login="t_ana")
        self.agent_ana.invalidate_recordset()
        self.assertEqual(self.agent_ana.omnichannel_status, "available")
        first, second = self.Conversation.search([("team_id.name", "=", "Offer Desk")], order="id")
        self.assertEqual((first.state, first.rona_count), ("queued", 1))
        self.assertIn(self.agent_ana, first.offer_refused_user_ids)
        self.assertEqual((second.state, second.user_id), ("taken", self.agent_ana))
        self.assertEqual(
            self.events(first), ["create", "offer", "rona"], "offer and RONA in the event log"
        )
