import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_marketing_lists_add_tour", {
    url: "/odoo/action-contacts.action_contacts?view_type=list",
    steps: () => [
        {
            content: "Select Ana",
            trigger: ".o_list_view .o_data_row:contains(Ana Add Tour) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Select Ben",
            trigger: ".o_list_view .o_data_row:contains(Ben Add Tour) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the actions",
            trigger: ".o_cp_action_menus button:contains(Actions)",
            run: "click",
        },
        {
            content: "Add to a marketing list",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains(Add to Marketing List)",
            run: "click",
        },
        {
            content: "The dialog counts the selected records",
            trigger: ".modal .o_field_widget[name=selected_count]:contains(2)",
        },
        {
            content: "Choose the list",
            trigger: ".modal .o_field_widget[name=list_id] input",
            run: "edit Add tour list",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item:contains(Add tour list)",
            run: "click",
        },
        {
            content: "Apply",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "Done",
            trigger: ".o_notification:contains(2 members added to Add tour list)",
        },
    ],
});
