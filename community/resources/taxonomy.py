"""Our taxonomy: the kinds of help and the conditions a resource serves. The ids are fixed
here for good (HSDS links attributes to terms by id), so a package exported today still
names the same terms when it is imported next year. Codes are what URLs and the API use
(`?category=crisis-line&condition=crps`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

KIND, CONDITION = "kind", "condition"
TAXONOMY_ID = uuid.UUID("6a1f3c52-3d0e-4c8f-9b57-2f0f5e2b7c10")
TAXONOMY_NAME = "Common Ground resource taxonomy"
_NAMESPACE = uuid.UUID("0b5cf4a4-8a0a-4f43-8f3e-6f2a1f54d0c1")


@dataclass(frozen=True)
class Term:
    vocabulary: str
    code: str
    name: str
    description: str

    @property
    def id(self) -> uuid.UUID:
        return uuid.uuid5(_NAMESPACE, f"{self.vocabulary}:{self.code}")


KINDS = (
    Term(KIND, "advocacy", "Advocacy", "Speaking up for people with pain: awareness, policy and rights."),
    Term(KIND, "support-groups", "Support groups", "Peer support, in person or online."),
    Term(KIND, "crisis-line", "Crisis lines", "Someone to talk to now, by phone or text."),
    Term(KIND, "caregivers", "Caregivers", "Help for the people who care for someone in pain."),
    Term(KIND, "financial-legal", "Financial and legal help", "Insurance, benefits, costs and rights."),
    Term(KIND, "education-research", "Education and research", "Reliable information and research."),
    Term(KIND, "clinical-pain-services", "Pain services", "Clinics and services that treat pain."),
)
CONDITIONS = (
    Term(CONDITION, "chronic-pain", "Chronic pain", ""),
    Term(CONDITION, "crps", "CRPS", "Complex regional pain syndrome."),
    Term(CONDITION, "neuropathic-pain", "Neuropathic pain", "Including peripheral neuropathy."),
    Term(CONDITION, "fibromyalgia", "Fibromyalgia", ""),
    Term(CONDITION, "cancer-pain", "Cancer pain", ""),
    Term(CONDITION, "arthritis", "Arthritis", ""),
    Term(CONDITION, "back-pain", "Back pain", ""),
    Term(CONDITION, "mental-health", "Mental health", "Including suicide prevention."),
)
TERMS = KINDS + CONDITIONS
BY_CODE = {term.code: term for term in TERMS}
# Older codes people (and the seed file) use for a term.
ALIASES = {"neuropathy": "neuropathic-pain"}


def term_for(code: str) -> Term | None:
    code = (code or "").strip().lower()
    return BY_CODE.get(ALIASES.get(code, code))
