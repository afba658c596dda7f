"""Turn d3fgraph's Sigma rules into queries with the pySigma backends installed here.

pySigma is optional (``pip install 'd3fgraph[evidence]'``), so every import of it happens
inside a function. Backends and pipelines are found the way ``sigma-cli`` finds them, through
pySigma's plugin discovery, so any backend package a user installs is offered by name.

The OCSF rules already name OCSF attributes by their dotted paths (``actor.process.file.path``),
which is how OCSF data lakes (Amazon Security Lake, Splunk's and Elastic's OCSF sources) store
them, so those names are passed through unchanged. pysigma-pipeline-ocsf is not used: it maps
the field names of generic Windows rules onto OCSF, which these rules do not need, and its
table for remote threads differs from the project's (it sends ``TargetImage`` to
``file_result.name`` and ``StartModule`` to ``unmapped``).
"""

from __future__ import annotations

import difflib
import json
import warnings
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from d3fgraph.detection.mapping_model import SysmonMapping
from d3fgraph.detection.rule_model import DetectionRule
from d3fgraph.errors import EXIT_USAGE, D3fgraphError, D3fgraphWarning
from d3fgraph.evidence.sysmon_to_ocsf import SYSMON_CHANNEL

if TYPE_CHECKING:
    from sigma.collection import SigmaCollection
    from sigma.conversion.base import Backend
    from sigma.processing.pipeline import ProcessingPipeline

__all__ = [
    "MissingEngineError",
    "RuleConversionError",
    "UnknownBackendError",
    "check_plugins",
    "convert_rule",
    "installed_backends",
    "installed_pipelines",
    "parse_rule",
    "rule_fields",
    "sqlite_backend",
    "sysmon_pipeline",
]

_INSTALL_HINT: Final = "pip install 'd3fgraph[evidence]'"


class MissingEngineError(D3fgraphError, ImportError):
    """pySigma, or the backend a command needs, is not installed."""

    exit_code = EXIT_USAGE


