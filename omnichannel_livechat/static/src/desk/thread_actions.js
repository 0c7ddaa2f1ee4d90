import { threadActionsRegistry } from "@mail/core/common/thread_actions";
import { _t } from "@web/core/l10n/translation";

import { ResolveDialog } from "@omnichannel_chat/desk/dialogs";
import {
    allowed,
    conversationOf,
    setupDeskAction,
} from "@omnichannel_chat/desk/thread_actions";

import { BlockVisitorDialog } from "./dialogs";

/** A live chat action that asks its questions in `Dialog` (with `dialogProps`) first. */
function withDialog(action, Dialog, { name, icon, sequence, dialogProps = () => ({}) }) {
    return {
        condition: (component) => allowed(component, action),
        icon,
        iconLarge: icon,
        name,
        sequence,
        sequenceGroup: 5,
        setup: setupDeskAction,
        open(component) {
            component.omnichannelDialog.add(Dialog, {
                state: conversationOf(component),
                ...dialogProps(),
            });
        },
    };
}

threadActionsRegistry
    .add(
        "omnichannel-end_session",
        // The Resolve dialog's reasons and note, on the end_session route.
        withDialog("end_session", ResolveDialog, {
            name: _t("End the chat"),
            icon: "fa fa-fw fa-power-off",
            sequence: 7,
            dialogProps: () => ({
                action: "end_session",
                title: _t("End the chat"),
                intro: _t(
                    "The visitor is told that the chat has ended and can no longer write in it. The conversation is resolved."
                ),
                confirmLabel: _t("End the chat"),
            }),
        })
    )
    .add(
        "omnichannel-block_visitor",
        withDialog("block_visitor", BlockVisitorDialog, {
            name: _t("Block the visitor"),
            icon: "fa fa-fw fa-ban",
            sequence: 8,
        })
    );
