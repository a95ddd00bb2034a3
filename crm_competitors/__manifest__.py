{
    "name": "CRM Competitors",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Competitors on every deal, computed win/loss figures and battlecards",
    "author": "CRM Suite",
    "website": "https://crm-suite.example.com",
    "license": "LGPL-3",
    "depends": ["crm_extended"],
    "data": [
        "security/crm_competitors_security.xml",
        "security/ir.model.access.csv",
        "views/crm_competitors_menus.xml",
    ],
    "demo": [],
    "assets": {
        "web.assets_tests": [
            "crm_competitors/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
