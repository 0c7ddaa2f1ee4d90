import { threadActionsRegistry } from "@mail/core/common/thread_actions";
import { useComponent, useState } from "@odoo/owl";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

import { ResolveDialog, TransferDialog } from "./dialogs";
import { OmnichannelInfoPanel } from "./info_panel";
import { OmnichannelQuickRepliesPanel } from "./quick_replies_panel";

/** The conversation of the thread a header shows (read through the component's own
 * reactive desk, so that the header follows it), or false. */
export function conversationOf(component) {
    const thread = component.thread;
    if (thread?.model !== "discuss.channel" || !component.omnichannelDesk) {
        return false;
    }
    const state = component.omnichannelDesk.stateByChannel[thread.id];
    return state?.visible ? state : false;
}

/** Whether the current user may do `action` on the conversation now (the server lists
 * them, a source's own actions too). */
export function allowed(component, action) {
    const state = conversationOf(component);
    return Boolean(state && state.actions.includes(action));
}

/** The desk's services on the header's component, for the actions' `open`. */
export function setupDeskAction() {
    const component = useComponent();
    if (!component.omnichannelDesk) {
        component.omnichannelDesk = useState(useService("omnichannel.desk"));
        component.omnichannelDialog = useService("dialog");
        component.omnichannelAction = useService("action");
    }
}

/** A workflow action with no question asked: run it on the route of the same name. */
function direct(action, { name, icon, text, sequence, confirm }) {
    return {
        condition: (component) => allowed(component, action),
        icon,
        iconLarge: icon,
        name,
        text,
        sequence,
        sequenceGroup: 5,
        setup: setupDeskAction,
        async open(component) {
            const state = conversationOf(component);
            const run = () => component.omnichannelDesk.act(state, action);
            if (confirm) {
                component.omnichannelDialog.add(ConfirmationDialog, {
                    body: confirm,
                    confirm: run,
                    cancel: () => {},
                });
            } else {
                await run();
            }
        },
    };
}

