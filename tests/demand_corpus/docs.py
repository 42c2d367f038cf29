"""Demand documents written the way AG offices write them, with the fields a careful reader takes from each.

Each entry has `html` (rendered to PDF by WeasyPrint in the tests and the benchmark) and `expected`:
the values a paralegal would type into the intake form. Written before the reader was tuned, and varied on
purpose: letterheads, running headers, typefaces, headings (REQUEST NO., SPECIFICATIONS, Schedule A,
Attachment A, DOCUMENTS REQUESTED), paragraph, list and table forms, return dates as dates and as periods.
A `None` means the document does not say: the reader must leave the field empty.
"""

from __future__ import annotations


def _req(text, date_from=None, date_to=None, calling=(), called=(), other=(), providers=(), campaigns=()):
    return {
        "text": text, "date_from": date_from, "date_to": date_to, "calling": list(calling),
        "called": list(called), "numbers": [*calling, *called, *other], "providers": list(providers),
        "campaigns": list(campaigns),
    }  # fmt: skip


DOCS: list[dict] = []


def doc(name: str, html: str, **expected) -> None:
    expected.setdefault("date_served", None)
    expected.setdefault("return_date", None)
    expected.setdefault("response_days", None)
    expected.setdefault("response_day_kind", None)
    expected.setdefault("messages", [])
    DOCS.append({"name": name, "html": html, "expected": expected})


# 1. Texas: CID, letterhead, REQUEST NO. headed paragraphs, fixed return date -----------------------------
doc(
    "tx_cid_request_no",
    """<html><head><style>body{font-family:'DejaVu Serif';font-size:11pt} .lh{text-align:center}
    h1{text-align:center;font-size:15pt}</style></head><body>
    <div class="lh"><strong>OFFICE OF THE ATTORNEY GENERAL OF TEXAS</strong><br>Consumer Protection Division<br>
    P.O. Box 12548, Austin, Texas 78711-2548 · Tel. (512) 463-2185</div>
    <h1>CIVIL INVESTIGATIVE DEMAND</h1>
    <p>TO: Industry Traceback Group, c/o USTelecom, 601 New Jersey Avenue NW, Washington, DC 20001</p>
    <p>This Civil Investigative Demand is issued pursuant to Tex. Bus. &amp; Com. Code § 17.61 in connection with
    an investigation of unlawful robocalls made to Texas consumers.</p>
    <p>Date issued: March 2, 2026</p>
    <p>RETURN DATE: You are required to produce the documents described below on or before April 6, 2026.</p>
    <h2>DEFINITIONS</h2>
    <p>1. "Call Detail Record" means any record of a telephone call, including its date, time and duration.</p>
    <p>2. "You" means the Industry Traceback Group and its members.</p>
    <h2>REQUESTS</h2>
    <p><strong>REQUEST NO. 1:</strong> All traceback records for calls placed from (214) 555-0142 or (214) 555-0143
    between January 5, 2026 and February 10, 2026.</p>
    <p><strong>REQUEST NO. 2:</strong> All records identifying the originating provider of calls to
    (713) 555-0188 from November 1, 2025 to the present, including any record naming Lexi voip.</p>
    <p><strong>REQUEST NO. 3:</strong> All traceback notices sent to VoIP Route INC (FRN 0031428535) during 2025.</p>
    <p>Dated: March 2, 2026</p>
    <p>KEN PAXTON<br>Attorney General of Texas<br>/s/ Rebecca Lowe<br>Rebecca Lowe, Assistant Attorney General<br>
    Consumer Protection Division · (512) 936-1697 · rebecca.lowe@oag.texas.gov</p></body></html>""",
    kind="cid",
    date_issued="2026-03-02",
    return_date="2026-04-06",
    issuing_authority="Consumer Protection Division, Office of the Attorney General of Texas",
    statute="Tex. Bus. & Com. Code § 17.61",
    requests=[
        _req(
            "All traceback records for calls placed from (214) 555-0142 or (214) 555-0143 between January 5, "
            "2026 and February 10, 2026.",
            "2026-01-05",
            "2026-02-10",
            calling=["+12145550142", "+12145550143"],
        ),
        _req(
            "All records identifying the originating provider of calls to (713) 555-0188 from November 1, 2025 "
            "to the present, including any record naming Lexi voip.",
            "2025-11-01",
            "2026-03-02",
            called=["+17135550188"],
            providers=["Lexi voip"],
        ),
        _req(
            "All traceback notices sent to VoIP Route INC (FRN 0031428535) during 2025.",
            "2025-01-01",
            "2025-12-31",
            providers=["VoIP Route INC"],
        ),
    ],
)

