"""The slim OCSF model as RDF, so SPARQL can join OCSF classes and objects to D3FEND.

Every OCSF record gets an IRI in the ``OCSF`` namespace, built from its kind and name:
``class/process_activity``, ``class/process_activity/activity/4``,
``class/process_activity/attribute/activity_id``, ``object/process/attribute/pid``,
``category/system``, ``profile/cloud``, ``extension/win``, and enum members below their
attribute (``.../attribute/injection_type_id/enum/1``). OCSF names may hold a ``/`` that
scopes them to an extension (``win/registry_key_activity``, ``linux/linux_users``); it becomes
``--`` so the name stays one IRI segment (``class/win--registry_key_activity``), which is
unambiguous because OCSF names are snake_case and never contain ``--``. Any other character
outside letters, digits, ``_``, ``-``, ``.`` and ``~`` is percent-encoded (enum keys such as
``AMBER STRICT``).

The vocabulary lives in the project ontology namespace ``D3G``; ``D3G_TERMS`` lists each term
used, and ``ontologies/d3g-ocsf.ttl`` declares them with labels and definitions. Captions are
``rdfs:label``, descriptions ``rdfs:comment`` with their HTML markup removed, and each D3FEND
reference of a class or object becomes ``d3g:observedAs`` to the D3FEND class.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Final
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Triple

from d3fgraph.loaders.ocsf_model import OcsfAttribute, OcsfEventClass, OcsfObject, OcsfSchema
from d3fgraph.namespaces import D3F, D3G, OCSF, RDF, RDFS

__all__ = ["D3G_TERMS", "OCSF_GRAPH", "ocsf_iri", "ocsf_triples", "plain_text"]

OCSF_GRAPH: Final = D3G.term("graph/ocsf")
"""The named graph that holds the OCSF triples in a shared store."""

D3G_TERMS: Final = (
    # Classes
    "OcsfSchema",
    "OcsfEventClass",
    "OcsfActivity",
    "OcsfObject",
    "OcsfAttribute",
    "OcsfEnumValue",
    "OcsfCategory",
    "OcsfProfile",
    "OcsfExtension",
    # Properties between OCSF resources
    "hasActivity",
    "hasAttribute",
    "objectType",
    "enumValue",
    "inCategory",
    "inExtension",
    "supportsProfile",
    "fromProfile",
    "fromExtension",
    "observedAs",
    # Properties with literal values
    "ocsfVersion",
    "ocsfName",
    "classUid",
    "categoryUid",
    "activityId",
    "typeUid",
    "enumId",
    "attributeType",
    "requirement",
    "attributeGroup",
    "isArray",
    "isDeprecated",
)
"""Local names of every ``D3G`` term this module writes, for the ontology to declare."""

_BREAK = re.compile(r"<br\s*/?>|</?(?:p|li|ul|ol|div|tr|td)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")

_TYPE = RDF.type
_LABEL = RDFS.label
_COMMENT = RDFS.comment


def plain_text(description: str) -> str:
    """Return an OCSF description without HTML tags and entities, on one line."""
    text = _TAG.sub("", _BREAK.sub(" ", description))
    return " ".join(html.unescape(text).split())


def _segment(name: str) -> str:
    return quote(name.replace("/", "--"), safe="-_.~")


def ocsf_iri(*parts: str | int) -> NamedNode:
    """Return the IRI of an OCSF resource from its path parts, e.g. ``("class", "file_activity")``.

    Each part is one IRI segment, with ``/`` in OCSF names written as ``--``.
    """
    return OCSF.term("/".join(_segment(str(part)) for part in parts))


def _described(subject: NamedNode, caption: str, description: str) -> Iterator[Triple]:
    yield Triple(subject, _LABEL, Literal(caption))
    text = plain_text(description)
    if text:
        yield Triple(subject, _COMMENT, Literal(text))


def _attribute(subject: NamedNode, attribute: OcsfAttribute) -> Iterator[Triple]:
    yield Triple(subject, _TYPE, D3G.OcsfAttribute)
    yield Triple(subject, D3G.ocsfName, Literal(attribute.name))
    yield from _described(subject, attribute.caption, attribute.description)
    yield Triple(subject, D3G.attributeType, Literal(attribute.type))
    yield Triple(subject, D3G.requirement, Literal(attribute.requirement.value))
    yield Triple(subject, D3G.isArray, Literal(attribute.is_array))
    yield Triple(subject, D3G.isDeprecated, Literal(attribute.deprecated))
    if attribute.object_type is not None:
        yield Triple(subject, D3G.objectType, ocsf_iri("object", attribute.object_type))
    if attribute.group is not None:
        yield Triple(subject, D3G.attributeGroup, Literal(attribute.group))
    if attribute.profile is not None:
        yield Triple(subject, D3G.fromProfile, ocsf_iri("profile", attribute.profile))
    if attribute.extension is not None:
        yield Triple(subject, D3G.fromExtension, ocsf_iri("extension", attribute.extension))

    for key, caption in attribute.enum.items():
        member = NamedNode(f"{subject.value}/enum/{_segment(str(key))}")
        yield Triple(subject, D3G.enumValue, member)
        yield Triple(member, _TYPE, D3G.OcsfEnumValue)
        yield Triple(member, D3G.enumId, Literal(key))
        yield Triple(member, _LABEL, Literal(caption))


def _record(subject: NamedNode, kind: str, record: OcsfEventClass | OcsfObject) -> Iterator[Triple]:
    yield Triple(subject, D3G.ocsfName, Literal(record.name))
    yield from _described(subject, record.caption, record.description)
    yield Triple(subject, D3G.isDeprecated, Literal(record.deprecated))
    if record.extension is not None:
        yield Triple(subject, D3G.inExtension, ocsf_iri("extension", record.extension))
    for local_name in record.d3fend:
        yield Triple(subject, D3G.observedAs, D3F.term(local_name))

    for attribute in record.attributes.values():
        node = ocsf_iri(kind, record.name, "attribute", attribute.name)
        yield Triple(subject, D3G.hasAttribute, node)
        yield from _attribute(node, attribute)


def _event_class(schema: OcsfSchema, event_class: OcsfEventClass) -> Iterator[Triple]:
    subject = ocsf_iri("class", event_class.name)
    yield Triple(subject, _TYPE, D3G.OcsfEventClass)
    yield Triple(subject, D3G.classUid, Literal(event_class.uid))
    yield Triple(subject, D3G.categoryUid, Literal(event_class.category_uid))
    # Base Event's category "other" is not in categories.json, so it gets no category node.
    if event_class.category in schema.categories:
        yield Triple(subject, D3G.inCategory, ocsf_iri("category", event_class.category))
    for profile in event_class.profiles:
        yield Triple(subject, D3G.supportsProfile, ocsf_iri("profile", profile))

    for activity_id, caption in event_class.activities.items():
        activity = ocsf_iri("class", event_class.name, "activity", activity_id)
        yield Triple(subject, D3G.hasActivity, activity)
        yield Triple(activity, _TYPE, D3G.OcsfActivity)
        yield Triple(activity, D3G.activityId, Literal(activity_id))
        yield Triple(activity, D3G.typeUid, Literal(event_class.uid * 100 + activity_id))
        yield Triple(activity, _LABEL, Literal(caption))

    yield from _record(subject, "class", event_class)


def ocsf_triples(schema: OcsfSchema) -> Iterator[Triple]:
    """Yield the OCSF model as triples, about 110,000 for OCSF 1.8.0.

    Args:
        schema: The slim model from ``compile_ocsf`` or ``OcsfSchema.from_dict``.

    Returns:
        Triples in no graph; place them in ``OCSF_GRAPH`` when sharing a store.
    """
    root = ocsf_iri("schema")
    yield Triple(root, _TYPE, D3G.OcsfSchema)
    yield Triple(root, D3G.ocsfVersion, Literal(schema.version))

    for category in schema.categories.values():
        subject = ocsf_iri("category", category.name)
        yield Triple(subject, _TYPE, D3G.OcsfCategory)
        yield Triple(subject, D3G.ocsfName, Literal(category.name))
        yield Triple(subject, D3G.categoryUid, Literal(category.uid))
        yield from _described(subject, category.caption, category.description)

    for extension in schema.extensions:
        subject = ocsf_iri("extension", extension)
        yield Triple(subject, _TYPE, D3G.OcsfExtension)
        yield Triple(subject, D3G.ocsfName, Literal(extension))
        yield Triple(subject, _LABEL, Literal(extension))

    for profile in schema.profiles:
        subject = ocsf_iri("profile", profile)
        yield Triple(subject, _TYPE, D3G.OcsfProfile)
        yield Triple(subject, D3G.ocsfName, Literal(profile))
        yield Triple(subject, _LABEL, Literal(profile))
        scope, _, _ = profile.rpartition("/")
        if scope:
            yield Triple(subject, D3G.inExtension, ocsf_iri("extension", scope))

    for obj in schema.objects.values():
        subject = ocsf_iri("object", obj.name)
        yield Triple(subject, _TYPE, D3G.OcsfObject)
        yield from _record(subject, "object", obj)

    for event_class in schema.classes.values():
        yield from _event_class(schema, event_class)
