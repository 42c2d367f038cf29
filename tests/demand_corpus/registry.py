"""The registry the corpus is read against: providers (from the RMD sample's rows) and known campaigns."""

PROVIDERS = [
    {"id": 1, "name": "Lexi voip", "rmd": "RMD0015596", "frn": "34517334"},
    {"id": 2, "name": "VoIP Route INC", "rmd": "RMD0007572", "frn": "31428535"},
    {"id": 3, "name": "Atom AMPD, LLC", "rmd": "RMD0006500", "frn": "31405483"},
    {"id": 4, "name": "NumberBarn, LLC", "rmd": "RMD0019111", "frn": "27383199"},
    {"id": 5, "name": "Cable & Wireless Communications, LLC", "rmd": "RMD0004596", "frn": "24011363"},
    {"id": 6, "name": "6x6 Termination Corporation", "rmd": "RMD0020186", "frn": "34540427"},
    {"id": 7, "name": "Cascabel Networks LLC", "rmd": "RMD0004188", "frn": "16323495"},
    {"id": 8, "name": "BinaryPattern LLC", "rmd": "RMD0011205", "frn": "32330888"},
    {"id": 9, "name": "Native Network Inc", "rmd": "RMD0004215", "frn": "24000473"},
    {"id": 10, "name": "Platinum CS, LLC", "rmd": "RMD0016196", "frn": "32026759"},
    {"id": 11, "name": "Bay Springs Telephone Co., Inc.", "rmd": "RMD0002268", "frn": "3723640"},
    {"id": 12, "name": "Axia Technology Partners, LLC", "rmd": "RMD0004720", "frn": "19980697"},
]

CAMPAIGNS = [
    "SSA-CalltheSSA",
    "SSA-SuspendedSSN",
    "SSA-SuspendedSSN-2",
    "SSA-LegalEnforcement",
    "SSA-Benefits-P2",
    "Utility-30MinDisconnect",
    "Utility-DisconnectDept",
    "Utility-Refund-2",
    "Amazon-AuthorizeOrder-P3",
    "Amazon-iPhoneOrder",
    "Amazon-PrimeRenewal",
    "Apple-iCloudBreach",
    "Financial-Impers-7",
    "Grandparentscam",
    "StudentLoan-ForgivenessCenter",
    "AutoWarranty-FinalNotice",
    "Medicare-BraceOffer",
]