threadActionsRegistry
    .add("omnichannel-take", {
        condition: (component) => allowed(component, "take"),
        icon: "fa fa-fw fa-hand-paper-o",
        iconLarge: "fa fa-fw fa-hand-paper-o",
        name: _t("Take"),
        text: _t("Take"),
        sequence: 1,
        sequenceGroup: 5,
        setup: setupDeskAction,
        open(component) {
            const state = conversationOf(component);
            const take = (confirm) => component.omnichannelDesk.act(state, "take", { confirm });
            if (!state.take_over_capacity) {
                return take(false);
            }
            // Beyond the team's limit of conversations per agent: ask first (as routing does).
            component.omnichannelDialog.add(ConfirmationDialog, {
                title: _t("Beyond your limit"),
                body: _t(
                    "You already hold as many conversations as your team allows. Take this one anyway?"
                ),
                confirmLabel: _t("Take it"),
                confirm: () => take(true),
                cancel: () => {},
            });
        },
    })
    .add(
        "omnichannel-accept_offer",
        direct("accept_offer", {
            name: _t("Accept"),
            text: _t("Accept"),
            icon: "fa fa-fw fa-check",
            sequence: 1,
        })
    )
    .add(
        "omnichannel-decline_offer",
        direct("decline_offer", {
            name: _t("Decline"),
            icon: "fa fa-fw fa-times",
            sequence: 2,
        })
    )
    .add(
        "omnichannel-accept_conference",
        direct("accept_conference", {
            name: _t("Join the conference"),
            text: _t("Join"),
            icon: "fa fa-fw fa-sign-in",
            sequence: 1,
        })
    )
    .add(
        "omnichannel-decline_conference",
        direct("decline_conference", {
            name: _t("Decline the invitation"),
            icon: "fa fa-fw fa-times",
            sequence: 2,
        })
    )
    .add("omnichannel-transfer", {
        condition: (component) => allowed(component, "transfer"),
        icon: "fa fa-fw fa-share",
        iconLarge: "fa fa-fw fa-share",
        name: _t("Transfer"),
        sequence: 3,
        sequenceGroup: 5,
        setup: setupDeskAction,
        open(component) {
            component.omnichannelDialog.add(TransferDialog, {
                state: conversationOf(component),
                mode: "transfer",
            });
        },
    })
    .add("omnichannel-invite", {
        condition: (component) => allowed(component, "invite"),
        icon: "fa fa-fw fa-user-plus",
        iconLarge: "fa fa-fw fa-user-plus",
        name: _t("Invite to a conference"),
        sequence: 4,
        sequenceGroup: 5,
        setup: setupDeskAction,
        open(component) {
            component.omnichannelDialog.add(TransferDialog, {
                state: conversationOf(component),
                mode: "invite",
            });
        },
    })
    .add("omnichannel-assign", {
        condition: (component) => allowed(component, "assign"),
        icon: "fa fa-fw fa-user-circle-o",
        iconLarge: "fa fa-fw fa-user-circle-o",
        name: _t("Assign to an agent"),
        sequence: 5,
        sequenceGroup: 5,
        setup: setupDeskAction,
        open(component) {
            component.omnichannelDialog.add(TransferDialog, {
                state: conversationOf(component),
                mode: "assign",
            });
        },
    })
    .add(
        "omnichannel-leave_conference",
        direct("leave_conference", {
            name: _t("Leave the conference"),
            icon: "fa fa-fw fa-sign-out",
            sequence: 5,
        })
    )
    .add(
        "omnichannel-end_conference",
        direct("end_conference", {
            name: _t("End the conference"),
            icon: "fa fa-fw fa-stop-circle-o",
            sequence: 6,
        })
    )
    .add("omnichannel-resolve", {
        condition: (component) => allowed(component, "resolve"),
        icon: "fa fa-fw fa-check-circle",
        iconLarge: "fa fa-fw fa-check-circle",
        name: _t("Resolve"),
        text: _t("Resolve"),
        sequence: 7,
        sequenceGroup: 5,
        setup: setupDeskAction,
        open(component) {
            component.omnichannelDialog.add(ResolveDialog, {
                state: conversationOf(component),
            });
        },
    })
    .add(
        "omnichannel-reopen",
        direct("reopen", {
            name: _t("Reopen"),
            text: _t("Reopen"),
            icon: "fa fa-fw fa-undo",
            sequence: 7,
        })
    )
    .add("omnichannel-mark_unread", {
        condition: (component) => allowed(component, "mark_unread"),
        icon: "fa fa-fw fa-envelope",
        iconLarge: "fa fa-fw fa-envelope",
        name: _t("Mark as unread"),
        sequence: 8,
        sequenceGroup: 5,
        setup: setupDeskAction,
        async open(component) {
            await component.omnichannelDesk.act(conversationOf(component), "mark_unread");
            // Leave it, as a mail client does: staying would read it again at once.
            if (component.env.inDiscussApp) {
                component.store.inbox.setAsDiscussThread();
            } else {
                component.props.chatWindow?.close();
            }
        },
    })
    .add(
        "omnichannel-archive",
        direct("archive", {
            name: _t("Archive"),
            icon: "fa fa-fw fa-archive",
            sequence: 9,
        })
    )
    .add(
        "omnichannel-unarchive",
        direct("unarchive", {
            name: _t("Unarchive"),
            icon: "fa fa-fw fa-inbox",
            sequence: 9,
        })
    )
    .add("omnichannel-create_ticket", {
        condition: (component) => allowed(component, "create_ticket"),
        icon: "fa fa-fw fa-life-ring",
        iconLarge: "fa fa-fw fa-life-ring",
        name: _t("Create a ticket"),
        sequence: 10,
        sequenceGroup: 5,
        setup: setupDeskAction,
        open(component) {
            const state = conversationOf(component);
            component.omnichannelDialog.add(ConfirmationDialog, {
                title: _t("Create a ticket"),
                body: _t(
                    "Create a helpdesk ticket for %s, with the conversation's transcript (internal notes left out)?",
                    state.customer.name
                ),
                confirmLabel: _t("Create"),
                confirm: () => component.omnichannelDesk.act(state, "create_ticket"),
                cancel: () => {},
            });
        },
    })
    .add("omnichannel-call", {
        condition: (component) => Boolean(conversationOf(component)?.customer?.phone),
        icon: "fa fa-fw fa-phone",
        iconLarge: "fa fa-fw fa-phone",
        name: (component) =>
            _t("Call %s", conversationOf(component)?.customer?.phone || ""),
        sequence: 11,
        sequenceGroup: 5,
        setup: setupDeskAction,
        open(component) {
            const phone = conversationOf(component).customer.phone;
            window.open(`tel:${phone.replace(/[^\d+]/g, "")}`, "_self");
        },
    })
    .add("omnichannel-info", {
        component: OmnichannelInfoPanel,
        condition: (component) =>
            Boolean(conversationOf(component)) && !component.props.chatWindow,
        componentProps: (action, component) => ({ state: conversationOf(component) }),
        panelOuterClass: "o-omnichannel-InfoPanel-outer bg-inherit",
        icon: "fa fa-fw fa-address-card-o",
        iconLarge: "fa fa-fw fa-lg fa-address-card-o",
        name: _t("Customer info"),
        nameActive: _t("Close customer info"),
        sequence: 12,
        sequenceGroup: 6,
        setup: setupDeskAction,
        toggle: true,
    })
    .add("omnichannel-quick_replies", {
        component: OmnichannelQuickRepliesPanel,
        condition: (component) => allowed(component, "quick_replies") && !component.props.chatWindow,
        componentProps: (action, component) => ({ state: conversationOf(component) }),
        panelOuterClass: "o-omnichannel-QuickReplies-outer bg-inherit",
        icon: "fa fa-fw fa-bolt",
        iconLarge: "fa fa-fw fa-lg fa-bolt",
        name: _t("Quick replies"),
        nameActive: _t("Close quick replies"),
        sequence: 13,
        sequenceGroup: 6,
        setup: setupDeskAction,
        toggle: true,
    });
