"""Well-known government and bank numbers that robocallers display as their caller ID.

A call "from" one of these that is part of an illegal campaign is almost certainly spoofed (47 U.S.C.
227(e), the Truth in Caller ID Act): the agencies say they do not place such calls. The list is small on
purpose and each entry is the number the organisation itself publishes; extend it, never guess.
"""

from __future__ import annotations

# E.164 -> who publishes it. Sources: ssa.gov/agency/contact, irs.gov/help/telephone-assistance,
# medicare.gov/talk-to-someone, treasury.gov, uscis.gov/contactcenter, ftc.gov, dhs.gov,
# and the customer-service numbers printed on the banks' own web sites.
WELL_KNOWN_NUMBERS: dict[str, str] = {
    "+18007721213": "Social Security Administration (national number)",
    "+18003250778": "Social Security Administration (TTY)",
    "+18008291040": "Internal Revenue Service (individuals)",
    "+18008294933": "Internal Revenue Service (businesses)",
    "+18006334227": "Medicare (1-800-MEDICARE)",
    "+18003755283": "U.S. Citizenship and Immigration Services",
    "+18773824357": "Federal Trade Commission (1-877-FTC-HELP)",
    "+12022251000": "U.S. Department of the Treasury",
    "+12024561111": "The White House (comments line)",
    "+18004321000": "Bank of America (customer service)",
    "+18009359935": "Chase (customer service)",
    "+18008693557": "Wells Fargo (customer service)",
    "+18009502499": "Citibank (customer service)",
}


def spoofed_label(number: str) -> str:
    """Whose published number this is, or "" when it is not one we know."""
    return WELL_KNOWN_NUMBERS.get(number, "")
