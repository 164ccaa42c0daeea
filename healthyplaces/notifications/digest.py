"""The progress digest's sections come from the apps through this registry, so this module (and
the digest it builds) imports no app. An app registers a builder in its AppConfig.ready():

    @register_digest_section("actions", order=10)
    def actions_section(period: DigestPeriod) -> DigestSection | None: ...

A builder returns None when it has nothing to say for the period; an empty digest is not sent.
Counts about communities (insights, people reached, conversations, responses) go through the
small-numbers rule (healthyplaces.core.disclosure) unless period.exact_counts says the recipient
is an officer or programme admin."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DigestPeriod:
    start: datetime.datetime
    end: datetime.datetime
    # Whom the sections are built for: officers and programme admins get exact small counts.
    exact_counts: bool = False


@dataclass(frozen=True)
class DigestSection:
    title: str
    # Base name of the section's templates: <template>.txt and <template>.html, each rendered with
    # `section` in its context.
    template: str
    context: dict[str, Any] = field(default_factory=dict)


DigestSectionBuilder = Callable[[DigestPeriod], DigestSection | None]

_builders: dict[str, tuple[int, DigestSectionBuilder]] = {}


def register_digest_section(key: str, *, order: int) -> Callable[[DigestSectionBuilder], DigestSectionBuilder]:
    def register(builder: DigestSectionBuilder) -> DigestSectionBuilder:
        _builders[key] = (order, builder)
        return builder

    return register


def registered_section_keys() -> list[str]:
    return [key for key, _ in sorted(_builders.items(), key=lambda item: item[1][0])]


def build_digest_sections(period: DigestPeriod) -> list[DigestSection]:
    built = (_builders[key][1](period) for key in registered_section_keys())
    return [section for section in built if section is not None]
