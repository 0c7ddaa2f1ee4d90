import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

const customerWrites = (customer, body) =>
    rpc("/omnichannel_test/customer_writes", { team_name: "Offer Desk", customer, body });

registry.category("web_tour.tours").add("omnichannel_agent_offer", {
    steps: () => [
        {
            content: "The systray shows the agent Available",
            trigger: ".o-omnichannel-AgentStatusMenu[data-status=available]",
            run: () => customerWrites("Olivia Offer", "Is my order on its way?"),
        },
        {
            content: "The offer pops up with the customer, team, source, message and timers",
            trigger: ".o-omnichannel-OfferPopup:contains(Olivia Offer)",
            run() {
                const popup = document.querySelector(".o-omnichannel-OfferPopup");
                const text = (selector) => popup.querySelector(selector)?.textContent.trim();
                const expected = {
                    ".o-omnichannel-OfferPopup-team": "Offer Desk",
                    ".o-omnichannel-OfferPopup-source": "Test SMS",
                    ".o-omnichannel-OfferPopup-message": "Is my order on its way?",
                };
                for (const [selector, value] of Object.entries(expected)) {
                    if (text(selector) !== value) {
                        throw new Error(`${selector} shows "${text(selector)}", not "${value}"`);
                    }
                }
                if (!/^\d+:\d\d$/.test(text(".o-omnichannel-OfferPopup-waited"))) {
                    throw new Error("no time waited");
                }
                // the team gives 6 seconds to answer
                if (!/^0:0[0-6]$/.test(text(".o-omnichannel-OfferPopup-countdown"))) {
                    throw new Error(`countdown shows ${text(".o-omnichannel-OfferPopup-countdown")}`);
                }
            },
        },
        {
            content: "The agent lets it pass: at zero the offer times out; the pop-up is gone and the agent is Not ready (RONA)",
            trigger:
                "body:not(:has(.o-omnichannel-OfferPopup)) .o-omnichannel-AgentStatusMenu[data-status=not_ready][data-reason=rona]:contains(RONA)",
            timeout: 20000, // the 6 s countdown, and room for a slow machine
        },
        {
            content: "Open the status menu",
            trigger: ".o-omnichannel-AgentStatusMenu",
            run: "click",
        },
        {
            content: "Set Available again",
            trigger: ".o-omnichannel-AgentStatusMenu-choice[data-status=available]",
            run: "click",
        },
        {
            content: "Shown Available; the next customer writes",
            trigger: ".o-omnichannel-AgentStatusMenu[data-status=available]",
            run: () => customerWrites("Paula Second", "Can I change my address?"),
        },
        {
            content: "Accept the new offer",
            trigger: ".o-omnichannel-OfferPopup:contains(Paula Second) .o-omnichannel-OfferPopup-accept",
            run: "click",
        },
        {
            content: "The conversation opens in Discuss with the customer's message",
            trigger:
                ".o-mail-Discuss-threadName[title='Paula Second'], .o-mail-Discuss-header:contains(Paula Second)",
        },
        {
            content: "The customer's message shows and the pop-up is gone",
            trigger:
                "body:not(:has(.o-omnichannel-OfferPopup)) .o-mail-Message:contains(Can I change my address?)",
        },
    ],
});
