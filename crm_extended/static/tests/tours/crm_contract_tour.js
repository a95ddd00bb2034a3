/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_contract_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM app",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "Open the opportunity",
            trigger: ".o_kanban_record:contains('Tour Contract Deal')",
            run: "click",
        },
        {
            content: "Win it",
            trigger: ".o_form_view button[name='action_set_won_rainbowman']",
            run: "click",
        },
        {
            content: "Create its contract",
            trigger: ".o_form_view button[name='action_create_contract']",
            run: "click",
        },
        {
            content: "The contract is prefilled with the customer",
            trigger: ".o_form_view .o_field_widget[name='opportunity_id'] input",
            run() {
                const partner = document.querySelector(".o_field_widget[name='partner_id'] input");
                if (!partner || !partner.value.includes("Tour Customer")) {
                    throw new Error("The contract is not prefilled with the opportunity's customer");
                }
            },
        },
        {
            content: "Add a line",
            trigger: "div[name='line_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Choose the product",
            trigger: "div[name='line_ids'] .o_selected_row [name='product_id'] input",
            run: "edit Tour Support",
        },
        {
            content: "Select it",
            trigger: ".ui-menu-item-wrapper:contains('Tour Support Plan')",
            run: "click",
        },
        {
            content: "The description comes from the product",
            trigger: "div[name='line_ids'] .o_selected_row [name='name'] textarea",
        },
        ...stepUtils.saveForm(),
        {
            content: "Activate the contract",
            trigger: ".o_form_view button[name='action_activate']",
            run: "click",
        },
        {
            content: "The contract is active",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value='active']",
        },
        {
            content: "Open the Sales menu",
            trigger: "button[data-menu-xmlid='crm.crm_menu_sales']",
            run: "click",
        },
        {
            content: "Open the contracts",
            trigger: "[data-menu-xmlid='crm_extended.crm_contract_menu']",
            run: "click",
        },
        {
            content: "The contract is in my contracts",
            trigger: ".o_list_renderer .o_data_row:contains('Tour Contract Deal')",
        },
        {
            content: "Kanban by status",
            trigger: "button.o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The contract is in the Active column",
            trigger: ".o_kanban_group:contains('Active') .o_kanban_record:contains('Tour Contract Deal')",
        },
        {
            content: "Calendar of end dates",
            trigger: "button.o_switch_view.o_calendar",
            run: "click",
        },
        {
            trigger: ".o_calendar_renderer",
        },
        {
            content: "Pivot",
            trigger: "button.o_switch_view.o_pivot",
            run: "click",
        },
        {
            trigger: ".o_pivot table",
        },
        {
            content: "Graph",
            trigger: "button.o_switch_view.o_graph",
            run: "click",
        },
        {
            trigger: ".o_graph_renderer canvas",
        },
    ],
});
