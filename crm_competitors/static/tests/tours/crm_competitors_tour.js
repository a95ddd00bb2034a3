/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_competitors_tour", {
    steps: () => [
        {
            content: "Add a competitor to the opportunity",
            trigger: ".o_form_view .o_field_widget[name=competitor_ids] input",
            run: "edit Tour Rival",
        },
        {
            content: "Pick the competitor",
            trigger: ".ui-autocomplete .ui-menu-item a:contains('Tour Rival')",
            run: "click",
        },
        {
            content: "The competitor is shown as a tag",
            trigger: ".o_field_widget[name=competitor_ids] .o_tag:contains('Tour Rival')",
        },
        {
            content: "Save the opportunity",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Mark it lost",
            trigger: ".o_form_view .o_form_saved button[data-hotkey=l]:contains('Lost')",
            run: "click",
        },
        {
            content: "Say who won it",
            trigger: ".modal .o_field_widget[name=lost_competitor_id] input",
            run: "edit Tour Rival",
        },
        {
            content: "Pick the competitor",
            trigger: ".ui-autocomplete .ui-menu-item a:contains('Tour Rival')",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_lost_reason_apply]",
            run: "click",
        },
        {
            content: "The Lost ribbon is shown",
            trigger: ".o_form_view .ribbon:contains('Lost')",
        },
        {
            content: "The Lost To field appears on the lost opportunity",
            trigger: ".o_form_view .o_field_widget[name=lost_competitor_id] input",
        },
        {
            content: "Tour Rival is still among the competitors",
            trigger: ".o_field_widget[name=competitor_ids] .o_tag:contains('Tour Rival')",
        },
    ],
});