# 2. Ohio: CID under R.C. 1345.06, Schedule A ordered list, period of 30 days after service -----------
doc(
    "oh_cid_schedule_a_period",
    """<html><head><style>@page{@top-center{content:"Ohio Attorney General — Consumer Protection Section";
    font-family:'DejaVu Sans';font-size:8pt} @bottom-right{content:"Page " counter(page) " of " counter(pages);
    font-family:'DejaVu Sans';font-size:8pt}} body{font-family:'DejaVu Sans';font-size:10.5pt}</style></head><body>
    <p><strong>OHIO ATTORNEY GENERAL</strong><br>Consumer Protection Section<br>30 E. Broad St., 14th Floor,
    Columbus, OH 43215 | 614-466-4986</p>
    <h1>CIVIL INVESTIGATIVE DEMAND</h1>
    <p>In the Matter of: Robocalls Impersonating Utility Companies</p>
    <p>Pursuant to R.C. 1345.06, the Attorney General demands that the Industry Traceback Group produce the
    documents listed in Schedule A within thirty (30) days of service of this Demand.</p>
    <p>Issued this 9th day of February, 2026.</p>
    <p>Date of service: February 11, 2026</p>
    <h2 style="page-break-before:always">SCHEDULE A</h2>
    <h3>Instructions</h3>
    <p>Produce documents as they are kept in the usual course of business. Questions may be directed to
    the undersigned at (614) 466-8831.</p>
    <h3>Documents to be produced</h3>
    <ol><li>All tracebacks of the Utility-30MinDisconnect campaign for calls terminating in Ohio during 2025.</li>
    <li>For each traceback identified in response to Specification 1, the upstream provider named at each hop.</li>
    <li>All records of calls from 330-555-0110 to 216-555-0177 between 12/01/2025 and 01/31/2026.</li>
    <li>All communications with Cascabel Networks LLC concerning the Utility-DisconnectDept campaign.</li></ol>
    <p>Respectfully,<br>Daniel Brant, Assistant Attorney General<br>(614) 466-8831</p></body></html>""",
    kind="cid",
    date_issued="2026-02-09",
    date_served="2026-02-11",
    response_days=30,
    response_day_kind="calendar",
    issuing_authority="Consumer Protection Section, Ohio Attorney General",
    statute="R.C. 1345.06",
    requests=[
        _req(
            "All tracebacks of the Utility-30MinDisconnect campaign for calls terminating in Ohio during 2025.",
            "2025-01-01",
            "2025-12-31",
            campaigns=["Utility-30MinDisconnect"],
        ),
        _req(
            "For each traceback identified in response to Specification 1, the upstream provider named at "
            "each hop."
        ),
        _req(
            "All records of calls from 330-555-0110 to 216-555-0177 between 12/01/2025 and 01/31/2026.",
            "2025-12-01",
            "2026-01-31",
            calling=["+13305550110"],
            called=["+12165550177"],
        ),
        _req(
            "All communications with Cascabel Networks LLC concerning the Utility-DisconnectDept campaign.",
            providers=["Cascabel Networks LLC"],
            campaigns=["Utility-DisconnectDept"],
        ),
    ],
)

# 3. New York: subpoena duces tecum, Exec. Law § 63(12), two-column table, business days --------------
doc(
    "ny_subpoena_table_business_days",
    """<html><head><style>body{font-family:'DejaVu Serif Condensed';font-size:11pt}
    table{border-collapse:collapse;width:100%} td,th{border:1px solid #000;padding:4pt;vertical-align:top}
    </style></head><body>
    <p style="text-align:right">STATE OF NEW YORK<br>OFFICE OF THE ATTORNEY GENERAL<br>Bureau of Internet and
    Technology<br>28 Liberty Street, New York, NY 10005 · (212) 416-8433</p>
    <h1 style="text-align:center">SUBPOENA DUCES TECUM</h1>
    <p>THE PEOPLE OF THE STATE OF NEW YORK, TO: Industry Traceback Group</p>
    <p>YOU ARE HEREBY COMMANDED, pursuant to N.Y. Exec. Law § 63(12) and CPLR 2302(a), to produce the
    documents described below no later than 20 business days after service of this subpoena.</p>
    <p>Dated: New York, New York, January 20, 2026</p>
    <h2>DOCUMENTS REQUESTED</h2>
    <table><tr><th>No.</th><th>Description of documents</th></tr>
    <tr><td>1</td><td>All traceback records for calls with caller ID 917-555-0101 from March 1, 2025 through
    December 31, 2025.</td></tr>
    <tr><td>2</td><td>All records identifying the originating or gateway provider for the SSA-SuspendedSSN
    campaign, including any records concerning Atom AMPD, LLC.</td></tr>
    <tr><td>3</td><td>Documents sufficient to show each provider that transmitted calls to (518) 555-0123 in
    2025.</td></tr></table>
    <p>LETITIA JAMES, Attorney General of the State of New York<br>By: Marcus Hale, Assistant Attorney General<br>
    Tel. (212) 416-6190</p></body></html>""",
    kind="subpoena",
    date_issued="2026-01-20",
    response_days=20,
    response_day_kind="business",
    issuing_authority="Bureau of Internet and Technology, Office of the Attorney General",
    statute="N.Y. Exec. Law § 63(12)",
    requests=[
        _req(
            "All traceback records for calls with caller ID 917-555-0101 from March 1, 2025 through December 31, "
            "2025.",
            "2025-03-01",
            "2025-12-31",
            calling=["+19175550101"],
        ),
        _req(
            "All records identifying the originating or gateway provider for the SSA-SuspendedSSN campaign, "
            "including any records concerning Atom AMPD, LLC.",
            providers=["Atom AMPD, LLC"],
            campaigns=["SSA-SuspendedSSN"],
        ),
        _req(
            "Documents sufficient to show each provider that transmitted calls to (518) 555-0123 in 2025.",
            "2025-01-01",
            "2025-12-31",
            called=["+15185550123"],
        ),
    ],
)

