"""Stable pseudonyms for participants in the evaluation.

A pseudonym is worked out from the participant's id with a keyed hash (HMAC-SHA256 with the
site's RESEARCH_PSEUDONYM_KEY, or SECRET_KEY), so it is the same every time for one
installation, cannot be turned back into the id without the key, and does not reveal the
service's own reference (MIW-FIF-00042), which keyworkers know. It is stored on the
ResearchConsent, so changing the key later changes nobody's pseudonym.
"""

import hashlib
import hmac

from django.conf import settings

# Crockford's base32: no I, L, O or U, so a pseudonym read aloud is not misheard.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 6


def pseudonym_for(participant_id: int, *, attempt: int = 0) -> str:
    """ "R-" and six characters. `attempt` gives another one in the rare case of a clash."""
    key = (getattr(settings, "RESEARCH_PSEUDONYM_KEY", "") or settings.SECRET_KEY).encode()
    digest = hmac.new(key, f"participant:{participant_id}:{attempt}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    characters = []
    for _ in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        characters.append(ALPHABET[index])
    return "R-" + "".join(characters)
