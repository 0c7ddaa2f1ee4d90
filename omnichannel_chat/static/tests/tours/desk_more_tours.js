import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";
import { rpc } from "@web/core/network/rpc";

const item = (name) => `.o-omnichannel-DeskItem:contains(${name})`;
const section = (id) => `.o-omnichannel-DeskSection[data-section=${id}]`;
const action = (name) => `.o-mail-Discuss-headerActions button[name='omnichannel-${name}']`;

const pickInDialog = (search, target) => [
    { trigger: ".o-omnichannel-TransferDialog-search", run: `edit ${search}` },
    { trigger: `.o-omnichannel-TransferDialog ${target}`, run: "click" },
];

registry.category("web_tour.tours").add("omnichannel_desk_transfer", {
    steps: () => [
        { trigger: `${section("mine")} ${item("Customer Carmen")}`, run: "click" },
        { trigger: action("transfer"), run: "click" },
        {
            content: "Agents are listed with their status now",
            trigger: ".o-omnichannel-TransferDialog-agent[data-name='Bruno Test'] .badge",
        },
        ...pickInDialog("Bruno", ".o-omnichannel-TransferDialog-agent[data-name='Bruno Test']"),
        { trigger: ".o-omnichannel-TransferDialog-note", run: "edit Wants a refund, see order 42" },
        { trigger: ".o-omnichannel-TransferDialog-confirm", run: "click" },
        {
            content: "Carmen left my conversations, and the header has no action on it",
            trigger: `${section("mine")}:not(:has(${item("Customer Carmen")}))`,
        },
        { trigger: `.o-mail-Discuss-headerActions:not(:has(${action("resolve")}))` },
        {
            content: "Transfer Diego to a team",
            trigger: `${section("mine")} ${item("Customer Diego")}`,
            run: "click",
        },
        { trigger: action("transfer"), run: "click" },
        ...pickInDialog("Sales", ".o-omnichannel-TransferDialog-team[data-name='Test Sales']"),
        { trigger: ".o-omnichannel-TransferDialog-confirm", run: "click" },
        { trigger: `${section("mine")}:not(:has(${item("Customer Diego")}))` },
    ],
});

registry.category("web_tour.tours").add("omnichannel_desk_sees_transferred", {
    steps: () => [
        {
            content: "The transferred conversation is in my conversations",
            trigger: `${section("mine")} ${item("Customer Carmen")}`,
            run: "click",
        },
        { trigger: action("info"), run: "click" },
        {
            content: "The event log shows the transfer with its note",
            trigger: ".o-omnichannel-InfoPanel-event[data-kind=transfer_agent]:contains(Wants a refund)",
        },
    ],
});

registry.category("web_tour.tours").add("omnichannel_desk_sees_team_queue", {
    steps: () => [
        {
            content: "The conversation transferred to my team waits in my queue",
            trigger: `${section("queue")} ${item("Customer Diego")}`,
        },
    ],
});

registry.category("web_tour.tours").add("omnichannel_desk_invite", {
    steps: () => [
        { trigger: `${section("mine")} ${item("Customer Carmen")}`, run: "click" },
        { trigger: action("invite"), run: "click" },
        ...pickInDialog("Bruno", ".o-omnichannel-TransferDialog-agent[data-name='Bruno Test']"),
        { trigger: ".o-omnichannel-TransferDialog-confirm", run: "click" },
        { trigger: action("info"), run: "click" },
        { trigger: ".o-omnichannel-InfoPanel-participants:contains(Invited: Bruno Test)" },
    ],
});

registry.category("web_tour.tours").add("omnichannel_desk_join_and_leave", {
    steps: () => [
        {
            content: "The invitation waits in Conferences",
            trigger: `${section("conferences")} ${item("Customer Carmen")}`,
            run: "click",
        },
        { trigger: action("accept_conference"), run: "click" },
        {
            content: "Joined: I can write, and leave",
            trigger: ".o-omnichannel-ComposerMode-reply",
        },
        { trigger: action("leave_conference"), run: "click" },
        {
            content: "Left: it is no longer on my desk",
            trigger: `${section("conferences")}:not(:has(${item("Customer Carmen")}))`,
        },
    ],
});

