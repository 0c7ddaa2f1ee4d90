import { registry } from "@web/core/registry";

const item = (name) => `.o-omnichannel-DeskItem:contains(${name})`;

registry.category("web_tour.tours").add("omnichannel_desk_take_to_resolve", {
    steps: () => [
        {
            content: "The queue lists the customer, the last message and the waiting time",
            trigger: `.o-omnichannel-DeskSection[data-section=queue] ${item("Customer Carmen")}:contains(Hello, my order is late) .o-omnichannel-WaitingTimer`,
            run: "click",
        },
        {
            content: "The conversation opens with its message; Take is offered",
            trigger: ".o-mail-Message:contains(Hello, my order is late)",
        },
        {
            trigger: ".o-mail-Discuss-headerActions button[name='omnichannel-take']",
            run: "click",
        },
        {
            content: "Taken: it moved to My conversations, Take is gone, Resolve is offered",
            trigger: `.o-omnichannel-DeskSection[data-section=mine] ${item("Customer Carmen")}`,
        },
        {
            trigger:
                ".o-mail-Discuss-headerActions:not(:has(button[name='omnichannel-take'])) button[name='omnichannel-resolve']",
        },
        {
            content: "The composer offers the reply / internal note switch: write a note",
            trigger: ".o-omnichannel-ComposerMode-note",
            run: "click",
        },
        {
            trigger: ".o-omnichannel-noteMode .o-mail-Composer-input",
            run: "edit check the warehouse first",
        },
        {
            trigger: ".o-omnichannel-noteMode .o-mail-Composer-input",
            run: "press Enter",
        },
        {
            content: "The note shows as a note",
            trigger: ".o-mail-Message:has(.o-note):contains(check the warehouse first)",
        },
        {
            content: "Back to replying; open the quick replies",
            trigger: ".o-omnichannel-ComposerMode-reply",
            run: "click",
        },
        {
            trigger: ".o-mail-Discuss-headerActions button[name='omnichannel-quick_replies']",
            run: "click",
        },
        {
            trigger: ".o-omnichannel-QuickReplies-search",
            run: "edit late",
        },
        {
            content: "Insert the reply, its placeholder filled",
            trigger: ".o-omnichannel-QuickReply[data-shortcut='t-late']:contains(Sorry Customer)",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-input:value(Sorry Customer, your order leaves today.)",
            run: "press Enter",
        },
        {
            content: "The reply is sent, not as a note",
            trigger: ".o-mail-Message:not(:has(.o-note)):contains(your order leaves today)",
        },
        {
            content: "Open the customer info and add a tag",
            trigger: ".o-mail-Discuss-headerActions button[name='omnichannel-info']",
            run: "click",
        },
        {
            trigger: ".o-omnichannel-InfoPanel-tagInput",
            run: "edit VIP",
        },
        {
            trigger: ".o-omnichannel-InfoPanel-tagMatch:contains(VIP customer)",
            run: "click",
        },
        {
            content: "The tag shows, and the event log says so",
            trigger:
                ".o-omnichannel-InfoPanel-tag[data-name='VIP customer'] ~ *, .o-omnichannel-InfoPanel-tag[data-name='VIP customer']",
        },
        {
            trigger: ".o-omnichannel-InfoPanel-event[data-kind=tag_add]",
        },
        {
            content: "Resolve with a reason",
            trigger: ".o-mail-Discuss-headerActions button[name='omnichannel-resolve']",
            run: "click",
        },
        {
            content: "Search among the reasons (as Webex's closing reasons)",
            trigger: ".o-omnichannel-ResolveDialog-filter",
            run: "edit dupl",
        },
        {
            trigger:
                ".o-omnichannel-ResolveDialog-reason:has(option:contains(Duplicate)):not(:has(option:contains(Resolved)))",
        },
        {
            trigger: ".o-omnichannel-ResolveDialog-filter",
            run: "clear",
        },
        {
            trigger: ".o-omnichannel-ResolveDialog-reason",
            run: "selectByLabel Resolved",
        },
        {
            trigger: ".o-omnichannel-ResolveDialog-confirm",
            run: "click",
        },
        {
            content: "Resolved: it left My conversations; Reopen is offered",
            trigger: `.o-omnichannel-DeskSection[data-section=mine]:not(:has(${item("Customer Carmen")}))`,
        },
        {
            trigger: ".o-mail-Discuss-headerActions button[name='omnichannel-reopen']",
        },
    ],
});
