"""Outcomes, work wishes and sustainment checks are casework: administrators see none of them here
(DESIGN.md §3).

Nothing is registered on purpose. Each row names a participant and their job; they are read and
changed only through `selectors.py` and `services.py`, where every read and change is checked and
audited, and outcomes are corrected, never deleted.
"""
