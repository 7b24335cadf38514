"""Read a form out of a rendered page and submit it as a browser would: each named input with
its value, each select's selected option (or its first), ticked boxes only, and the one
button pressed. Tests that post "what the page offers" use this rather than typing fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class RenderedForm:
    action: str
    attrs: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # name, value, text
    options: list[tuple[str, str]] = field(default_factory=list)  # selects' and radios' choices
    # The select and button being read.
    _select: str | None = None
    _options: list[tuple[str, bool]] = field(default_factory=list)
    _button: list[str] | None = None

    def data(self, press: str | None = None, **overrides: str) -> dict[str, str | list[str]]:
        """What the browser sends when the button whose text or value is `press` is clicked;
        `overrides` are what the user typed or chose."""
        sent: dict[str, str | list[str]] = {}
        for name, value in self.fields:
            if name in sent:
                previous = sent[name]
                sent[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                sent[name] = value
        if press is not None:
            matches = [b for b in self.buttons if press in (b[1], b[2])]
            assert matches, f"no button {press!r} in the form; it has {self.buttons}"
            name, value, _ = matches[0]
            if name:
                sent[name] = value
        sent.update(overrides)
        return sent

    def option_values(self, name: str) -> list[str]:
        return [value for n, value in self.options if n == name]


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[RenderedForm] = []
        self.current: RenderedForm | None = None
        self.outside_inputs: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        form = self.current
        if tag == "form":
            self.current = RenderedForm(action=attrs.get("action", ""), attrs=attrs)
            self.forms.append(self.current)
            return
        if tag == "input" and "form" in attrs:
            self.outside_inputs.append(attrs)
            return
        if form is None:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            name = attrs.get("name")
            if not name or kind in {"submit", "button", "image", "reset"}:
                if kind == "submit":
                    form.buttons.append(
                        (name or "", attrs.get("value", ""), attrs.get("value", ""))
                    )
                return
            if kind == "radio":
                form.options.append((name, attrs.get("value", "")))
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            form.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            form._select = attrs.get("name")
            form._options = []
        elif tag == "option" and form._select:
            form._options.append((attrs.get("value", ""), "selected" in attrs))
            form.options.append((form._select, attrs.get("value", "")))
        elif tag == "textarea" and attrs.get("name"):
            form.fields.append((attrs["name"], ""))
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            form._button = [attrs.get("name", ""), attrs.get("value", ""), ""]

    def handle_data(self, data: str) -> None:
        if self.current is not None and self.current._button is not None:
            self.current._button[2] += data

    def handle_endtag(self, tag: str) -> None:
        form = self.current
        if form is None:
            return
        if tag == "select" and form._select:
            chosen = [v for v, selected in form._options if selected] or [
                v for v, _ in form._options[:1]
            ]
            if chosen:
                form.fields.append((form._select, chosen[0]))
            form._select = None
        elif tag == "button" and form._button is not None:
            name, value, text = form._button
            form.buttons.append((name, value, text.strip()))
            form._button = None
        elif tag == "form":
            self.current = None


def forms_in(html: str) -> list[RenderedForm]:
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


def form_posting_to(html: str, action: str) -> RenderedForm:
    """The page's form whose action is `action`."""
    found = [form for form in forms_in(html) if form.action == action]
    assert found, f"the page has no form posting to {action}"
    return found[0]
