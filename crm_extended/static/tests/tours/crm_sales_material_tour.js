/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_sales_material_tour", {
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
            trigger: 'button[data-menu-xmlid="crm.crm_menu_sales"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="crm_extended.crm_sales_material_menu"]',
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains(Sales Materials)",
        },
        {
            trigger: "button.o-kanban-button-new",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour Product Brochure",
        },
        {
            trigger: ".o_field_widget[name=material_type] select",
            run: 'select "brochure"',
        },
        {
            trigger: ".o_field_widget[name=validity]:contains(Valid)",
        },
        ...stepUtils.saveForm(),
        {
            trigger: ".breadcrumb-item a:contains(Sales Materials)",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains(Tour Product Brochure)",
        },
    ],
});

registry.category("web_tour.tours").add("crm_sales_material_send_tour", {
    steps: () => [
        {
            trigger: ".o_form_view button[name=action_open_material_send]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:contains(Tour Deck) .o_boolean_toggle input",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:contains(Tour Deck) .o_boolean_toggle input:checked",
        },
        {
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_form_view button[name=action_view_material_usage]",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Tour Deck)",
        },
    ],
});
