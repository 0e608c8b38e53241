"""Documents known by their content: title, organisation, period and kind derived from the text of their first
pages (see :func:`ingest.identity.identify.identify`)."""

from ingest.identity.identify import KINDS, DocumentIdentity, identify

__all__ = ["KINDS", "DocumentIdentity", "identify"]
