/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_competitors_views_tour", {
    steps: () => [
        {
            content: "The kanban card shows the competitor, its threat level and win rate",
            trigger: ".o_kanban_record:contains('Views Rival'):contains('High'):contains('Win rate')",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Open the competitor from the list",
            trigger: ".o_list_view .o_data_row td[name=name]:contains('Views Rival')",
            run: "click",
        },
        {
            content: "The Won Against smart button counts the won deal",
            trigger: ".o_form_view button[name=action_open_won_leads] .o_stat_value:contains('1')",
        },
        {
            content: "The Lost To smart button counts the lost deal",
            trigger: ".o_form_view button[name=action_open_lost_leads] .o_stat_value:contains('1')",
        },
        {
            content: "Open the SWOT tab",
            trigger: ".o_notebook .nav-link:contains('SWOT')",
            run: "click",
        },
        {
            content: "Type a strength",
            trigger: ".o_field_widget[name=strengths] textarea",
            run: "edit Strong brand",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "Open the deals lost to the competitor",
            trigger: ".o_form_view button[name=action_open_lost_leads]",
            run: "click",
        },
        {
            content: "The lost deal is listed",
            trigger: ".o_list_view .o_data_row:contains('Views lost deal')",
        },
    ],
});
