"""Reads of plans records, always through participants_visible_to."""
