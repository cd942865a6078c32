"""A real SMTP server for the suite (aiosmtpd): the apps send their mail to it, tests read it.

Started once per session on a free port of 127.0.0.1; the adapters give its address to the apps
(EMAIL_HOST, EMAIL_PORT), in-process and live alike. No framework's mail API is mocked.
"""

from __future__ import annotations

import email
import re
import threading
import time
from email.message import EmailMessage
from email.policy import default
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller

from toolkit.servers import free_port

LINK = re.compile(r"https?://\S+")


class Mailbox:
    """The messages the SMTP server has accepted, in order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        """Keep a message (aiosmtpd's handler hook); the app's SMTP call returns after this."""
        message = email.message_from_bytes(envelope.content, policy=default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str, timeout: float = 5.0, count: int = 0) -> list[EmailMessage]:
        """Return the messages to an address (ignoring case), waiting a little for `count`."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                found = [m for m in self.messages if address.lower() in m["To"].lower()]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_path(message: EmailMessage) -> str:
    """Return the path of the one link in a message's text."""
    links = LINK.findall(body(message))
    assert len(links) == 1, links
    return urlsplit(links[0]).path


def start() -> tuple[Controller, Mailbox]:
    """Start an SMTP server on a free port; return it (stop it with .stop()) and its mailbox."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, mailbox