class UnknownBackendError(D3fgraphError, LookupError):
    """A backend or pipeline name that no installed pySigma plugin answers to."""

    exit_code = EXIT_USAGE

    def __init__(self, kind: str, name: str, installed: Iterable[str]) -> None:
        self.name = name
        self.installed = tuple(sorted(installed))
        close = difflib.get_close_matches(name, self.installed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        listed = ", ".join(self.installed) or "none"
        msg = (
            f"no installed pySigma {kind} is called {name!r}; {hint}installed {kind}s: {listed} "
            f"(add one with pip install pysigma-{kind}-NAME)"
        )
        super().__init__(msg)


class RuleConversionError(D3fgraphError, ValueError):
    """pySigma could not read a rule or turn it into a query."""


def installed_backends() -> dict[str, type[Backend]]:
    """Return the pySigma backends installed here, by the name sigma-cli gives them.

    Raises:
        MissingEngineError: pySigma is not installed.
    """
    return dict(sorted(_plugins(backends=True).backends.items()))


def installed_pipelines() -> tuple[str, ...]:
    """Return the names of the pySigma processing pipelines installed here.

    Raises:
        MissingEngineError: pySigma is not installed.
    """
    return tuple(sorted(_plugins(backends=False).pipelines))


def sysmon_pipeline(mapping: SysmonMapping, *, channel: bool = False) -> ProcessingPipeline:
    """Return the pipeline that gives the Sysmon rules' log sources their Event IDs.

    A rule for ``product: windows`` and a category the mapping file names (such as
    ``create_remote_thread``) gets the condition ``EventID`` of that Sysmon event and the log
    source ``service: sysmon``, as SigmaHQ's Sysmon pipeline does, so a backend's own Windows
    pipeline can still say where Sysmon events are kept. With ``channel``, the Sysmon event
    log's channel is required too, which a table of mixed Windows logs needs.
    """
    from sigma.processing.conditions import LogsourceCondition
    from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline
    from sigma.processing.transformations import (
        AddConditionTransformation,
        ChangeLogsourceTransformation,
    )

    items = []
    for event in mapping.events:
        # pySigma ties each condition object to one processing item, so each gets its own.
        items.append(
            ProcessingItem(
                identifier=f"d3fgraph_sysmon_{event.event_id}",
                transformation=AddConditionTransformation({"EventID": event.event_id}),
                rule_conditions=[
                    LogsourceCondition(product="windows", category=event.sigma_category)
                ],
            )
        )
        items.append(
            ProcessingItem(
                identifier=f"d3fgraph_sysmon_{event.event_id}_logsource",
                transformation=ChangeLogsourceTransformation(product="windows", service="sysmon"),
                rule_conditions=[
                    LogsourceCondition(product="windows", category=event.sigma_category)
                ],
            )
        )
    if channel:
        items.append(
            ProcessingItem(
                identifier="d3fgraph_sysmon_channel",
                transformation=AddConditionTransformation({"Channel": SYSMON_CHANNEL}),
                rule_conditions=[LogsourceCondition(product="windows", service="sysmon")],
            )
        )
    return ProcessingPipeline(name="d3fgraph Sysmon log sources", priority=10, items=items)


def parse_rule(rule: DetectionRule, tactics: Sequence[str] = ()) -> SigmaCollection:
    """Return the rule as pySigma reads the YAML ``d3fgraph sigma`` prints for it.

    Raises:
        MissingEngineError: pySigma is not installed.
        RuleConversionError: pySigma rejects the rule.
    """
    from d3fgraph.render.sigma import render_rule

    _require_pysigma()
    from sigma.collection import SigmaCollection
    from sigma.exceptions import SigmaError

    with warnings.catch_warnings():
        # Tags do not change what a rule matches, so a rule without tactics is fine here.
        warnings.simplefilter("ignore", D3fgraphWarning)
        text = render_rule(rule, tactics)
    try:
        return SigmaCollection.from_yaml(text)
    except SigmaError as exc:
        msg = f"pySigma cannot read the {rule.variant} rule of {rule.technique.id}: {exc}"
        raise RuleConversionError(msg) from exc


def convert_rule(
    rule: DetectionRule,
    backend: str,
    mapping: SysmonMapping,
    *,
    pipelines: Sequence[str] = (),
    output_format: str | None = None,
    tactics: Sequence[str] = (),
) -> tuple[str, ...]:
    """Return the queries an installed pySigma backend makes of ``rule``.

    The Sysmon rule goes through ``sysmon_pipeline`` first; ``pipelines`` names further
    installed pipelines, such as ``splunk_windows``, applied after it.

    Args:
        rule: A built rule, as ``build_rule`` returns it.
        backend: The backend's name, one of ``installed_backends()``.
        mapping: The Sysmon-to-OCSF mapping the rule was built with.
        pipelines: Names of installed pipelines to apply, in order.
        output_format: One of the backend's formats; by default its default format.
        tactics: The technique's D3FEND tactic classes, for backends that keep tags.

    Raises:
        MissingEngineError: pySigma is not installed.
        UnknownBackendError: No installed backend or pipeline has that name.
        RuleConversionError: The backend cannot express the rule, or has no such format.
    """
    plugins = check_plugins(backend, pipelines)
    pipeline = sysmon_pipeline(mapping)
    for name in pipelines:
        pipeline = pipeline + plugins.pipelines[name]()

    backend_class = plugins.backends[backend]
    formats = tuple(getattr(backend_class, "formats", {}) or ("default",))
    if output_format is not None and output_format not in formats:
        msg = (
            f"backend {backend!r} has no format {output_format!r}; use one of: {', '.join(formats)}"
        )
        raise RuleConversionError(msg)
    return _convert(backend_class(pipeline), parse_rule(rule, tactics), output_format, rule)


def check_plugins(backend: str, pipelines: Sequence[str] = ()) -> Any:
    """Return pySigma's installed plugins once ``backend`` and ``pipelines`` are among them.

    Raises:
        MissingEngineError: pySigma is not installed.
        UnknownBackendError: No installed backend or pipeline has that name; the message
            lists those installed.
    """
    plugins = _plugins(backends=True)
    if backend not in plugins.backends:
        raise UnknownBackendError("backend", backend, plugins.backends)
    for name in pipelines:
        if name not in plugins.pipelines:
            raise UnknownBackendError("pipeline", name, plugins.pipelines)
    return plugins


def rule_fields(collection: SigmaCollection) -> tuple[str, ...]:
    """Return the fields the rules of a converted collection test, pipeline additions included."""
    from sigma.conditions import ConditionFieldEqualsValueExpression
    from sigma.rule import SigmaRule

    found: dict[str, None] = {}
    stack: list[Any] = [
        parsed.parsed
        for rule in collection.rules
        if isinstance(rule, SigmaRule)
        for parsed in rule.detection.parsed_condition
    ]
    while stack:
        node = stack.pop()
        if isinstance(node, ConditionFieldEqualsValueExpression) and node.field:
            found[node.field] = None
        stack.extend(getattr(node, "args", None) or ())
    return tuple(sorted(found))


def _convert(
    engine: Backend, collection: SigmaCollection, output_format: str | None, rule: DetectionRule
) -> tuple[str, ...]:
    from sigma.exceptions import SigmaError

    try:
        queries = (
            engine.convert(collection, output_format)
            if output_format
            else engine.convert(collection)
        )
    except SigmaError as exc:
        msg = f"{engine.name} cannot express the {rule.variant} rule of {rule.technique.id}: {exc}"
        raise RuleConversionError(msg) from exc
    if not isinstance(queries, list):
        queries = [queries]
    # Formats such as kibana_ndjson give objects rather than query text.
    return tuple(q if isinstance(q, str) else json.dumps(q, indent=2) for q in queries)


def sqlite_backend(pipeline: ProcessingPipeline) -> Backend:
    """Return pySigma's SQLite backend with ``pipeline``, the engine evidence runs on.

    Raises:
        MissingEngineError: pySigma or pysigma-backend-sqlite is not installed.
    """
    backends = _plugins(backends=True).backends
    if "sqlite" not in backends:
        msg = f"pysigma-backend-sqlite is not installed, and it runs the rules; {_INSTALL_HINT}"
        raise MissingEngineError(msg)
    backend: Backend = backends["sqlite"](pipeline)
    return backend


def _plugins(*, backends: bool) -> Any:
    _require_pysigma()
    from sigma.plugins import InstalledSigmaPlugins

    return InstalledSigmaPlugins.autodiscover(
        include_backends=backends, include_pipelines=True, include_validators=False
    )


def _require_pysigma() -> None:
    try:
        import sigma.collection  # noqa: F401 - only checks that pySigma is importable
    except ImportError as exc:
        msg = f"pySigma is not installed, and it runs and converts the rules; {_INSTALL_HINT}"
        raise MissingEngineError(msg) from exc
