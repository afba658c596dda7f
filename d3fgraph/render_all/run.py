"""Render every modelled technique's diagram, Sigma rules and card into one folder.

The coverage report says which techniques are modelled and why the others are not; the
modelled ones are then rendered on a pool of threads, which overlap because Oxigraph answers
the card's queries without holding the interpreter lock. A technique whose rendering fails
is recorded with the error and the run goes on; every file is written atomically, so an
interrupt leaves each file either as the previous run wrote it or whole.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Final

from d3fgraph.card import build_card
from d3fgraph.coverage import TechniqueCoverage, build_coverage
from d3fgraph.detection import (
    SigmaVariant,
    SysmonMapping,
    UnsupportedRuleError,
    build_rule,
    find_tactics,
    load_sysmon_mapping,
)
from d3fgraph.errors import D3fgraphError, D3fgraphWarning, UnknownTechniqueError
from d3fgraph.output import write_text_atomically
from d3fgraph.render.card_html import render_card_html
from d3fgraph.render.card_markdown import render_card_markdown
from d3fgraph.render.mermaid import render_mermaid
from d3fgraph.render.sigma import render_rule
from d3fgraph.render_all.index import render_index, render_summary
from d3fgraph.render_all.records import (
    DIAGRAM_FILE,
    INDEX_FILE,
    SUMMARY_FILE,
    CardFormat,
    Failure,
    RenderAllReport,
    TechniqueResult,
    card_file,
    sigma_file,
)
from d3fgraph.sources.releases import D3FEND
from d3fgraph.techniques import parse_technique_id

if TYPE_CHECKING:
    from d3fgraph.card import TechniqueCard
    from d3fgraph.knowledge import KnowledgeGraph
    from d3fgraph.model.event_model import EventModel

__all__ = [
    "OutputFolderError",
    "Progress",
    "check_output_folder",
    "default_jobs",
    "render_all",
]

logger = logging.getLogger(__name__)


#: Called after each modelled technique with the number done, the number to do and its result.
Progress = Callable[[int, int, TechniqueResult], None]

#: A rule variant with its Sigma YAML, or with the reason it cannot be written.
_RuleText = tuple[SigmaVariant, str | None, str | None]

_CARD_RENDERERS: Final[dict[CardFormat, Callable[[TechniqueCard], str]]] = {
    CardFormat.MARKDOWN: render_card_markdown,
    CardFormat.HTML: render_card_html,
}


class OutputFolderError(D3fgraphError, OSError):
    """The output folder names a file, or cannot be created."""


def default_jobs() -> int:
    """Return the number of threads used when none is given: one per CPU, at most four."""
    return min(4, os.cpu_count() or 1)


def render_all(
    knowledge: KnowledgeGraph,
    output_dir: Path,
    *,
    card_format: CardFormat | str = CardFormat.MARKDOWN,
    jobs: int | None = None,
    techniques: Collection[str] | None = None,
    progress: Progress | None = None,
) -> RenderAllReport:
    """Write each technique's diagram, Sigma rules and card, then the index and summary.

    For a modelled technique ``T`` the folder ``output_dir/T`` receives ``diagram.mmd``, one
    ``sigma-<variant>.yml`` per variant the model can express, and ``card.md`` (plus
    ``card.html`` for the HTML format). Files of ours from an earlier run are overwritten;
    anything else in the folder, including a file of ours this run does not write again (a
    rule variant a model no longer expresses), is left alone: ``summary.json`` lists exactly
    the files of this run. Warnings raised while rendering are collected into the report,
    not shown; like ``warnings.catch_warnings``, that holds for every thread while it runs.

    Args:
        knowledge: The loaded graph.
        output_dir: The folder to write to, created when missing.
        card_format: ``markdown``, or ``html`` to write an HTML page beside each Markdown card.
        jobs: Threads that render techniques at once; by default ``default_jobs()``.
        techniques: Render only these ids (index and summary then list only them).
        progress: Called, on the calling thread, after each modelled technique.

    Raises:
        OutputFolderError: ``output_dir`` is a file or cannot be created.
        UnknownTechniqueError: An id in ``techniques`` is not one D3FEND holds.
        InvalidTechniqueIdError: An id in ``techniques`` is malformed.
        ValueError: ``card_format`` is unknown or ``jobs`` is below one.
    """
    card_format = _card_format(card_format)
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        msg = f"jobs must be at least 1, not {jobs}"
        raise ValueError(msg)
    wanted = None if techniques is None else {parse_technique_id(t) for t in techniques}
    for technique_id in sorted(wanted or ()):
        # Fails now, with suggestions, rather than after the coverage report is built.
        knowledge.technique(technique_id)
    _prepare(output_dir)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", D3fgraphWarning)
        coverage = build_coverage(knowledge, countermeasures=False)
        rows = _select(coverage.techniques, wanted)
        modelled = [row for row in rows if row.modelled]
        logger.info(
            "Rendering %d modelled techniques of %d with %d threads into %s",
            len(modelled),
            len(rows),
            jobs,
            output_dir,
        )
        job = _TechniqueJob(knowledge, load_sysmon_mapping(), output_dir, card_format)
        rendered = _render(job, modelled, jobs, progress)

    report = RenderAllReport(
        output_dir=output_dir,
        card_format=card_format,
        d3fend_version=D3FEND.version,
        ocsf_version=coverage.ocsf_version,
        techniques=tuple(rendered.get(row.id) or TechniqueResult(row) for row in rows),
        warnings=tuple(sorted({str(w.message) for w in caught if _ours(w)})),
    )
    for other in (w for w in caught if not _ours(w)):
        # Only d3fgraph's notes belong in the report; anything else is passed on as raised.
        warnings.warn_explicit(other.message, other.category, other.filename, other.lineno)
    write_text_atomically(output_dir / INDEX_FILE, render_index(report))
    write_text_atomically(output_dir / SUMMARY_FILE, render_summary(report))
    return report


def _ours(caught: warnings.WarningMessage) -> bool:
    return issubclass(caught.category, D3fgraphWarning)


def _card_format(value: CardFormat | str) -> CardFormat:
    try:
        return CardFormat(value)
    except ValueError:
        allowed = ", ".join(f.value for f in CardFormat)
        msg = f"unknown card format {value!r}; use one of: {allowed}"
        raise ValueError(msg) from None


def check_output_folder(output_dir: Path) -> None:
    """Refuse an output folder that names a file, before anything slow is done.

    Raises:
        OutputFolderError: ``output_dir`` exists and is not a folder.
    """
    if output_dir.exists() and not output_dir.is_dir():
        msg = f"cannot render into {output_dir}: it is a file; name a folder, new or existing"
        raise OutputFolderError(msg)


def _prepare(output_dir: Path) -> None:
    check_output_folder(output_dir)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = (
            f"cannot create the output folder {output_dir}: {exc.strerror or exc}; name a "
            "folder you can write to"
        )
        raise OutputFolderError(msg) from exc


def _select(
    rows: tuple[TechniqueCoverage, ...], wanted: set[str] | None
) -> tuple[TechniqueCoverage, ...]:
    if wanted is None:
        return rows
    missing = sorted(wanted - {row.id for row in rows})
    if missing:
        # D3FEND knows the id but coverage has no row for it: say so rather than skip it.
        raise UnknownTechniqueError(missing[0])
    return tuple(row for row in rows if row.id in wanted)


def _render(
    job: _TechniqueJob, rows: list[TechniqueCoverage], jobs: int, progress: Progress | None
) -> dict[str, TechniqueResult]:
    done: dict[str, TechniqueResult] = {}

    def finish(result: TechniqueResult) -> None:
        done[result.id] = result
        if progress is not None:
            progress(len(done), len(rows), result)

    if jobs == 1:
        for row in rows:
            finish(job(row))
        return done

    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="render-all")
    try:
        futures = [pool.submit(job, row) for row in rows]
        for future in as_completed(futures):
            finish(future.result())
    finally:
        # After an interrupt the techniques not yet started are dropped, and the ones being
        # rendered finish, each file written whole.
        pool.shutdown(wait=True, cancel_futures=True)
    return done


class _TechniqueJob:
    """Render one modelled technique; safe to call from several threads at once."""

    def __init__(
        self,
        knowledge: KnowledgeGraph,
        mapping: SysmonMapping,
        output_dir: Path,
        card_format: CardFormat,
    ) -> None:
        self.knowledge = knowledge
        self.mapping = mapping
        self.output_dir = output_dir
        self.formats = (
            (CardFormat.MARKDOWN,)
            if card_format is CardFormat.MARKDOWN
            else (CardFormat.MARKDOWN, CardFormat.HTML)
        )

    def __call__(self, row: TechniqueCoverage) -> TechniqueResult:
        out = _Outcome(self.output_dir, row.id)
        folder = self.output_dir / row.id
        with out.attempt("folder"):
            folder.mkdir(exist_ok=True)
        with out.attempt("model"):
            model = self.knowledge.model(row.id)
        if out.failures:
            return out.result(row)

        with out.attempt(DIAGRAM_FILE):
            out.write(folder / DIAGRAM_FILE, render_mermaid(model))

        card: TechniqueCard | None = None
        with out.attempt("card"):
            card = build_card(self.knowledge, model, mapping=self.mapping)

        with out.attempt("sigma rules"):
            rules = _card_rules(card) if card is not None else self._rules(model)
            for variant, text, reason in rules:
                if text is None:
                    out.unwritten.append((str(variant), reason or "no reason given"))
                    continue
                with out.attempt(sigma_file(variant)):
                    out.write(folder / sigma_file(variant), text)

        if card is not None:
            for card_format in self.formats:
                with out.attempt(card_file(card_format)):
                    out.write(folder / card_file(card_format), _CARD_RENDERERS[card_format](card))
        return out.result(row)

    def _rules(self, model: EventModel) -> list[_RuleText]:
        """Build each rule variant and its YAML, for a model whose card could not be built."""
        tactics = find_tactics(self.knowledge.store, model.technique.id)
        rules: list[_RuleText] = []
        for variant in SigmaVariant:
            try:
                rule = build_rule(model, variant, self.mapping)
            except (UnsupportedRuleError, ValueError) as exc:
                # The model cannot be written in this variant (no Sysmon event for it, or
                # every condition implied by the log source): a fact, not a failure.
                rules.append((variant, None, str(exc)))
                continue
            rules.append((variant, render_rule(rule, tactics), None))
        return rules


def _card_rules(card: TechniqueCard) -> list[_RuleText]:
    """The card's rules: the YAML ``render_rule`` wrote for the same model and mapping.

    Taking them from the card spares a second tactic query and YAML dump for each rule,
    about a sixth of the run.
    """
    return [(SigmaVariant(rule.variant), rule.sigma, rule.reason) for rule in card.rules]


class _Outcome:
    """The files, unwritten rules and failures of one technique as its rendering goes on."""

    def __init__(self, output_dir: Path, technique_id: str) -> None:
        self.output_dir = output_dir
        self.technique_id = technique_id
        self.files: list[str] = []
        self.unwritten: list[tuple[str, str]] = []
        self.failures: list[Failure] = []

    @contextmanager
    def attempt(self, artefact: str) -> Iterator[None]:
        """Record an exception in the block as the failure of ``artefact``, and go on."""
        try:
            yield
        # Any error is one technique's failure, reported in the summary; the run goes on.
        # KeyboardInterrupt and SystemExit are not Exceptions, so they still stop it.
        except Exception as exc:
            logger.debug("Rendering %s of %s failed", artefact, self.technique_id, exc_info=True)
            self.failures.append(Failure(artefact, f"{type(exc).__name__}: {exc}"))

    def write(self, path: Path, text: str) -> None:
        write_text_atomically(path, text)
        self.files.append(path.relative_to(self.output_dir).as_posix())

    def result(self, row: TechniqueCoverage) -> TechniqueResult:
        return TechniqueResult(
            coverage=row,
            files=tuple(self.files),
            unwritten_rules=tuple(self.unwritten),
            failures=tuple(self.failures),
        )
