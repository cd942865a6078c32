"""Call a WSGI app in-process through httpx, as a WSGI server would."""

from __future__ import annotations

import contextvars
import logging
from urllib.parse import unquote_to_bytes

import httpx

LOG = logging.getLogger("toolkit.wsgi")
_RAW_PATH: contextvars.ContextVar[str] = contextvars.ContextVar("raw_path")


class WSGITransport(httpx.WSGITransport):
    """httpx's WSGI transport, passing PATH_INFO as WSGI servers do (PEP 3333).

    httpx gives the app the percent-decoded path as text (`/posts/😀/`); a WSGI server gives
    its bytes decoded as Latin-1, which is what Django and Werkzeug decode again. An error the
    app lets out is a 500, its traceback logged, as a WSGI server answers it: the test that sent
    the request fails on the answer, not in the framework's code.
    """

    def __init__(self, app, **kwargs):
        self.wsgi = app
        self.options = kwargs

        def with_raw_path(environ, start_response):
            environ["PATH_INFO"] = _RAW_PATH.get(environ["PATH_INFO"])
            return app(environ, start_response)

        super().__init__(app=with_raw_path, **kwargs)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raw = request.url.raw_path.split(b"?", 1)[0]
        reset = _RAW_PATH.set(unquote_to_bytes(raw).decode("latin-1"))
        try:
            return super().handle_request(request)
        except Exception:
            LOG.exception(
                "%s %s: the app raised (a server answers 500)", request.method, request.url.path
            )
            return httpx.Response(500, text="Internal Server Error", request=request)
        finally:
            _RAW_PATH.reset(reset)

    def from_address(self, remote_addr: str) -> WSGITransport:
        """Return a transport to the same app for a client at another address (REMOTE_ADDR)."""
        return WSGITransport(self.wsgi, **{**self.options, "remote_addr": remote_addr})
