"""Layout analysis of one born-digital PDF page with pdfplumber: text blocks, tables and figures."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ingest.layout.blocks import FIGURE, HEADING, LIST, TABLE, TEXT, BBox, Block, overlap_ratio, union
from ingest.layout.markdown import to_markdown
from ingest.layout.reading_order import Word, group_lines, line_text, reading_order
from ingest.layout.text_tables import promote_text_tables

_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")  # Hebrew, Arabic, Syriac, Thaana... and forms
_BULLET = re.compile(r"^(?:[•·▪◦●○■□\-–*]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")
_MIN_FIGURE_SIDE = 40.0  # points
_MIN_VECTOR_FIGURE_AREA = 120.0 * 80.0


def page_words(page) -> list[Word]:
    """Upright and rotated words with font size and boldness.

    A tolerance of a quarter of the font size instead of pdfplumber's fixed 3 points keeps words apart in TeX PDFs,
    whose inter-word spaces are narrow and not encoded as characters.
    """
    raw = page.extract_words(
        x_tolerance=1.5,
        x_tolerance_ratio=0.25,
        y_tolerance=3,
        keep_blank_chars=False,
        use_text_flow=False,
        extra_attrs=["size", "fontname"],
        return_chars=True,
    )
    words = []
    for w in raw:
        text = w["text"].strip()
        if not text:
            continue
        if _RTL.search(text):
            text = _logical([c["text"] for c in w.get("chars") or ()]).strip() or text
        rtl = bool(_RTL.search(text)) and all(_RTL.match(c) for c in text if c.isalpha())  # such letters only
        font = (w.get("fontname") or "").lower()
        words.append(
            Word(
                text,
                w["x0"],
                w["top"],
                w["x1"],
                w["bottom"],
                float(w.get("size") or 0.0),
                "bold" in font or "black" in font or "heavy" in font,
                rtl,
            )
        )
    return words


def _logical(glyphs: list[str]) -> str:
    """A word's text from its glyphs in the page's visual order (left to right). Right-to-left letters placed one
    glyph at a time come out reversed, so each run of them is turned back, a letter keeping its combining marks
    after it; a glyph that carries a whole string (a ligature, an ActualText span) is already in logical order."""
    out: list[str] = []
    run: list[str] = []  # letters of the current run of single right-to-left glyphs
    for glyph in glyphs:
        if len(glyph) == 1 and unicodedata.combining(glyph) and run:
            run[-1] += glyph
        elif len(glyph) == 1 and _RTL.match(glyph):
            run.append(glyph)
        else:
            out.extend(reversed(run))
            run = []
            out.append(glyph)
    out.extend(reversed(run))
    return "".join(out)


def body_font_size(words: list[Word]) -> float:
    """The most common font size, weighted by characters."""
    counts: Counter[float] = Counter()
    for w in words:
        counts[round(w.size, 1)] += len(w.text)
    return counts.most_common(1)[0][0] if counts else 10.0


def find_tables(page) -> list[tuple[BBox, str]]:
    """Ruled tables as (bbox, Markdown). Tables with fewer than 2 rows or 2 columns are ignored."""
    found = []
    for table in page.find_tables():
        rows = [[(cell or "").replace("\n", " ").strip() for cell in row] for row in table.extract()]
        rows = [r for r in rows if any(r)]
        if len(rows) < 2 or max(len(r) for r in rows) < 2:
            continue
        found.append((tuple(table.bbox), to_markdown(rows)))
    return found


def find_figures(page, exclude: list[BBox]) -> list[BBox]:
    """Figure regions: embedded images and clusters of vector graphics, outside ``exclude`` (tables)."""
    page_area = float(page.width * page.height)
    boxes: list[BBox] = []
    for img in page.images:
        box = (max(img["x0"], 0), max(img["top"], 0), min(img["x1"], page.width), min(img["bottom"], page.height))
        w, h = box[2] - box[0], box[3] - box[1]
        if w < _MIN_FIGURE_SIDE or h < _MIN_FIGURE_SIDE or w * h > 0.85 * page_area:
            continue  # icons, rules and full-page scan backgrounds are not figures
        boxes.append(box)
    graphics = [
        (o["x0"], o["top"], o["x1"], o["bottom"])
        for o in list(page.curves) + list(page.rects)
        if (o["x1"] - o["x0"]) < 0.9 * page.width or (o["bottom"] - o["top"]) < 0.9 * page.height
    ]
    graphics = [g for g in graphics if not any(overlap_ratio(g, t) > 0.5 for t in exclude)]
    for cluster, count in _cluster(graphics, gap=8.0):
        w, h = cluster[2] - cluster[0], cluster[3] - cluster[1]
        if count >= 4 and w * h >= _MIN_VECTOR_FIGURE_AREA and w > _MIN_FIGURE_SIDE and h > _MIN_FIGURE_SIDE:
            boxes.append(cluster)
    merged = [b for b, _ in _cluster(boxes, gap=2.0)]
    return [b for b in merged if not any(overlap_ratio(b, t) > 0.5 for t in exclude)]


def _cluster(boxes: list[BBox], gap: float) -> list[tuple[BBox, int]]:
    """Merge boxes that touch or lie within ``gap`` of each other; returns (union box, member count)."""
    clusters: list[tuple[BBox, int]] = []
    for box in sorted(boxes):
        merged = True
        current, count = box, 1
        while merged:
            merged = False
            for i, (other, n) in enumerate(clusters):
                if (
                    current[0] - gap <= other[2]
                    and other[0] - gap <= current[2]
                    and current[1] - gap <= other[3]
                    and other[1] - gap <= current[3]
                ):
                    current, count = union([current, other]), count + n
                    clusters.pop(i)
                    merged = True
                    break
        clusters.append((current, count))
    return clusters


def layout_blocks(
    page, page_number: int, body_size: float, words: list[Word] | None = None
) -> tuple[list[Block], list[BBox], list[BBox]]:
    """Analyse one page.

    :param words: the page's :func:`page_words`, when the caller has them already (they are extracted otherwise).
    :returns: (text blocks in reading order with tables and figures placed where they occur, table boxes,
        figure boxes). Table and figure blocks carry their text but no crop yet.
    """
    if _mostly_sideways(page):
        return _sideways_blocks(page, page_number), [], []
    if words is None:
        words = page_words(page)
    tables = find_tables(page)
    table_boxes = [b for b, _ in tables]
    figure_boxes = find_figures(page, table_boxes)
    flow: list[Word] = []
    figure_words: dict[int, list[Word]] = {i: [] for i in range(len(figure_boxes))}
    for w in words:
        if any(overlap_ratio(w.bbox, tb) > 0.5 for tb in table_boxes):
            continue  # a table's text is its Markdown
        for i, fb in enumerate(figure_boxes):
            if overlap_ratio(w.bbox, fb) > 0.5:
                figure_words[i].append(w)
                break
        else:
            flow.append(w)

    blocks: list[Block] = []
    for region in reading_order(flow):
        blocks.extend(_region_blocks(region, page_number, body_size))
    blocks = promote_text_tables(blocks)
    for bbox, markdown in tables:
        _place(blocks, Block(TABLE, markdown, page_number, bbox))
    for i, bbox in enumerate(figure_boxes):
        inside = " ".join(line_text(line) for line in group_lines(figure_words[i]))
        _place(blocks, Block(FIGURE, inside, page_number, bbox, extra={"caption": _caption(blocks, bbox)}))
    return blocks, table_boxes, figure_boxes


def _mostly_sideways(page) -> bool:
    """Text that a viewer shows rotated by 90 degrees (e.g. a page with /Rotate over upright content)."""
    chars = page.chars
    return len(chars) >= 10 and sum(1 for c in chars if not c.get("upright", True)) > 0.6 * len(chars)


def _sideways_blocks(page, page_number: int) -> list[Block]:
    """Sideways text, read with pdfplumber's rotated-text support; one block per paragraph, each with the box of
    its characters. Column and table analysis is not attempted on such pages."""
    text = page.extract_text() or ""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()] or (
        [text.strip()] if text.strip() else []
    )
    if not paragraphs:
        return []
    box = union([(c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.chars if not c.get("upright", True)])
    return [Block(TEXT, " ".join(p.split()), page_number, box) for p in paragraphs]


def _place(blocks: list[Block], block: Block) -> None:
    """Insert a table/figure before the first text block that starts below it (keeps the section right)."""
    for i, other in enumerate(blocks):
        if (
            other.kind in (TEXT, HEADING, LIST)
            and other.bbox[1] >= block.bbox[3] - 1
            and other.bbox[0] < block.bbox[2]
            and block.bbox[0] < other.bbox[2]
        ):
            blocks.insert(i, block)
            return
    blocks.append(block)


_CAPTION = re.compile(r"^(fig(ure)?|chart|exhibit|graph|plate|table|source)\b", re.IGNORECASE)


def _caption(blocks: list[Block], bbox: BBox) -> str:
    """The caption of a figure: a nearby block starting with 'Figure'/'Chart'/..., else the closest text below."""
    near = []
    for b in blocks:
        if b.kind not in (TEXT, HEADING, LIST):
            continue
        horizontally = b.bbox[0] < bbox[2] + 20 and bbox[0] - 20 < b.bbox[2]
        dist = b.bbox[1] - bbox[3] if b.bbox[1] >= bbox[3] - 2 else bbox[1] - b.bbox[3]
        if horizontally and -2 <= dist <= 40:
            near.append((0 if _CAPTION.match(b.text) else 1, dist, b.text))
    return min(near)[2][:600] if near else ""


def _region_blocks(region: list[Word], page_number: int, body_size: float) -> list[Block]:
    """Paragraphs, list items and headings of one region (a column or band)."""
    blocks: list[Block] = []
    current: list[list[Word]] = []
    current_kind = TEXT

    def flush() -> None:
        nonlocal current
        if current:
            text = join_lines([line_text(line) for line in current])
            blocks.append(Block(current_kind, text, page_number, union([w.bbox for ln in current for w in ln])))
        current = []

    prev = None
    for line in group_lines(region):
        text = line_text(line)
        size = max(w.size for w in line)
        kind = _line_kind(line, text, size, body_size)
        if prev is not None:
            gap = line[0].top - prev[0].bottom
            new_para = gap > 0.8 * (prev[0].bottom - prev[0].top) or kind != current_kind or kind == LIST
            if kind == HEADING and current_kind == HEADING and gap < 0.8 * (prev[0].bottom - prev[0].top):
                new_para = False  # a heading wrapped over two lines
            if new_para:
                flush()
        current_kind = kind
        current.append(line)
        prev = line
    flush()
    return blocks


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines, undoing end-of-line hyphenation ("adip-" + "iscing" -> "adipiscing")."""
    out = lines[0]
    for line in lines[1:]:
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].islower():
            out = out[:-1] + line
        elif " | " in line or " | " in out.rsplit("\n", 1)[-1]:
            out = out + "\n" + line  # rows of a table-like layout stay one per line
        else:
            out = out + " " + line
    return out


def _line_kind(line: list[Word], text: str, size: float, body_size: float) -> str:
    if _BULLET.match(text):
        return LIST
    words = len(line)
    short = words <= 14 and not text.rstrip().endswith((".", ",", ";"))
    has_letters = any(c.isalpha() for c in text)
    if short and has_letters and (size >= body_size * 1.15 or (all(w.bold for w in line) and size >= body_size * 0.95)):
        return HEADING
    return TEXT
