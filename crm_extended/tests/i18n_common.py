"""A base for the translation tests of the suite: one language, loaded from the addons' own .po files."""

from odoo.addons.crm_extended.tests.common import CrmSuiteCommon


class CrmSuiteI18nCommon(CrmSuiteCommon):
    """Activates ``lang_code``, loads the ``i18n/<lang>.po`` of ``i18n_modules`` and gives it to user_salesman.

    ``env_translated`` is the environment the web client builds for that user (his own context, so his
    language); ``env_english`` is the same for user_salesman_2, who keeps English.
    """

    lang_code = "el_GR"
    i18n_modules = ("crm_extended",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang(cls.lang_code)
        cls.env["ir.module.module"]._load_module_terms(list(cls.i18n_modules), [cls.lang_code], overwrite=True)
        cls.user_salesman.lang = cls.lang_code
        # terms were written in SQL: drop cached field labels and records read before the load
        cls.env.registry.clear_cache()
        cls.env.invalidate_all()
        cls.env_translated = cls._user_env(cls.user_salesman)
        cls.env_english = cls._user_env(cls.user_salesman_2)

    @classmethod
    def _user_env(cls, user):
        user_env = cls.env(user=user)
        return user_env(context=user_env["res.users"].context_get())

    def assertFieldLabel(self, env, model, field, expected):
        description = env[model].fields_get([field], ["string"])[field]
        self.assertEqual(description["string"], expected, f"label of {model}.{field} in {env.lang}")

    def assertSelectionLabel(self, env, model, field, value, expected):
        selection = dict(env[model].fields_get([field], ["selection"])[field]["selection"])
        self.assertEqual(selection[value], expected, f"label of {model}.{field} = {value!r} in {env.lang}")

    def assertMenuName(self, env, xmlid, expected):
        menu = env.ref(xmlid)
        self.assertEqual(menu.with_env(env).name, expected, f"name of menu {xmlid} in {env.lang}")
