"""Prompt templates, installed as the package ``assistant.templates`` (see pyproject.toml)."""
