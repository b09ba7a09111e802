"""Parsing helpers shared by the report tests."""
from __future__ import annotations

from html.parser import HTMLParser


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)


def parse_page(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


def assert_offline(page: _Page) -> None:
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe", "img", "object", "embed"), tag
        for name, value in attrs.items():
            if name in ("src", "href", "xlink:href", "action", "srcset"):
                assert value.startswith("#"), (tag, name, value)
            if name == "style":
                assert "url(" not in value
    assert "url(" not in page.style and "@import" not in page.style


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict, parent: Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element] = []
        self.parts: list[str] = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def find_all(self, tag: str | None = None, cls: str | None = None, id: str | None = None) -> list[Element]:
        found = []
        for child in self.children:
            if (tag is None or child.tag == tag) and (cls is None or cls in child.classes) and \
                    (id is None or child.attrs.get("id") == id):
                found.append(child)
            found.extend(child.find_all(tag, cls, id))
        return found

    def find(self, tag: str | None = None, cls: str | None = None, id: str | None = None) -> Element:
        found = self.find_all(tag, cls, id)
        assert found, (tag, cls, id)
        return found[0]


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Element("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        node = self.current
        while node is not None:  # an element's text includes its descendants'
            node.parts.append(data)
            node = node.parent


def parse_tree(text: str) -> Element:
    """The page as a tree of elements, each with its text (descendants' included)."""
    tree = _Tree()
    tree.feed(text)
    tree.close()
    return tree.root
