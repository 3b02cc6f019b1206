"""Subject access requests are casework: administrators see none of them here (DESIGN.md §3).

Nothing is registered on purpose. A request names a participant, and its prepared copy holds
everything about them; both are read and changed only through `selectors.py` and `services.py`,
where every read and change is checked and audited.
"""
