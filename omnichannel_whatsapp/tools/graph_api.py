"""Client for the WhatsApp Business Cloud API (Meta Graph API).

Only ``requests`` and the standard library: it imports without Odoo, so the stand-in tests load it
by file path. The access token travels in the Authorization header only, and is scrubbed from
every exception text.
"""

import hashlib
import logging
import re

import requests

_logger = logging.getLogger(__name__)

# Worth retrying later: rate limits, Meta outages, media hiccups, maintenance.
TRANSIENT_CODES = frozenset(
    {130429, 131056, 131000, 131016, 131057, 135000, 131052, 131053, 4, 80007}
)
TOKEN_CODES = frozenset({190})
# A download URL answering these has expired (valid 5 minutes): ask Graph for a fresh one.
EXPIRED_URL_STATUSES = frozenset({401, 403, 404, 410})
PHONE_NUMBER_FIELDS = "display_phone_number,verified_name,quality_rating,code_verification_status"
TEMPLATE_PAGE_LIMIT = 100
MAX_TEMPLATE_PAGES = 200
CODE_PREFIX = re.compile(r"^\(#\d+\)\s*")


class GraphApiError(Exception):
    """A Graph API failure: an error answer, a non-JSON answer, or no answer at all."""

    def __init__(
        self,
        code=None,
        title="",
        details="",
        http_status=None,
        fbtrace_id=None,
        error_subcode=None,
        error_type=None,
    ):
        self.code = code
        self.title = title or ""
        self.details = details or ""
        self.http_status = http_status
        self.fbtrace_id = fbtrace_id
        self.error_subcode = error_subcode
        self.error_type = error_type
        super().__init__(self._one_line())

    def _one_line(self):
        if self.code is not None:
            prefix = f"(#{self.code}) "
        elif self.http_status is not None:
            prefix = f"(HTTP {self.http_status}) "
        else:
            prefix = ""
        text = prefix + (self.title or "Graph API error")
        if self.details:
            text += f": {self.details}"
        return " ".join(text.split())

    @property
    def transient(self):
        """Retrying later may succeed: rate limits, outages, timeouts, network errors."""
        if self.code in TRANSIENT_CODES:
            return True
        if self.http_status is not None and (self.http_status >= 500 or self.http_status == 429):
            return True
        return self.code is None and self.http_status is None

    @property
    def token_invalid(self):
        """The access token is expired or revoked: an administrator must act."""
        return self.code in TOKEN_CODES or self.http_status == 401


