from odoo.http import request

from odoo.addons.mail.controllers.thread import ThreadController


class OmnichannelThreadController(ThreadController):
    def _prepare_post_data(self, post_data, thread, **kwargs):
        """A customer's post in a conversation (``/mail/message/post``, and live chat's CORS
        twin) is stored as a plain comment of text, whatever the request asks for: see
        discuss.channel._omnichannel_prepare_customer_post."""
        post_data = super()._prepare_post_data(post_data, thread, **kwargs)
        if thread._name == "discuss.channel" and not request.env.user._is_internal():
            post_data = thread._omnichannel_prepare_customer_post(post_data)
        return post_data
