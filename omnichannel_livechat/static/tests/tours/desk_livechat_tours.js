import { registry } from "@web/core/registry";

const item = (name) => `.o-omnichannel-DeskItem:contains(${name})`;
const section = (name) => `.o-omnichannel-DeskSection[data-section=${name}]`;
const action = (name) => `.o-mail-Discuss-headerActions button[name='omnichannel-${name}']`;

registry.category("web_tour.tours").add("omnichannel_livechat_block_and_end", {
    steps: () => [
        {
            content: "The website chat is in My conversations: open it",
            trigger: `${section("mine")} ${item("Visitor 42")}`,
            run: "click",
        },
        {
            trigger: ".o-mail-Message:contains(Hello, you are useless)",
        },
        {
            content: "A website chat offers to block its anonymous visitor",
            trigger: action("block_visitor"),
            run: "click",
        },
        {
            content: "The reason is required",
            trigger: ".o-omnichannel-BlockVisitorDialog-confirm:disabled",
        },
        {
            trigger: ".o-omnichannel-BlockVisitorDialog-reason",
            run: "edit Insults to the agent",
        },
        {
            trigger: ".o-omnichannel-BlockVisitorDialog-days",
            run: "selectByLabel 7 days",
        },
        {
            trigger: ".o-omnichannel-BlockVisitorDialog-confirm:enabled",
            run: "click",
        },
        {
            content: "A notification confirms the block",
            trigger: ".o_notification:contains(Visitor blocked):contains(is blocked for 7 days)",
        },
        {
            trigger: "body:not(:has(.o-omnichannel-BlockVisitorDialog))",
        },
        {
            content: "End the chat with a reason",
            trigger: action("end_session"),
            run: "click",
        },
        {
            content: "The dialog says what ending the chat does",
            trigger: ".o-omnichannel-ResolveDialog-intro:contains(can no longer write in it)",
        },
        {
            trigger: ".o-omnichannel-ResolveDialog-reason",
            run: "selectByLabel Resolved",
        },
        {
            trigger: ".o-omnichannel-ResolveDialog-note",
            run: "edit Abusive visitor",
        },
        {
            trigger: ".o-omnichannel-ResolveDialog-confirm:contains(End the chat)",
            run: "click",
        },
        {
            content: "Ended: it left My conversations; Reopen is offered, not End the chat",
            trigger: `${section("mine")}:not(:has(${item("Visitor 42")}))`,
        },
        {
            trigger: `body:not(:has(${action("end_session")})) ${action("reopen")}`,
        },
    ],
});