# 4. California: investigative subpoena, Gov. Code § 11181, Specification N. headings -----------------
doc(
    "ca_subpoena_specifications",
    """<html><head><style>body{font-family:'DejaVu Sans Condensed';font-size:10pt;line-height:1.5}</style></head>
    <body><p>ROB BONTA<br>Attorney General of California<br>CONSUMER PROTECTION SECTION<br>
    455 Golden Gate Avenue, Suite 11000, San Francisco, CA 94102 · Telephone: (415) 510-4400</p>
    <h1>INVESTIGATIVE SUBPOENA FOR PRODUCTION OF RECORDS</h1>
    <p>(Government Code sections 11180–11191)</p>
    <p>THE PEOPLE OF THE STATE OF CALIFORNIA, to the custodian of records of the Industry Traceback Group:
    pursuant to Cal. Gov. Code § 11181, you are ordered to produce the records described in the
    specifications below on or before May 15, 2026.</p>
    <h2>SPECIFICATIONS</h2>
    <p>SPECIFICATION 1. All traceback records for the Amazon-AuthorizeOrder-P3 campaign for calls received by
    California subscribers between October 1, 2025 and March 31, 2026.</p>
    <p>SPECIFICATION 2. For calls to (916) 555-0134 or (916) 555-0135 during 2026, all records of each hop.</p>
    <p>SPECIFICATION 3. All records of NumberBarn, LLC (RMD0019111) as originating provider.</p>
    <p>SPECIFICATION 4. All responses received from 6x6 Termination Corporation to any traceback request.</p>
    <p>Issued: April 1, 2026</p>
    <p>Signed: Alicia Ng, Deputy Attorney General, (415) 510-3377</p></body></html>""",
    kind="subpoena",
    date_issued="2026-04-01",
    return_date="2026-05-15",
    issuing_authority="Consumer Protection Section, Attorney General of California",
    statute="Cal. Gov. Code § 11181",
    requests=[
        _req(
            "All traceback records for the Amazon-AuthorizeOrder-P3 campaign for calls received by California "
            "subscribers between October 1, 2025 and March 31, 2026.",
            "2025-10-01",
            "2026-03-31",
            campaigns=["Amazon-AuthorizeOrder-P3"],
        ),
        _req(
            "For calls to (916) 555-0134 or (916) 555-0135 during 2026, all records of each hop.",
            "2026-01-01",
            "2026-12-31",
            called=["+19165550134", "+19165550135"],
        ),
        _req(
            "All records of NumberBarn, LLC (RMD0019111) as originating provider.",
            providers=["NumberBarn, LLC"],
        ),
        _req(
            "All responses received from 6x6 Termination Corporation to any traceback request.",
            providers=["6x6 Termination Corporation"],
        ),
    ],
)

