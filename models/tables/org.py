"""Tenants and the people in them: association, municipality, person, body, venue."""
from __future__ import annotations

from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class BodyKind(StrEnum):
    board = "board"
    general_meeting = "general_meeting"
    committee = "committee"
    network = "network"


class MemberRole(StrEnum):
    chair = "chair"
    deputy_chair = "deputy_chair"
    secretary = "secretary"
    member = "member"
    advisor = "advisor"


class Association(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=64)
    name: str = Field(max_length=200)
    mailbox_email: str = Field(max_length=254)
    timezone: str = Field(default="Europe/Amsterdam", max_length=64)


class Municipality(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("association_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="association.id", index=True)
    name: str = Field(max_length=200)


class Person(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("association_id", "email"),)
    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="association.id", index=True)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    name: str = Field(max_length=200)
    email: str = Field(max_length=254, description="normalised: trimmed and lower-cased")
    function: str = Field(default="", max_length=100, description="burgemeester, wethouder, griffier, ...")
    language: str = Field(default="nl", max_length=8)


class Body(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("association_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="association.id", index=True)
    kind: BodyKind
    name: str = Field(max_length=200)
    policy_json: str = Field(default="{}", description="duration overrides, e.g. {\"convocation_before\": \"7d\"}")


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("body_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: MemberRole = MemberRole.member
    portfolio: str = Field(default="", max_length=200)


class Venue(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("association_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="association.id", index=True)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    name: str = Field(max_length=200)
    address: str = Field(default="", max_length=300)


def normalise_email(raw: str) -> str:
    return raw.strip().lower()
