"""Converting WordPress markup: a post's body into a Newsroom story body, a comment into text.

`wordpress_body_to_html` mirrors what WordPress does when it shows a post (block comments,
auto-paragraphs, shortcodes, captions, embeds), then keeps only the editor's allow-list
(`articles/sanitize.py`). The importer converts each body on its own, inside that post's
transaction, so a body that cannot be converted rolls back that post alone.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable

import nh3

from articles.sanitize import clean_body
from newsroom.wordpress.export import WxrError


def wordpress_comment_to_text(content: str) -> str:
    """Comment HTML as WordPress stored it → the plain text Newsroom keeps for comments."""
    text = nh3.clean(content.replace("\r\n", "\n"), tags=set()) if "<" in content else content
    return html.unescape(text).strip()


# Bodies ------------------------------------------------------------------------------------
#
# Every pattern below avoids unbounded backtracking: tags are matched with [^<>]* (a stray
# "<" ends the attempt instead of rescanning the rest of the body) and paired elements are
# found by splitting, because a body is untrusted and up to `wxr.MAX_TEXT_CHARS` long.

_WS = r"[ \t\n\r\f\v]"  # PHP's \s: WordPress never treats a non-breaking space as a break
_BLOCK_COMMENT = re.compile(r"<!--" + _WS + r"*/?wp:[^<>]*?-->")
_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|"
    r"form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|"
    r"aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_SHORTCODE = re.compile(r"\[(/?)([A-Za-z][\w-]*)((?:[ \t\n\r/][^\[\]]*)?)\]")
_CAPTION_SHORTCODES = {"caption", "wp_caption"}
# Core WordPress media shortcodes: what they show cannot be rebuilt from the export.
_MEDIA_SHORTCODES = {"gallery", "playlist", "video", "audio"}
_URL = re.compile(r"https?://[^\s<>\"'\[\]]+")
_IMG = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)
_EMPTY_LINK = re.compile(r"<a\b[^<>]*>" + _WS + r"*</a>", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:" + _WS + r"|&nbsp;|\xa0|<br>)*</p>")
# html5ever (inside nh3) slows down quadratically on deeply nested elements: 20,000 nested
# <div>s take seconds, 100,000 minutes. No WordPress body nests even a hundred deep.
MAX_BODY_DEPTH = 200
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^<>]*>")
# Elements that never nest in practice (a new one closes the last) or cannot hold content.
_FLAT_ELEMENTS = {
    "p",
    "li",
    "dt",
    "dd",
    "tr",
    "td",
    "th",
    "option",
    "br",
    "hr",
    "img",
    "input",
    "meta",
    "link",
    "source",
    "track",
    "wbr",
    "col",
    "area",
    "base",
    "embed",
    "param",
}
_TRAILING_BREAK = re.compile(r"<br>" + _WS + r"*</p>")
_BLANK_LINES = re.compile(r"\n" + _WS + r"*\n")


def wordpress_body_to_html(content: str) -> str:
    """Turn a post's `content:encoded` into a Newsroom story body.

    Mirrors what WordPress does when it shows a post, then keeps only the editor's
    allow-list:

    - block-editor posts (`<!-- wp:… -->` comments) lose the comments and keep their HTML;
      WordPress does not auto-paragraph those, and neither do we;
    - classic posts get WordPress's auto-paragraphs (`wpautop`): blank lines make paragraphs,
      single newlines make line breaks;
    - images are not part of a story body in Newsroom, so `[caption]` shortcodes and
      `<figure>` blocks keep their caption as an italic paragraph (it often carries facts and
      a credit, and shows the editor where a picture stood) and lose the image;
    - `[embed]URL[/embed]` and embed blocks become a paragraph linking to the URL; galleries,
      video, audio and playlists are dropped; any other shortcode loses its brackets but keeps
      the text it wraps, since plugin shortcodes (boxes, pull quotes) wrap words readers saw.
      A lone `[word]` without attributes stays as typed: newsrooms write "[sic]" and
      "[the minister]" inside quotes, and WordPress itself shows unknown shortcodes as text;
    - h1 becomes h2, h5 and h6 become h4, the levels the editor offers.

    Raises WxrError for a body nested deeper than `MAX_BODY_DEPTH`, which would stall the
    HTML cleaner; the importer lists that post as failed and goes on.
    """
    if not content or not content.strip():
        return ""
    is_block_post = "<!-- wp:" in content
    if is_block_post:
        content = _BLOCK_COMMENT.sub("", content)
    content = _replace_shortcodes(content)
    content = _replace_figures(content)
    if not is_block_post:
        content = wpautop(content)
    content = re.sub(r"<(/?)h1\b", r"<\1h2", content, flags=re.IGNORECASE)
    content = re.sub(r"<(/?)h[56]\b", r"<\1h4", content, flags=re.IGNORECASE)
    # Wrapper divs (block groups, columns, pasted layouts) would leave their text outside any
    # paragraph once cleaned; as paragraphs, html5ever's nesting rules flatten them.
    content = re.sub(r"<div\b[^<>]*>", "<p>", content, flags=re.IGNORECASE)
    content = re.sub(r"</div" + _WS + r"*>", "</p>", content, flags=re.IGNORECASE)
    _check_depth(content)
    cleaned = clean_body(content)
    # What the dropped parts leave behind: links around removed images, paragraphs that held
    # only a script, a break before a removed element, and the blank lines between blocks.
    cleaned = _EMPTY_LINK.sub("", cleaned)
    cleaned = _TRAILING_BREAK.sub("</p>", cleaned)
    cleaned = _EMPTY_PARAGRAPH.sub("", cleaned)
    return _BLANK_LINES.sub("\n", cleaned).strip()


def _check_depth(content: str) -> None:
    if content.count("<") <= MAX_BODY_DEPTH:
        return
    depth = 0
    for tag in _TAG.finditer(content):
        name = tag.group(2).lower()
        if name in _FLAT_ELEMENTS or tag.group(0).endswith("/>"):
            continue
        if tag.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > MAX_BODY_DEPTH:
                raise WxrError(
                    f"The body nests HTML elements more than {MAX_BODY_DEPTH} deep, which "
                    "WordPress never writes; import this post by hand."
                )


def _replace_shortcodes(content: str) -> str:
    if "[" not in content:
        return content
    tokens = list(_SHORTCODE.finditer(content))
    closing: dict[str, list[int]] = {}
    for index, token in enumerate(tokens):
        if token.group(1):
            closing.setdefault(token.group(2).lower(), []).append(index)

    def closing_after(index: int, name: str) -> int | None:
        candidates = closing.get(name, [])
        position = bisect.bisect_right(candidates, index)
        return candidates[position] if position < len(candidates) else None

    out: list[str] = []
    position = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        start, end = token.span()
        is_closing, name, attributes = token.group(1), token.group(2).lower(), token.group(3)
        out.append(content[position:start])
        position = end
        index += 1
        if content[start - 1 : start] == "[" and content[end : end + 1] == "]":
            # [[gallery]] is WordPress's way of writing a shortcode as text.
            out[-1] = out[-1][:-1]
            out.append(token.group(0))
            position = end + 1
            continue
        if is_closing:
            continue
        close = closing_after(index - 1, name)
        inner = content[end : tokens[close].start()] if close is not None else ""
        if name in _CAPTION_SHORTCODES or name == "embed" or name in _MEDIA_SHORTCODES:
            if close is not None:
                position = tokens[close].end()
                index = close + 1
            if name in _CAPTION_SHORTCODES:
                out.append(_caption_paragraph(inner, attributes))
            elif name == "embed":
                out.append(_link_paragraph(inner or attributes))
            continue
        if close is not None or "=" in attributes or attributes.rstrip().endswith("/"):
            continue  # an unknown shortcode: drop the tag, keep what it wraps
        out.append(token.group(0))
    out.append(content[position:])
    return "".join(out)


def _caption_paragraph(inner: str, attributes: str) -> str:
    text = _EMPTY_LINK.sub("", _IMG.sub("", inner)).strip()
    if not text:
        # Before WordPress 3.4 the caption was an attribute: [caption caption="…"].
        match = re.search(r'caption="([^"]*)"', attributes)
        text = html.escape(html.unescape(match.group(1))) if match else ""
    return f"\n\n<p><em>{text}</em></p>\n\n" if text else "\n\n"


def _link_paragraph(text: str) -> str:
    match = _URL.search(html.unescape(text))
    if not match:
        return "\n\n"
    url = html.escape(match.group(0))
    return f'\n\n<p><a href="{url}">{url}</a></p>\n\n'


def _replace_figures(content: str) -> str:
    if "<figure" not in content.lower():
        return content
    parts = re.split(r"</figure" + _WS + r"*>", content, flags=re.IGNORECASE)
    out = []
    for part in parts[:-1]:
        start = part.lower().rfind("<figure")
        if start == -1:
            out.append(part)
            continue
        out.append(part[:start])
        out.append(_figure_markup(part[start:]))
    out.append(parts[-1])
    return "".join(out)


def _figure_markup(figure: str) -> str:
    """`figure` runs from "<figure" to just before "</figure>"."""
    opening_end = figure.find(">")
    opening, inner = figure[: opening_end + 1], figure[opening_end + 1 :]
    caption = ""
    caption_start = inner.lower().find("<figcaption")
    if caption_start != -1:
        caption_text = inner[caption_start:]
        caption_text = re.sub(r"</?figcaption\b[^<>]*>", "", caption_text, flags=re.IGNORECASE)
        caption = _caption_paragraph(caption_text, "")
        inner = inner[:caption_start]
    if "wp-block-embed" in opening:
        return _link_paragraph(nh3.clean(inner, tags=set())) + caption
    return "\n\n" + _IMG.sub("", inner) + caption


def wpautop(text: str) -> str:
    """A port of WordPress's `wpautop` (wp-includes/formatting.php), enough for stories.

    Left out: the <option>, <object>, <audio>/<video> and <script>/<style> special cases,
    because the allow-list drops all of those elements afterwards anyway.
    """
    if not text.strip():
        return ""
    text += "\n"
    pre_tags: dict[str, str] = {}
    if "<pre" in text:
        # Preformatted text keeps its newlines; WordPress sets it aside the same way.
        parts = text.split("</pre>")
        pieces = []
        for number, part in enumerate(parts[:-1]):
            start = part.find("<pre")
            if start == -1:
                pieces.append(part)
                continue
            placeholder = f"<pre wp-pre-tag-{number}></pre>"
            pre_tags[placeholder] = part[start:] + "</pre>"
            pieces.append(part[:start] + placeholder)
        text = "".join([*pieces, parts[-1]])
    ws = _WS
    blocks = _ALLBLOCKS
    text = re.sub(rf"<br{ws}*/?>{ws}*<br{ws}*/?>", "\n\n", text)
    text = re.sub(rf"(<{blocks}[ \t\n\r\f\v/>])", r"\n\n\1", text)
    text = re.sub(rf"(</{blocks}>)", r"\1\n\n", text)
    text = re.sub(rf"(<hr{ws}*/?>)", r"\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _replace_newlines_in_tags(text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(rf"\n{ws}*\n", text) if p]
    text = "".join("<p>" + p.strip("\n") + "</p>\n" for p in paragraphs)
    text = re.sub(rf"<p>{ws}*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>{ws}*(</?{blocks}[^<>]*>){ws}*</p>", r"\1", text)
    text = re.sub(r"<p>(<li[^\n]+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^<>]*)>", r"<blockquote\1><p>", text, flags=re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>{ws}*(</?{blocks}[^<>]*>)", r"\1", text)
    text = re.sub(rf"(</?{blocks}[^<>]*>){ws}*</p>", r"\1", text)
    text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
    text = re.sub(rf"{ws}+", _newline_to_break, text)
    text = re.sub(rf"(</?{blocks}[^<>]*>){ws}*<br />", r"\1", text)
    text = re.sub(rf"<br />({ws}*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^<>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for placeholder, original in pre_tags.items():
        text = text.replace(placeholder, original)
    return text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")


def _newline_to_break(match: re.Match[str]) -> str:
    """WordPress's `(?<!<br />)\\s*\\n` → "<br />\\n", without its quadratic backtracking."""
    run = match.group(0)
    last = run.rfind("\n")
    if last == -1:
        return run
    if match.string[max(0, match.start() - 6) : match.start()] != "<br />":
        return "<br />\n" + run[last + 1 :]
    # Right after a <br /> the first character is left alone, as the look-behind does.
    return run if last == 0 else run[0] + "<br />\n" + run[last + 1 :]


def _replace_newlines_in_tags(text: str) -> str:
    """Newlines inside a tag or comment are not line breaks (`wp_replace_in_html_tags`)."""
    out: list[str] = []
    position = 0
    find: Callable[[str, int], int] = text.find
    while (start := find("<", position)) != -1:
        closer = "-->" if text.startswith("<!--", start) else ">"
        end = find(closer, start + 1)
        if end == -1:
            break  # an unclosed tag runs to the end; the cleaner drops it
        end += len(closer)
        out.append(text[position:start])
        out.append(text[start:end].replace("\n", " <!-- wpnl --> "))
        position = end
    out.append(text[position:])
    return "".join(out)
