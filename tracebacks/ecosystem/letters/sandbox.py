"""Letter templates rendered in a sandbox: a few tags and filters, and only the letter's documented fields.

Django's template language is not a sandbox by itself: a template given a model instance can call its
methods and walk its relations. Here a template is parsed by an engine whose only library is the short
list below (no `load`, `include`, `extends`, `debug`, `autoescape` or `safe`), it is given plain data only
(dicts, tuples, strings, numbers, dates), and before anything is rendered every variable it names is
checked against the letter's schema: a name or attribute outside it is refused with the line and the
fields that exist. So a template either renders exactly the data the letter is about, or it is refused
with a message an administrator can act on, and nothing is saved or sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.template import Context, Engine, Library, TemplateSyntaxError, defaultfilters, defaulttags
from django.template.base import FilterExpression, Node, NodeList, TextNode, Variable, VariableNode
from django.template.defaulttags import FirstOfNode, ForNode, IfNode, WithNode
from django.utils.safestring import mark_safe

ALLOWED_TAGS = ("if", "for", "with", "comment", "firstof", "now", "spaceless")
ALLOWED_FILTERS = ("date", "default", "default_if_none", "pluralize", "join", "length", "upper", "lower",
                   "title", "capfirst", "yesno", "floatformat", "first", "last", "add")  # fmt: skip
MAX_TEMPLATE_CHARS = 20_000

LIBRARY = Library()
for _name in ALLOWED_TAGS:
    LIBRARY.tags[_name] = defaulttags.register.tags[_name]
for _name in ALLOWED_FILTERS:
    LIBRARY.filters[_name] = defaultfilters.register.filters[_name]

TEXT, DATE, NUMBER, FLAG = "text", "date", "number", "yes/no"
FORLOOP = {"counter": NUMBER, "counter0": NUMBER, "first": FLAG, "last": FLAG, "revcounter": NUMBER}


class TemplateRefused(Exception):
    """The template cannot be used; `messages` say why, each with its line where known."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class _Engine(Engine):
    """An engine with only the sandbox's library: no loaders, no other tag libraries, debug positions on."""

    def __init__(self) -> None:
        super().__init__(dirs=[], app_dirs=False, libraries={}, builtins=[], debug=True, autoescape=True,
                         loaders=[])  # fmt: skip
        self.template_builtins = [LIBRARY]
        self.template_libraries = {}


ENGINE = _Engine()


@dataclass
class _Walk:
    schema: dict
    errors: list[str]
    line: int = 0


def _fields(schema) -> str:
    if isinstance(schema, dict):
        return ", ".join(sorted(schema))
    return "none"


def _lookup(var: Variable, scope: dict, walk: _Walk) -> object:
    """The schema reached by `a.b.c`, or None after recording why it may not be used."""
    if var.lookups is None:  # a literal: "text" or 3
        return TEXT
    path = var.var
    node: object = scope
    for depth, bit in enumerate(var.lookups):
        if isinstance(node, list):
            if bit.isdigit():
                node = node[0]
                continue
            node = None
        elif isinstance(node, dict) and bit in node:
            node = node[bit]
            continue
        where = "the letter's data" if depth == 0 else ".".join(var.lookups[:depth])
        hint = _fields(scope if depth == 0 else node)
        if depth and not isinstance(node, dict | list):
            hint = f"none: {'.'.join(var.lookups[:depth])} is a {node}"
        walk.errors.append(f"Line {walk.line}: {{{{ {path} }}}} reaches for '{bit}', which {where} does not "
                           f"offer (fields available: {hint}).")  # fmt: skip
        return None
    return node


def _expression(fe, scope: dict, walk: _Walk) -> object:
    if not isinstance(fe, FilterExpression):
        return TEXT
    for _func, args in fe.filters:
        for is_var, arg in args:
            if is_var:
                _lookup(arg, scope, walk)
    return _lookup(fe.var, scope, walk) if isinstance(fe.var, Variable) else TEXT


def _condition(cond, scope: dict, walk: _Walk) -> None:
    if cond is None:
        return
    if isinstance(getattr(cond, "value", None), FilterExpression):
        _expression(cond.value, scope, walk)
    for part in (getattr(cond, "first", None), getattr(cond, "second", None)):
        if part is not None:
            _condition(part, scope, walk)


