import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("omnichannel_whatsapp_agent_sees_delivery", {
    steps: () => [
        {
            content: "The customer's WhatsApp message is in the conversation",
            trigger: ".o-mail-Message:contains('¿Dónde está mi pedido?')",
        },
        {
            content: "The reply the customer read shows read ticks",
            trigger:
                ".o-mail-Message:contains('Sale hoy') .o-omnichannel-delivery[data-state='read']",
        },
        {
            content: "The reply Meta refused says why",
            trigger:
                ".o-mail-Message:contains('Y mañana') .o-omnichannel-delivery[data-state='failed']:contains('131026')",
        },
    ],
});