registry.category("web_tour.tours").add("omnichannel_desk_archive_unread_ticket_attachment", {
    steps: () => [
        { trigger: `${section("mine")} ${item("Customer Carmen")}`, run: "click" },
        {
            content: "A file type customers cannot receive is refused, with what is accepted",
            trigger: ".o-mail-Composer button[aria-label='Attach files']",
            async run() {
                const file = new File(["MZ"], "setup.exe", { type: "application/octet-stream" });
                await inputFiles(".o-mail-Composer-coreMain .o_input_file", [file]);
            },
        },
        { trigger: ".o_notification:contains(“setup.exe” cannot be sent):contains(PDF)" },
        {
            content: "A PDF is accepted",
            trigger: ".o-mail-Composer button[aria-label='Attach files']",
            async run() {
                const file = new File(["%PDF-1.4"], "invoice.pdf", { type: "application/pdf" });
                await inputFiles(".o-mail-Composer-coreMain .o_input_file", [file]);
            },
        },
        { trigger: ".o-mail-AttachmentCard:not(.o-isUploading):contains(invoice.pdf)" },
        {
            content: "Create a ticket",
            trigger: action("create_ticket"),
            run: "click",
        },
        { trigger: ".modal-footer button.btn-primary", run: "click" },
        { trigger: action("info"), run: "click" },
        { trigger: ".o-omnichannel-InfoPanel-ticketLink:contains(conversation with Customer Carmen)" },
        {
            content: "The ticket is created: no second one is offered",
            trigger: `.o-mail-Discuss-headerActions:not(:has(${action("create_ticket")}))`,
        },
        {
            content: "Mark unread: Discuss leaves it, the sidebar counts it unread",
            trigger: action("mark_unread"),
            run: "click",
        },
        { trigger: `${section("mine")} ${item("Customer Carmen")} .o-omnichannel-DeskItem-unread:contains(1)` },
        {
            content: "Archive it",
            trigger: `${section("mine")} ${item("Customer Carmen")}`,
            run: "click",
        },
        { trigger: action("archive"), run: "click" },
        { trigger: `${section("mine")}:not(:has(${item("Customer Carmen")}))` },
        {
            content: "It is in the archived view, from which it is unarchived",
            trigger: ".o-omnichannel-Desk-view",
            run: "select archived",
        },
        { trigger: `${section("archived")} ${item("Customer Carmen")}`, run: "click" },
        { trigger: action("unarchive"), run: "click" },
        { trigger: ".o-omnichannel-Desk-view", run: "select active" },
        { trigger: `${section("mine")} ${item("Customer Carmen")}` },
    ],
});

registry.category("web_tour.tours").add("omnichannel_desk_live_queue", {
    steps: () => [
        {
            content: "The queued conversation is in my queue",
            trigger: `${section("queue")} ${item("Customer Carmen")}`,
        },
        {
            content: "Another agent takes it: it disappears without reload",
            trigger: `${section("queue")}:not(:has(${item("Customer Carmen")}))`,
            timeout: 30000,
        },
    ],
});

registry.category("web_tour.tours").add("omnichannel_desk_notification_settings", {
    steps: () => [
        { trigger: ".o-omnichannel-AgentStatusMenu", run: "click" },
        {
            content: "Pick the chime for new queued conversations",
            trigger: ".o-omnichannel-AgentStatusMenu-sound[data-sound=chime]",
            run: "click",
        },
        { trigger: ".o-omnichannel-AgentStatusMenu-sound[data-sound=chime] .fa-dot-circle-o" },
        {
            content: "No message text in notifications",
            trigger: ".o-omnichannel-AgentStatusMenu-preview .fa-check-square-o",
            run: "click",
        },
        { trigger: ".o-omnichannel-AgentStatusMenu-preview .fa-square-o" },
    ],
});

registry.category("web_tour.tours").add("omnichannel_desk_take_beyond_capacity", {
    steps: () => [
        { trigger: `${section("queue")} ${item("Customer Diego")}`, run: "click" },
        { trigger: action("take"), run: "click" },
        {
            content: "Beyond the team's limit, taking asks to confirm",
            trigger: ".modal:contains(Beyond your limit) .modal-footer .btn-primary",
            run: "click",
        },
        { trigger: `${section("mine")} ${item("Customer Diego")}` },
    ],
});

