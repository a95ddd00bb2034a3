{
    "name": "CRM Extended",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Contracts, sales materials, clean account data, reminders and dossiers for Odoo CRM",
    "author": "CRM Suite",
    "website": "https://crm-suite.example.com",
    "license": "LGPL-3",
    "depends": ["crm", "product", "mail"],
    "external_dependencies": {"python": ["openpyxl"]},
    "data": [
        "security/crm_extended_security.xml",
        "security/ir.model.access.csv",
        "data/crm_sales_material_data.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/crm_lead_views.xml",
        "views/crm_extended_menus.xml",
    ],
    "demo": [],
    "assets": {
        "web.assets_tests": [
            "crm_extended/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
