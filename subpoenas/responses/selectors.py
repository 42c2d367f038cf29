"""Reads of the responses feature, scoped through `cases.access`."""

from __future__ import annotations

from dataclasses import dataclass

from cases.access import can_see_case
from subpoenas.responses.models import IssuedDocument


@dataclass(frozen=True)
class IssuedDocumentView:
    """What the verification page may say about a matching document to this user.

    Anyone holding the file learns that the ITG issued it, which kind, when, and (if it has them) its Bates
    range: all printed on the document itself. The demand it answers, and a link to it, only for a user
    who may see the demand's case: a confidential demand's existence is not disclosed by an upload.
    """

    document: IssuedDocument
    demand: object | None

    @property
    def demand_url(self) -> str:
        return self.demand.get_absolute_url() if self.demand is not None else ""


def issued_document_view_for(user, document: IssuedDocument | None) -> IssuedDocumentView | None:
    if document is None:
        return None
    demand = getattr(document, "demand", None)
    if demand is not None and not can_see_case(user, demand.case):
        demand = None
    return IssuedDocumentView(document, demand)
