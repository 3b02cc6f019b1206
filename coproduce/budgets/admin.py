"""Budget pots and spend are casework: administrators see none of them here (DESIGN.md §3).

Nothing is registered on purpose. A spend names a participant and what was bought for them; pots
and spend are read and changed only through `selectors.py` and `services.py`, where every read and
change is checked and audited, and where approval keeps a pot from ever being overspent.
"""
