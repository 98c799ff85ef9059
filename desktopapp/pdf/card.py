"""What every card does the same way: fit the content to one page and build the PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.platypus import KeepInFrame, Spacer

from ..domain import ExportSettings, Source
from .blocks import CardContext
from .fitting import FitResult, Section, fit_one_page, measure
from .fonts import TextPreparer
from .pages import PageInfo, build, content_size
from .scripts import Paragraph
from .styles import BODY_SIZES, card_styles


@dataclass
class RenderResult:
    """A finished document and what the user should know about it."""

    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)
    body_size: float = 0.0
    shortened: dict[str, int] = field(default_factory=dict)


@dataclass
class CardPlan:
    """A card's content before fitting: a header and prioritised sections."""

    kind_label: str
    title: str
    header: Callable  # (styles) -> flowables
    sections: list[Section]
    sources: list[Source]


# Characters each field keeps, tried in turn, when a header is too tall for
# the page even at the smallest type with every section left out (hundreds of
# long aliases, names, titles): first every other field, then the record's own
# name or title too.
HEADER_LIMITS = (400, 160, 80, 40, 16)
HEADER_STEPS = [(limit, None) for limit in HEADER_LIMITS] + [
    (HEADER_LIMITS[-1], limit) for limit in HEADER_LIMITS]
HEADER_NOTE = "Long fields are shortened (…) to fit the card — the full text is in the book."


def fit_card(plan_for: Callable[[CardContext], CardPlan], page_size: str,
             prep: TextPreparer) -> tuple[CardPlan, FitResult]:
    width, height = content_size(page_size)
    ctx = CardContext(prep=prep, width=width)
    plan = plan_for(ctx)
    ctx.sources = plan.sources
    result = fit_one_page(plan.header, plan.sections, width, height)
    # the fitting measured each flowable already: one measuring pass
    if measure(result.flowables, width, result.heights) <= height:
        return plan, result
    # Never shrink below the 7.5 pt floor: cut every field shorter, with a
    # note on the card, until the card fits at the smallest type.
    # The note needs its own room: fit the card to the page less the note at its
    # largest (a card that filled the page and then got the note was shrunk).
    largest_note = Paragraph(HEADER_NOTE, card_styles(BODY_SIZES[0]).note)
    room = height - measure([Spacer(1, BODY_SIZES[0]), largest_note], width)
    for limit, title_limit in HEADER_STEPS:
        prep.limit, prep.title_limit, prep.cut = limit, title_limit, False
        prep.cut_fields = []
        ctx = CardContext(prep=prep, width=width)
        plan = plan_for(ctx)
        ctx.sources = plan.sources
        result = fit_one_page(plan.header, plan.sections, width, room)
        note = Paragraph(HEADER_NOTE, card_styles(result.body_size).note)
        flowables = [*result.flowables, note]
        if (measure(flowables, width, result.heights) <= height
                or (limit, title_limit) == HEADER_STEPS[-1]):
            result.flowables = flowables
            result.shortened["fields"] = limit
            result.cut_fields = list(prep.cut_fields)
            break
    prep.limit = prep.title_limit = None
    if measure(result.flowables, width, result.heights) > height:
        # Nothing a user can type gets here (the domain bounds every list
        # and field); a last guard so that a card is never two pages.
        result.flowables = [KeepInFrame(width, height, result.flowables, mode="shrink")]
    return plan, result


def page_info(kind_label: str, title: str, settings: ExportSettings, page_size: str,
              as_of: dt.date | None, prep: TextPreparer | None = None) -> PageInfo:
    """What every page prints around the content; ``prep`` is told of the header's
    characters no font has, for the export's warning."""
    if prep is not None:
        prep.note_unprintable(settings.organisation)
        prep.note_unprintable(settings.classification)
    return PageInfo(kind_label=kind_label, organisation=settings.organisation,
                    classification=settings.classification, page_size=page_size,
                    as_of=as_of or dt.date.today(), title=title, author=settings.author)


def shortened_warnings(result: FitResult, sections: list[Section], kind_label: str) -> list[str]:
    """What the card left out, in plain words: "Meeting card 'X': Outcomes and Agenda
    shortened to fit one page", "…: Place and Host shortened to fit one page (each cut
    to 16 characters)"."""
    titles = {section.name: section.title for section in sections}
    named = [titles.get(name, name) for name in result.shortened if name != "fields"]
    warnings = []
    if named:
        warnings.append(f"{kind_label}: {_and(named)} shortened to fit one page")
    if "fields" in result.shortened:
        fields = result.cut_fields or ["long fields"]
        warnings.append(f"{kind_label}: {_and(fields)} shortened to fit one page (each cut to "
                        f"{result.shortened['fields']} characters)")
    return warnings


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def render_card(plan_for, settings: ExportSettings, page_size: str | None = None,
                as_of: dt.date | None = None) -> RenderResult:
    page_size = page_size or settings.page_size.value
    prep = TextPreparer()
    plan, result = fit_card(plan_for, page_size, prep)
    info = page_info(plan.kind_label, plan.title, settings, page_size, as_of, prep)
    pdf, pages = build(result.flowables, info)
    # the command line and the window say what the card left out
    title = plan.title if len(plan.title) <= 60 else plan.title[:59] + "…"
    warnings = prep.warnings() + shortened_warnings(result, plan.sections,
                                                    f"{plan.kind_label} {title!r}")
    return RenderResult(pdf=pdf, pages=pages, warnings=warnings,
                        body_size=result.body_size, shortened=result.shortened)
