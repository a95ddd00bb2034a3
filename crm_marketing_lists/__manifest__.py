{
    "name": "CRM Marketing Lists",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Static, dynamic and temporary marketing lists of accounts or leads that feed Email Marketing",
    "author": "CRM Suite",
    "website": "https://crm-suite.example.com",
    "license": "LGPL-3",
    "depends": ["crm_extended", "mass_mailing"],
    "data": [
        "security/crm_marketing_lists_security.xml",
        "security/ir.model.access.csv",
        "views/crm_marketing_lists_menus.xml",
    ],
    "demo": [],
    "assets": {
        "web.assets_tests": [
            "crm_marketing_lists/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