# 5. Massachusetts: CID, G.L. c. 93A, § 6, Attachment A, campaign split over a line break ------------
doc(
    "ma_cid_attachment_a_hyphen",
    """<html><head><style>body{font-family:'DejaVu Serif';font-size:12pt} .narrow{width:9.2cm}</style></head><body>
    <p style="text-align:center">THE COMMONWEALTH OF MASSACHUSETTS<br>OFFICE OF THE ATTORNEY GENERAL<br>
    Consumer Protection Division<br>One Ashburton Place, Boston, MA 02108 · (617) 727-2200</p>
    <h1 style="text-align:center;font-size:14pt">CIVIL INVESTIGATIVE DEMAND No. 2026-CPD-14</h1>
    <p>Issued under G.L. c. 93A, § 6. You are required to produce the documents described in Attachment A
    within 21 days of receipt of this demand.</p>
    <p>Date: March 16, 2026</p>
    <h2>ATTACHMENT A</h2>
    <p>1. All traceback records for the SSA-<br>CalltheSSA campaign from January 1, 2026 to the present.</p>
    <p>2. All records of calls placed to (617) 555-0166 between 02/01/2026 and 03/01/2026.</p>
    <p>3. All records naming Platinum CS, LLC or BinaryPattern LLC as an upstream provider.</p>
    <p>Sincerely,<br>Jonah Weiss<br>Assistant Attorney General<br>(617) 963-2331</p></body></html>""",
    kind="cid",
    date_issued="2026-03-16",
    response_days=21,
    response_day_kind="calendar",
    issuing_authority="Consumer Protection Division, Office of the Attorney General",
    statute="G.L. c. 93A, § 6",
    requests=[
        _req(
            "All traceback records for the SSA-CalltheSSA campaign from January 1, 2026 to the present.",
            "2026-01-01",
            "2026-03-16",
            campaigns=["SSA-CalltheSSA"],
        ),
        _req(
            "All records of calls placed to (617) 555-0166 between 02/01/2026 and 03/01/2026.",
            "2026-02-01",
            "2026-03-01",
            called=["+16175550166"],
        ),
        _req(
            "All records naming Platinum CS, LLC or BinaryPattern LLC as an upstream provider.",
            providers=["Platinum CS, LLC", "BinaryPattern LLC"],
        ),
    ],
)

# 6. Florida: subpoena, Fla. Stat. § 501.206, Request N: numbering, ISO dates ----------------------------
doc(
    "fl_subpoena_request_colon",
    """<html><head><style>body{font-family:'DejaVu Sans';font-size:10pt} h1{font-size:13pt}</style></head><body>
    <p>OFFICE OF THE ATTORNEY GENERAL<br>STATE OF FLORIDA<br>Consumer Protection Division<br>
    PL-01 The Capitol, Tallahassee, FL 32399-1050 · (850) 414-3300</p>
    <h1>INVESTIGATIVE SUBPOENA DUCES TECUM</h1>
    <p>Pursuant to Fla. Stat. § 501.206, the Industry Traceback Group is commanded to produce the following
    records no later than June 1, 2026.</p>
    <p>Issued on April 20, 2026. Served on April 22, 2026.</p>
    <p>Request 1: All traceback records for calls displaying 305-555-0147 from 2026-01-01 to 2026-03-31.</p>
    <p>Request 2: All records of calls to 407-555-0190 or 407-555-0191 terminating in Florida during 2025.</p>
    <p>Request 3: Any traceback in which Native Network Inc was identified as the gateway provider.</p>
    <p>Questions regarding this subpoena should be directed to Investigator Paula Reyes at (850) 414-3990.</p>
    </body></html>""",
    kind="subpoena",
    date_issued="2026-04-20",
    date_served="2026-04-22",
    return_date="2026-06-01",
    issuing_authority="Consumer Protection Division, Office of the Attorney General",
    statute="Fla. Stat. § 501.206",
    requests=[
        _req(
            "All traceback records for calls displaying 305-555-0147 from 2026-01-01 to 2026-03-31.",
            "2026-01-01",
            "2026-03-31",
            calling=["+13055550147"],
        ),
        _req(
            "All records of calls to 407-555-0190 or 407-555-0191 terminating in Florida during 2025.",
            "2025-01-01",
            "2025-12-31",
            called=["+14075550190", "+14075550191"],
        ),
        _req(
            "Any traceback in which Native Network Inc was identified as the gateway provider.",
            providers=["Native Network Inc"],
        ),
    ],
)

# 7. Illinois: subpoena under 815 ILCS 505/3, letter style, business days, no requests heading word -----
doc(
    "il_subpoena_letter",
    """<html><head><style>body{font-family:'DejaVu Serif';font-size:11pt}</style></head><body>
    <p style="text-align:center"><strong>ATTORNEY GENERAL<br>STATE OF ILLINOIS</strong><br>Consumer Fraud Bureau<br>
    115 South LaSalle Street, Chicago, Illinois 60603 · (312) 814-3000</p>
    <p>February 3, 2026</p>
    <h1 style="font-size:13pt;text-align:center">SUBPOENA FOR DOCUMENTS</h1>
    <p>Under the authority of 815 ILCS 505/3, the Attorney General requires the Industry Traceback Group to
    produce the documents described below within fifteen (15) business days of service.</p>
    <p>Issued: February 3, 2026</p>
    <h2>DOCUMENTS TO BE PRODUCED</h2>
    <p>1) All tracebacks of calls made from (312) 555-0129 between November 15, 2025 and January 15, 2026.</p>
    <p>2) All records of the Financial-Impers-7 campaign, including provider responses.</p>
    <p>3) All records concerning Axia Technology Partners, LLC (FRN 0019980697).</p>
    <p>Very truly yours,<br>Omar Said, Assistant Attorney General, Consumer Fraud Bureau<br>(312) 814-1004</p>
    </body></html>""",
    kind="subpoena",
    date_issued="2026-02-03",
    response_days=15,
    response_day_kind="business",
    issuing_authority="Consumer Fraud Bureau, Attorney General State of Illinois",
    statute="815 ILCS 505/3",
    requests=[
        _req(
            "All tracebacks of calls made from (312) 555-0129 between November 15, 2025 and January 15, 2026.",
            "2025-11-15",
            "2026-01-15",
            calling=["+13125550129"],
        ),
        _req(
            "All records of the Financial-Impers-7 campaign, including provider responses.",
            campaigns=["Financial-Impers-7"],
        ),
        _req(
            "All records concerning Axia Technology Partners, LLC (FRN 0019980697).",
            providers=["Axia Technology Partners, LLC"],
        ),
    ],
)

