from datetime import timedelta

from markupsafe import Markup
from pytz import timezone

from odoo import api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tools import SQL, format_datetime, html2plaintext

from ..tools.params import check_bool, check_choice, check_id, check_ids, check_text
from .omnichannel_event import STATES

AGENT_GROUP = "omnichannel_chat.group_omnichannel_agent"
MANAGER_GROUP = "omnichannel_chat.group_omnichannel_manager"


class OmnichannelConversation(models.Model):
    """One episode of talk with one customer over one source, on a Discuss channel.

    A companion of ``discuss.channel`` (1:1) rather than more fields on it: the channel stays
    Odoo's (messages, members, bus, and for live chat im_livechat's own rules), while the
    workflow state, its access rules, the event log and the reports live on a small table of
    their own, the same for every source.

    Agents only read conversations; every change goes through the ``action_*`` methods, which
    check the state and the caller's rights, then write as superuser and log an event.
    """

    _name = "omnichannel.conversation"
    _description = "Customer conversation"
    _order = "waiting_since, id"

    name = fields.Char(required=True, readonly=True)
    channel_id = fields.Many2one(
        "discuss.channel", required=True, readonly=True, ondelete="cascade", index=True
    )
    # Cascades only for uninstalling a module that owns the source or team: users may not
    # delete one that conversations use (see their _unlink_except_used_by_conversations).
    source_id = fields.Many2one(
        "omnichannel.source", required=True, readonly=True, ondelete="cascade", index=True
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team", required=True, readonly=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="team_id.company_id", store=True, index=True)
    user_id = fields.Many2one("res.users", string="Owner", readonly=True, index=True)
    state = fields.Selection(STATES, default="queued", required=True, readonly=True, index=True)
    conference_state = fields.Selection(
        [
            ("none", "No conference"),
            ("requested", "Conference requested"),
            ("active", "Conference"),
        ],
        default="none",
        required=True,
        readonly=True,
    )
    conference_invitee_id = fields.Many2one("res.users", string="Invited agent", readonly=True)
    participant_ids = fields.Many2many(
        "res.users",
        "omnichannel_conversation_participant_rel",
        "conversation_id",
        "user_id",
        string="Conference participants",
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True)
    guest_id = fields.Many2one("mail.guest", string="Visitor", readonly=True, index=True)
    reason_id = fields.Many2one(
        "omnichannel.resolution.reason", string="Resolution reason", readonly=True
    )
    resolution_note = fields.Text(readonly=True)
    tag_ids = fields.Many2many("helpdesk.ticket.tag", string="Tags", readonly=True)
    archived_user_ids = fields.Many2many(
        "res.users",
        "omnichannel_conversation_archived_rel",
        "conversation_id",
        "user_id",
        string="Archived by",
        readonly=True,
    )
    is_archived = fields.Boolean(
        compute="_compute_is_archived",
        search="_search_is_archived",
        help="Archived by the current user: hidden from their main list.",
    )
    event_ids = fields.One2many("omnichannel.event", "conversation_id", readonly=True)
    ticket_id = fields.Many2one(
        "helpdesk.ticket", readonly=True, index="btree_not_null", copy=False
    )
    waiting_since = fields.Datetime(
        readonly=True, help="When it last entered a queue: the sort key of the queue."
    )
    waiting_minutes = fields.Integer(
        compute="_compute_waiting_minutes",
        search="_search_waiting_minutes",
        help="How long it has waited in the queue, in minutes (0 once taken).",
    )
    first_taken_date = fields.Datetime(readonly=True)
    first_agent_reply_date = fields.Datetime(readonly=True)
    last_customer_message_date = fields.Datetime(readonly=True)
    last_agent_message_date = fields.Datetime(readonly=True)
    resolved_date = fields.Datetime(readonly=True)
    outside_hours_replied_date = fields.Datetime(
        readonly=True, help="When the customer was last told that the team is closed."
    )
    offered_user_id = fields.Many2one(
        "res.users", string="Offered to", readonly=True, index="btree_not_null"
    )
    offer_deadline = fields.Datetime(readonly=True)
    offer_refused_user_ids = fields.Many2many(
        "res.users",
        "omnichannel_conversation_offer_refused_rel",
        "conversation_id",
        "user_id",
        string="Declined or let pass by",
        readonly=True,
    )
    autoclose_warned_date = fields.Datetime(
        readonly=True, help="When the customer was last warned of the automatic close."
    )

    # Reporting figures, kept as the moments happen (each one traceable to the event log and
    # the messages): counters, and durations within the team's business hours.
    transfer_count = fields.Integer(readonly=True)
    conference_count = fields.Integer(readonly=True)
    reopen_count = fields.Integer(readonly=True)
    offer_count = fields.Integer(readonly=True)
    rona_count = fields.Integer(readonly=True)
    customer_message_count = fields.Integer(readonly=True)
    agent_message_count = fields.Integer(readonly=True)
    note_count = fields.Integer(readonly=True)
    waiting_seconds_business = fields.Float(compute="_compute_business_durations", store=True)
    first_reply_seconds_business = fields.Float(compute="_compute_business_durations", store=True)
    handle_seconds_business = fields.Float(compute="_compute_business_durations", store=True)
    resolution_seconds_business = fields.Float(compute="_compute_business_durations", store=True)

    _sql_constraints = [
        ("channel_unique", "UNIQUE(channel_id)", "A channel holds one conversation only."),
        (
            "customer_set",
            "CHECK(partner_id IS NOT NULL OR guest_id IS NOT NULL)",
            "A conversation needs a customer: a contact or a visitor.",
        ),
    ]

    def init(self):
        # One open conversation per customer and source: routing relies on it.
        for column in ("partner_id", "guest_id"):
            self.env.cr.execute(
                SQL(
                    """
                    CREATE UNIQUE INDEX IF NOT EXISTS %s ON omnichannel_conversation (source_id, %s)
                    WHERE state != 'resolved' AND %s IS NOT NULL
                    """,
                    SQL.identifier(f"omnichannel_conversation_open_{column}_uniq"),
                    SQL.identifier(column),
                    SQL.identifier(column),
                )
            )

    @api.depends(
        "create_date",
        "first_taken_date",
        "first_agent_reply_date",
        "resolved_date",
        "team_id.omnichannel_calendar_id",
    )
    def _compute_business_durations(self):
        for conversation in self:
            calendar = conversation.team_id.omnichannel_calendar_id
            created = conversation.create_date
            taken = conversation.first_taken_date
            resolved = conversation.resolved_date
            conversation.waiting_seconds_business = self._business_seconds(calendar, created, taken)
            conversation.first_reply_seconds_business = self._business_seconds(
                calendar, created, conversation.first_agent_reply_date
            )
            conversation.handle_seconds_business = self._business_seconds(calendar, taken, resolved)
            conversation.resolution_seconds_business = self._business_seconds(
                calendar, created, resolved
            )

    @api.model
    def _business_seconds(self, calendar, start, end):
        """Seconds between two moments within the calendar's working time (all of them
        without a calendar); 0 until both moments exist (reports show nothing then)."""
        if not start or not end or end <= start:
            return 0.0
        if not calendar:
            return (end - start).total_seconds()
        utc = timezone("UTC")
        hours = calendar.get_work_duration_data(
            utc.localize(start), utc.localize(end), compute_leaves=True
        )["hours"]
        return round(hours * 3600.0, 3)

    @api.depends("state", "waiting_since")
    def _compute_waiting_minutes(self):
        now = fields.Datetime.now()
        for conversation in self:
            queued = conversation.state in ("queued", "offered") and conversation.waiting_since
            conversation.waiting_minutes = (
                int((now - conversation.waiting_since).total_seconds() // 60) if queued else 0
            )

    def _search_waiting_minutes(self, operator, value):
        """Waiting more (or less) than N minutes: a comparison on waiting_since, indexed."""
        if operator not in (">", ">=", "<", "<="):
            raise UserError(self.env._("Compare the waiting time with >, >=, < or <=."))
        threshold = fields.Datetime.now() - timedelta(minutes=int(value))
        flipped = {">": "<", ">=": "<=", "<": ">", "<=": ">="}[operator]
        return [("state", "in", ("queued", "offered")), ("waiting_since", flipped, threshold)]

    @api.depends("archived_user_ids")
    @api.depends_context("uid")
    def _compute_is_archived(self):
        for conversation in self:
            conversation.is_archived = self.env.user in conversation.archived_user_ids

    def _search_is_archived(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on archived conversations."))
        archived = (operator == "=") == bool(value)
        return [("archived_user_ids", "in" if archived else "not in", self.env.uid)]

    # ------------------------------------------------------------------------------------------
    # Rights
    # ------------------------------------------------------------------------------------------

    def _is_manager(self):
        return self.env.user.has_group(MANAGER_GROUP)

    @api.model
    def _check_agent_group(self):
        if not self.env.user.has_group(AGENT_GROUP):
            raise AccessError(self.env._("Only omnichannel agents can do this."))

    def _check_agent(self):
        """The caller is an agent and may read this conversation (record rules)."""
        self._check_agent_group()
        self._check_visible()

    def _check_visible(self):
        """Missing, or hidden by the record rules: one answer for both, so that trying ids
        tells nothing of the conversations the user may not read."""
        self.ensure_one()
        try:
            visible = self.has_access("read")
        except MissingError:  # the record rules read its fields: it has none
            visible = False
        if not visible:
            raise self._not_visible_error()

    def _not_visible_error(self):
        return AccessError(self.env._("This conversation does not exist or is not yours to see."))

    def _check_owner_or_manager(self):
        if self.user_id != self.env.user and not self._is_manager():
            raise AccessError(
                self.env._(
                    "Only the owner of this conversation (%s) or a manager can do this.",
                    self.user_id.name,
                )
            )

    def _can_act(self):
        """Owner, conference participant, manager; or any agent of its team while it queues."""
        user = self.env.user
        unowned = self.state in ("queued", "offered") and user in self.team_id.user_ids
        return self._is_manager() or user == self.user_id or user in self.participant_ids or unowned

    def _check_can_act(self):
        if not self._can_act():
            raise AccessError(self.env._("You are not handling this conversation."))

    def _check_not_resolved(self):
        if self.state == "resolved":
            raise UserError(self.env._("This conversation is resolved."))

    def _get_agent(self, user_id):
        user_id = check_id(self.env, user_id, "user_id", required=True)
        user = self.env["res.users"].browse(user_id).exists()
        if not user or not user.has_group(AGENT_GROUP):
            raise UserError(self.env._("Choose an omnichannel agent."))
        return user

    # ------------------------------------------------------------------------------------------
    # Channel membership and event log
    # ------------------------------------------------------------------------------------------

    def _join_channel(self, user):
        # sudo: discuss.channel - the actions decide who handles the conversation; the acting
        # agent may already have lost access to it (transfer, leave)
        self.sudo().channel_id._add_members(users=user, post_joined_message=False)

    def _on_owner_changed(self):
        """Hook: the conversation has a new owner (take, transfer, warm transfer, reopen).
        A source shows it to its customer (live chat: the operator's name)."""

    def _leave_channel(self, users):
        # sudo: discuss.channel.member - an agent who no longer handles it loses access
        members = self.sudo().channel_id.channel_member_ids.filtered(
            lambda member: member.partner_id in users.partner_id
        )
        members.unlink()

    # event kind -> the conversation's counter it adds to (reports read the counters)
    EVENT_COUNTERS = {
        "transfer_agent": "transfer_count",
        "transfer_team": "transfer_count",
        "conference_accept": "conference_count",
        "reopen": "reopen_count",
        "offer": "offer_count",
        "rona": "rona_count",
    }

    def _log_event(self, kind, actor=True, **values):
        """Record an event; actor=True is the current user, None the system."""
        user = self.env.user if actor is True else actor
        if counter := self.EVENT_COUNTERS.get(kind):
            self.env.cr.execute(
                SQL(
                    "UPDATE omnichannel_conversation "
                    "SET %(counter)s = COALESCE(%(counter)s, 0) + 1 WHERE id = %(id)s",
                    counter=SQL.identifier(counter),
                    id=self.id,
                )
            )
            self.invalidate_recordset([counter])
        # sudo: omnichannel.event - the log is written by the actions only, never by users
        return (
            self.env["omnichannel.event"]
            .sudo()
            .create(
                {"conversation_id": self.id, "kind": kind, "user_id": user and user.id, **values}
            )
        )

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_take(self, confirm=False):
        """Take a queued conversation. Atomic: of two agents taking at once, one wins; the
        other's transaction fails on the row and, retried, gets "Already taken by ...".
        Above the team's capacity, taking needs ``confirm``."""
        self.ensure_one()
        self._check_agent_group()
        confirm = check_bool(self.env, confirm, "confirm")
        # sudo: omnichannel.conversation - an agent of the team who lost the race no longer
        # reads it, yet must learn who has it; anyone else learns nothing of it
        conversation = self.sudo()
        try:
            team = conversation.team_id
        except MissingError:
            raise self._not_visible_error() from None
        if not self._is_manager() and self.env.user not in team.user_ids:
            raise self._not_visible_error()
        if (
            conversation.state == "offered"
            and conversation.offered_user_id != self.env.user
            and not self._is_manager()
        ):
            raise UserError(
                self.env._(
                    "Offered to %s: wait for their answer.", conversation.offered_user_id.name
                )
            )
        if not confirm:
            conversation._check_capacity(self.env.user)
        return self._assign_from_queue(self.env.user)

    def _assign_from_queue(self, user):
        """Give a queued (or offered) conversation to `user`: the agent taking it, or the one
        a manager assigns it to. One UPDATE guarded by the state: of two at once, one wins."""
        # sudo: omnichannel.conversation - callers checked the rights to take or assign
        conversation = self.sudo()
        from_state = conversation.state
        if from_state not in ("queued", "offered"):
            raise UserError(conversation._already_handled_message())
        now = fields.Datetime.now()
        # Pending writes first: flushed after it, they would undo the take.
        conversation.flush_recordset()
        self.env.cr.execute(
            """
            UPDATE omnichannel_conversation
               SET state = 'taken', user_id = %(uid)s, write_uid = %(actor)s, write_date = %(now)s,
                   offered_user_id = NULL, offer_deadline = NULL,
                   first_taken_date = COALESCE(first_taken_date, %(now)s)
             WHERE id = %(id)s AND state IN ('queued', 'offered')
            RETURNING id
            """,
            {"uid": user.id, "actor": self.env.uid, "now": now, "id": self.id},
        )
        taken = self.env.cr.fetchone()
        self.invalidate_recordset(
            [
                "state",
                "user_id",
                "first_taken_date",
                "write_uid",
                "write_date",
                "offered_user_id",
                "offer_deadline",
            ]
        )
        # The UPDATE bypassed the ORM: compute what depends on the first take ourselves.
        conversation._compute_business_durations()
        if not taken:
            raise UserError(conversation._already_handled_message())
        self._join_channel(user)
        self._on_owner_changed()
        self._log_event("take", from_state=from_state, to_state="taken", to_user_id=user.id)
        conversation._notify_agents(conversation.team_id.user_ids - user, "unqueued")
        conversation._notify_agents(user, "assigned")
        return True

    def action_assign(self, user_id, note=None):
        """A manager gives the conversation to an agent: from the queue, or from its owner
        (a transfer). The agent's capacity does not stop a manager."""
        self.ensure_one()
        self._check_agent()
        if not self._is_manager():
            raise AccessError(self.env._("Only omnichannel managers assign conversations."))
        note = check_text(self.env, note, "note")
        target = self._get_agent(user_id)
        if self.state in ("queued", "offered"):
            return self._assign_from_queue(target)
        if self.state == "taken":
            return self.action_transfer(user_id=target.id, note=note)
        raise UserError(self.env._("This conversation is resolved."))

    def _is_over_capacity(self, user):
        """Whether `user` already holds the team's limit of conversations per agent."""
        # sudo: helpdesk.ticket.team - the team's limit, of a conversation the caller reads
        capacity = self.sudo().team_id.omnichannel_capacity
        return bool(capacity) and self._count_held(user) >= capacity

    def _count_held(self, user):
        # sudo: omnichannel.conversation - counts the agent's own load, whoever asks
        return self.sudo().search_count([("user_id", "=", user.id), ("state", "=", "taken")])

    def _check_capacity(self, user):
        """Taking beyond the team's limit of conversations per agent is confirmed first."""
        capacity = self.team_id.omnichannel_capacity
        if not capacity:
            return
        held = self._count_held(user)
        if held >= capacity:
            raise UserError(
                self.env._(
                    "You already hold %(held)s conversations; the team's limit is "
                    "%(capacity)s. Take this one anyway? (confirm to go beyond the limit)",
                    held=held,
                    capacity=capacity,
                )
            )

    def _already_handled_message(self):
        if self.state == "resolved":
            return self.env._("This conversation is resolved.")
        return self.env._("Already taken by %s", self.user_id.name)

    def action_transfer(self, user_id=None, team_id=None, note=None):
        """Hand a taken conversation to another agent, or back to a team's queue."""
        self.ensure_one()
        self._check_agent()
        user_id = check_id(self.env, user_id, "user_id")
        team_id = check_id(self.env, team_id, "team_id")
        note = check_text(self.env, note, "note")
        if bool(user_id) == bool(team_id):
            raise UserError(self.env._("Transfer to an agent or to a team."))
        self._check_owner_or_manager()
        if self.state != "taken":
            raise UserError(self.env._("Only a taken conversation can be transferred."))
        if self.conference_state != "none":
            raise UserError(self.env._("End the conference before transferring."))
        previous, team = self.user_id, self.team_id
        if user_id:
            target = self._get_agent(user_id)
            if target == previous:
                raise UserError(self.env._("%s already owns this conversation.", target.name))
            # sudo: omnichannel.conversation - ownership changes through this action only
            self.sudo().user_id = target
            self._leave_channel(previous)
            self._join_channel(target)
            self._on_owner_changed()
            self._notify_agents(previous, "removed")
            self._notify_agents(target, "assigned")
            self._log_event(
                "transfer_agent",
                from_state="taken",
                to_state="taken",
                from_user_id=previous.id,
                to_user_id=target.id,
                from_team_id=team.id,
                to_team_id=team.id,
                note=note,
            )
        else:
            target_team = self._get_transfer_teams(domain=[("id", "=", team_id)])
            if not target_team:
                raise UserError(self.env._("Choose a team."))
            # sudo: omnichannel.conversation - the conversation goes back to a queue
            self.sudo().write(
                {
                    "state": "queued",
                    "user_id": False,
                    "team_id": target_team.id,
                    "waiting_since": fields.Datetime.now(),
                }
            )
            self._leave_channel(previous)
            self._notify_agents(previous, "removed")
            self._notify_agents(target_team.user_ids, "queued")
            # sudo: omnichannel.conversation - in offer mode, never offered back to the agent
            # who passed it on
            self.sudo().offer_refused_user_ids = [fields.Command.link(previous.id)]
            self._offer_next()
            self._log_event(
                "transfer_team",
                from_state="taken",
                to_state="queued",
                from_user_id=previous.id,
                from_team_id=team.id,
                to_team_id=target_team.id,
                note=note,
            )
        self._offer_waiting_to_freed(previous, team)
        return True

    def action_invite(self, user_id):
        """The owner asks another agent to join: a conference is requested."""
        self.ensure_one()
        self._check_agent()
        self._check_owner_or_manager()
        if self.state != "taken":
            raise UserError(self.env._("Take the conversation before inviting an agent."))
        if self.conference_state == "requested":
            raise UserError(
                self.env._(
                    "%s is already invited: wait for the answer.", self.conference_invitee_id.name
                )
            )
        invitee = self._get_agent(user_id)
        if invitee == self.user_id or invitee in self.participant_ids:
            raise UserError(self.env._("%s is already in this conversation.", invitee.name))
        # sudo: omnichannel.conversation - conference state changes through the actions only
        self.sudo().write({"conference_state": "requested", "conference_invitee_id": invitee.id})
        self._log_event("conference_invite", to_user_id=invitee.id)
        self._notify_agents(invitee, "invited")
        return True

    def _check_invitee(self):
        if self.conference_state != "requested" or self.conference_invitee_id != self.env.user:
            raise UserError(self.env._("You have no pending invitation to this conversation."))

    def action_accept_conference(self):
        self.ensure_one()
        self._check_agent()
        self._check_invitee()
        # sudo: omnichannel.conversation - conference state changes through the actions only
        self.sudo().write(
            {
                "conference_state": "active",
                "conference_invitee_id": False,
                "participant_ids": [fields.Command.link(self.env.uid)],
            }
        )
        self._join_channel(self.env.user)
        self._log_event("conference_accept", to_user_id=self.env.uid)
        self._notify_agents(self.env.user, "assigned")
        self._notify_agents(self.user_id, "conference_accepted")
        return True

    def action_decline_conference(self):
        self.ensure_one()
        self._check_agent()
        self._check_invitee()
        # sudo: omnichannel.conversation - conference state changes through the actions only
        self.sudo().write(
            {
                "conference_state": "active" if self.participant_ids else "none",
                "conference_invitee_id": False,
            }
        )
        self._log_event("conference_decline", to_user_id=self.user_id.id)
        self._notify_agents(self.env.user, "removed")
        self._notify_agents(self.user_id, "conference_declined")
        return True

    def action_end_conference(self):
        """The owner ends the conference: the participants leave, the owner keeps it."""
        self.ensure_one()
        self._check_agent()
        self._check_owner_or_manager()
        if self.conference_state == "none":
            raise UserError(self.env._("There is no conference to end."))
        self._end_conference()
        self._log_event("conference_end")
        return True

    def _end_conference(self):
        participants, invitee = self.participant_ids, self.conference_invitee_id
        # sudo: omnichannel.conversation - conference state changes through the actions only
        self.sudo().write(
            {
                "conference_state": "none",
                "conference_invitee_id": False,
                "participant_ids": [fields.Command.clear()],
            }
        )
        self._leave_channel(participants)
        self._notify_agents(participants | invitee, "removed")

    def action_leave_conference(self):
        """Leave a conference. When the owner leaves, the remaining agent owns the conversation
        (a warm transfer)."""
        self.ensure_one()
        self._check_agent()
        user = self.env.user
        if self.conference_state != "active" or user not in self.user_id | self.participant_ids:
            raise UserError(self.env._("You are not in a conference on this conversation."))
        # sudo: omnichannel.conversation - checked above; the leaving owner loses access
        conversation = self.sudo()
        previous = conversation.user_id
        if user == previous:
            new_owner = conversation.participant_ids.sorted("id")[:1]
            values = {
                "user_id": new_owner.id,
                "participant_ids": [fields.Command.unlink(new_owner.id)],
            }
        else:
            new_owner = previous
            values = {"participant_ids": [fields.Command.unlink(user.id)]}
        conversation.write(values)
        if not conversation.participant_ids and not conversation.conference_invitee_id:
            conversation.conference_state = "none"
        self._leave_channel(user)
        conversation._notify_agents(user, "removed")
        if new_owner != previous:
            conversation._on_owner_changed()
            conversation._notify_agents(new_owner, "assigned")
        self._log_event(
            "conference_leave",
            from_state="taken",
            to_state="taken",
            from_user_id=previous.id,
            to_user_id=new_owner.id,
        )
        return True

    def action_resolve(self, reason_id=None, note=None):
        """Close the conversation with a reason: from the owner, a manager, or (while it still
        queues, e.g. spam) any agent of its team."""
        self.ensure_one()
        self._check_agent()
        self._check_not_resolved()
        if self.state == "taken":
            self._check_owner_or_manager()
        else:
            self._check_can_act()
        reason_id = check_id(self.env, reason_id, "reason_id")
        note = check_text(self.env, note, "note")
        reason = self.env["omnichannel.resolution.reason"].browse(reason_id).exists()
        if reason.is_system:
            raise UserError(self.env._("The reason %s is set by the system only.", reason.name))
        if not reason and self.team_id.omnichannel_reason_required:
            raise UserError(self.env._("Choose a resolution reason."))
        self._resolve(reason, note)
        return True

    def _resolve(self, reason, note, actor=True):
        from_state = self.state
        self._end_conference()
        # sudo: omnichannel.conversation - state changes through the actions only
        self.sudo().write(
            {
                "state": "resolved",
                "reason_id": reason.id,
                "resolution_note": note or False,
                "resolved_date": fields.Datetime.now(),
            }
        )
        audience = self.user_id
        if from_state in ("queued", "offered"):
            audience |= self.team_id.user_ids
        self._notify_agents(audience, "resolved")
        self._log_event(
            "resolve",
            actor=actor,
            from_state=from_state,
            to_state="resolved",
            from_user_id=self.user_id.id,
            reason_id=reason.id,
            note=note,
        )
        if from_state == "taken" and actor:
            # (the timers leave it to the offers cron: they lock only their own batch)
            self._offer_waiting_to_freed(self.user_id, self.team_id)

    def _offer_waiting_to_freed(self, user, team):
        """The agent let a conversation of `team` go: in offer mode, what waits may now be
        theirs (other teams' queues get them at the next offers run)."""
        if team.omnichannel_routing_mode == "offer" and (
            user.omnichannel_effective_status == "available"
        ):
            # sudo: omnichannel.conversation - routing is the system's, not the caller's
            self.env["omnichannel.conversation"].sudo()._offer_waiting_to(user)

    def action_reopen(self):
        """Reopen a resolved conversation to its owner (or to its queue when it had none)."""
        self.ensure_one()
        self._check_agent()
        if self.state != "resolved":
            raise UserError(self.env._("Only a resolved conversation can be reopened."))
        self._check_owner_or_manager()
        # sudo: omnichannel.conversation - any open one of this customer, whoever handles it
        if self.sudo()._find_open(self.source_id, self.partner_id, self.guest_id):
            raise UserError(
                self.env._(
                    "This customer already has an open conversation on %s.", self.source_id.name
                )
            )
        self._reopen()
        return True

    def _reopen(self, actor=True):
        owner = (
            self.user_id if self.user_id.active and self.user_id.has_group(AGENT_GROUP) else None
        )
        to_state = "taken" if owner else "queued"
        values = {
            "state": to_state,
            "reason_id": False,
            "resolution_note": False,
            "resolved_date": False,
            "user_id": owner and owner.id,
        }
        if not owner:
            values["waiting_since"] = fields.Datetime.now()
        # sudo: omnichannel.conversation - state changes through the actions only
        self.sudo().write(values)
        if owner:
            self._join_channel(owner)
            self._on_owner_changed()
            self._notify_agents(owner, "assigned")
        else:
            self._notify_agents(self.team_id.user_ids, "queued")
            self._offer_next()
        self._log_event(
            "reopen",
            actor=actor,
            from_state="resolved",
            to_state=to_state,
            to_user_id=owner and owner.id,
        )

    def action_archive(self):
        """Hide it from the current agent's main list, whatever its state."""
        self.ensure_one()
        self._check_agent()
        if self.env.user in self.archived_user_ids:
            raise UserError(self.env._("This conversation is already archived."))
        # sudo: omnichannel.conversation - archiving is per agent, through this action only
        self.sudo().archived_user_ids = [fields.Command.link(self.env.uid)]
        self._log_event("archive")
        return True

    def action_unarchive(self):
        self.ensure_one()
        self._check_agent()
        if self.env.user not in self.archived_user_ids:
            raise UserError(self.env._("This conversation is not archived."))
        # sudo: omnichannel.conversation - archiving is per agent, through this action only
        self.sudo().archived_user_ids = [fields.Command.unlink(self.env.uid)]
        self._log_event("unarchive")
        return True

    def action_add_tags(self, tag_ids):
        self.ensure_one()
        self._check_agent()
        self._check_can_act()
        tag_ids = check_ids(self.env, tag_ids, "tag_ids")
        tags = self.env["helpdesk.ticket.tag"].browse(tag_ids).exists() - self.tag_ids
        # sudo: omnichannel.conversation - tags change through the actions only
        self.sudo().tag_ids = [fields.Command.link(tag.id) for tag in tags]
        for tag in tags:
            self._log_event("tag_add", tag_id=tag.id)
        return True

    def action_remove_tags(self, tag_ids):
        self.ensure_one()
        self._check_agent()
        self._check_can_act()
        tag_ids = check_ids(self.env, tag_ids, "tag_ids")
        tags = self.tag_ids & self.env["helpdesk.ticket.tag"].browse(tag_ids)
        # sudo: omnichannel.conversation - tags change through the actions only
        self.sudo().tag_ids = [fields.Command.unlink(tag.id) for tag in tags]
        for tag in tags:
            self._log_event("tag_remove", tag_id=tag.id)
        return True

    def action_post_note(self, body=None):
        """Post an internal note: seen by the agents who see the conversation, never by the
        customer (not on their bus, not in their message fetch, not sent by the source)."""
        self.ensure_one()
        self._check_agent()
        self._check_can_act()
        if not (check_text(self.env, body, "body") or "").strip():
            raise UserError(self.env._("Write the note first."))
        # sudo: discuss.channel - checked above; a team agent may note a queued conversation
        # without being a member of its channel
        message = self.sudo().channel_id.message_post(
            body=body,
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            is_internal=True,
        )
        return message.id

    # ------------------------------------------------------------------------------------------
    # Messages and notifications
    # ------------------------------------------------------------------------------------------

    def _is_customer_author(self, message):
        # A visitor added to the contacts keeps writing as the guest they are
        return bool(
            (self.partner_id and message.author_id == self.partner_id)
            or (self.guest_id and message.author_guest_id == self.guest_id)
        )

    def _on_message_posted(self, message):
        """Keep the conversation's times; an agent replying to a queued conversation takes it
        when the team says so."""
        if message.message_type != "comment":
            return
        # sudo: omnichannel.conversation - its figures follow every message, whoever posts
        figures = self.sudo()
        if message._is_omnichannel_internal_note():
            figures.note_count += 1
            return
        now = fields.Datetime.now()
        if self._is_customer_author(message):
            figures.write(
                {
                    "last_customer_message_date": now,
                    "customer_message_count": self.customer_message_count + 1,
                }
            )
            self._reply_outside_business_hours()
            if self.state == "queued" and not self.offer_count:
                self._offer_next()  # offer mode: the first message is what the offer shows
            return
        if self.env.context.get("omnichannel_system_message"):
            # An automatic message (warning, closing): delivered, never an agent's reply; a
            # refusal (e.g. WhatsApp's closed window) marks it undelivered, the timer goes on.
            try:
                self._deliver(message)
            except UserError as error:
                message._omnichannel_set_delivery("failed", str(error))
            return
        author = message.author_id.user_ids.filtered(lambda user: not user.share)[:1]
        if not author:
            return
        figures.write(
            {
                "first_agent_reply_date": self.first_agent_reply_date or now,
                "last_agent_message_date": now,
                "agent_message_count": self.agent_message_count + 1,
            }
        )
        self._deliver(message)
        if (
            self.state in ("queued", "offered")
            and self.team_id.omnichannel_take_on_reply
            and author.has_group(AGENT_GROUP)
            and (author in self.team_id.user_ids or author.has_group(MANAGER_GROUP))
        ):
            # Replying is the agent's own choice to handle it, as a confirmed take.
            self.with_user(author).action_take(confirm=True)

    def _deliver(self, message):
        """Hand a public message to the source's provider, if the source has one."""
        provider = self.source_id._get_provider()
        if provider is not None:  # an empty recordset: test against None
            message._omnichannel_set_delivery("pending")
            provider._send_message(self, message)

    def _get_agent_partners(self):
        """The partners of the agents handling or able to read it now (for its bus)."""
        users = self.user_id | self.participant_ids | self.conference_invitee_id
        if self.state in ("queued", "offered"):
            users |= self.team_id.user_ids.filtered(lambda user: user.has_group(AGENT_GROUP))
        return users.partner_id

    def _notify_agents(self, users, change):
        """Tell each user's desk that this conversation changed for them: `change` is one of
        queued (it entered their queue), unqueued (it left it), assigned (now theirs),
        removed (no longer theirs), invited (to a conference), conference_accepted and
        conference_declined (to the owner), resolved, offered (to the one agent it is
        offered to, with what the offer pop-up shows)."""
        users = users.filtered(lambda user: user.has_group(AGENT_GROUP))
        # sudo: omnichannel.conversation - the acting agent may have just lost access to it
        conversation = self.sudo()
        payload = {"id": self.id, "change": change}
        if change in ("queued", "assigned", "invited"):
            payload.update(
                {
                    "name": conversation.name,
                    "team_id": conversation.team_id.id,
                    "state": conversation.state,
                }
            )
        if change == "offered":
            payload.update(conversation._get_offer_payload())
        for partner in users.partner_id:
            partner._bus_send("omnichannel.conversation/changed", payload)
        # Supervisors' live board: one ping to the managers' group channel (xmlid cached).
        managers = self.env["res.groups"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(MANAGER_GROUP)
        )
        managers._bus_send("omnichannel.board/changed", {"id": self.id, "change": change})

    def _get_offer_payload(self):
        """What the offer pop-up shows: customer, team, source, first message, since when the
        customer waits and until when the offer stands."""
        self.ensure_one()
        first = self._get_public_messages()[-1:]
        now = fields.Datetime.now()
        return {
            "id": self.id,
            "channel_id": self.channel_id.id,
            "name": self.name,
            "team": self.team_id.name,
            "source": self.source_id.name,
            "source_icon": self.source_id.icon,
            "first_message": html2plaintext(first.body or "")[:200] if first else "",
            "waiting_since": fields.Datetime.to_string(self.waiting_since),
            "deadline": fields.Datetime.to_string(self.offer_deadline),
            # relative to now, so that the browser's clock does not matter
            "seconds_left": max(0, int((self.offer_deadline - now).total_seconds())),
            "waited_seconds": max(0, int((now - (self.waiting_since or now)).total_seconds())),
        }

    @api.model
    def _get_my_offers(self):
        """The offers standing for the current agent (the pop-up shows them after a reload)."""
        # sudo: omnichannel.conversation - only the offers made to the caller
        offers = self.sudo().search(
            [("state", "=", "offered"), ("offered_user_id", "=", self.env.uid)]
        )
        return [offer._get_offer_payload() for offer in offers]

    # ------------------------------------------------------------------------------------------
    # Timers (crons): safe to run twice at once, in batches committed one by one
    # ------------------------------------------------------------------------------------------

    def _reply_outside_business_hours(self):
        """Tell a customer writing while the team is closed, once per closed period."""
        team = self.team_id
        calendar, text = team.omnichannel_calendar_id, team.omnichannel_outside_hours_message
        if not calendar or not text:
            return
        now = fields.Datetime.now()
        minute = timedelta(minutes=1)
        if self._business_seconds(calendar, now - minute, now + minute):
            return  # open now
        last = self.outside_hours_replied_date
        if last and not self._business_seconds(calendar, last, now):
            return  # already told during this closed period
        # sudo: omnichannel.conversation - the automatic reply's own bookkeeping
        self.sudo().outside_hours_replied_date = now
        self._post_system_message(text)

    def _post_system_message(self, body):
        """A message to the customer from the company, not from an agent (OdooBot writes it)."""
        self.ensure_one()
        # sudo: discuss.channel - the system writes in the conversations it times out
        channel = self.sudo().channel_id.with_context(omnichannel_system_message=True)
        return channel.message_post(
            body=body,
            author_id=self.env.ref("base.partner_root").id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    @api.model
    def _lock_batch(self, where, params, limit, lock_offered_user=False):
        """Ids matching ``where``, locked for this transaction; rows another run holds are
        skipped, so two runs at once never handle the same conversation. With
        ``lock_offered_user``, the offered agent's row too (two runs timing out two offers
        of one agent would both write their status). NO KEY UPDATE: rows that only get
        referenced meanwhile (an event, an offer to that agent) neither wait nor are skipped."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT c.id FROM omnichannel_conversation c
                  JOIN helpdesk_ticket_team t ON t.id = c.team_id
                  %s
                 WHERE %s
                 ORDER BY c.id
                 LIMIT %s
                   FOR NO KEY UPDATE OF c%s SKIP LOCKED
                """,
                SQL("JOIN res_users u ON u.id = c.offered_user_id" if lock_offered_user else ""),
                SQL(where, **params),
                limit,
                SQL(", u" if lock_offered_user else ""),
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _count_due(self, where, params):
        self.env.cr.execute(
            SQL(
                """
                SELECT count(*) FROM omnichannel_conversation c
                  JOIN helpdesk_ticket_team t ON t.id = c.team_id
                 WHERE %s
                """,
                SQL(where, **params),
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _process_due(
        self, where, params, process, batch_size, done=0, lock_offered_user=False, order=None
    ):
        """Call ``process`` on each conversation matching ``where``, batch by batch: each
        batch locked (a second run at once skips it), then committed and reported as the
        cron's progress; within a batch, in the ``order`` given (a sort key). Returns ``done``
        plus the conversations handled."""
        due = None
        handled = 0
        # Page by id: a conversation still matching after `process` (nobody to offer it to)
        # is not taken again in this run.
        paged = f"({where}) AND c.id > %(after_id)s"
        after_id = 0
        while True:
            batch = self._lock_batch(
                paged, {**params, "after_id": after_id}, batch_size, lock_offered_user
            )
            if due is None:
                due = self._count_due(where, params)
            for conversation in batch.sorted(order) if order else batch:
                process(conversation)
            after_id = batch[-1:].id or after_id
            handled += len(batch)
            last = len(batch) < batch_size
            self._commit_progress(done + handled, 0 if last else max(due - handled, 1))
            if last:
                return done + handled

    @api.model
    def _get_autoclose_due_sql(self, silent_since):
        """When the conversation closes, the customer silent since ``silent_since``: SQL over
        the conversation ``c`` and its team ``t``. A source may bring it forward (WhatsApp:
        before its window ends)."""
        return SQL("%s + make_interval(secs => t.omnichannel_autoclose_hours * 3600)", silent_since)

    @api.model
    def _cron_autoclose(self, batch_size=200):
        """Warn, then resolve with the system reason Auto-closed, the conversations whose
        customer has been silent for their team's time."""
        now = fields.Datetime.now()
        silent_since = SQL("COALESCE(c.last_customer_message_date, c.create_date)")
        common = "c.state != 'resolved' AND t.omnichannel_autoclose_hours > 0"
        params = {
            "silent": silent_since,
            "now": now,
            "due": self._get_autoclose_due_sql(silent_since),
        }
        reason = self.env.ref("omnichannel_chat.reason_auto_closed")

        def close(conversation):
            if conversation.team_id.omnichannel_autoclose_message:
                conversation._post_system_message(
                    conversation.team_id.omnichannel_autoclose_message
                )
            conversation._resolve(reason, None, actor=None)

        def warn(conversation):
            conversation._post_system_message(
                conversation.team_id.omnichannel_autoclose_warning_message
            )
            # sudo: omnichannel.conversation - the timer's own bookkeeping
            conversation.sudo().autoclose_warned_date = now

        done = self._process_due(
            f"{common} AND %(due)s <= %(now)s",
            params,
            close,
            batch_size,
        )
        return self._process_due(
            f"{common} AND t.omnichannel_autoclose_warn"
            " AND (c.autoclose_warned_date IS NULL OR c.autoclose_warned_date < %(silent)s)"
            " AND %(silent)s + (%(due)s - %(silent)s) / 2 <= %(now)s",
            params,
            warn,
            batch_size,
            done=done,
        )

    @api.model
    def _cron_requeue_owner_gone(self, batch_size=200):
        """Taken conversations whose owner has been offline longer than the team allows go
        back to the team's queue."""
        return self._process_due(
            "c.state = 'taken' AND c.conference_state = 'none'"
            " AND t.omnichannel_owner_gone_minutes > 0"
            " AND EXISTS (SELECT 1 FROM bus_presence p WHERE p.user_id = c.user_id"
            "   AND p.last_poll + make_interval(mins => t.omnichannel_owner_gone_minutes)"
            "   <= %(now)s)",
            {"now": fields.Datetime.now()},
            lambda conversation: conversation._requeue_owner_gone(),
            batch_size,
        )

    def _requeue_owner_gone(self):
        # sudo: omnichannel.conversation - the timer moves it, for no user
        conversation = self.sudo()
        owner = conversation.user_id
        conversation.write(
            {"state": "queued", "user_id": False, "waiting_since": fields.Datetime.now()}
        )
        conversation._leave_channel(owner)
        conversation._notify_agents(owner, "removed")
        conversation._notify_agents(conversation.team_id.user_ids, "queued")
        conversation._offer_next()
        conversation._log_event(
            "owner_gone",
            actor=None,
            from_state="taken",
            to_state="queued",
            from_user_id=owner.id,
            from_team_id=conversation.team_id.id,
            to_team_id=conversation.team_id.id,
        )

    @api.model
    def _cron_requeue_owner_gone_entry(self):
        self.with_context(omnichannel_cron_commit=True)._cron_requeue_owner_gone()

    @api.model
    def _commit_progress(self, done, remaining):
        """In the cron, commit each batch and report the progress (a run that fails after
        committed batches shows as partly done); in tests, only flush."""
        if self.env.context.get("omnichannel_cron_commit"):
            self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            self.env.cr.commit()  # pylint: disable=invalid-commit
        else:
            self.env.flush_all()

    @api.model
    def _cron_autoclose_entry(self):
        self.with_context(omnichannel_cron_commit=True)._cron_autoclose()

    # ------------------------------------------------------------------------------------------
    # Offers (teams in offer mode)
    # ------------------------------------------------------------------------------------------

    def _offer_candidates(self):
        """Agents who may receive this offer, best first: available, connected, under the
        team's capacity (offers pending count), not having passed on it; the customer's
        previous agent first, then the least busy, then the one idle longest."""
        self.ensure_one()
        team = self.team_id
        agents = (
            team.user_ids.filtered(
                lambda user: (
                    user.has_group(AGENT_GROUP) and user.omnichannel_effective_status == "available"
                )
            )
            - self.offer_refused_user_ids
        )
        if not agents:
            return agents
        # What each agent holds: conversations taken, and offers still pending (a burst of new
        # conversations must spread over the agents, not pile up on the first one).
        # Called on the superuser conversation (_offer_next): counts over the whole team.
        held = dict(
            self._read_group(
                [("user_id", "in", agents.ids), ("state", "=", "taken")], ["user_id"], ["__count"]
            )
        )
        for agent, count in self._read_group(
            [("offered_user_id", "in", agents.ids), ("state", "=", "offered")],
            ["offered_user_id"],
            ["__count"],
        ):
            held[agent] = held.get(agent, 0) + count
        if team.omnichannel_capacity:
            agents = agents.filtered(lambda user: held.get(user, 0) < team.omnichannel_capacity)
        last_taken = dict(
            self.env["omnichannel.event"]._read_group(
                [("kind", "=", "take"), ("to_user_id", "in", agents.ids)],
                ["to_user_id"],
                ["date:max"],
            )
        )
        previous = self.search(
            self._customer_domain(self.source_id, self.partner_id, self.guest_id)
            + [("id", "!=", self.id), ("user_id", "!=", False)],
            order="id desc",
            limit=1,
        ).user_id
        epoch = fields.Datetime.to_datetime("1970-01-01")
        return agents.sorted(
            lambda user: (
                user != previous,
                held.get(user, 0),
                last_taken.get(user) or epoch,
                user.id,
            )
        )

    def _offer_next(self):
        """Offer the conversation to the next agent, or leave it waiting in the queue."""
        self.ensure_one()
        # sudo: omnichannel.conversation - routing is the system's, not the caller's
        conversation = self.sudo()
        if conversation.team_id.omnichannel_routing_mode != "offer" or conversation.state not in (
            "queued",
            "offered",
        ):
            return False
        agent = conversation._offer_candidates()[:1]
        if not agent:
            if conversation.state == "offered":
                conversation.write(
                    {"state": "queued", "offered_user_id": False, "offer_deadline": False}
                )
            return False
        deadline = fields.Datetime.now() + timedelta(
            seconds=conversation.team_id.omnichannel_offer_seconds or 30
        )
        conversation.write(
            {"state": "offered", "offered_user_id": agent.id, "offer_deadline": deadline}
        )
        # The timeout runs at the deadline, not at the cron's next minute.
        conversation.env.ref("omnichannel_chat.ir_cron_offer_timeouts")._trigger(at=deadline)
        conversation._log_event(
            "offer", actor=None, from_state="queued", to_state="offered", to_user_id=agent.id
        )
        conversation._notify_agents(agent, "offered")
        return agent

    @api.model
    def _offer_waiting_to(self, user):
        """An agent became available, or let a conversation go: offer what waits in their
        offer-mode teams, the longest waiting first, until they can take no more."""
        waiting = self.search(
            [
                ("state", "=", "queued"),
                ("team_id.omnichannel_routing_mode", "=", "offer"),
                ("team_id.user_ids", "in", user.ids),
                ("offer_refused_user_ids", "not in", user.ids),
            ],
            order="waiting_since, id",
        )
        for conversation in waiting:
            if not conversation._offer_next():
                # not even to this available agent who never passed on it: they are full
                break

    def action_decline_offer(self):
        """The offered agent passes: the next agent gets the offer."""
        self.ensure_one()
        self._check_agent()
        if self.state != "offered" or self.offered_user_id != self.env.user:
            raise UserError(self.env._("This conversation is not offered to you."))
        # sudo: omnichannel.conversation - checked above: the offer is the caller's
        conversation = self.sudo()
        conversation.offer_refused_user_ids = [fields.Command.link(self.env.uid)]
        conversation._log_event("offer_decline", from_state="offered", to_state="offered")
        conversation._notify_agents(self.env.user, "removed")
        conversation._offer_next()
        return True

    def action_accept_offer(self):
        self.ensure_one()
        if self.state != "offered" or self.offered_user_id != self.env.user:
            raise UserError(self.env._("This conversation is not offered to you."))
        if self.offer_deadline and self.offer_deadline < fields.Datetime.now():
            raise UserError(self.env._("This offer has expired: it goes to the next agent."))
        return self.action_take(confirm=True)

    @api.model
    def _cron_offer_timeouts(self, batch_size=200):
        """Offers not answered in time: the agent becomes Not ready (RONA), the next one
        gets the offer. Then what waits in offer-mode queues goes to agents who became
        free (connected again, under their capacity again)."""

        done = self._process_due(
            "c.state = 'offered' AND c.offer_deadline <= %(now)s",
            {"now": fields.Datetime.now()},
            lambda conversation: conversation._time_out_offer(),
            batch_size,
            lock_offered_user=True,
        )
        return self._process_due(
            # a cheap first cut: an agent of the team available, connected, under the
            # team's capacity (offers pending count), not having passed on it; _offer_next
            # picks among them
            "c.state = 'queued' AND t.omnichannel_routing_mode = 'offer'"
            " AND EXISTS (SELECT 1 FROM helpdesk_ticket_team_res_users_rel r"
            "   JOIN res_users u ON u.id = r.res_users_id"
            "   JOIN bus_presence p ON p.user_id = u.id AND p.status != 'offline'"
            "  WHERE r.helpdesk_ticket_team_id = t.id AND u.active"
            "    AND u.omnichannel_status = 'available'"
            "    AND (COALESCE(t.omnichannel_capacity, 0) = 0"
            "         OR (SELECT count(*) FROM omnichannel_conversation h"
            "              WHERE (h.state = 'taken' AND h.user_id = u.id)"
            "                 OR (h.state = 'offered' AND h.offered_user_id = u.id))"
            "            < t.omnichannel_capacity)"
            "    AND u.id NOT IN (SELECT x.user_id"
            "                       FROM omnichannel_conversation_offer_refused_rel x"
            "                      WHERE x.conversation_id = c.id))",
            {},
            lambda conversation: conversation._offer_next(),
            batch_size,
            done=done,
            # the customer waiting longest gets the free agent first
            order=lambda conversation: (
                conversation.waiting_since or conversation.create_date,
                conversation.id,
            ),
        )

    def _time_out_offer(self):
        """Call it on the superuser's conversation, its row locked: the offered agent becomes
        Not ready (RONA) and the next agent gets the offer."""
        if self.state != "offered" or self.offer_deadline > fields.Datetime.now():
            return  # moved on meanwhile (the agent's RONA on another offer withdrew this one)
        agent = self.offered_user_id
        self.offer_refused_user_ids = [fields.Command.link(agent.id)]
        self._log_event("rona", actor=None, from_state="offered", to_user_id=agent.id)
        self._notify_agents(agent, "removed")
        self._offer_next()
        # sudo: res.users - the timer sets the agent Not ready (RONA), for no user; their
        # other offers move on too
        agent.sudo()._omnichannel_set_status("not_ready", "rona")

    @api.model
    def _withdraw_offers_of(self, user):
        """The agent is no longer available (busy, not ready, RONA): the offers standing for
        them go to the next agent, or back to the queue. Offers another transaction holds
        (a timeout running) are left to it."""
        offers = self._lock_batch(
            "c.state = 'offered' AND c.offered_user_id = %(uid)s", {"uid": user.id}, 1000
        )
        for conversation in offers:
            conversation._notify_agents(user, "removed")
            conversation._offer_next()
        return offers

    def action_expire_offer(self):
        """The offered agent's pop-up reached zero: the timeout runs now rather than at the
        cron's next run (which still catches the offers of agents who closed Odoo)."""
        self.ensure_one()
        self._check_agent()
        # sudo: omnichannel.conversation - only an offer of the caller's, past its deadline,
        # locked (a cron run at the same moment skips it, or this skips the cron's)
        expired = self.sudo()._lock_batch(
            "c.id = %(id)s AND c.state = 'offered' AND c.offered_user_id = %(uid)s"
            " AND c.offer_deadline <= %(now)s",
            {"id": self.id, "uid": self.env.uid, "now": fields.Datetime.now()},
            1,
            lock_offered_user=True,
        )
        for conversation in expired:
            conversation._time_out_offer()
        return bool(expired)

    @api.model
    def _cron_offer_timeouts_entry(self):
        self.with_context(omnichannel_cron_commit=True)._cron_offer_timeouts()

    @api.model
    def _get_live_board(self):
        """What supervisors watch live: per team, conversations queued (and since when the
        longest has waited), offered, taken and in conference; per agent of every team,
        their status (with why they are not ready) and how many conversations they hold.
        One grouped query each."""
        if not self._is_manager():
            raise AccessError(self.env._("The live board is for omnichannel managers."))
        now = fields.Datetime.now()
        teams = {}
        groups = self._read_group(
            [("state", "!=", "resolved")],
            ["team_id", "state"],
            ["__count", "waiting_since:min"],
        )
        for team, state, count, waiting_since in groups:
            entry = teams.setdefault(
                team.id,
                {
                    "id": team.id,
                    "name": team.name,
                    "queued": 0,
                    "offered": 0,
                    "taken": 0,
                    "conference": 0,
                    "longest_wait_seconds": 0,
                },
            )
            entry[state] = count
            if state == "queued" and waiting_since:
                entry["longest_wait_seconds"] = int((now - waiting_since).total_seconds())
        for team, count in self._read_group(
            [("state", "=", "taken"), ("conference_state", "=", "active")],
            ["team_id"],
            ["__count"],
        ):
            teams[team.id]["conference"] = count
        load = dict(self._read_group([("state", "=", "taken")], ["user_id"], ["__count"]))
        # Every team's agents, also of teams with nothing open: supervisors see who is ready.
        agents = (
            self.env["helpdesk.ticket.team"]
            .search([("user_ids", "!=", False)])
            .user_ids.filtered(lambda user: user.has_group(AGENT_GROUP))
        )
        return {
            "teams": sorted(teams.values(), key=lambda team: team["name"]),
            "agents": [
                {
                    "id": agent.id,
                    "name": agent.name,
                    "presence": agent.im_status,
                    "status": agent.omnichannel_effective_status,
                    "reason": agent.omnichannel_effective_status == "not_ready"
                    and agent.omnichannel_not_ready_reason,
                    "load": load.get(agent, 0),
                }
                for agent in agents.sorted("name")
            ],
        }

    def _get_public_messages(self):
        """The messages the customer sees (internal notes left out), newest first. Call it on
        a conversation the caller may act on: it reads as superuser."""
        self.ensure_one()
        # sudo: mail.message - the checks are the caller's (see the docstring)
        return self.sudo().channel_id.message_ids.filtered(
            lambda m: m.message_type == "comment" and not m._is_omnichannel_internal_note()
        )

    def _get_own_member(self):
        """The current agent's membership of the channel (owner and participants have one),
        as superuser: members may not write their own membership rows directly."""
        # sudo: discuss.channel.member - the caller's own membership, of a channel they see
        member = self.sudo().channel_id.channel_member_ids.filtered(
            lambda m: m.partner_id == self.env.user.partner_id
        )
        if not member:
            raise UserError(self.env._("Take the conversation first."))
        return member

    def action_mark_read(self):
        self.ensure_one()
        self._check_agent()
        member = self._get_own_member()
        # sudo: mail.message - the newest message id of a channel the agent is a member of
        if last := self.sudo().channel_id.message_ids[:1]:
            member._mark_as_read(last.id, sync=True)
        return True

    def action_mark_unread(self):
        """Mark the conversation unread from its last customer-visible message, as 3CX and
        Optiwe do: it counts as waiting for this agent again."""
        self.ensure_one()
        self._check_agent()
        member = self._get_own_member()
        last = self._get_public_messages()[:1]
        if not last:
            raise UserError(self.env._("There is no message to mark unread."))
        member._set_new_message_separator(last.id, sync=True)
        return True

    def action_create_ticket(self, name=None):
        """A helpdesk ticket from the conversation: its customer, team, source channel, tags,
        and the transcript without internal notes. Created with the agent's own rights."""
        self.ensure_one()
        self._check_agent()
        self._check_can_act()
        name = check_text(self.env, name, "name")
        if self.ticket_id:
            raise UserError(
                self.env._(
                    "This conversation already has the ticket %s.", self.ticket_id.display_name
                )
            )
        # sudo: omnichannel.conversation - read once the checks passed (source, customer)
        conversation = self.sudo()
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": name
                or self.env._(
                    "%(source_name)s conversation with %(customer)s",
                    source_name=conversation.source_id.name,
                    customer=conversation.name,
                ),
                "description": conversation._get_transcript_html(),
                "partner_id": conversation.partner_id.id,
                "team_id": conversation.team_id.id,
                "user_id": self.env.uid,
                "channel_id": (
                    conversation.source_id.ticket_channel_id
                    or self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_other")
                ).id,
                "tag_ids": [fields.Command.set(conversation.tag_ids.ids)],
            }
        )
        conversation.ticket_id = ticket
        return ticket.id

    def action_link_ticket(self, ticket_id):
        """Link a ticket the agent can read."""
        self.ensure_one()
        self._check_agent()
        self._check_can_act()
        ticket_id = check_id(self.env, ticket_id, "ticket_id", required=True)
        ticket = self.env["helpdesk.ticket"].browse(ticket_id).exists()
        if not ticket:
            raise UserError(self.env._("Choose a ticket."))
        ticket.check_access("read")
        # sudo: omnichannel.conversation - the link changes through this action only
        self.sudo().ticket_id = ticket
        return ticket.id

    def _get_transcript_html(self):
        """The customer-visible messages in order, as HTML: internal notes are left out."""
        messages = self._get_public_messages().sorted("id")
        channel = self.sudo().channel_id
        lines = [
            Markup("<p><b>%s</b> (%s)</p>%s")
            % (
                message.author_id.name or message.author_guest_id.name or "",
                format_datetime(self.env, message.date, dt_format="short"),
                # what customers wrote is text, also when stored before it was made so
                channel._omnichannel_customer_body(message.body)
                if self._is_customer_author(message)
                else message.body,
            )
            for message in messages
        ]
        return Markup("").join(lines) or Markup("<p>%s</p>") % self.env._("No message yet.")

    def _get_state_for_current_user(self):
        """What the caller may know after an action: the state while they still see it, else
        only that it left their desk (transferred, or the conference they left)."""
        self.ensure_one()
        visible = self.search_count([("id", "=", self.id)])
        if not visible:
            return {"id": self.id, "visible": False}

        def user_data(user):
            return {"id": user.id, "name": user.name} if user else False

        customer = self.partner_id
        actions = self._get_available_actions()
        return {
            "id": self.id,
            "visible": True,
            "channel_id": self.channel_id.id,
            "name": self.name,
            "state": self.state,
            "conference_state": self.conference_state,
            "owner": user_data(self.user_id),
            "offered_to": user_data(self.offered_user_id),
            "invitee": user_data(self.conference_invitee_id),
            "participants": [user_data(user) for user in self.participant_ids],
            "team": {"id": self.team_id.id, "name": self.team_id.name},
            "source": {
                "code": self.source_id.code,
                "name": self.source_id.name,
                "icon": self.source_id.icon,
            },
            "customer": {
                "partner_id": customer.id,
                "name": customer.name or self.guest_id.name or self.name,
                "phone": customer.phone or customer.mobile or False,
                "email": customer.email or False,
                "unknown": not customer or customer.omnichannel_unconfirmed,
            },
            "is_archived": self.is_archived,
            "tag_ids": self.tag_ids.ids,
            "tags": [{"id": tag.id, "name": tag.name} for tag in self.tag_ids],
            "reason": self.reason_id.name or False,
            "unread": self._get_unread_counters()[self.id],
            "ticket": (
                {"id": self.ticket_id.id, "name": self.ticket_id.display_name}
                if self.ticket_id
                else False
            ),
            "actions": actions,
            # taking it now goes beyond the team's capacity: the desk asks to confirm first
            "take_over_capacity": "take" in actions and self._is_over_capacity(self.env.user),
            **self._get_desk_source_state(),
        }

    def _get_desk_source_state(self):
        """Hook: what a source adds to the thread header's state (WhatsApp: its 24-hour
        window). Keys are the source's code."""
        return {}

    def _get_info_panel(self):
        """The info panel: the contact, who takes part, the tags, the ticket, every
        conversation with this contact (any source, any agent) and this one's event log."""
        self.ensure_one()
        self._check_agent()
        # sudo: omnichannel.conversation - read once the check passed; the history lists only
        # what the user may read (see _get_contact_history)
        conversation = self.sudo()
        history = self._get_contact_history().sudo()
        kinds = dict(self.env["omnichannel.event"]._fields["kind"]._description_selection(self.env))
        states = dict(self._fields["state"]._description_selection(self.env))
        return {
            "id": self.id,
            "customer": self._get_state_for_current_user()["customer"],
            "participants": [
                {"id": user.id, "name": user.name, "role": role}
                for user, role in [(conversation.user_id, "owner")]
                + [(user, "participant") for user in conversation.participant_ids]
                if user
            ],
            "history": [
                {
                    "id": other.id,
                    "channel_id": other.channel_id.id,
                    "name": other.name,
                    "source": other.source_id.name,
                    "source_icon": other.source_id.icon,
                    "state": states[other.state],
                    "owner": other.user_id.name or False,
                    "date": fields.Datetime.to_string(other.create_date),
                    "current": other == conversation,
                }
                for other in history
            ],
            "events": [
                {
                    "id": event.id,
                    "kind": event.kind,
                    "label": kinds[event.kind],
                    "date": fields.Datetime.to_string(event.date),
                    "by": event.user_id.name or False,
                    "to": event.to_user_id.name or event.to_team_id.name or False,
                    "detail": event.reason_id.name or event.tag_id.name or event.note or False,
                }
                for event in conversation.event_ids.sorted("id")
            ],
        }

    HISTORY_LIMIT = 50

    def _get_contact_history(self):
        """This contact's conversations (any source) that the user may open from this one:
        those they may read now, and, where the team allows it, the resolved ones of the
        teams they work in (shown without internal notes). Newest first."""
        self.ensure_one()
        # sudo: omnichannel.conversation - whose conversation this is (the caller reads it)
        conversation = self.sudo()
        domain = self._customer_domain_any_source(conversation.partner_id, conversation.guest_id)
        readable = self.search(domain, order="id desc", limit=self.HISTORY_LIMIT)
        # sudo: omnichannel.conversation - resolved conversations of the user's own teams
        # that their team opens as read-only history
        resolved = self.sudo().search(
            domain + self._get_history_resolved_domain(), order="id desc", limit=self.HISTORY_LIMIT
        )
        history = (readable | resolved.with_env(self.env)).sorted("id", reverse=True)
        return history[: self.HISTORY_LIMIT]

    def _get_history_resolved_domain(self):
        return [
            ("state", "=", "resolved"),
            ("team_id.omnichannel_history_visible", "=", True),
            ("team_id.user_ids", "in", self.env.uid),
        ]

    def _get_history_conversation(self, other_id):
        """One conversation of this contact's interaction history, read-only: its messages,
        and its internal notes when the user may read that conversation itself."""
        self.ensure_one()
        self._check_agent()
        other_id = check_id(self.env, other_id, "other_id", required=True)
        other = self._get_contact_history().filtered_domain([("id", "=", other_id)])
        if not other:
            raise self._not_visible_error()
        notes_shown = other.has_access("read")
        # sudo: omnichannel.conversation, mail.message - one the user may open (above)
        other = other.sudo()
        states = dict(self._fields["state"]._description_selection(self.env))
        messages = other.channel_id.message_ids.filtered(
            lambda m: (
                m.message_type == "comment"
                and (notes_shown or not m._is_omnichannel_internal_note())
            )
        )
        return {
            "id": other.id,
            "notes_shown": notes_shown,
            "name": other.name,
            "source": other.source_id.name,
            "state": states[other.state],
            "owner": other.user_id.name or False,
            "date": fields.Datetime.to_string(other.create_date),
            "messages": [
                {
                    "id": message.id,
                    "author": message.author_id.name or message.author_guest_id.name or "",
                    "date": fields.Datetime.to_string(message.date),
                    "body": message.body,
                    "is_note": message._is_omnichannel_internal_note(),
                }
                for message in messages.sorted("id")
            ],
        }

    @api.model
    def _customer_domain_any_source(self, partner, guest):
        """The customer's conversations, of any source, in the companies the user works in
        (callers search as superuser)."""
        companies = [("company_id", "in", [*self.env.companies.ids, False])]
        if partner:
            return [("partner_id", "=", partner.id), *companies]
        return [("guest_id", "=", guest.id), *companies]

    def action_update_contact(self, name=None, phone=None, email=None):
        """Correct the contact's name, number or email from the conversation: saved on the
        contact, for every agent."""
        self.ensure_one()
        self._check_agent()
        self._check_can_act()
        values = {
            field: value.strip()
            for field, value in (
                ("name", check_text(self.env, name, "name")),
                ("phone", check_text(self.env, phone, "phone")),
                ("email", check_text(self.env, email, "email")),
            )
            if value is not None
        }
        if "name" in values and not values["name"]:
            raise UserError(self.env._("A contact needs a name."))
        partner = self._get_editable_contact()
        old_name = partner.name
        partner.write(values)
        self._follow_contact_name(partner, old_name)
        return True

    def _get_editable_contact(self):
        """The conversation's contact, to edit from the desk: a contact a source created
        (``omnichannel_source_contact``) as superuser, any other one with the agent's own
        rights. Never the partner of a user (their e-mail is their login's), nor a contact
        shared with another company (its other users would see the change)."""
        # sudo: res.partner - which contact it is, and who else has it; the caller may act
        # on the conversation (checked by the callers)
        partner = self.sudo().partner_id
        if not partner:
            raise UserError(self.env._("This visitor is no contact yet."))
        if partner.with_context(active_test=False).user_ids:
            raise UserError(
                self.env._(
                    "%s belongs to a user of this database: only they or an administrator "
                    "change it, from the user's settings.",
                    partner.name,
                )
            )
        if self._is_shared_with_other_companies(partner):
            raise UserError(
                self.env._(
                    "%s is shared with another company: change it in the Contacts app.",
                    partner.name,
                )
            )
        if partner.omnichannel_source_contact:
            return partner
        return partner.with_env(self.env)

    def _is_shared_with_other_companies(self, partner):
        """Whether another company works with this contact: it belongs to another company,
        or (shared by all) a source did not create it in a database of several companies,
        or it talks to another company's teams."""
        company = self.sudo().company_id
        if partner.company_id:
            return partner.company_id != company
        # sudo: res.company - how many companies there are, not what they hold
        if (
            not partner.omnichannel_source_contact
            and self.env["res.company"].sudo().search_count([], limit=2) > 1
        ):
            return True
        # sudo: omnichannel.conversation - whether other companies talk with this contact
        return bool(
            self.sudo().search_count(
                [("partner_id", "=", partner.id), ("company_id", "not in", [False, company.id])],
                limit=1,
            )
        )

    def _follow_contact_name(self, partner, old_name):
        """The contact got a name: the conversations named after the old one (a number, a
        visitor's name) and their Discuss channels take the new one, for every agent."""
        if partner.name == old_name:
            return
        # sudo: omnichannel.conversation, discuss.channel - the callers checked the rights on
        # the contact's conversation; the others of this contact follow its name
        named = (
            self.sudo()
            .search(self._customer_domain_any_source(partner, None))
            .filtered(lambda conversation: conversation.name == old_name)
        )
        named.write({"name": partner.name})
        named.channel_id.filtered(lambda channel: channel.name == old_name).write(
            {"name": partner.name}
        )

    def action_add_contact(self, name=None):
        """An unknown sender becomes a contact (3CX's "Add contact"): the contact a source
        created is confirmed, or a visitor gets one, in one click."""
        self.ensure_one()
        self._check_agent()
        self._check_can_act()
        name = (check_text(self.env, name, "name") or "").strip()
        # sudo: omnichannel.conversation - checked above; its contact changes here only
        conversation = self.sudo()
        if conversation.partner_id:
            partner = self._get_editable_contact()
            old_name = partner.name
            values = {"omnichannel_unconfirmed": False}
            if name:
                values["name"] = name
            partner.write(values)
            self._follow_contact_name(partner, old_name)
        else:
            # sudo: res.partner - the visitor's contact, created for the source: agents add
            # contacts from their conversations without the right to manage every contact
            partner = (
                self.env["res.partner"]
                .sudo()
                .create(
                    {
                        "name": name or conversation.guest_id.name or conversation.name,
                        "omnichannel_source_contact": True,
                        "company_id": conversation.company_id.id,
                    }
                )
            )
            conversation.partner_id = partner
        return conversation.partner_id.id

    def action_ignore(self):
        """An unknown sender's conversation is closed as spam (3CX's "Ignore"): a new message
        opens a new conversation (the spam reason does not reopen)."""
        self.ensure_one()
        return self.action_resolve(
            reason_id=self.env["ir.model.data"]._xmlid_to_res_id("omnichannel_chat.reason_spam")
        )

    @api.model
    def _get_transfer_targets(self, search="", conversation_id=None):
        """Agents (with their status now) and teams to transfer or invite to, by name."""
        self._check_agent_group()
        search = check_text(self.env, search, "search") or ""
        conversation_id = check_id(self.env, conversation_id, "exclude_conversation_id")
        # only a conversation the user reads leaves its owner out: another id tells nothing
        conversation = self.search([("id", "=", conversation_id)]) if conversation_id else self
        # sudo: res.users - agents' names and statuses, for every agent to pick a colleague
        agents = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", self.env["ir.model.data"]._xmlid_to_res_id(AGENT_GROUP)),
                    ("name", "ilike", search),
                    ("id", "not in", (self.env.user | conversation.user_id).ids),
                    ("share", "=", False),
                    ("company_ids", "in", self.env.companies.ids),
                ],
                order="name",
                limit=20,
            )
        )
        teams = self._get_transfer_teams(search, limit=20)
        return {
            "agents": [
                {
                    "id": agent.id,
                    "name": agent.name,
                    "status": agent.omnichannel_effective_status,
                    "status_label": dict(
                        agent._fields["omnichannel_effective_status"]._description_selection(
                            self.env
                        )
                    )[agent.omnichannel_effective_status],
                }
                for agent in agents
            ],
            "teams": [{"id": team.id, "name": team.name} for team in teams],
        }

    @api.model
    def _get_transfer_teams(self, search="", limit=None, domain=()):
        """The teams a conversation may go to: every team of the user's companies."""
        # sudo: helpdesk.ticket.team - any team of the user's companies is a transfer target,
        # whether or not the agent reads it (their names only)
        return (
            self.env["helpdesk.ticket.team"]
            .sudo()
            .search(
                [
                    ("name", "ilike", search),
                    ("company_id", "in", [False, *self.env.companies.ids]),
                    *domain,
                ],
                order="name",
                limit=limit,
            )
        )

    def _get_available_actions(self):
        """The actions the current user may take now, as the action_* methods check them:
        the thread header shows these and nothing else."""
        self.ensure_one()
        user = self.env.user
        if not user.has_group(AGENT_GROUP):
            return []
        manager = self._is_manager()
        owner_or_manager = manager or self.user_id == user
        in_team = user in self.team_id.user_ids
        can_act = self._can_act()
        actions = ["archive" if not self.is_archived else "unarchive"]
        if user in self.user_id | self.participant_ids:
            actions.append("mark_unread")  # on their own membership
        if self.state == "offered" and self.offered_user_id == user:
            actions += ["accept_offer", "decline_offer"]
        elif self.state == "queued" or (self.state == "offered" and manager):
            if in_team or manager:
                actions.append("take")
        if self.conference_state == "requested" and self.conference_invitee_id == user:
            actions += ["accept_conference", "decline_conference"]
        if self.state == "taken" and owner_or_manager:
            if self.conference_state == "none":
                actions.append("transfer")
            if self.conference_state != "requested":
                actions.append("invite")
            if self.conference_state != "none":
                actions.append("end_conference")
        if (
            self.state == "taken"
            and self.conference_state == "active"
            and user in self.user_id | self.participant_ids
        ):
            actions.append("leave_conference")
        if self.state != "resolved" and (owner_or_manager if self.state == "taken" else can_act):
            actions.append("resolve")
        if self.state == "resolved" and owner_or_manager:
            actions.append("reopen")
        if manager and (
            self.state in ("queued", "offered")
            or (self.state == "taken" and self.conference_state == "none")
        ):
            actions.append("assign")
        if can_act and self.state != "resolved":
            actions += ["add_tags", "remove_tags", "post_note", "link_ticket", "quick_replies"]
            if self.partner_id:
                actions.append("update_contact")
            if not self.partner_id or self.partner_id.omnichannel_unconfirmed:
                actions += ["add_contact", "ignore"]
            if not self.ticket_id:
                actions.append("create_ticket")
        return actions

    # ------------------------------------------------------------------------------------------
    # The agent's desk
    # ------------------------------------------------------------------------------------------

    DESK_ORDERS = {
        "waiting": "waiting_since asc, id asc",  # longest waiting first (as Optiwe)
        "activity": "write_date desc, id desc",  # last activity first
    }

    DESK_RESOLVED_LIMIT = 80

    @api.model
    def _get_desk(self, archived=False, sort="waiting", resolved=False):
        """What an agent's desk lists, in a number of queries that does not grow with the
        number of conversations: the queue of their teams, their own, their conferences.
        `archived` shows the ones they archived instead (resolved ones included); `resolved`
        the latest resolved ones they see, to reopen one."""
        self._check_agent_group()
        order = self.DESK_ORDERS[check_choice(self.env, sort, self.DESK_ORDERS, "sort")]
        archived = check_bool(self.env, archived, "archived")
        resolved = check_bool(self.env, resolved, "resolved")
        limit = None
        domain = [("is_archived", "=", bool(archived))]
        if resolved:
            domain.append(("state", "=", "resolved"))
            order, limit = "resolved_date desc, id desc", self.DESK_RESOLVED_LIMIT
        elif not archived:
            domain.append(("state", "!=", "resolved"))
        conversations = self.search(domain, order=order, limit=limit)
        last_messages = conversations._get_last_public_messages()
        unread = conversations._get_unread_counters()
        user = self.env.user
        desk = {"queue": [], "mine": [], "conferences": [], "others": [], "resolved": []}
        for conversation in conversations:
            if resolved:
                section = "resolved"
            elif conversation.state in ("queued", "offered"):
                section = "queue"
            elif conversation.user_id == user:
                section = "mine"
            elif user in conversation.participant_ids | conversation.conference_invitee_id:
                section = "conferences"
            else:
                section = "others"  # a manager's view of other agents' conversations
            desk[section].append(
                {
                    "id": conversation.id,
                    "name": conversation.name,
                    "channel_id": conversation.channel_id.id,
                    "source": {
                        "code": conversation.source_id.code,
                        "name": conversation.source_id.name,
                        "icon": conversation.source_id.icon,
                    },
                    "team": {"id": conversation.team_id.id, "name": conversation.team_id.name},
                    "owner": conversation.user_id
                    and {"id": conversation.user_id.id, "name": conversation.user_id.name},
                    "state": conversation.state,
                    "conference_state": conversation.conference_state,
                    "waiting_since": conversation.waiting_since,
                    "tags": conversation.tag_ids.mapped("name"),
                    "offered_to_me": conversation.offered_user_id == user,
                    "unread": unread.get(conversation.id, 0),
                    "last_message": last_messages.get(conversation.id),
                }
            )
        return desk

    def _get_last_public_messages(self):
        """{conversation id: {preview, date, from_customer}} of the last non-note message of
        each, in one query."""
        if not self:
            return {}
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (c.id) c.id, m.id
              FROM omnichannel_conversation c
              JOIN mail_message m ON m.model = 'discuss.channel' AND m.res_id = c.channel_id
              LEFT JOIN mail_message_subtype st ON st.id = m.subtype_id
             WHERE c.id IN %s AND m.message_type = 'comment'
               AND NOT COALESCE(m.is_internal, FALSE) AND NOT COALESCE(st.internal, FALSE)
          ORDER BY c.id, m.id DESC
            """,
            [tuple(self.ids)],
        )
        conversation_by_message = {message: conv for conv, message in self.env.cr.fetchall()}
        # sudo: mail.message - previews of conversations the caller reads (self is searched)
        messages = self.env["mail.message"].sudo().browse(conversation_by_message)
        customers = {c.id: (c.partner_id, c.guest_id) for c in self}
        result = {}
        for message in messages:  # one read for all of them
            conversation_id = conversation_by_message[message.id]
            partner, guest = customers[conversation_id]
            from_customer = (partner and message.author_id == partner) or (
                guest and message.author_guest_id == guest
            )
            result[conversation_id] = {
                "preview": html2plaintext(message.body or "")[:120],
                "date": message.date,
                "from_customer": bool(from_customer),
            }
        return result

    def _get_unread_counters(self):
        """{conversation id: unread count} for the current agent's memberships, batched."""
        # sudo: discuss.channel.member - the caller's own memberships
        members = (
            self.env["discuss.channel.member"]
            .sudo()
            .search(
                [
                    ("channel_id", "in", self.channel_id.ids),
                    ("partner_id", "=", self.env.user.partner_id.id),
                ]
            )
        )
        by_channel = {member.channel_id.id: member.message_unread_counter for member in members}
        return {c.id: by_channel.get(c.channel_id.id, 0) for c in self}

    # ------------------------------------------------------------------------------------------
    # Inbound routing, shared by every source
    # ------------------------------------------------------------------------------------------

    @api.model
    def _customer_domain(self, source, partner=None, guest=None):
        if partner:
            return [("source_id", "=", source.id), ("partner_id", "=", partner.id)]
        return [("source_id", "=", source.id), ("guest_id", "=", guest.id)]

    @api.model
    def _find_open(self, source, partner=None, guest=None):
        domain = self._customer_domain(source, partner, guest) + [("state", "!=", "resolved")]
        return self.search(domain, limit=1)

    @api.model
    def _route_customer(self, source, partner=None, guest=None, team=None, name=None, channel=None):
        """The conversation a customer's new message belongs to: the open one (sticky: a taken
        one keeps its owner), else a resolved one reopened within the team's tolerance, else a
        new one queued on ``team`` (default: the source's team).

        Sources call it as superuser after identifying the customer themselves.
        """
        if bool(partner) == bool(guest):
            raise UserError(
                self.env._("A customer message comes from a contact or from a visitor.")
            )
        # Serialise this customer's routing: concurrent first messages make one conversation.
        contact_key = f"p{partner.id}" if partner else f"g{guest.id}"
        self.env["omnichannel.route.lock"]._acquire(f"{source.id}:{contact_key}")
        conversation = self._find_open(source, partner, guest)
        if conversation:
            return conversation
        last = self.search(
            self._customer_domain(source, partner, guest) + [("state", "=", "resolved")],
            order="resolved_date desc, id desc",
            limit=1,
        )
        if last and last._can_reopen_on_customer_message():
            last._reopen(actor=None)
            return last
        return self._create_for_customer(
            source, partner, guest, team or source.team_id, name, channel=channel
        )

    def _can_reopen_on_customer_message(self):
        self.ensure_one()
        if self.reason_id and not self.reason_id.allow_reopen:
            return False
        tolerance = timedelta(hours=self.team_id.omnichannel_reopen_hours)
        return bool(self.resolved_date) and fields.Datetime.now() - self.resolved_date <= tolerance

    @api.model
    def _create_for_customer(self, source, partner, guest, team, name, channel=None):
        if not team:
            raise UserError(
                self.env._("The source %s has no default team for new conversations.", source.name)
            )
        customer = partner or guest
        name = (
            name
            or customer.name
            or (partner and (partner.phone or partner.email))
            or self.env._("Unknown customer")
        )
        if not channel:
            channel = self.env["discuss.channel"].create(
                self.env["discuss.channel"]._prepare_omnichannel_channel_values(source, name)
            )
            channel._add_members(partners=partner, guests=guest, post_joined_message=False)
        conversation = self.create(
            {
                "name": name,
                "channel_id": channel.id,
                "source_id": source.id,
                "team_id": team.id,
                "partner_id": partner and partner.id,
                "guest_id": guest and guest.id,
                "waiting_since": fields.Datetime.now(),
            }
        )
        conversation._log_event("create", actor=None, to_state="queued", to_team_id=team.id)
        conversation._notify_agents(team.user_ids, "queued")
        return conversation

    @api.model
    def _route_inbound_message(self, source, partner, body, team=None, name=None, **post_values):
        """Post a contact's message (e.g. from WhatsApp) in its conversation; return both."""
        conversation = self._route_customer(source, partner=partner, team=team, name=name)
        message = conversation.channel_id.message_post(
            author_id=partner.id,
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            **post_values,
        )
        return conversation, message
