/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_account_duplicates_tour", {
    steps: () => [
        {
            content: "The placeholder shows the expected e-mail format",
            trigger: ".o_form_view .o_field_widget[name='email'] input[placeholder='e.g. name@example.com']",
        },
        {
            content: "No duplicate yet",
            trigger: ".o_form_view:not(:has(div[name='crm_duplicates_warning']:visible))",
        },
        {
            content: "Type the e-mail of another account, carelessly",
            trigger: ".o_form_view .o_field_widget[name='email'] input",
            run: "edit   TOUR@Dup.Example.COM ",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The e-mail is standardised",
            trigger: ".o_form_view .o_form_saved .o_field_widget[name='email'] input",
            run() {
                const value = this.anchor.value;
                if (value !== "tour@dup.example.com") {
                    throw new Error(`The e-mail was not standardised: "${value}"`);
                }
            },
        },
        {
            content: "The warning names the duplicate",
            trigger: "div[name='crm_duplicates_warning'] .o_tag:contains('Tour Dup Two')",
        },
        {
            content: "Merge",
            trigger: "div[name='crm_duplicates_warning'] button[name='action_merge_duplicates']",
            run: "click",
        },
        {
            content: "Odoo's merge wizard opens with both accounts",
            trigger: ".modal .o_data_row:contains('Tour Dup Two')",
        },
        {
            content: "Both accounts are listed",
            trigger: ".modal .o_data_row:contains('Tour Dup One')",
        },
    ],
});