def _nodes(nodelist: NodeList, scope: dict, walk: _Walk) -> None:
    for node in nodelist:
        _node(node, scope, walk)


def _node(node: Node, scope: dict, walk: _Walk) -> None:
    if getattr(node, "token", None) is not None and node.token.lineno:
        walk.line = node.token.lineno
    if isinstance(node, TextNode):
        for opening, closing in (("{{", "}}"), ("{%", "%}")):
            if opening in node.s:
                walk.errors.append(
                    f"Line {walk.line}: '{opening}' is never closed by '{closing}' on the same line."
                )
    elif isinstance(node, VariableNode):
        _expression(node.filter_expression, scope, walk)
    elif isinstance(node, ForNode):
        seq = _expression(node.sequence, scope, walk)
        inner = dict(scope, forloop=FORLOOP)
        item = seq[0] if isinstance(seq, list) else None
        if seq is not None and not isinstance(seq, list):
            walk.errors.append(
                f"Line {walk.line}: {{% for %}} needs a list; {node.sequence.token} is not one."
            )
        for name in node.loopvars:
            inner[name] = item if item is not None else TEXT
        _nodes(node.nodelist_loop, inner, walk)
        _nodes(node.nodelist_empty, scope, walk)
    elif isinstance(node, WithNode):
        inner = dict(scope)
        for name, fe in node.extra_context.items():
            inner[name] = _expression(fe, scope, walk) or TEXT
        _nodes(node.nodelist, inner, walk)
    elif isinstance(node, IfNode):
        for cond, nodelist in node.conditions_nodelists:
            _condition(cond, scope, walk)
            _nodes(nodelist, scope, walk)
    else:
        if isinstance(node, FirstOfNode):
            for fe in node.vars:
                _expression(fe, scope, walk)
        for attr in node.child_nodelists:
            _nodes(getattr(node, attr, None) or [], scope, walk)


def _syntax_message(error: TemplateSyntaxError) -> str:
    debug = getattr(error, "template_debug", None) or {}
    text = str(error)
    allowed = f"letter templates may use the tags {', '.join(ALLOWED_TAGS)} and the filters {', '.join(ALLOWED_FILTERS)}."
    if tag := re.search(r"Invalid block tag on line \d+: '([^']+)'", text):
        text = f"the tag {{% {tag.group(1)} %}} is not allowed: {allowed}"
    elif name := re.search(r"Invalid filter: '([^']+)'", text):
        text = f"the filter |{name.group(1)} is not allowed: {allowed}"
    return f"Line {debug['line']}: {text}" if debug.get("line") else text


def compile_template(source: str, schema: dict):
    """The parsed template, or TemplateRefused with every problem found (syntax, tags, fields)."""
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateRefused(
            [f"The template is {len(source)} characters long; the limit is {MAX_TEMPLATE_CHARS}."]
        )
    try:
        template = ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        raise TemplateRefused([_syntax_message(error)]) from None
    walk = _Walk(schema, [])
    _nodes(template.nodelist, schema, walk)
    if walk.errors:
        raise TemplateRefused(walk.errors)
    return template


def render_text(source: str, schema: dict, data: dict) -> str:
    """The template rendered over plain data (HTML-escaped text), after the schema check."""
    template = compile_template(source, schema)
    try:
        return template.render(Context(data, autoescape=True))
    except Exception as error:  # a filter given a value it cannot take: refuse, naming it
        raise TemplateRefused([f"The template could not be rendered: {error}"]) from None


def paragraphs(escaped_text: str) -> str:
    """Rendered (already escaped) text as HTML: blank lines part paragraphs, newlines break lines, and a run
    of lines that begin with "- " is a bulleted list."""
    out = []
    for block in escaped_text.replace("\r\n", "\n").split("\n\n"):
        lines, items = [], []
        for line in [x.strip() for x in block.strip().split("\n") if x.strip()] + [""]:
            if line.startswith("- "):
                items.append(line[2:].strip())
                continue
            if items:
                out.append(_p(lines) + "<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>")
                lines, items = [], []
            if line:
                lines.append(line)
        out.append(_p(lines))
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703 - escaped by the sandbox autoescape


def _p(lines: list[str]) -> str:
    return f"<p>{'<br>'.join(lines)}</p>" if lines else ""
