/** @odoo-module */

import { registry } from "@web/core/registry";

const CSV = "Nazwa firmy,NIP,Miasto,Osoba kontaktowa\nTour Import Sp. z o.o.,pl 999 888,Gdańsk,Tola Tour\n";

registry.category("web_tour.tours").add("crm_spreadsheet_import_tour", {
    url: "/odoo",
    steps: () => [
        {
            trigger: ".o_navbar_apps_menu button:enabled",
            run: "click",
        },
        {
            trigger: '.o_app[data-menu-xmlid="crm.crm_menu_root"]',
            run: "click",
        },
        {
            trigger: '[data-menu-xmlid="crm_extended.crm_spreadsheet_import_menu"]',
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=import_type]",
        },
        {
            // the browser's file picker cannot be driven: hand the file to the upload input
            trigger: ".modal .o_field_widget[name=file] input[type=file]:not(:visible)",
            run() {
                const input = document.querySelector(".modal .o_field_widget[name=file] input[type=file]");
                const transfer = new DataTransfer();
                transfer.items.add(new File([CSV], "klienci.csv", { type: "text/csv" }));
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            trigger: ".modal .o_field_widget[name=file] .o_clear_file_button",
        },
        {
            trigger: ".modal button[name=action_load_columns]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=mapping_ids] tr:contains(Nazwa firmy):contains(Account name)",
        },
        {
            trigger: ".modal .o_field_widget[name=mapping_ids] tr:contains(NIP):contains(Tax ID)",
        },
        {
            trigger: ".modal button[name=action_dry_run]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] tr:contains(Tour Import Sp. z o.o.):contains(Create)",
        },
        {
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=result_message]:contains(Accounts: 1 created)",
        },
    ],
});
