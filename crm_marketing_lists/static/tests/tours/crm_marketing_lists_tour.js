import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_marketing_lists_tour", {
    url: "/odoo/action-crm_marketing_lists.crm_marketing_list_action?debug=1",
    steps: () => [
        {
            content: "The marketing lists are shown",
            trigger: ".o_breadcrumb:contains(Marketing Lists)",
        },
        {
            content: "Create a list",
            trigger: ".o_control_panel button.o-kanban-button-new:enabled",
            run: "click",
        },
        {
            content: "Name it in the form",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Tour dynamic list",
        },
        {
            content: "Make it dynamic",
            trigger: ".o_field_widget[name=list_type] input[data-value=dynamic]",
            run: "click",
        },
        {
            content: "Write the filter in the domain editor's code field",
            trigger: ".o_field_widget[name=domain] .o_domain_selector_debug_container textarea",
            run: 'edit [("email", "ilike", "@tour-list.example.com")]',
        },
        {
            content: "Leave the code field so that the filter is applied",
            trigger: ".o_form_view .o_field_widget[name=purpose] input",
            run: "edit Spring webinar",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Once saved, the domain editor shows the rule",
            trigger: ".o_form_saved .o_field_widget[name=domain] .o_tree_editor_condition",
        },
        {
            content: "Refresh the members",
            trigger: ".o_form_saved button[name=action_refresh]",
            run: "click",
        },
        {
            content: "The list has its two members",
            trigger: "button[name=action_view_members] .o_stat_value:contains(2)",
        },
        {
            content: "One of them is blacklisted: one reachable member",
            trigger: "button[name=action_view_reachable_members] .o_stat_value:contains(1)",
        },
        {
            content: "Send it to Email Marketing",
            trigger: "button[name=action_send_mailing]",
            run: "click",
        },
        {
            content: "The mailing form opens with the list's name as subject",
            trigger: ".o_form_view .o_field_widget[name=subject] input",
            run() {
                const value = this.anchor.value;
                if (value !== "Tour dynamic list") {
                    throw new Error(`Unexpected mailing subject: ${value}`);
                }
            },
        },
        {
            content: "The recipients are contacts",
            trigger: ".o_form_view .o_field_widget[name=mailing_model_id]",
        },
        {
            content: "The mail editor is ready: the themes can be picked",
            trigger: ":iframe #basic",
        },
    ],
});
