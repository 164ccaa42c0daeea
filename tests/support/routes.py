"""Every named route in the URLconf, read from Django's resolver, for tests that must cover all of them."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", as reverse() takes it
    pattern: str
    params: tuple[str, ...]
    module: str  # where the view is written: "allauth.account.views", "funding.views"...


def _walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str, params: tuple[str, ...]):
    for entry in patterns:
        own = tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner, params + own)
        elif entry.name:
            module = getattr(entry.callback, "__module__", "") or ""
            yield Route(f"{namespace}{entry.name}", prefix + str(entry.pattern), params + own, module)


def named_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", "", ()))
