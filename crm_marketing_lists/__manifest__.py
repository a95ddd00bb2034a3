{
    "name": "CRM Marketing Lists",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Static, dynamic and temporary marketing lists of accounts or leads that feed Email Marketing",
    "author": "CRM Suite",
    "website": "https://crm-suite.example.com",
    "license": "LGPL-3",
    "depends": ["crm_extended", "mass_mailing", "mass_mailing_crm"],
    "data": [
        "security/crm_marketing_lists_security.xml",
        "security/ir.model.access.csv",
        "data/crm_marketing_list_cron.xml",
        "views/crm_marketing_list_wizard_views.xml",
        "views/crm_marketing_list_views.xml",
        "views/crm_marketing_list_tag_views.xml",
        "views/res_partner_views.xml",
        "views/crm_lead_views.xml",
        "views/crm_marketing_lists_menus.xml",
    ],
    "demo": [
        "demo/crm_marketing_list_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_marketing_lists/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
