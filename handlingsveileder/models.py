"""Filled by the issues that build this app (see DESIGN.md §2)."""
