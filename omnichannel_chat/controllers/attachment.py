from pathlib import PurePath

from odoo.http import request, route

from odoo.addons.mail.controllers.attachment import AttachmentController

# What agents may send to customers, as the 3CX manual lists it: documents and images; and
# the recordings of Discuss's voice messages.
ACCEPTED_EXTENSIONS = {
    "documents": ("pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "txt", "rtf"),
    "images": ("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff", "heif", "heic"),
    "voice": ("mp3", "ogg", "opus", "m4a"),
}


class OmnichannelAttachmentController(AttachmentController):
    @route()
    def mail_attachment_upload(self, ufile, thread_id, thread_model, is_pending=False, **kwargs):
        """Refuse, with the list of what is accepted, a file type that customers' channels
        do not take; nothing is stored."""
        if thread_model == "discuss.channel" and request.env.user._is_internal():
            channel = request.env["discuss.channel"].browse(int(thread_id)).exists()
            if channel and channel._get_omnichannel_conversation():
                extension = PurePath(ufile.filename or "").suffix.lower().lstrip(".")
                if extension not in sum(ACCEPTED_EXTENSIONS.values(), ()):
                    return request.make_json_response(
                        {
                            "error": request.env._(
                                "“%(file)s” cannot be sent: customers receive documents "
                                "(%(documents)s), images (%(images)s) and voice messages only.",
                                file=ufile.filename,
                                documents=", ".join(ACCEPTED_EXTENSIONS["documents"]).upper(),
                                images=", ".join(ACCEPTED_EXTENSIONS["images"]).upper(),
                            )
                        }
                    )
        return super().mail_attachment_upload(
            ufile, thread_id, thread_model, is_pending=is_pending, **kwargs
        )