# 8. North Carolina: CID, two-column table without borders, month ranges, "on or before" ----------
doc(
    "nc_cid_borderless_table",
    """<html><head><style>body{font-family:'DejaVu Sans';font-size:10pt} td{padding:3pt 8pt;vertical-align:top}
    </style></head><body>
    <p>NORTH CAROLINA DEPARTMENT OF JUSTICE<br>Consumer Protection Division<br>114 W. Edenton Street, Raleigh,
    NC 27603 · (919) 716-6000</p>
    <h1 style="font-size:14pt">CIVIL INVESTIGATIVE DEMAND</h1>
    <p>Pursuant to N.C. Gen. Stat. § 75-10, you are directed to produce the documents listed below on or
    before the 30th day of April, 2026.</p>
    <p>Issued this 27th day of March, 2026.</p>
    <h2>Documents requested</h2>
    <table><tr><td>1.</td><td>All traceback records for calls from 704-555-0112 to 919-555-0143 from January
    2026 through February 2026.</td></tr>
    <tr><td>2.</td><td>All traceback notices sent to Bay Springs Telephone Co., Inc.</td></tr>
    <tr><td>3.</td><td>All records for the Medicare-BraceOffer campaign during 2025.</td></tr></table>
    <p>Respectfully submitted, JEFF JACKSON, Attorney General, by Kim Oates, Special Deputy Attorney General,
    (919) 716-6047.</p></body></html>""",
    kind="cid",
    date_issued="2026-03-27",
    return_date="2026-04-30",
    issuing_authority="Consumer Protection Division, North Carolina Department of Justice",
    statute="N.C. Gen. Stat. § 75-10",
    requests=[
        _req(
            "All traceback records for calls from 704-555-0112 to 919-555-0143 from January 2026 through "
            "February 2026.",
            "2026-01-01",
            "2026-02-28",
            calling=["+17045550112"],
            called=["+19195550143"],
        ),
        _req(
            "All traceback notices sent to Bay Springs Telephone Co., Inc.",
            providers=["Bay Springs Telephone Co., Inc."],
        ),
        _req(
            "All records for the Medicare-BraceOffer campaign during 2025.",
            "2025-01-01",
            "2025-12-31",
            campaigns=["Medicare-BraceOffer"],
        ),
    ],
)

# 9. Arizona: CID, ARS § 44-1524, REQUEST NO. on its own line, text below; 2 pages, running header ----
doc(
    "az_cid_two_pages",
    """<html><head><style>@page{@top-left{content:"Arizona Attorney General — CID 2026-031";
    font-family:'DejaVu Serif';font-size:8pt}} body{font-family:'DejaVu Serif';font-size:11pt} h3{margin-bottom:2pt}
    </style></head><body>
    <p>OFFICE OF THE ARIZONA ATTORNEY GENERAL<br>Consumer Protection &amp; Advocacy Section<br>2005 N. Central
    Ave., Phoenix, AZ 85004 · (602) 542-5763</p>
    <h1>CIVIL INVESTIGATIVE DEMAND</h1>
    <p>Pursuant to A.R.S. § 44-1524, the Industry Traceback Group shall produce the documents requested
    below within thirty days of service.</p>
    <p>Date issued: January 12, 2026 · Date served: January 14, 2026</p>
    <h2>REQUESTS FOR PRODUCTION</h2>
    <h3>REQUEST NO. 1</h3><p>All traceback records concerning calls to (480) 555-0155 between July 1, 2025
    and December 31, 2025.</p>
    <h3 style="page-break-before:always">REQUEST NO. 2</h3><p>All records of the Grandparentscam campaign,
    including each hop's provider and answer.</p>
    <h3>REQUEST NO. 3</h3><p>All correspondence with Lexi voip or Cable &amp; Wireless Communications, LLC.</p>
    <p>/s/ Tara Quinn, Assistant Attorney General · (602) 542-7735 · Consumer Protection &amp; Advocacy
    Section</p></body></html>""",
    kind="cid",
    date_issued="2026-01-12",
    date_served="2026-01-14",
    response_days=30,
    response_day_kind="calendar",
    issuing_authority="Consumer Protection & Advocacy Section, Office of the Arizona Attorney General",
    statute="A.R.S. § 44-1524",
    requests=[
        _req(
            "All traceback records concerning calls to (480) 555-0155 between July 1, 2025 and December 31, "
            "2025.",
            "2025-07-01",
            "2025-12-31",
            called=["+14805550155"],
        ),
        _req(
            "All records of the Grandparentscam campaign, including each hop's provider and answer.",
            campaigns=["Grandparentscam"],
        ),
        _req(
            "All correspondence with Lexi voip or Cable & Wireless Communications, LLC.",
            providers=["Lexi voip", "Cable & Wireless Communications, LLC"],
        ),
    ],
)

