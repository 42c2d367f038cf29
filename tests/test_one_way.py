"""Checks that keep one way to do each thing (issue 14 item 6), read from the source with `ast`.

- A view or API module never queries a case-owned model itself (`Model.objects…`, `get_object_or_404(Model…)`):
  it reads through the access layer (`cases.access`) and the app's selectors, which scope by the case.
- Every audit row names a member of `itg.audit.actions.Action`, never a bare or formatted string.
- One rule says which phone numbers are valid (`tracebacks.phones`): no other module asks `phonenumbers`.
- Every admin the portal registers is an `itg.admin_site.ReadOnlyAdmin` (its inlines `ReadOnlyInline`).
- A view or API module does not catch a service's PermissionDenied, ValidationError or StaleState only to raise
  DRF's own again (`itg.api_errors` maps them: 403, 400, 409), and `itg.errors.StaleState` is the one stale error.
- A task is queued after commit through `itg.tasks.enqueue_on_commit`, never a hand-written
  `transaction.on_commit(lambda: task.delay(…))`.
- A response version's status and a hop's answer are written only by their workflow module's compare-and-set
  (`subpoenas.responses.workflow.move`, `tracebacks.workflow.hop_move`).
"""

from __future__ import annotations

import ast
from functools import partial
from pathlib import Path

from django.apps import apps
from django.db.models import ForeignKey, OneToOneField

ROOT = Path(__file__).resolve().parent.parent
APPS = ("itg", "cases", "subpoenas", "tracebacks", "providers")
# Objects routed to offices rather than owned by a case: scoped by cases.access.routed_to_office.
ROUTED = {"Alert", "AlertRecipient"}


def _reaches_case(model, depth: int = 4) -> bool:
    if model._meta.label_lower == "cases.case":
        return True
    if depth == 0:
        return False
    return any(
        isinstance(field, ForeignKey | OneToOneField) and _reaches_case(field.related_model, depth - 1)
        for field in model._meta.get_fields()
        if field.concrete and field.related_model is not None and field.related_model is not model
    )


def case_owned_models() -> set[str]:
    """The class names of every model that belongs to a case through its foreign keys (and the routed ones)."""
    return {m.__name__ for m in apps.get_models() if _reaches_case(m)} | ROUTED


def view_modules() -> list[Path]:
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = set(path.parts)
            if "migrations" in parts or "tests" in parts:
                continue
            name = path.stem
            if name in {"views", "api"} or name.endswith("_views") or parts & {"views", "api"}:
                found.append(path)
    return sorted(found)


