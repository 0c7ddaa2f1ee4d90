import base64
import json

from odoo.http import root
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDashboard(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Read the addons' manifests once now: the browser's parallel first requests would
        # parse them in threads, which CPython 3.11.7's ast.parse does not survive (gh-106905).
        root.statics  # noqa: B018

    def test_managers_open_the_dashboard_on_the_conversation_analysis(self):
        manager = new_test_user(
            self.env, "dash_marta", groups="omnichannel_chat.group_omnichannel_manager"
        )
        agent = new_test_user(
            self.env, "dash_ana", groups="omnichannel_chat.group_omnichannel_agent"
        )
        dashboard = self.env.ref("omnichannel_dashboard.spreadsheet_dashboard_omnichannel")
        Dashboard = self.env["spreadsheet.dashboard"]
        self.assertIn(dashboard, Dashboard.with_user(manager).search([]))
        self.assertNotIn(dashboard, Dashboard.with_user(agent).search([]))
        data = json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))
        pivots = data["pivots"].values()
        self.assertEqual({pivot["model"] for pivot in pivots}, {"omnichannel.report.conversation"})
        # Every measure and grouping the sheet asks for exists and aggregates for a manager,
        # the way the spreadsheet loads it (read_group on the report model).
        Report = self.env["omnichannel.report.conversation"].with_user(manager)
        for pivot in pivots:
            measures = [
                f"{m['fieldName']}:{Report._fields[m['fieldName']].aggregator}"
                for m in pivot["measures"]
                if m["fieldName"] != "__count"
            ]
            groupby = [
                f"{row['fieldName']}:{row['granularity']}"
                if row.get("granularity")
                else row["fieldName"]
                for row in pivot["rows"]
            ]
            Report.read_group([], measures, groupby, lazy=False)
        self.authenticate(manager.login, manager.login)
        result = self.make_jsonrpc_request(
            "/web/dataset/call_kw/spreadsheet.dashboard/get_readonly_dashboard",
            {
                "model": "spreadsheet.dashboard",
                "method": "get_readonly_dashboard",
                "args": [dashboard.id],
                "kwargs": {},
            },
        )
        self.assertIn("snapshot", result)

    def test_manager_sees_the_dashboard_in_the_browser(self):
        new_test_user(self.env, "dash_lia", groups="omnichannel_chat.group_omnichannel_manager")
        self.start_tour(
            "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
            "omnichannel_manager_dashboard",
            login="dash_lia",
        )
