"""The suite as a whole: installed together, each addon alone, uninstalled and
reinstalled, with demo data; every new model closed to users without a sales group."""

import json

import pytest

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .odoo_process import ADDONS, base_db, clone_db, drop_db, odoo_bin, problems

_STATE_CODE = """
import json
import sys
modules = env["ir.module.module"].search([("name", "in", %(addons)r)])
models = env["ir.model.data"].search([("module", "in", %(addons)r), ("model", "=", "ir.model")])
sys.stdout.write("STATE " + json.dumps({
    "modules": {m.name: m.state for m in modules},
    "models": {name: len(models.filtered(lambda d: d.module == name)) for name in %(addons)r},
}) + "\\n")
"""
_UNINSTALL_CODE = """
env["ir.module.module"].search([("name", "=", %(addon)r)]).button_immediate_uninstall()
"""


def _state(db):
    log = odoo_bin(db, command="shell", stdin=_STATE_CODE % {"addons": list(ADDONS)})
    line = next(line for line in log.splitlines() if line.startswith("STATE "))
    return json.loads(line[len("STATE ") :])


@pytest.mark.parametrize("addon", ADDONS)
def test_install_alone_uninstall_reinstall(addon):
    """Each addon installs with only its own dependencies, uninstalls and reinstalls without a warning."""
    db = f"{base_db()}_{addon}"
    clone_db(base_db(), db)
    try:
        install = ("-i", addon, "--stop-after-init", "--without-demo=all")
        for step in ("install", "uninstall", "reinstall"):
            if step == "uninstall":
                log = odoo_bin(db, command="shell", stdin=_UNINSTALL_CODE % {"addon": addon})
            else:
                log = odoo_bin(db, *install)
            found = problems(log)
            if found:
                pytest.fail(f"{step} of {addon} logged:\n" + "\n".join(found), pytrace=False)
            state = _state(db)
            expected = "uninstalled" if step == "uninstall" else "installed"
            assert state["modules"][addon] == expected, f"after {step}: {state}"
            if step == "uninstall":
                assert not state["models"][addon], f"models of {addon} left after its uninstall: {state}"
    finally:
        drop_db(db)


def test_install_with_demo_data():
    """The three addons install together with their demo data, as `make demo` does, without a warning."""
    db = f"{base_db()}_demo"
    drop_db(db)
    try:
        log = odoo_bin(db, "-i", ",".join(ADDONS), "--stop-after-init")
        found = problems(log)
        if found:
            pytest.fail("install with demo data logged:\n" + "\n".join(found), pytrace=False)
        assert set(_state(db)["modules"].values()) == {"installed"}
    finally:
        drop_db(db)


@tagged("post_install", "-at_install")
class TestSuiteInstalled(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Models whose every XML id belongs to the suite: the ones it defines, not those it extends.
        owners = {}
        for data in cls.env["ir.model.data"].search([("model", "=", "ir.model")]):
            owners.setdefault(data.res_id, set()).add(data.module)
        suite_ids = [model_id for model_id, modules in owners.items() if modules <= set(ADDONS)]
        # Abstract models (report renderers, mixins) hold no records and have no access rights.
        cls.suite_models = cls.env["ir.model"].browse(suite_ids).filtered(lambda m: not cls.env[m.model]._abstract)

    def test_three_addons_installed_together(self):
        modules = self.env["ir.module.module"].search([("name", "in", list(ADDONS))])
        self.assertEqual({m.name: m.state for m in modules}, dict.fromkeys(ADDONS, "installed"))

    def test_menus_under_crm(self):
        crm_root = self.env.ref("crm.crm_menu_root")
        for addon in ADDONS:
            menus = self.env["ir.ui.menu"].browse(
                self.env["ir.model.data"]
                .search([("module", "=", addon), ("model", "=", "ir.ui.menu")])
                .mapped("res_id")
            )
            self.assertTrue(menus, f"{addon} has no menu")
            for menu in menus:
                self.assertTrue(
                    menu.parent_path.startswith(f"{crm_root.id}/"), f"{menu.complete_name} is not under CRM"
                )

    def test_every_new_model_refused_without_sales_group(self):
        self.assertTrue(self.suite_models, "the suite defines no model")
        internal = new_test_user(self.env, "suite_no_sales", groups="base.group_user")
        for model in self.suite_models:
            with self.subTest(model=model.model), self.assertRaises(AccessError):
                self.env[model.model].with_user(internal).check_access("read")
