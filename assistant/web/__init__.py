"""The web chat: ``render`` (what is shown), ``handlers`` (what events do), ``app`` (layout and launch)."""

from .app import build_app, launch_options, serve

__all__ = ["build_app", "launch_options", "serve"]
