"""The service navigation: which links a person sees, and which one is current.

A link is current ("page") on its own page and active ("true") on every other page of its URL
namespace, so a new route in an app's namespace is highlighted with no list to edit. Where a
namespace has several links (funding: rounds, applications, panels, assessments), a page belongs
to the one whose address is the longest start of its own (an application, /funding/applications/5/,
to Applications), and to the namespace's first link when none is (a page of its own, /funding/start/,
to Funding). Links name routes by string, so this shared module imports no app."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse

ShownTo = Literal["everyone", "signed_in", "signed_out"]


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    # Shown to a person with any of these permissions (to everyone it is shown_to when empty).
    perms: tuple[str, ...] = ()
    shown_to: ShownTo = "everyone"

    @property
    def namespace(self) -> str:
        return self.url_name.rpartition(":")[0]


NAVIGATION = (
    NavItem("actions:list", "Actions", perms=("actions.view_action",)),
    NavItem("actions:mine", "My actions", perms=("actions.change_action",)),
    NavItem("insights:list", "Insights", perms=("insights.view_insight",)),
    NavItem("connectors:coverage", "Community network", perms=("connectors.view_place",)),
    NavItem("actions:progress", "Progress"),
    NavItem("insights:public", "You said, we did"),
    NavItem("funding:rounds", "Funding"),
    NavItem("funding:applications", "Applications", perms=("funding.add_application", "funding.manage_applications")),
    NavItem("funding:panels", "Panels", perms=("funding.manage_applications",)),
    NavItem("funding:assessments", "Assessments", perms=("funding.assess_application",)),
    NavItem("board:dashboard", "Board", perms=("board.view_dashboard",)),
    NavItem("notifications:list", "Notifications", perms=("notifications.view_notification",)),
    NavItem("accounts:role_changes", "Role changes", perms=("accounts.view_rolechange",)),
    NavItem("notifications:preferences", "Email preferences", shown_to="signed_in"),
    NavItem("accounts:your_data", "Your data", shown_to="signed_in"),
    NavItem("account_login", "Sign in", shown_to="signed_out"),
)


@dataclass(frozen=True)
class NavLink:
    href: str
    label: str
    current: Literal["page", "true", ""]


def current_item(*, view_name: str, namespace: str, path: str) -> NavItem | None:
    """The link a page belongs to, shown or not (the highlight does not depend on who looks)."""
    for item in NAVIGATION:
        if item.url_name == view_name:
            return item
    if not namespace:
        return None
    in_namespace = [item for item in NAVIGATION if item.namespace == namespace]
    below = [item for item in in_namespace if path.startswith(reverse(item.url_name))]
    if below:
        return max(below, key=lambda item: len(reverse(item.url_name)))
    return in_namespace[0] if in_namespace else None


def _shown(item: NavItem, request: HttpRequest) -> bool:
    signed_in = request.user.is_authenticated
    if item.shown_to == "signed_in" and not signed_in:
        return False
    if item.shown_to == "signed_out" and signed_in:
        return False
    return not item.perms or any(request.user.has_perm(perm) for perm in item.perms)


def navigation_for(request: HttpRequest) -> list[NavLink]:
    match = request.resolver_match
    view_name = match.view_name if match else ""
    current = current_item(view_name=view_name, namespace=match.namespace if match else "", path=request.path)
    links = []
    for item in NAVIGATION:
        if not _shown(item, request):
            continue
        state: Literal["page", "true", ""] = ""
        if item is current:
            state = "page" if item.url_name == view_name else "true"
        links.append(NavLink(reverse(item.url_name), item.label, state))
    return links


def navigation(request: HttpRequest) -> dict[str, Callable[[], list[NavLink]]]:
    """The context processor: a callable, so a page that draws no navigation (an email, a
    fragment) asks nothing of the permissions."""
    return {"navigation": lambda: navigation_for(request)}