# 10. Washington: CID under RCW 19.86.110, numbered list with sub-items ------------------------------
doc(
    "wa_cid_subitems",
    """<html><head><style>body{font-family:'DejaVu Sans Condensed';font-size:10.5pt}</style></head><body>
    <p style="text-align:center">ATTORNEY GENERAL OF WASHINGTON<br>Consumer Protection Division<br>800 Fifth
    Avenue, Suite 2000, Seattle, WA 98104 · (206) 464-7745</p>
    <h1 style="text-align:center">CIVIL INVESTIGATIVE DEMAND FOR DOCUMENTS</h1>
    <p>This demand is issued under RCW 19.86.110. Produce the documents described in the Schedule below by
    the return date of March 30, 2026.</p>
    <p>DATED this 2nd day of March, 2026.</p>
    <h2>SCHEDULE OF DOCUMENTS</h2>
    <p>1. For the StudentLoan-ForgivenessCenter campaign, all records showing (a) the date and time of
    each sample call; (b) each provider named; and (c) each provider's answer.</p>
    <p>2. All records of calls with calling number 206-555-0184 from September 1, 2025 to the present.</p>
    <p>Paul Ortiz, Assistant Attorney General · paul.ortiz@atg.wa.gov · (206) 389-2011</p></body></html>""",
    kind="cid",
    date_issued="2026-03-02",
    return_date="2026-03-30",
    issuing_authority="Consumer Protection Division, Attorney General of Washington",
    statute="RCW 19.86.110",
    requests=[
        _req(
            "For the StudentLoan-ForgivenessCenter campaign, all records showing (a) the date and time of each "
            "sample call; (b) each provider named; and (c) each provider's answer.",
            campaigns=["StudentLoan-ForgivenessCenter"],
        ),
        _req(
            "All records of calls with calling number 206-555-0184 from September 1, 2025 to the present.",
            "2025-09-01",
            "2026-03-02",
            calling=["+12065550184"],
        ),
    ],
)

# 11. Pennsylvania: subpoena, 73 P.S. § 201-4, heading "REQUESTED DOCUMENTS" in a bordered table ------
doc(
    "pa_subpoena_bordered_table",
    """<html><head><style>body{font-family:'DejaVu Serif';font-size:10pt}
    table{border-collapse:collapse;width:100%} th,td{border:0.5pt solid #444;padding:3pt}</style></head><body>
    <p>COMMONWEALTH OF PENNSYLVANIA<br>OFFICE OF ATTORNEY GENERAL<br>Bureau of Consumer Protection<br>
    Strawberry Square, Harrisburg, PA 17120 · 717-787-9707</p>
    <h1 style="font-size:13pt">ADMINISTRATIVE SUBPOENA</h1>
    <p>Pursuant to 73 P.S. § 201-4, you are hereby commanded to produce the documents described below
    within ten (10) business days of service of this subpoena.</p>
    <p>Issued: May 4, 2026</p>
    <table><tr><th>Item</th><th>Documents requested</th></tr>
    <tr><td>1</td><td>All records of calls originating from 215-555-0138 or 215-555-0139 between March 1, 2026
    and April 30, 2026.</td></tr>
    <tr><td>2</td><td>All traceback records naming Cascabel Networks LLC.</td></tr></table>
    <p>Dated: May 4, 2026 · Senior Deputy Attorney General Lena Kraus · Tel. 717-705-1122</p></body></html>""",
    kind="subpoena",
    date_issued="2026-05-04",
    response_days=10,
    response_day_kind="business",
    issuing_authority="Bureau of Consumer Protection, Office of Attorney General",
    statute="73 P.S. § 201-4",
    requests=[
        _req(
            "All records of calls originating from 215-555-0138 or 215-555-0139 between March 1, 2026 and April "
            "30, 2026.",
            "2026-03-01",
            "2026-04-30",
            calling=["+12155550138", "+12155550139"],
        ),
        _req("All traceback records naming Cascabel Networks LLC.", providers=["Cascabel Networks LLC"]),
    ],
)