class GraphApiClient:
    def __init__(
        self,
        base_url,
        version,
        access_token,
        phone_number_id,
        waba_id=None,
        timeout=10,
        session=None,
    ):
        self.base_url = base_url.rstrip("/")
        version = str(version).strip("/")
        self.version = version if version.startswith("v") else f"v{version}"
        self._access_token = access_token
        self.phone_number_id = str(phone_number_id)
        self.waba_id = str(waba_id) if waba_id else None
        self.timeout = timeout
        self._own_session = session is None
        self.session = session or requests.Session()

    def __repr__(self):
        # Never the token.
        return (
            f"GraphApiClient({self.base_url!r}, {self.version!r}, "
            f"phone_number_id={self.phone_number_id!r})"
        )

    def close(self):
        if self._own_session:
            self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # Messages

    def send_message(
        self, to, message_type, content, context_message_id=None, biz_opaque_callback_data=None
    ):
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": message_type,
            message_type: content,
        }
        if context_message_id:
            body["context"] = {"message_id": context_message_id}
        if biz_opaque_callback_data:
            body["biz_opaque_callback_data"] = biz_opaque_callback_data
        return self._json(self._request("POST", f"{self.phone_number_id}/messages", json=body))

    def send_reaction(self, to, message_id, emoji):
        """An empty ``emoji`` removes the reaction."""
        return self.send_message(to, "reaction", {"message_id": message_id, "emoji": emoji or ""})

    def mark_read(self, message_id, typing_indicator=False):
        body = {"messaging_product": "whatsapp", "status": "read", "message_id": message_id}
        if typing_indicator:
            body["typing_indicator"] = {"type": "text"}
        return self._json(self._request("POST", f"{self.phone_number_id}/messages", json=body))

    # Media

    def upload_media(self, content, mimetype, filename):
        """Upload bytes; returns the media id to send by ``{"id": ...}``."""
        response = self._request(
            "POST",
            f"{self.phone_number_id}/media",
            data={"messaging_product": "whatsapp", "type": mimetype},
            files={"file": (filename, content, mimetype)},
        )
        media_id = self._json(response).get("id")
        if not media_id:
            raise GraphApiError(
                title="Invalid response", details="no media id", http_status=response.status_code
            )
        return str(media_id)

    def get_media(self, media_id):
        """Media details: url (valid 5 minutes), mime_type, sha256 (hex), file_size, id."""
        return self._json(
            self._request("GET", str(media_id), params={"phone_number_id": self.phone_number_id})
        )

    def download_media(self, media_id):
        """Returns ``(content, mimetype)``; re-asks for a fresh URL once when the first expired."""
        info = self.get_media(media_id)
        try:
            response = self._download(info)
        except GraphApiError as error:
            if error.http_status not in EXPIRED_URL_STATUSES:
                raise
            info = self.get_media(media_id)
            response = self._download(info)
        content = response.content
        expected = str(info.get("sha256") or "").lower()
        # The media endpoint gives a hex digest; anything else is not ours to compare.
        if re.fullmatch(r"[0-9a-f]{64}", expected):
            if hashlib.sha256(content).hexdigest() != expected:
                raise GraphApiError(title="Media checksum mismatch", details=f"media {media_id}")
        mimetype = info.get("mime_type") or response.headers.get("Content-Type", "")
        return content, mimetype.split(";")[0].strip() or "application/octet-stream"

    def _download(self, info):
        url = info.get("url")
        if not url:
            raise GraphApiError(title="Invalid response", details="media has no url")
        # Meta's lookaside URLs need the same bearer token as the Graph calls.
        return self._request("GET", url)

    # Account

    def get_phone_number(self):
        return self._json(
            self._request("GET", self.phone_number_id, params={"fields": PHONE_NUMBER_FIELDS})
        )

    def get_templates(self):
        """Every message template of the WABA, all pages."""
        if not self.waba_id:
            raise ValueError("a WhatsApp Business Account id is needed to list templates")
        templates_path = f"{self.waba_id}/message_templates"
        path, params = templates_path, {"limit": TEMPLATE_PAGE_LIMIT}
        templates = []
        seen_cursors = set()
        for _page in range(MAX_TEMPLATE_PAGES):
            payload = self._json(self._request("GET", path, params=params))
            templates.extend(payload.get("data") or [])
            paging = payload.get("paging") or {}
            next_url = paging.get("next")
            after = (paging.get("cursors") or {}).get("after")
            if not next_url or after in seen_cursors:
                break
            if after:
                seen_cursors.add(after)
                path, params = templates_path, {"limit": TEMPLATE_PAGE_LIMIT, "after": after}
            elif next_url.startswith(f"{self.base_url}/"):
                path, params = next_url, None
            else:
                # A next link elsewhere would receive our token: stop rather than follow it.
                _logger.warning("Graph API: template paging points off %s", self.base_url)
                break
        return templates

    # Transport

    def _url(self, path):
        if path.startswith(("https://", "http://")):
            return path
        return f"{self.base_url}/{self.version}/{path.lstrip('/')}"

    def _request(self, method, path, **kwargs):
        url = self._url(path)
        headers = {"Authorization": f"Bearer {self._access_token}"}
        try:
            response = self.session.request(
                method, url, headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.Timeout as exc:
            raise GraphApiError(title="Timeout", details=self._scrub(str(exc))) from exc
        except requests.ConnectionError as exc:
            raise GraphApiError(title="Connection error", details=self._scrub(str(exc))) from exc
        except requests.RequestException as exc:
            raise GraphApiError(title="Request error", details=self._scrub(str(exc))) from exc
        if response.status_code >= 400:
            error = self._error_from(response)
            _logger.debug("Graph API %s %s failed: %s", method, path.split("?")[0], error)
            raise error
        return response

    def _json(self, response):
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise GraphApiError(
                title="Invalid response",
                details=self._snippet(response),
                http_status=response.status_code,
            )
        return payload

    def _error_from(self, response):
        status = response.status_code
        try:
            payload = response.json()
        except ValueError:
            payload = None
        error = payload.get("error") if isinstance(payload, dict) else None
        if not isinstance(error, dict):
            return GraphApiError(
                title=response.reason or f"HTTP {status}",
                details=self._snippet(response),
                http_status=status,
            )
        try:
            code = int(error["code"])
        except (KeyError, TypeError, ValueError):
            code = None
        message = str(error.get("message") or error.get("error_user_title") or "")
        error_data = error.get("error_data")
        details = error_data.get("details") if isinstance(error_data, dict) else None
        return GraphApiError(
            code=code,
            title=self._scrub(CODE_PREFIX.sub("", message)),
            details=self._scrub(str(details or error.get("error_user_msg") or "")),
            http_status=status,
            fbtrace_id=error.get("fbtrace_id"),
            error_subcode=error.get("error_subcode"),
            error_type=error.get("type"),
        )

    def _snippet(self, response, length=200):
        return self._scrub(" ".join(response.text[:length].split()))

    def _scrub(self, text):
        if self._access_token and self._access_token in text:
            text = text.replace(self._access_token, "***")
        return text