def direct_queries(source: str, models: set[str]) -> list[int]:
    """Lines where the source queries one of `models` without a selector: `X.objects` or get_object_or_404(X)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_base_manager", "_default_manager"}:
            if isinstance(node.value, ast.Name) and node.value.id in models:
                lines.append(node.lineno)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in {
            "get_object_or_404",
            "get_list_or_404",
        }:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Name) and first.id in models:
                lines.append(node.lineno)
    return sorted(lines)


def test_the_case_owned_models_are_found():
    models = case_owned_models()
    assert {"Case", "CaseMessage", "MessageAttachment", "LegalDemand", "DemandDocument", "DemandRequest",
            "Response", "EvidenceLink", "Alert"} <= models  # fmt: skip
    assert not {"User", "Office", "Provider", "Traceback", "Hop"} & models


def test_the_check_catches_a_view_that_queries_a_demand_itself():
    source = (
        "def get(request, pk):\n"
        "    demand = LegalDemand.objects.get(pk=pk)\n"
        "    doc = get_object_or_404(DemandDocument, pk=1)\n"
        "    user = User.objects.get(pk=1)\n"
    )
    assert direct_queries(source, case_owned_models()) == [2, 3]


def test_no_view_or_api_module_queries_a_case_owned_model_without_the_access_layer():
    models = case_owned_models()
    modules = view_modules()
    assert ROOT / "subpoenas" / "api" / "views.py" in modules and ROOT / "cases" / "views.py" in modules
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in modules
        for line in direct_queries(path.read_text(encoding="utf-8"), models)
    ]
    assert offenders == [], "read these through cases.access or the app's selectors"


def app_modules() -> list[Path]:
    """Every module of the apps, migrations aside."""
    return [p for app in APPS for p in sorted((ROOT / app).rglob("*.py")) if "migrations" not in p.parts]


def offenders_in(paths: list[Path], find) -> list[str]:
    """`path:line` for each line `find(source)` reports in each of `paths`."""
    return [f"{p.relative_to(ROOT)}:{line}" for p in paths for line in find(p.read_text(encoding="utf-8"))]


def modules_saying(*words: str) -> list[str]:
    """The app modules whose source has any of `words`."""
    return [
        str(p.relative_to(ROOT))
        for p in app_modules()
        if any(w in p.read_text(encoding="utf-8") for w in words)
    ]


def calls_named(source: str, name: str) -> list[ast.Call]:
    """The calls of a function or method called `name` (`name(…)` or `x.name(…)`)."""
    return [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == name
    ]


def bare_actions(source: str) -> list[int]:
    """Lines of `record(action=…)` calls whose action is a literal or formatted string."""
    return [
        call.lineno
        for call in calls_named(source, "record")
        for keyword in call.keywords
        if keyword.arg == "action" and isinstance(keyword.value, ast.Constant | ast.JoinedStr)
    ]


def test_every_audit_action_comes_from_the_enumeration():
    assert bare_actions('record(action="demand.viewed", by=u)\nrecord(action=f"demand.{a}")\n') == [1, 2]
    assert bare_actions("record(action=Action.DEMAND_VIEWED, by=u)\n") == []
    assert offenders_in(app_modules(), bare_actions) == []


def hand_queued_tasks(source: str) -> list[int]:
    """Lines of `on_commit(…)` calls that queue a task themselves (a `.delay` anywhere in their arguments)."""
    return [
        call.lineno
        for call in calls_named(source, "on_commit")
        if any(isinstance(n, ast.Attribute) and n.attr == "delay" for arg in call.args for n in ast.walk(arg))
    ]


def test_tasks_are_queued_on_commit_through_one_helper():
    assert hand_queued_tasks(
        "transaction.on_commit(lambda: t.delay(1))\non_commit(partial(t.delay, 1))\non_commit(send)\n"
    ) == [1, 2]
    modules = [p for p in app_modules() if p != ROOT / "itg" / "tasks.py"]
    assert offenders_in(modules, hand_queued_tasks) == [], (
        "queue it with itg.tasks.enqueue_on_commit(task, *args)"
    )


def test_one_rule_says_which_phone_numbers_are_valid():
    from django.core.exceptions import ValidationError

    from tracebacks.phones import e164, to_e164

    assert modules_saying("is_valid_number", "is_possible_number") == ["tracebacks/phones.py"]
    assert e164("(202) 555-0143") == to_e164("202-555-0143") == "+12025550143"
    assert e164("011 44 20 7946 0958") == to_e164("+44 20 7946 0958") == "+442079460958"
    # possible but not valid (an exchange cannot start with 0): refused by every caller alike
    assert e164("+1 202 055 0143") is None
    try:
        to_e164("+1 202 055 0143", field="calling_number")
    except ValidationError as error:
        assert error.message_dict == {
            "calling_number": ["“+1 202 055 0143” is not a valid phone number (check the area code and the "
                               "digit count)."]
        }  # fmt: skip
    else:
        raise AssertionError("a number that is not valid was accepted")


def test_every_admin_of_the_portal_is_the_one_read_only_base():
    from django.contrib import admin

    from itg.admin_site import ReadOnlyAdmin, ReadOnlyInline

    ours = [m for m in admin.site._registry.values() if type(m).__module__.split(".")[0] in APPS]
    assert len(ours) >= 15
    assert [type(m).__name__ for m in ours if not isinstance(m, ReadOnlyAdmin)] == []
    inlines = [i for m in ours for i in m.inlines]
    assert inlines and [i.__name__ for i in inlines if not issubclass(i, ReadOnlyInline)] == []


def re_raised(source: str) -> list[int]:
    """Lines of `except <PermissionDenied|ValidationError|StaleState>:` handlers that raise a DRF copy of it."""
    caught = {
        "PermissionDenied",
        "DjangoPermissionDenied",
        "ValidationError",
        "DjangoValidationError",
        "StaleState",
    }
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ExceptHandler) or node.type is None:
            continue
        types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        names = {getattr(t, "id", getattr(t, "attr", "")) for t in types}
        raised = [n.exc for n in node.body if isinstance(n, ast.Raise) and isinstance(n.exc, ast.Call)]
        if names & caught and any(getattr(r.func, "id", getattr(r.func, "attr", "")) in caught | {
            "APIValidationError"} for r in raised):  # fmt: skip
            lines.append(node.lineno)
    return lines


def test_views_leave_the_mapping_of_service_errors_to_one_handler():
    assert re_raised(
        "try:\n    f()\nexcept DjangoPermissionDenied as e:\n    raise PermissionDenied(str(e)) from None\n"
        "try:\n    f()\nexcept ValueError as e:\n    raise ValidationError(str(e))\n"
    ) == [3]
    assert offenders_in(view_modules(), re_raised) == [], "let itg.api_errors map it"
    assert modules_saying("class StaleState") == ["itg/errors.py"]


# The state of a response version and of a hop has one writer each: the workflow module's compare-and-set.
STATE_WRITERS = {
    # model, its state field, the related names that reach it: the one module allowed to write it
    ("Response", "status", "responses"): "subpoenas/responses/workflow.py",
    ("Hop", "answer", "hops"): "tracebacks/workflow.py",
}


def _receiver_root(node: ast.AST) -> ast.AST:
    """The start of a chain such as `Response.objects.filter(…).update`: the `Response` (or `demand`)."""
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _names_in_chain(node: ast.AST) -> set[str]:
    names = set()
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
        node = node.func if isinstance(node, ast.Call) else node.value
    return names


def _lists_field(node: ast.AST | None, field: str) -> bool:
    return isinstance(node, ast.List | ast.Tuple | ast.Set) and any(
        isinstance(e, ast.Constant) and e.value == field for e in node.elts
    )


def state_writes(source: str, model: str, field: str, related: str) -> list[int]:
    """Lines that write `model.field` in a module that imports `model`: a queryset `update(field=…)` or
    `create(field=…)` on `model` (its manager, a related manager named `related`, or a queryset kept in a
    variable), `Model(field=…)`, `save(update_fields=[…field…])`, `bulk_update(…, [field])`, or an
    assignment `<hop or response>.field = …` (the usual idiom before a save)."""
    tree = ast.parse(source)
    imported = any(
        isinstance(n, ast.ImportFrom) and n.module and n.module.endswith("models") and
        any(a.name == model for a in n.names)
        for n in ast.walk(tree)
    )  # fmt: skip
    if not imported:
        return []
    return sorted({node.lineno for node in ast.walk(tree) if _writes(node, model, field, related)})


def _writes(node: ast.AST, model: str, field: str, related: str) -> bool:
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        flat = [t for target in targets for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
        return any(
            isinstance(t, ast.Attribute) and t.attr == field and isinstance(t.value, ast.Name)
            and model.lower() in t.value.id.lower()
            for t in flat
        )  # fmt: skip
    if not isinstance(node, ast.Call):
        return False
    keywords = {k.arg for k in node.keywords}
    name = getattr(node.func, "attr", getattr(node.func, "id", ""))
    if name in {"update", "create", "get_or_create", "update_or_create"} and field in keywords:
        root, chain = _receiver_root(node.func), _names_in_chain(node.func)
        if isinstance(root, ast.Name) and root.id[:1].isupper():
            return root.id == model  # `Response.objects…`, never another model's manager
        return related in chain or "objects" not in chain  # `demand.responses…`, a queryset in a variable
    if name == "save":
        return any(k.arg == "update_fields" and _lists_field(k.value, field) for k in node.keywords)
    if name == "bulk_update":
        return any(_lists_field(a, field) for a in node.args[1:2])
    return name == model and field in keywords


def test_the_check_catches_a_response_status_or_hop_answer_written_outside_its_workflow():
    source = (
        "from subpoenas.responses.models import Response\n"
        "Response.objects.filter(pk=1, status='failed').update(status='queued')\n"
        "demand.responses.filter(status='signed').update(status='delivered')\n"
        "claimable = Response.objects.filter(pk=1)\n"
        "claimable.update(status='rendering')\n"
        "response.status = 'signed'\n"
        "response.save(update_fields=['status', 'error'])\n"
        "Response.objects.bulk_update(rows, ['status'])\n"
        "Response.objects.create(demand=d, status='signed')\n"
        "LegalDemand.objects.filter(pk=1).update(status='closed')\n"
        "Response.objects.filter(pk=1).update(progress=5)\n"
        "demand.status = 'delivered'\n"
    )
    assert state_writes(source, "Response", "status", "responses") == [2, 3, 5, 6, 7, 8, 9]
    hops = "from tracebacks.models import Hop\nhop.answer = 'refused'\nHop.objects.filter(pk=1).update(answer='pending')\n"
    assert state_writes(hops, "Hop", "answer", "hops") == [2, 3]
    assert state_writes(hops.replace("Hop\n", "Traceback\n", 1), "Hop", "answer", "hops") == []


def test_a_response_status_and_a_hop_answer_are_written_only_by_their_workflow_module():
    for (model, field, related), writer in STATE_WRITERS.items():
        found = partial(state_writes, model=model, field=field, related=related)
        assert found((ROOT / writer).read_text(encoding="utf-8")) != [], f"the check does not see {writer}"
        others = [p for p in app_modules() if p != ROOT / writer]
        assert offenders_in(others, found) == [], (
            f"write {model}.{field} through {writer} (its compare-and-set)"
        )