# 12. Colorado: CID, C.R.S. § 6-1-108, "Demand No." headings, "since" window -------------------------
doc(
    "co_cid_demand_no",
    """<html><head><style>body{font-family:'DejaVu Sans';font-size:10pt}</style></head><body>
    <p>COLORADO DEPARTMENT OF LAW<br>Consumer Protection Section<br>1300 Broadway, 7th Floor, Denver, CO 80203 ·
    720-508-6000</p>
    <h1>CIVIL INVESTIGATIVE DEMAND</h1>
    <p>Issued pursuant to C.R.S. § 6-1-108. The documents below must be produced no later than April 24, 2026.</p>
    <p>Date of issuance: March 24, 2026</p>
    <h2>DOCUMENTS DEMANDED</h2>
    <p>Demand No. 1. All records of calls to 303-555-0170 since October 1, 2025.</p>
    <p>Demand No. 2. All records of the AutoWarranty-FinalNotice campaign from June 1, 2025 to the present,
    including those naming Atom AMPD, LLC.</p>
    <p>Demand No. 3. Documents sufficient to identify the originating provider of calls from 720-555-0161.</p>
    <p>Signature: Eli Brooks, Senior Assistant Attorney General · 720-508-6211</p></body></html>""",
    kind="cid",
    date_issued="2026-03-24",
    return_date="2026-04-24",
    issuing_authority="Consumer Protection Section, Colorado Department of Law",
    statute="C.R.S. § 6-1-108",
    requests=[
        _req(
            "All records of calls to 303-555-0170 since October 1, 2025.",
            "2025-10-01",
            "2026-03-24",
            called=["+13035550170"],
        ),
        _req(
            "All records of the AutoWarranty-FinalNotice campaign from June 1, 2025 to the present, including "
            "those naming Atom AMPD, LLC.",
            "2025-06-01",
            "2026-03-24",
            providers=["Atom AMPD, LLC"],
            campaigns=["AutoWarranty-FinalNotice"],
        ),
        _req(
            "Documents sufficient to identify the originating provider of calls from 720-555-0161.",
            calling=["+17205550161"],
        ),
    ],
)

# 13. Minnesota: CID, Minn. Stat. § 8.31, requests numbered with a gap: nothing prefilled ------------
doc(
    "mn_cid_gap_in_numbers",
    """<html><head><style>body{font-family:'DejaVu Serif';font-size:11pt}</style></head><body>
    <p>OFFICE OF MINNESOTA ATTORNEY GENERAL<br>Consumer Protection Division<br>445 Minnesota Street, St. Paul,
    MN 55101 · (651) 296-3353</p>
    <h1>CIVIL INVESTIGATIVE DEMAND</h1>
    <p>Pursuant to Minn. Stat. § 8.31, produce the documents described below on or before June 12, 2026.</p>
    <p>Dated: May 12, 2026</p>
    <h2>DOCUMENTS REQUESTED</h2>
    <p>1. All records of calls from 612-555-0102 during 2026.</p>
    <p>2. All records of the Amazon-PrimeRenewal campaign.</p>
    <p>4. All records naming VoIP Route INC.</p>
    <p>Assistant Attorney General Nora Lind · (651) 757-1400</p></body></html>""",
    kind="cid",
    date_issued="2026-05-12",
    return_date="2026-06-12",
    issuing_authority="Consumer Protection Division, Office of Minnesota Attorney General",
    statute="Minn. Stat. § 8.31",
    requests=[],
    messages=["numbered"],
)

# 14. Virginia: subpoena duces tecum, Va. Code § 59.1-201.1, repeated numbers: nothing prefilled -----
doc(
    "va_subpoena_repeated_numbers",
    """<html><head><style>body{font-family:'DejaVu Sans';font-size:10pt}</style></head><body>
    <p>OFFICE OF THE ATTORNEY GENERAL OF VIRGINIA<br>Consumer Protection Section<br>202 North Ninth Street,
    Richmond, VA 23219 · (804) 786-2042</p>
    <h1>SUBPOENA DUCES TECUM</h1>
    <p>Pursuant to Va. Code § 59.1-201.1, you are commanded to produce the following documents within
    twenty (20) days of service.</p>
    <p>Issued: June 1, 2026</p>
    <h2>SPECIFICATIONS</h2>
    <p>1. All records of calls to 804-555-0133.</p>
    <p>2. All records of the Utility-Refund-2 campaign.</p>
    <p>2. All records naming Lexi voip.</p>
    <p>Contact: Sam Pike, Assistant Attorney General, (804) 786-0008</p></body></html>""",
    kind="subpoena",
    date_issued="2026-06-01",
    response_days=20,
    response_day_kind="calendar",
    issuing_authority="Consumer Protection Section, Office of the Attorney General of Virginia",
    statute="Va. Code § 59.1-201.1",
    requests=[],
    messages=["numbered"],
)

