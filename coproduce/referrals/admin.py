"""Referrals are casework: administrators see none of them here (DESIGN.md §3).

Nothing is registered on purpose. A referral carries a participant's consent and the fields
they agreed to share with one organisation; it is read and changed only through
`selectors.py` and `services.py`, where every read and change is checked and audited.
"""
