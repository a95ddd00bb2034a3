"""One browser tour across the suite: log in, open CRM, open every menu of the three addons.

The steps are built from the menus the addons really install, so a menu added
later is visited without touching this file, and a menu whose action breaks
(a bad view, a JavaScript error) fails the tour.
"""

import json

from odoo.tests import HttpCase, tagged

from .odoo_process import ADDONS

_TOUR = "crm_suite_menus"


@tagged("post_install", "-at_install")
class TestSuiteMenusTour(HttpCase):
    def _suite_menus(self):
        data = self.env["ir.model.data"].search([("module", "in", ADDONS), ("model", "=", "ir.ui.menu")])
        menus = self.env["ir.ui.menu"].browse(data.mapped("res_id")).filtered("action")
        return menus.sorted(lambda m: (m.parent_path, m.sequence, m.id))

    def _steps(self, menu, crm_root):
        """Click through the menu's parents below CRM, then check what its action shows."""
        chain = []
        node = menu
        while node != crm_root:
            chain.insert(0, node)
            node = node.parent_id
        steps = [
            {
                "trigger": f'.o_menu_sections [data-menu-xmlid="{chain[0].get_external_id()[chain[0].id]}"]',
                "run": "click",
            }
        ]
        steps += [
            {"trigger": f'.dropdown-item[data-menu-xmlid="{item.get_external_id()[item.id]}"]', "run": "click"}
            for item in chain[1:]
        ]
        action = menu.action
        self.assertEqual(action._name, "ir.actions.act_window", f"{menu.complete_name}: unexpected action type")
        name = json.dumps(action.name)
        if action.target == "new":
            steps += [
                {"trigger": f".modal .modal-title:contains({name})"},
                {"trigger": ".modal .modal-header .btn-close", "run": "click"},
                {"trigger": "body:not(:has(.modal))"},
            ]
        else:
            steps.append({"trigger": f".o_control_panel .o_last_breadcrumb_item:contains({name})"})
        return steps

    def test_every_suite_menu_opens(self):
        crm_root = self.env.ref("crm.crm_menu_root")
        menus = self._suite_menus()
        self.assertTrue(menus)
        steps = [{"trigger": f".o_main_navbar .o_menu_brand:contains({json.dumps(crm_root.name)})"}]
        for menu in menus:
            self.assertIn(f"{crm_root.id}/", menu.parent_path, f"{menu.complete_name} is not under CRM")
            steps += self._steps(menu, crm_root)
        code = f"""
            const {{ registry }} = odoo.loader.modules.get("@web/core/registry");
            registry.category("web_tour.tours").add({json.dumps(_TOUR)}, {{ steps: () => {json.dumps(steps)} }});
            odoo.startTour({json.dumps(_TOUR)}, {{ stepDelay: 0, startUrl: "/odoo/crm" }});
        """
        self.start_tour("/odoo/crm", _TOUR, login="admin", code=code, ready="!!odoo.startTour")
