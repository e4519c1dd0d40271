"""Telegram's HTML subset, checked when a broadcast is saved (not when 100,000 sends fail)."""

from __future__ import annotations

from html.parser import HTMLParser

ALLOWED = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "blockquote", "tg-spoiler", "tg-emoji", "span",
}  # fmt: skip


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.problem = self.problem or f"<{tag}> is not a tag Telegram formats"
        elif tag == "a" and not dict(attrs).get("href"):
            self.problem = self.problem or "<a> needs an href"
        elif tag == "span" and dict(attrs).get("class") != "tg-spoiler":
            self.problem = self.problem or '<span> needs class="tg-spoiler"'
        self.open.append(tag)

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.problem = self.problem or "a bare < or > (write &lt; or &gt;)"

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problem = self.problem or f"</{tag}> closes no open <{tag}>"
            return
        self.open.pop()


def html_problem(text: str) -> str | None:
    """What Telegram would refuse in `text` (parse_mode HTML), or None."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    if checker.problem is None and checker.open:
        return f"<{checker.open[-1]}> is never closed"
    return checker.problem
