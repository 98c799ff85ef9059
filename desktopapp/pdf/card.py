"""What every card does the same way: fit the content to one page and build the PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.platypus import KeepInFrame

from ..domain import ExportSettings, Source
from .blocks import CardContext
from .fitting import FitResult, Section, fit_one_page, measure
from .fonts import TextPreparer
from .pages import PageInfo, build, content_size


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


def fit_card(plan_for: Callable[[CardContext], CardPlan], page_size: str,
             prep: TextPreparer) -> tuple[CardPlan, FitResult]:
    width, height = content_size(page_size)
    ctx = CardContext(prep=prep, width=width)
    plan = plan_for(ctx)
    ctx.sources = plan.sources
    result = fit_one_page(plan.header, plan.sections, width, height)
    if measure(result.flowables, width) > height:
        # Only a pathological header (hundreds of long aliases and names) gets
        # here: shrink it as a whole rather than let it spill to a second page.
        result.flowables = [KeepInFrame(width, height, result.flowables, mode="shrink")]
    return plan, result


def page_info(kind_label: str, title: str, settings: ExportSettings, page_size: str,
              as_of: dt.date | None) -> PageInfo:
    return PageInfo(kind_label=kind_label, organisation=settings.organisation,
                    classification=settings.classification, page_size=page_size,
                    as_of=as_of or dt.date.today(), title=title, author=settings.author)


def shortened_warnings(result: FitResult, kind_label: str) -> list[str]:
    return [f"{kind_label}: '{name}' shortened to fit one page" for name in result.shortened]


def render_card(plan_for, settings: ExportSettings, page_size: str | None = None,
                as_of: dt.date | None = None) -> RenderResult:
    page_size = page_size or settings.page_size.value
    prep = TextPreparer()
    plan, result = fit_card(plan_for, page_size, prep)
    info = page_info(plan.kind_label, plan.title, settings, page_size, as_of)
    pdf, pages = build(result.flowables, info)
    return RenderResult(pdf=pdf, pages=pages, warnings=prep.warnings(),
                        body_size=result.body_size, shortened=result.shortened)
