"""A bot message's text as safe HTML: Telegram's HTML subset kept, everything else escaped,
bare links made clickable (opening in a new tab), as a Telegram app shows them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markupsafe import Markup, escape

# Bare links, and paths of this site with two or more parts ("/pay/…": a shop without a
# public URL sends its pay page so; "/start" alone is a command, not a link).
URL = re.compile(r"(?:https?://|t\.me/)[^\s<>\"']+|(?<![\w/])/[\w.-]+/[^\s<>\"']+")
INVITE = re.compile(r"https://t\.me/\+[A-Za-z0-9_-]+")
INVOICE = re.compile(r"^https://t\.me/\$([A-Za-z0-9_-]+)$")
SAFE_HREF = re.compile(r"^(https?://|tg://|/(?!/))", re.IGNORECASE)
TRAILING = ".,;:!?)]'\""
SIMPLE = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
MARKDOWN_ESCAPE = re.compile(r"\\([_*\[\]()~`>#+\-=|{}.!\\])")


def _link(url: str, label: str | None = None) -> str:
    href = url if SAFE_HREF.match(url) else f"https://{url}"
    return (
        f'<a href="{escape(href)}" target="_blank" rel="noopener noreferrer">'
        f"{escape(label if label is not None else url)}</a>"
    )


def linkify(text: str) -> str:
    """Escape `text`, turning each bare URL into a link (trailing punctuation left outside)."""
    out, position = [], 0
    for match in URL.finditer(text):
        url = match.group(0).rstrip(TRAILING)
        out.append(str(escape(text[position : match.start()])))
        out.append(_link(url))
        position = match.start() + len(url)
    out.append(str(escape(text[position:])))
    return "".join(out)


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in SIMPLE:
            self._open(SIMPLE[tag], f"<{SIMPLE[tag]}>")
        elif tag == "a" and SAFE_HREF.match(values.get("href") or ""):
            href = escape(values.get("href") or "")
            self._open("a", f'<a href="{href}" target="_blank" rel="noopener noreferrer">')
        elif tag == "tg-spoiler" or (tag == "span" and values.get("class") == "tg-spoiler"):
            self._open("span", '<span class="spoiler">')

    def _open(self, name: str, markup: str) -> None:
        self.open.append(name)
        self.out.append(markup)

    def handle_endtag(self, tag: str) -> None:
        name = SIMPLE.get(tag) or ("span" if tag in ("tg-spoiler", "span") else tag)
        if name in self.open:
            while self.open:
                closing = self.open.pop()
                self.out.append(f"</{closing}>")
                if closing == name:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(str(escape(data)) if "a" in self.open else linkify(data))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{name}>" for name in reversed(self.open))


def render(text: str, parse_mode: str | None) -> Markup:
    """The text as the page shows it (line breaks are kept by the stylesheet)."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        sanitizer = _Sanitizer()
        sanitizer.feed(text)
        return Markup(sanitizer.result())  # noqa: S704 (built from escaped parts only)
    if mode in ("markdown", "markdownv2"):
        text = MARKDOWN_ESCAPE.sub(r"\1", text)
    return Markup(linkify(text))  # noqa: S704 (built from escaped parts only)


def invite_links(text: str) -> list[str]:
    return list(dict.fromkeys(INVITE.findall(text)))


def invoice_slug(url: str) -> str | None:
    match = INVOICE.match(url)
    return match.group(1) if match else None