registry.category("web_tour.tours").add("omnichannel_desk_shortcut", {
    steps: () => [
        { trigger: `${section("mine")} ${item("Customer Carmen")}`, run: "click" },
        { trigger: ".o-mail-Composer-input", run: "edit :t- && click body" },
        {
            content: "The team's quick reply is offered, another team's is not",
            trigger: ".o-mail-Composer-suggestion:contains(t-late)",
        },
        { trigger: ".o-mail-Composer-suggestionList:not(:contains(t-sales-only))" },
        { trigger: ".o-mail-Composer-suggestion:contains(t-late)", run: "click" },
        {
            content: "Inserted with its placeholder filled, ready to edit",
            trigger: ".o-mail-Composer-input:value(Sorry Customer, your order leaves today. )",
            run: "click",
        },
        { trigger: ".o-mail-Composer-input", run: "press Enter" },
        { trigger: ".o-mail-Message:contains(Sorry Customer, your order leaves today.)" },
    ],
});

registry.category("web_tour.tours").add("omnichannel_desk_history", {
    steps: () => [
        { trigger: `${section("mine")} ${item("Customer Carmen")}`, run: "click" },
        { trigger: action("info"), run: "click" },
        {
            content: "The earlier conversation, handled by Bruno, is in the history",
            trigger: ".o-omnichannel-InfoPanel-historyItem:not(.fw-bold):contains(Bruno Test) a",
            run: "click",
        },
        {
            content: "It opens read-only: its messages, no composer",
            trigger: ".o-omnichannel-HistoryDialog-message:contains(We shipped it yesterday)",
        },
        {
            content: "Bruno's internal note stays his: it is not in the history",
            trigger:
                ".o-omnichannel-HistoryDialog:not(:has(.o-omnichannel-HistoryDialog-note)):not(:contains(Customer was upset))",
        },
        { trigger: ".o-omnichannel-HistoryDialog:not(:has(.o-mail-Composer))" },
    ],
});

registry.category("web_tour.tours").add("omnichannel_desk_unknown_sender", {
    steps: () => [
        { trigger: `${section("queue")} ${item("+34 600 123 456")}`, run: "click" },
        {
            content: "A sender not in the contacts: Add contact, Reply, Ignore (as 3CX)",
            trigger: ".o-omnichannel-UnknownSender:contains(Unknown sender)",
        },
        { trigger: ".o-omnichannel-UnknownSender-add", run: "click" },
        { trigger: ".o-mail-Composer:not(:has(.o-omnichannel-UnknownSender))" },
        { trigger: action("take"), run: "click" },
        { trigger: `${section("mine")} ${item("+34 600 123 456")}` },
        {
            content: "A phone contact can be called",
            trigger: action("call"),
        },
        { trigger: action("info"), run: "click" },
        { trigger: ".o-omnichannel-InfoPanel-edit", run: "click" },
        {
            trigger: ".o-omnichannel-InfoPanel-contactForm input[name=name]",
            run: "edit Lucía Pérez",
        },
        {
            trigger: ".o-omnichannel-InfoPanel-contactForm input[name=email]",
            run: "edit lucia@example.com",
        },
        { trigger: ".o-omnichannel-InfoPanel-save", run: "click" },
        {
            content: "The contact is saved, for every agent",
            trigger: ".o-omnichannel-InfoPanel-name:contains(Lucía Pérez)",
        },
        { trigger: ".o-omnichannel-InfoPanel-email:contains(lucia@example.com)" },
        { trigger: action("resolve"), run: "click" },
        { trigger: ".o-omnichannel-ResolveDialog-confirm", run: "click" },
        { trigger: `${section("mine")}:not(:has(${item("Lucía Pérez")}))` },
        {
            content: "The resolved conversations are one selector away",
            trigger: ".o-omnichannel-Desk-view",
            run: "select resolved",
        },
        { trigger: `.o-omnichannel-Desk ${item("Lucía Pérez")}`, run: "click" },
        { trigger: action("reopen"), run: "click" },
        { trigger: ".o-omnichannel-Desk-view", run: "select active" },
        {
            content: "Reopened: back in my conversations",
            trigger: `${section("mine")} ${item("Lucía Pérez")}`,
        },
    ],
});

registry.category("web_tour.tours").add("omnichannel_desk_queue_notification", {
    steps: () => [
        {
            content: "The desk is open; a new customer writes to the team",
            trigger: `${section("queue")}`,
            run: () =>
                rpc("/omnichannel_test/customer_writes", {
                    team_name: "Test Support",
                    customer: "Nora Nueva",
                    body: "¿Hay stock de la talla M?",
                }),
        },
        {
            content: "The agent is notified, with the message's preview (browser notifications not granted: Odoo's own)",
            trigger:
                ".o_notification:contains(Waiting in the queue: Nora Nueva):contains(¿Hay stock de la talla M?)",
        },
        { trigger: `${section("queue")} ${item("Nora Nueva")}` },
    ],
});
