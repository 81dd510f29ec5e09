"""Ctrl-C during a call, per-call timeouts, the answer size limit."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

import pterodactyl
from conftest import OWNER_KEY, SURVIVAL, Panel


@pytest.fixture
def sigint_raises() -> Iterator[None]:
    """Python's own SIGINT handler (``KeyboardInterrupt``), whatever the runner installed."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def test_ctrl_c_interrupts_a_call_to_a_panel_that_never_answers(panel: Panel, sigint_raises: None) -> None:
    panel.slow("/resources", 30_000)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    with pterodactyl.Client(panel.url, OWNER_KEY, timeout=10) as client:
        started = time.monotonic()
        timer.start()
        try:
            # Not a RuntimeError, not a TimeoutError after 10 s: the KeyboardInterrupt itself.
            with pytest.raises(KeyboardInterrupt):
                client.server(SURVIVAL).resources()
        finally:
            timer.cancel()
        assert time.monotonic() - started < 5, "Ctrl-C waited for the timeout"
        # The client is still usable afterwards.
        panel.clear_faults()
        assert client.server(SURVIVAL).resources()["current_state"]


def test_ctrl_c_interrupts_a_page_iterator(panel: Panel, sigint_raises: None) -> None:
    panel.slow("/api/client", 30_000)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    with pterodactyl.Client(panel.url, OWNER_KEY, timeout=10) as client:
        pages = client.iter("servers.list")
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                next(pages)
        finally:
            timer.cancel()


def test_with_timeout_bounds_one_call_and_leaves_the_client_alone(panel: Panel) -> None:
    panel.slow("/resources", 3000)
    with pterodactyl.Client(panel.url, OWNER_KEY, timeout=20) as client:
        hasty = client.with_timeout(0.3)
        assert isinstance(hasty, pterodactyl.Client)
        assert hasty.base_url == client.base_url
        with pytest.raises(pterodactyl.TimeoutError) as info:
            hasty.server(SURVIVAL).resources()
        assert info.value.timeout == pytest.approx(0.3)
        hasty.close()
        panel.clear_faults()
        assert client.server(SURVIVAL).resources()["current_state"]
        with pytest.raises(pterodactyl.InvalidInputError):
            client.with_timeout(0)


def test_an_answer_over_the_limit_raises_too_large(panel: Panel) -> None:
    with pterodactyl.Client(panel.url, OWNER_KEY, max_response_bytes=100) as client:
        with pytest.raises(pterodactyl.TooLargeError) as info:
            client.servers.list()
    assert info.value.limit == 100
    assert isinstance(info.value, pterodactyl.PterodactylError)
    assert "TooLargeError" in pterodactyl.__all__ and "CancelledError" in pterodactyl.__all__
