"""Pages as they will print, shown in a browser.

The PDF's pages come from WeasyPrint's layout. :func:`page_map` reads that layout
(in the layout worker) and keeps only what survives an edit: for each page, the
place in the document where the page starts, its size and margins, and the text
of its margin boxes (“第 3 页 共 19 页”). :func:`cut` then cuts the document's HTML
into those pages for the browser (in the server, in milliseconds).

A place in the document is an *atom*: an element that goes to one page as a whole
(a paragraph, a heading, a table row, a leaf), named by its path of child indexes
from ``<body>``. Paths compare in document order, so a page map made for an older
version of the document still cuts a newer one sensibly (a page starts at the first
atom at or after its old start); the next layout makes it exact again. A paragraph
that the layout split over two pages is split at the same character (counted
without white space). A table cut over pages repeats its header, as the PDF does.

The copies put into the pages are sanitised (no scripts, frames, forms, event
handlers or ``javascript:`` links), although the page frame runs no scripts anyway.
"""

from __future__ import annotations

import bisect
import copy
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

Path_ = tuple[int, ...]

#: Table parts that every piece of a cut table carries (WeasyPrint repeats them on every page).
FURNITURE = frozenset({"thead", "tfoot", "colgroup", "caption"})
#: Elements that always go to a page whole (the layout never splits them).
ATOMIC = frozenset({"tr", "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "img", "svg", "hr", "br"})
#: Never copied into a page.
DROP = frozenset({"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "link", "meta",
                  "base", "form", "input", "button", "textarea", "select", "option", "noscript", "template",
                  "portal", "math", "audio", "video", "source", "track"})
_URL_ATTRS = frozenset({"href", "src", "xlink:href", "action", "formaction", "srcset", "poster", "background",
                        "data", "srcdoc", "ping"})
_WS = re.compile(r"\s+")


@dataclass
class MarginText:
    """A page-margin box with text (header or footer), in CSS px of the page."""
    keyword: str  # "@bottom-center" …
    text: str
    x: float
    y: float
    width: float
    height: float
    align: str = "center"
    font_size: float = 14.0
    font_family: tuple[str, ...] = ()


@dataclass
class Page:
    width: float  # CSS px (1/96 in), as WeasyPrint lays out
    height: float
    margins: tuple[float, float, float, float]  # top, right, bottom, left
    name: str = ""  # the CSS named page: "cover", "landscape", ""
    start: tuple[Path_, int] | None = None  # first atom (path, characters already on earlier pages); None: blank
    margin_texts: list[MarginText] = field(default_factory=list)


@dataclass
class PageMap:
    pages: list[Page]
    anchors: dict[str, int]  # element id → printed page number (the 目录's numbers)


_LOCAL: dict[str, str] = {}


def local(tag: object) -> str:
    """An element's tag without namespace ('' for comments and processing instructions)."""
    try:
        return _LOCAL[tag]  # type: ignore[index]
    except (KeyError, TypeError):
        if not isinstance(tag, str):
            return ""
        name = _LOCAL[tag] = tag.rsplit("}", 1)[-1].lower()
        return name


def parse_html(html: str) -> ET.Element:
    """The document's element tree, parsed as the PDF renderer parses it: well-formed
    markup by the XML parser, anything else by WeasyPrint's HTML5 parser."""
    try:
        return ET.fromstring(html)
    except ET.ParseError:
        import tinyhtml5

        return tinyhtml5.parse(html, namespace_html_elements=False)


def body_of(root: ET.Element) -> ET.Element:
    if local(root.tag) == "body":
        return root
    for child in root:
        if local(child.tag) == "body":
            return child
    return root


def _is_atom(el: ET.Element) -> bool:
    if local(el.tag) in ATOMIC or len(el) == 0:
        return True
    if el.text and el.text.strip():
        return True  # mixed content: text beside child elements
    return any(child.tail and child.tail.strip() for child in el)


def atoms(body: ET.Element, chains: list | None = None) -> list[tuple[Path_, ET.Element]]:
    """The document's atoms in document order, with their paths (and, into ``chains``,
    each atom's ancestors below ``body``)."""
    out: list[tuple[Path_, ET.Element]] = []

    def walk(el: ET.Element, path: Path_, ancestors: tuple) -> None:
        for i, child in enumerate(el):
            tag = local(child.tag)
            if not tag or tag in FURNITURE:
                continue
            p = path + (i,)
            if _is_atom(child):
                out.append((p, child))
                if chains is not None:
                    chains.append(ancestors)
            else:
                walk(child, p, ancestors + (child,))

    walk(body, (), ())
    return out


def nonspace(text: str) -> int:
    return len(_WS.sub("", text))


def split_at(text: str, n: int) -> int:
    """The index in ``text`` after its first ``n`` characters that are not white space."""
    seen = 0
    for i, ch in enumerate(text):
        if seen >= n:
            return i
        if not ch.isspace():
            seen += 1
    return len(text)


# --- the page map, read from WeasyPrint's layout (layout worker) ----------------------------

def page_map(rendered, anchors: dict[str, int]) -> PageMap:
    """Read a WeasyPrint document's pages into a :class:`PageMap`."""
    from weasyprint.formatting_structure import boxes as wb

    pages = rendered.pages
    out: list[Page] = []
    body = None
    owner: dict[int, int] = {}
    leaf: set[int] = set()
    if pages:
        html_box = pages[0]._page_box.children[0]
        body = body_of(html_box.element)
        atom_list = atoms(body)
        for k, (_, el) in enumerate(atom_list):
            if len(el) == 0:
                leaf.add(k)
            for d in el.iter():
                owner[id(d)] = k
        paths = [p for p, _ in atom_list]
    consumed: dict[int, int] = {}
    previous: int | None = None
    for page in pages:
        pb = page._page_box
        seen: dict[int, int] = {}
        margin_texts: list[MarginText] = []
        for child in pb.children:
            if isinstance(child, wb.MarginBox):
                text = "".join(b.text for b in child.descendants() if isinstance(b, wb.TextBox)).strip()
                if text:
                    style = child.style
                    margin_texts.append(MarginText(
                        child.at_keyword, text, child.content_box_x(), child.content_box_y(), child.width,
                        child.height, str(style["text_align_all"]), float(style["font_size"]),
                        tuple(style["font_family"])))
                continue
            for box in child.descendants():
                k = owner.get(id(getattr(box, "element", None)))
                if k is None:
                    continue
                n = nonspace(box.text) if isinstance(box, wb.TextBox) and k in leaf else 0
                seen[k] = seen.get(k, 0) + n
        start = None
        if seen:
            k0 = min(seen)
            if previous is not None and k0 < previous:
                k0 = previous  # floats and the like: never start before the previous page
            offset = consumed.get(k0, 0) if k0 in consumed and k0 in leaf else 0
            start = (paths[k0], offset)
            previous = k0
        for k, n in seen.items():
            consumed[k] = consumed.get(k, 0) + n
        cx, cy = pb.content_box_x(), pb.content_box_y()
        margins = (cy, page.width - cx - pb.width, page.height - cy - pb.height, cx)
        name = getattr(getattr(pb, "page_type", None), "name", "") or ""
        out.append(Page(page.width, page.height, margins, name, start, margin_texts))
    return PageMap(out, dict(anchors))


# --- cutting the HTML into pages (server) -----------------------------------------------------

def _bad_attr(key: str, value: str) -> bool:
    name = local(key)
    if name.startswith("on") or name == "srcdoc":
        return True
    return name in _URL_ATTRS and re.sub(r"[\s\x00-\x1f]", "", str(value)).lower().startswith(
        ("javascript:", "vbscript:", "data:text/html"))


def sanitize(root: ET.Element) -> None:
    """Remove active content in place: script, frames, forms …, event handlers, script links."""
    for el in root.iter():
        for child in list(el):
            tag = local(child.tag)
            if not tag or tag in DROP:
                if child.tail:  # keep the text that follows a removed element
                    prev = None
                    for c in el:
                        if c is child:
                            break
                        prev = c
                    if prev is None:
                        el.text = (el.text or "") + child.tail
                    else:
                        prev.tail = (prev.tail or "") + child.tail
                el.remove(child)
        if el.attrib:
            for key in [k for k, v in el.attrib.items() if _bad_attr(k, v)]:
                del el.attrib[key]


def _shallow(el: ET.Element) -> ET.Element:
    return ET.Element(el.tag, dict(el.attrib))


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_RAW = frozenset({"script", "style"})


def _text(s: str) -> str:
    if "&" in s or "<" in s or ">" in s:
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s


def _attr(s: str) -> str:
    s = str(s)
    if "&" in s or "<" in s or ">" in s or '"' in s:
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return s


def _serialize(el: ET.Element, out: list[str], tail: bool = True) -> None:
    """HTML serialisation (what ``ET.tostring(method="html")`` does, without namespaces, faster)."""
    tag = local(el.tag)
    if tag and tag not in _RAW:
        if el.attrib:
            out.append("<" + tag + "".join(f' {local(k)}="{_attr(v)}"' for k, v in el.attrib.items()) + ">")
        else:
            out.append("<" + tag + ">")
        if tag not in _VOID:
            if el.text:
                out.append(_text(el.text))
            for child in el:
                _serialize(child, out)
            out.append("</" + tag + ">")
    if tail and el.tail:
        out.append(_text(el.tail))


def _continued(el: ET.Element) -> None:
    """Mark a piece that continues from the page before (no anchor twice, no first-line indent)."""
    el.attrib.pop("id", None)
    el.set("class", (el.get("class", "") + " dz-cont").strip())


def _toc_numbers(body: ET.Element, anchors: dict[str, int]) -> None:
    """Print the 目录's page numbers (the PDF gets them from CSS ``target-counter``)."""
    for el in body.iter():
        if "toc" not in el.get("class", "").split() and local(el.tag) != "nav":
            continue
        for a in el.iter():
            href = a.get("href", "")
            if local(a.tag) != "a" or not href.startswith("#") or a.get("data-dz-toc"):
                continue
            number = anchors.get(href[1:])
            a.set("data-dz-toc", "1")
            a.set("class", (a.get("class", "") + " dz-toc").strip())
            text = ET.Element("span", {"class": "dz-toc-text"})
            text.text, a.text = a.text, None
            text.extend(list(a))
            for child in list(a):
                a.remove(child)
            leader = ET.Element("span", {"class": "dz-leader"})
            page = ET.Element("span", {"class": "dz-toc-page"})
            page.text = str(number) if number else "…"
            a.extend([text, leader, page])


@dataclass
class Cut:
    pages: list[str]  # each page's HTML
    exact: bool  # cut by a page map made for this very document


def _page_div(page: Page | None, index: int) -> ET.Element:
    if page is None:
        div = ET.Element("div", {"class": "dz-page dz-flow", "data-page": str(index + 1)})
        ET.SubElement(div, "div", {"class": "dz-content"})
        return div
    top, right, bottom, left = page.margins
    classes = "dz-page" + (f" dz-named-{page.name}" if re.fullmatch(r"[\w-]+", page.name or "") else "")
    div = ET.Element("div", {"class": classes, "data-page": str(index + 1),
                             "style": f"width:{page.width:.2f}px;min-height:{page.height:.2f}px"})
    ET.SubElement(div, "div", {"class": "dz-content",
                               "style": f"padding:{top:.2f}px {right:.2f}px {bottom:.2f}px {left:.2f}px"})
    for m in page.margin_texts:
        bottom_edge = page.height - m.y - m.height
        vertical = f"bottom:{bottom_edge:.2f}px" if m.keyword.startswith("@bottom") else f"top:{m.y:.2f}px"
        align = m.align if m.align in ("left", "right", "center", "start", "end", "justify") else "center"
        families = ",".join('"' + f.replace('"', "").replace("\\", "") + '"' for f in m.font_family)
        style = (f"left:{m.x:.2f}px;{vertical};width:{m.width:.2f}px;min-height:{m.height:.2f}px;"
                 f"text-align:{align};font-size:{m.font_size:.2f}px" + (f";font-family:{families}" if families else ""))
        box = ET.SubElement(div, "div", {"class": "dz-margin", "style": style})
        box.text = m.text
    return div


def cut(html: str, pmap: PageMap | None, exact: bool) -> Cut:
    """The document's HTML cut into pages by ``pmap`` (one long page when there is none yet)."""
    body = body_of(parse_html(html))
    chains: list[tuple] = []
    atom_list = atoms(body, chains)  # paths first: the layout's tree was not sanitised
    sanitize(body)
    paths = [p for p, _ in atom_list]
    n = len(atom_list)
    _toc_numbers(body, pmap.anchors if pmap else {})

    # where each page starts, in atoms of this document
    layout: list[tuple[Page | None, tuple[int, int] | None]] = []
    if pmap is None or not pmap.pages:
        layout.append((None, (0, 0)))
    else:
        last: tuple[int, int] | None = None
        for page in pmap.pages:
            if page.start is None:
                layout.append((page, None))  # a blank page
                continue
            path, offset = page.start
            k = bisect.bisect_left(paths, tuple(path))
            if k >= n:
                if exact:
                    layout.append((page, None))
                continue  # an old map's page past the end of a shorter document
            if paths[k] != tuple(path) or len(atom_list[k][1]) != 0:
                offset = 0
            if last is None:
                start = (0, 0)  # whatever precedes the first page's start belongs to it
            else:
                start = max(last, (k, offset))
                if start == last and not exact:
                    continue  # an old map's page that this document no longer fills
            layout.append((page, start))
            last = start
        if last is None:
            layout = [(None, (0, 0))]

    starts = [s for _, s in layout]
    started: set[int] = set()
    out: list[str] = []
    for i, (page, start) in enumerate(layout):
        div = _page_div(page, i)
        content = div[0]
        if start is not None:
            end = next((s for s in starts[i + 1:] if s is not None), (n, 0))
            _fill(content, body, atom_list, chains, start, end, started)
        parts: list[str] = []
        _serialize(div, parts, tail=False)
        out.append("".join(parts))
    return Cut(out, exact and pmap is not None)


def _fill(content: ET.Element, body: ET.Element, atom_list, chains, start: tuple[int, int], end: tuple[int, int],
          started: set[int]) -> None:
    (k0, off0), (k1, off1) = start, end
    stack: list[tuple[ET.Element, ET.Element]] = [(body, content)]
    last = k1 if off1 > 0 else k1 - 1
    for k in range(k0, last + 1):
        if k >= len(atom_list):
            break
        path, el = atom_list[k]
        chain = chains[k]
        if local(el.tag) in DROP or any(local(a.tag) in DROP for a in chain):
            continue
        depth = 0
        while depth < len(chain) and depth + 1 < len(stack) and stack[depth + 1][0] is chain[depth]:
            depth += 1
        del stack[depth + 1:]
        for anc in chain[depth:]:
            shell = _shallow(anc)
            if id(anc) in started:
                _continued(shell)
            started.add(id(anc))
            if local(anc.tag) == "table":
                for part in anc:
                    if local(part.tag) in FURNITURE:
                        shell.append(part)  # shared, not copied: ElementTree elements have no parent link
            stack[-1][1].append(shell)
            stack.append((anc, shell))
        text = el.text or ""
        split = len(el) == 0 and ((k == k0 and off0 > 0) or (k == k1 and off1 > 0))
        piece = ET.Element(el.tag, dict(el.attrib)) if split or id(el) in started else el
        if k == k0 and off0 > 0 and len(el) == 0:
            piece.text = text[split_at(text, off0):].lstrip()
            _continued(piece)
        if k == k1 and off1 > 0 and len(el) == 0:
            head_end = split_at(text, off1)
            if k == k0 and off0 > 0:
                piece.text = text[split_at(text, off0):head_end].lstrip()
            else:
                piece.text = text[:head_end]
        if piece is not el and not split:  # a row the layout split over two pages: shown on both
            piece.text = el.text
            piece.extend(list(el))
        if id(el) in started and not (k == k0 and off0 > 0):
            _continued(piece)
        started.add(id(el))
        if piece is el and el.tail and el.tail.strip():
            piece = ET.Element(el.tag, dict(el.attrib))
            piece.text = el.text
            piece.extend(list(el))
        stack[-1][1].append(piece)