# 15. Georgia: subpoena, O.C.G.A. § 10-1-404, Attachment A as a list in the body, served date words ---
doc(
    "ga_subpoena_served_words",
    """<html><head><style>body{font-family:'DejaVu Serif Condensed';font-size:11pt}</style></head><body>
    <p style="text-align:center">STATE OF GEORGIA<br>OFFICE OF THE ATTORNEY GENERAL<br>Consumer Protection
    Division<br>2 Martin Luther King Jr. Drive, Atlanta, GA 30334 · 404-651-8600</p>
    <h1 style="text-align:center">INVESTIGATIVE SUBPOENA</h1>
    <p>By the authority of O.C.G.A. § 10-1-404, you are required to produce the documents described in
    Attachment A within fourteen (14) days after service.</p>
    <p>This subpoena was issued on July 6, 2026 and served on July 7, 2026.</p>
    <h2>ATTACHMENT A: DOCUMENTS REQUESTED</h2>
    <ol style="list-style-type:decimal"><li>All traceback records for calls displaying caller ID
    (404) 555-0119 between 05/01/2026 and 06/30/2026.</li>
    <li>All records for the Apple-iCloudBreach campaign during 2026.</li>
    <li>All traceback records naming 6x6 Termination Corporation (RMD0020186).</li></ol>
    <p>Questions: Investigator Ray Cole, (404) 458-3530.</p></body></html>""",
    kind="subpoena",
    date_issued="2026-07-06",
    date_served="2026-07-07",
    response_days=14,
    response_day_kind="calendar",
    issuing_authority="Consumer Protection Division, Office of the Attorney General",
    statute="O.C.G.A. § 10-1-404",
    requests=[
        _req(
            "All traceback records for calls displaying caller ID (404) 555-0119 between 05/01/2026 and "
            "06/30/2026.",
            "2026-05-01",
            "2026-06-30",
            calling=["+14045550119"],
        ),
        _req(
            "All records for the Apple-iCloudBreach campaign during 2026.",
            "2026-01-01",
            "2026-12-31",
            campaigns=["Apple-iCloudBreach"],
        ),
        _req(
            "All traceback records naming 6x6 Termination Corporation (RMD0020186).",
            providers=["6x6 Termination Corporation"],
        ),
    ],
)

# 16. Michigan: CID, MCL 445.907, letter body with requests in "Interrogatory"-free Request No. form --
doc(
    "mi_cid_long_instructions",
    """<html><head><style>body{font-family:'DejaVu Sans';font-size:9.5pt}</style></head><body>
    <p>STATE OF MICHIGAN<br>DEPARTMENT OF ATTORNEY GENERAL<br>Corporate Oversight Division<br>525 W. Ottawa
    Street, Lansing, MI 48933 · (517) 335-7622</p>
    <h1>CIVIL INVESTIGATIVE DEMAND</h1>
    <p>Pursuant to MCL 445.907, the Attorney General has reason to believe that persons have engaged in
    unlawful telephone solicitation. You are required to produce the documents below no later than
    August 14, 2026.</p>
    <p>Date issued: July 15, 2026</p>
    <h2>INSTRUCTIONS</h2>
    <p>1. Produce each document in its native format.</p><p>2. If you withhold a document, describe it.</p>
    <p>3. This demand is continuing.</p>
    <h2>REQUESTS</h2>
    <p>REQUEST NO. 1 — All traceback records for calls from 313-555-0172 between June 1, 2026 and July 1,
    2026.</p>
    <p>REQUEST NO. 2 — All records for the SSA-Benefits-P2 campaign naming BinaryPattern LLC.</p>
    <p>Please contact Assistant Attorney General Ivy Moss at (517) 335-0855 with any questions.</p>
    </body></html>""",
    kind="cid",
    date_issued="2026-07-15",
    return_date="2026-08-14",
    issuing_authority="Corporate Oversight Division, Department of Attorney General",
    statute="MCL 445.907",
    requests=[
        _req(
            "All traceback records for calls from 313-555-0172 between June 1, 2026 and July 1, 2026.",
            "2026-06-01",
            "2026-07-01",
            calling=["+13135550172"],
        ),
        _req(
            "All records for the SSA-Benefits-P2 campaign naming BinaryPattern LLC.",
            providers=["BinaryPattern LLC"],
            campaigns=["SSA-Benefits-P2"],
        ),
    ],
)
