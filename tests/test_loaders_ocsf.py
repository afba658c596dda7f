"""Tests of the OCSF loader: compilation, the slim model, path resolution and the RDF view."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store

from d3fgraph.errors import (
    InvalidOcsfPathError,
    OcsfLoadError,
    UnknownOcsfActivityError,
    UnknownOcsfClassError,
)
from d3fgraph.loaders.ocsf import compile_ocsf
from d3fgraph.loaders.ocsf_model import (
    MODEL_FORMAT,
    OcsfAttribute,
    OcsfSchema,
    Requirement,
)
from d3fgraph.loaders.ocsf_rdf import D3G_TERMS, ocsf_iri, ocsf_triples, plain_text
from d3fgraph.namespaces import D3G, OCSF, PREFIXES

from ocsf_mini_tree import write_tree

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BAD_TREES = DATA / "ocsf_bad"
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


@pytest.fixture(scope="session")
def ocsf_schema() -> OcsfSchema:
    """The real OCSF 1.8.0 schema, compiled once per session from D3FGRAPH_DATA_DIR."""
    value = os.environ.get("D3FGRAPH_DATA_DIR")
    if not value:
        pytest.skip(
            "D3FGRAPH_DATA_DIR is not set: point it at the folder holding ocsf-schema/ "
            "to run the tests on the real OCSF schema"
        )
    return compile_ocsf(Path(value) / "ocsf-schema")


@pytest.fixture(scope="session")
def mini_schema(tmp_path_factory: pytest.TempPathFactory) -> OcsfSchema:
    """The synthetic schema of ocsf_mini_tree, which needs no external data."""
    return compile_ocsf(write_tree(tmp_path_factory.mktemp("ocsf-mini")))


def _store(schema: OcsfSchema) -> Store:
    store = Store()
    store.extend(
        Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in ocsf_triples(schema)
    )
    return store


def _select(store: Store, query: str) -> list[tuple[str, ...]]:
    rows = store.query(SPARQL_PREFIXES + query)
    return [tuple(term.value for term in row) for row in rows]


class TestCompileOcsf:
    def test_reads_version_records_profiles_and_extensions(self, mini_schema):
        """The compiled schema lists every record, profile and extension of the tree."""
        assert mini_schema.version == "0.1.0"
        assert list(mini_schema.classes) == [
            "acme/widget_activity",
            "base_event",
            "gadget_activity",
        ]
        assert list(mini_schema.objects) == ["acme/widget", "gadget", "observable"]
        assert mini_schema.profiles == ("acme/tracking", "cloud", "host")
        assert mini_schema.extensions == ("acme",)
        assert [(c.name, c.uid, c.caption) for c in mini_schema.categories.values()] == [
            ("demo", 9, "Demo Activity")
        ]

    def test_core_class_uid_combines_category_and_class(self, mini_schema):
        """A core class gets category_uid * 1000 + uid, as OCSF publishes it."""
        gadget_activity = mini_schema.classes["gadget_activity"]

        assert (gadget_activity.uid, gadget_activity.category, gadget_activity.category_uid) == (
            9003,
            "demo",
            9,
        )
        assert gadget_activity.activities == {0: "Unknown", 1: "Poke", 2: "Prod", 99: "Other"}
        assert gadget_activity.profiles == ("cloud", "host")
        assert gadget_activity.extension is None

    def test_extension_class_uid_includes_extension_uid(self, mini_schema):
        """An extension class gets extension_uid * 100000 on top of the core formula."""
        widget_activity = mini_schema.classes["acme/widget_activity"]

        assert (widget_activity.uid, widget_activity.extension) == (709001, "acme")
        assert widget_activity.activities == {0: "Unknown", 1: "Spin", 99: "Other"}

    def test_base_event_sits_in_category_other(self, mini_schema):
        """Base Event keeps category 'other' with the category_uid of its enum, 0."""
        base_event = mini_schema.classes["base_event"]

        assert (base_event.uid, base_event.category, base_event.category_uid) == (0, "other", 0)

    def test_keeps_d3fend_references_that_ocsf_lib_drops(self, mini_schema):
        """D3FEND local names come from the references of the source files, others are ignored."""
        assert mini_schema.classes["gadget_activity"].d3fend == ("ProcessEvent",)
        assert mini_schema.objects["gadget"].d3fend == ("Process",)
        assert mini_schema.objects["acme/widget"].d3fend == ("Sensor",)
        assert mini_schema.classes["base_event"].d3fend == ()

    def test_explicit_null_profile_makes_attribute_native(self, mini_schema):
        """host comes from the host profile but belongs to classes whose base declares it null."""
        assert mini_schema.classes["base_event"].attributes["host"].profile == "host"
        assert mini_schema.classes["gadget_activity"].attributes["host"].profile is None
        assert mini_schema.classes["acme/widget_activity"].attributes["host"].profile is None

    def test_records_extension_and_profile_of_patched_attributes(self, mini_schema):
        """Attributes an extension patches into a core object carry that extension."""
        gadget = mini_schema.objects["gadget"].attributes

        assert (gadget["serial"].extension, gadget["serial"].profile) == ("acme", None)
        assert (gadget["tag"].extension, gadget["tag"].profile) == ("acme", "acme/tracking")
        assert (gadget["region"].extension, gadget["region"].profile) == (None, "cloud")
        assert (gadget["name"].extension, gadget["name"].profile) == (None, None)

    def test_core_caption_survives_extension_patch(self, mini_schema):
        """The patch's caption and description do not replace the core object's own."""
        gadget = mini_schema.objects["gadget"]

        assert (gadget.caption, gadget.description) == (
            "Gadget",
            "A <b>gadget</b> &amp; its parts.",
        )

    def test_converts_attribute_details(self, mini_schema):
        """Types, object types, arrays, deprecation and both kinds of enum keys come through."""
        gadget = mini_schema.objects["gadget"].attributes
        mode = mini_schema.classes["gadget_activity"].attributes["mode"]
        widget = mini_schema.classes["acme/widget_activity"].attributes["widget"]

        assert (gadget["gadget"].type, gadget["gadget"].object_type) == ("object_t", "gadget")
        assert (gadget["pid"].type, gadget["pid"].object_type) == ("integer_t", None)
        assert (gadget["parts"].is_array, gadget["pid"].is_array) == (True, False)
        assert (gadget["legacy_id"].deprecated, gadget["name"].deprecated) == (True, False)
        assert gadget["name"].requirement is Requirement.REQUIRED
        assert mode.enum == {"FAST": "Fast", "SLOW": "Slow"}
        assert (widget.type, widget.object_type) == ("object_t", "acme/widget")


class TestCompileOcsfErrors:
    def test_missing_folder(self):
        """A folder that does not exist is reported with where to get a schema tree."""
        root = BAD_TREES / "absent"

        with pytest.raises(OcsfLoadError) as caught:
            compile_ocsf(root)

        assert caught.value.message == (
            f"OCSF schema folder {str(root)!r} does not exist or is not a folder; "
            "point it at a checkout of https://github.com/ocsf/ocsf-schema"
        )

    def test_missing_version_json(self):
        """A tree without version.json is refused, which ocsf-lib would compile as 0.0.0."""
        root = BAD_TREES / "no_version"

        with pytest.raises(OcsfLoadError) as caught:
            compile_ocsf(root)

        assert caught.value.message.startswith(f"No version.json in {str(root)!r}")

    def test_version_json_without_version(self):
        """version.json must hold a version string."""
        with pytest.raises(OcsfLoadError) as caught:
            compile_ocsf(BAD_TREES / "bad_version")

        assert caught.value.message == 'version.json needs a "version" string such as "1.8.0"'
        assert caught.value.location.path == BAD_TREES / "bad_version" / "version.json"

    def test_bad_json_names_file_line_and_column(self):
        """Invalid JSON is reported at its file, line and column rather than as a bare traceback."""
        with pytest.raises(OcsfLoadError) as caught:
            compile_ocsf(BAD_TREES / "bad_json")

        location = caught.value.location
        assert (location.path, location.line, location.column) == (
            BAD_TREES / "bad_json" / "objects" / "broken.json",
            6,
            3,
        )
        assert caught.value.message == (
            "Invalid JSON (Expecting property name enclosed in double quotes); "
            "fix the syntax of this OCSF source file"
        )

    def test_broken_extends(self):
        """An extends target that names no record is refused, which ocsf-lib would skip."""
        with pytest.raises(OcsfLoadError) as caught:
            compile_ocsf(BAD_TREES / "broken_extends")

        location = caught.value.location
        assert (location.path.name, location.line) == ("gadget_activity.json", 6)
        assert caught.value.message == (
            "\"extends\": 'demo_base' names no event of this tree; "
            "use the name or file stem of an existing one under events/"
        )

    def test_missing_include_target(self):
        """An $include target that does not exist is refused, which ocsf-lib would skip."""
        with pytest.raises(OcsfLoadError) as caught:
            compile_ocsf(BAD_TREES / "missing_include")

        location = caught.value.location
        assert (location.path.name, location.line) == ("base_event.json", 7)
        assert caught.value.message.startswith(
            "$include target 'profiles/hots.json' does not exist;"
        )

    def test_ocsf_lib_failure_is_wrapped(self):
        """A failure inside ocsf-lib becomes an OcsfLoadError that keeps the original cause."""
        root = BAD_TREES / "not_compilable"

        with pytest.raises(OcsfLoadError) as caught:
            compile_ocsf(root)

        assert caught.value.message == (
            f"ocsf-lib cannot compile the OCSF schema in {str(root)!r}: KeyError: "
            "'File objects/observable.json not found in repository'; fix the file it names, "
            "or check the tree against https://github.com/ocsf/ocsf-schema"
        )
        assert isinstance(caught.value.__cause__, KeyError)


class TestOcsfSchemaSerialisation:
    def test_json_round_trip_is_exact(self, mini_schema):
        """to_dict, JSON and from_dict give back an equal schema and the same dict."""
        data = mini_schema.to_dict()

        restored = OcsfSchema.from_dict(json.loads(json.dumps(data)))

        assert restored == mini_schema
        assert restored.to_dict() == data

    def test_enum_keys_keep_their_type(self, mini_schema):
        """Integer and string enum keys survive JSON, which only has string object keys."""
        restored = OcsfSchema.from_dict(json.loads(json.dumps(mini_schema.to_dict())))

        assert restored.classes["gadget_activity"].attributes["mode"].enum == {
            "FAST": "Fast",
            "SLOW": "Slow",
        }
        assert restored.classes["gadget_activity"].activities[99] == "Other"

    def test_equal_attributes_are_written_once(self, mini_schema):
        """Attributes inherited unchanged by several classes share one row of the table."""
        data = mini_schema.to_dict()

        rows = [row["name"] for row in data["attributes"]]
        assert rows.count("time") == 1
        assert len(data["attributes"]) < sum(
            len(record.attributes)
            for record in [*mini_schema.classes.values(), *mini_schema.objects.values()]
        )

    def test_rejects_other_layout(self, mini_schema):
        """A cache written by another layout is refused with the way to rebuild it."""
        data = {**mini_schema.to_dict(), "format": MODEL_FORMAT + 1}

        with pytest.raises(OcsfLoadError) as caught:
            OcsfSchema.from_dict(data)

        assert caught.value.message == (
            f"Cannot read the cached OCSF model (ValueError: layout {MODEL_FORMAT + 1} where "
            f"this d3fgraph reads {MODEL_FORMAT}); compile the OCSF source again with "
            "compile_ocsf and rewrite the cache"
        )

    def test_rejects_damaged_data(self, mini_schema):
        """A dict missing a key raises OcsfLoadError, not KeyError."""
        data = mini_schema.to_dict()
        del data["classes"][0]["uid"]

        with pytest.raises(OcsfLoadError, match=r"Cannot read the cached OCSF model \(KeyError"):
            OcsfSchema.from_dict(data)

    def test_model_import_leaves_ocsf_lib_unloaded(self):
        """Importing the model (the warm path) does not import ocsf-lib."""
        code = (
            "import sys, d3fgraph.loaders.ocsf_model, d3fgraph.loaders.ocsf_rdf; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'ocsf'))"
        )
        env = {**os.environ, "PYTHONPATH": str(REPO)}

        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )

        assert result.stdout.strip() == "[]"


class TestOcsfAttribute:
    def test_requires_object_type_exactly_for_object_t(self):
        """An object_t attribute without object_type is rejected."""
        with pytest.raises(ValueError, match="object_type is set exactly when type is 'object_t'"):
            OcsfAttribute("process", "Process", "", "object_t")

    def test_coerces_requirement_text(self):
        """A requirement given as text becomes the enum member."""
        # Plain text on purpose: model files read from YAML hand over str, not Requirement.
        attribute = OcsfAttribute("pid", "PID", "", "integer_t", requirement="required")  # type: ignore[arg-type]

        assert attribute.requirement is Requirement.REQUIRED

    def test_rejects_unknown_requirement(self):
        """A requirement outside the closed set names the allowed ones."""
        with pytest.raises(ValueError, match="must be one of required, recommended, optional"):
            OcsfAttribute("pid", "PID", "", "integer_t", requirement="mandatory")  # type: ignore[arg-type]


class TestEventClassLookup:
    @pytest.mark.parametrize(
        "key", ["gadget_activity", "Gadget Activity", "gADGET aCTIVITY", 9003, "9003"]
    )
    def test_finds_class_by_name_caption_or_uid(self, mini_schema, key):
        """Names, captions in any case and class_uids as int or text all find the class."""
        assert mini_schema.event_class(key).name == "gadget_activity"

    def test_unknown_class_suggests_close_names(self, mini_schema):
        """An unknown class lists close matches and how to name a class."""
        with pytest.raises(UnknownOcsfClassError) as caught:
            mini_schema.event_class("gadget_activty")

        assert caught.value.suggestions == (
            "gadget_activity",
            "Gadget Activity",
            "acme/widget_activity",
        )
        assert str(caught.value) == (
            "Unknown OCSF event class 'gadget_activty'; did you mean 'gadget_activity', "
            "'Gadget Activity', 'acme/widget_activity'?; name a class by its name "
            "('process_activity'), caption ('Process Activity') or class_uid (1007), and list "
            "them all with sorted(OcsfSchema.classes)"
        )


class TestActivity:
    @pytest.mark.parametrize("key", [2, "2", "Prod", "prod"])
    def test_finds_activity_by_id_or_caption(self, mini_schema, key):
        """Activity ids as int or text and captions in any case find the activity."""
        assert mini_schema.classes["gadget_activity"].activity(key) == (2, "Prod")

    def test_unknown_activity_lists_allowed(self, mini_schema):
        """An unknown activity lists every id and caption of the class."""
        with pytest.raises(UnknownOcsfActivityError) as caught:
            mini_schema.classes["gadget_activity"].activity("Shove")

        assert str(caught.value) == (
            "Unknown activity 'Shove' for OCSF event class 'gadget_activity'; use an activity "
            "id or caption: 0 Unknown, 1 Poke, 2 Prod, 99 Other"
        )

    def test_type_uid_is_class_uid_times_100_plus_activity(self, mini_schema):
        """type_uid follows the OCSF formula."""
        assert mini_schema.classes["gadget_activity"].type_uid(2) == 900302
        assert mini_schema.classes["gadget_activity"].type_uid("Poke") == 900301


class TestResolvePath:
    @pytest.mark.parametrize(
        ("event_class", "path", "requires"),
        [
            ("gadget_activity", "host.name", ()),
            ("gadget_activity", "gadget.gadget.pid", ()),
            ("gadget_activity", "region", ("profile:cloud",)),
            ("gadget_activity", "gadget.region", ("profile:cloud",)),
            ("gadget_activity", "gadget.serial", ("extension:acme",)),
            ("gadget_activity", "gadget.tag", ("extension:acme", "profile:acme/tracking")),
            ("acme/widget_activity", "host.serial", ()),
            ("acme/widget_activity", "widget.gadget.name", ()),
            ("base_event", "host.name", ("profile:host",)),
        ],
    )
    def test_reports_what_a_path_requires(self, mini_schema, event_class, path, requires):
        """A path needs the profiles and foreign extensions of its segments, nothing more."""
        resolved = mini_schema.resolve_path(event_class, path)

        assert resolved.requires == requires
        assert resolved.native is (requires == ())

    def test_segments_follow_object_types(self, mini_schema):
        """Each segment is the attribute of the object the previous one holds."""
        resolved = mini_schema.resolve_path("Gadget Activity", "gadget.gadget.pid")

        assert [s.name for s in resolved.segments] == ["gadget", "gadget", "pid"]
        assert (resolved.leaf.name, resolved.leaf.type) == ("pid", "integer_t")

    def test_unknown_segment_names_object_and_suggests(self, mini_schema):
        """A misspelt segment names the object searched and suggests whole paths."""
        with pytest.raises(InvalidOcsfPathError) as caught:
            mini_schema.resolve_path("gadget_activity", "gadget.nme")

        assert caught.value.suggestions == ("gadget.name",)
        assert str(caught.value) == (
            "OCSF path 'gadget.nme' is not valid for event class 'gadget_activity': segment "
            "'nme' is not an attribute of object 'gadget' (at 'gadget'); "
            "did you mean 'gadget.name'?"
        )

    def test_descending_into_scalar_is_refused(self, mini_schema):
        """A segment below a scalar attribute is reported as descending into a scalar."""
        with pytest.raises(InvalidOcsfPathError) as caught:
            mini_schema.resolve_path("gadget_activity", "gadget.pid.value")

        assert str(caught.value) == (
            "OCSF path 'gadget.pid.value' is not valid for event class 'gadget_activity': it "
            "descends into a scalar: 'gadget.pid' is integer_t, which has no attribute 'value'"
        )

    def test_empty_segment_is_refused(self, mini_schema):
        """Doubled or trailing dots are refused."""
        with pytest.raises(InvalidOcsfPathError, match="it has an empty segment"):
            mini_schema.resolve_path("gadget_activity", "gadget..name")


class TestOcsfTriples:
    def test_sparql_finds_class_uid_and_activity(self, mini_schema):
        """Classes carry their uid and activities their id and type_uid."""
        rows = _select(
            _store(mini_schema),
            """SELECT ?uid ?id ?type WHERE {
                ?class a d3g:OcsfEventClass ; rdfs:label "Gadget Activity" ; d3g:classUid ?uid ;
                    d3g:hasActivity ?activity .
                ?activity rdfs:label "Prod" ; d3g:activityId ?id ; d3g:typeUid ?type .
            }""",
        )

        assert rows == [("9003", "2", "900302")]

    def test_links_records_to_d3fend(self, mini_schema):
        """Each D3FEND reference becomes d3g:observedAs to the D3FEND class."""
        rows = _select(
            _store(mini_schema),
            "SELECT ?record ?d3f WHERE { ?record d3g:observedAs ?d3f } ORDER BY ?record",
        )

        assert rows == [
            (OCSF.iri + "class/gadget_activity", PREFIXES["d3f"] + "ProcessEvent"),
            (OCSF.iri + "object/acme--widget", PREFIXES["d3f"] + "Sensor"),
            (OCSF.iri + "object/gadget", PREFIXES["d3f"] + "Process"),
        ]

    def test_attribute_provenance_and_object_type(self, mini_schema):
        """Attributes link to their object type, profile and extension."""
        rows = _select(
            _store(mini_schema),
            """SELECT DISTINCT ?name ?profile ?extension WHERE {
                ?class d3g:ocsfName "gadget_activity" ; d3g:hasAttribute/d3g:objectType ?object .
                ?object d3g:hasAttribute ?attribute .
                ?attribute d3g:ocsfName ?name ; d3g:fromProfile ?profile ;
                    d3g:fromExtension ?extension .
            }""",
        )

        assert rows == [("tag", OCSF.iri + "profile/acme--tracking", OCSF.iri + "extension/acme")]

    def test_descriptions_lose_html(self, mini_schema):
        """rdfs:comment holds the description without tags or entities."""
        rows = _select(
            _store(mini_schema),
            """SELECT ?comment WHERE {
                ?object a d3g:OcsfObject ; d3g:ocsfName "gadget" ; rdfs:comment ?comment
            }""",
        )

        assert rows == [("A gadget & its parts.",)]

    def test_slash_names_become_one_segment(self):
        """The extension scope of a name is written as -- so the name stays one IRI segment."""
        assert ocsf_iri("class", "win/registry_key_activity") == NamedNode(
            OCSF.iri + "class/win--registry_key_activity"
        )
        assert ocsf_iri("object", "osint", "attribute", "tlp", "enum", "AMBER STRICT").value == (
            OCSF.iri + "object/osint/attribute/tlp/enum/AMBER%20STRICT"
        )

    def test_plain_text_strips_markup(self):
        """Tags go, line breaks become spaces and entities are decoded."""
        assert plain_text("Use <code>pid</code>.<br>See <a href='x'>docs</a> &amp; more") == (
            "Use pid. See docs & more"
        )

    def test_uses_only_listed_d3g_terms(self, mini_schema):
        """Every D3G term in the triples is listed in D3G_TERMS, and every listed one is used."""
        used = set()
        for triple in ocsf_triples(mini_schema):
            for term in (triple.predicate, triple.object):
                if term in D3G:
                    used.add(D3G.local_name(term))

        assert used == set(D3G_TERMS)

    def test_ontology_declares_exactly_the_listed_terms(self):
        """ontologies/d3g-ocsf.ttl declares each D3G term with a label and a definition."""
        store = Store()
        store.load(path=str(REPO / "ontologies" / "d3g-ocsf.ttl"), format=RdfFormat.TURTLE)

        rows = _select(
            store,
            "SELECT ?term WHERE { ?term rdfs:label ?label ; skos:definition ?definition }",
        )

        assert sorted(D3G.local_name(NamedNode(iri)) for (iri,) in rows) == sorted(D3G_TERMS)


@pytest.mark.slow
class TestRealOcsfSchema:
    def test_version_and_process_activity(self, ocsf_schema):
        """OCSF 1.8.0 has Process Activity as class 1007 in category system (1)."""
        process_activity = ocsf_schema.event_class("Process Activity")

        assert ocsf_schema.version == "1.8.0"
        assert (process_activity.name, process_activity.uid) == ("process_activity", 1007)
        assert (process_activity.category, process_activity.category_uid) == ("system", 1)
        assert process_activity.activity(4) == (4, "Inject")
        assert process_activity.type_uid(4) == 100704
        assert len(process_activity.attributes) == 65

    def test_injection_type_enum(self, ocsf_schema):
        """injection_type_id carries the five injection types of OCSF 1.8.0."""
        attribute = ocsf_schema.classes["process_activity"].attributes["injection_type_id"]

        assert attribute.enum == {
            0: "Unknown",
            1: "Remote Thread",
            2: "Load Library",
            3: "Queue APC",
            99: "Other",
        }

    def test_d3fend_references(self, ocsf_schema):
        """Process Activity is observed as ProcessEvent and group as AccessControlGroup."""
        assert "ProcessEvent" in ocsf_schema.classes["process_activity"].d3fend
        assert "AccessControlGroup" in ocsf_schema.objects["group"].d3fend
        assert ocsf_schema.objects["win/reg_key"].d3fend == ("WindowsRegistryKey",)

    @pytest.mark.parametrize(
        "path",
        [
            "actor.process.file.path",
            "process.pid",
            "device",
            "device.hostname",
            "injection_type_id",
            "module.file.path",
            "activity_id",
        ],
    )
    def test_native_process_activity_paths(self, ocsf_schema, path):
        """Paths through actor and device are native although ocsf-lib marks them 'host'."""
        resolved = ocsf_schema.resolve_path("process_activity", path)

        assert (resolved.native, resolved.requires) == (True, ())

    @pytest.mark.parametrize(
        ("path", "requires"),
        [
            ("api", ("profile:cloud",)),
            ("api.operation", ("profile:cloud",)),
            ("time_dt", ("profile:datetime",)),
            ("process.container.name", ("profile:container",)),
            ("process.hosted_services", ("extension:win",)),
            ("process.auid", ("extension:linux", "profile:linux/linux_users")),
        ],
    )
    def test_non_native_process_activity_paths(self, ocsf_schema, path, requires):
        """Profile and extension attributes are not native and say what they need."""
        resolved = ocsf_schema.resolve_path("process_activity", path)

        assert (resolved.native, resolved.requires) == (False, requires)

    def test_extension_class_paths(self, ocsf_schema):
        """Windows classes resolve, and attributes of their own extension stay native."""
        registry = ocsf_schema.event_class("win/registry_key_activity")

        assert (registry.uid, registry.extension) == (201001, "win")
        assert ocsf_schema.resolve_path(registry, "reg_key.path").requires == ()
        assert ocsf_schema.resolve_path(registry, "actor.process.hosted_services").requires == ()

    def test_process_object_keeps_its_own_caption(self, ocsf_schema):
        """The macOS patch does not rename the core process object."""
        assert ocsf_schema.objects["process"].caption == "Process"

    def test_json_round_trip_is_exact(self, ocsf_schema):
        """The full schema survives to_dict, JSON and from_dict unchanged."""
        data = json.loads(json.dumps(ocsf_schema.to_dict()))

        assert OcsfSchema.from_dict(data) == ocsf_schema

    def test_sparql_on_real_schema(self, ocsf_schema):
        """SPARQL finds class_uid 1007 and Inject 4 for Process Activity, and every class."""
        store = _store(ocsf_schema)

        rows = _select(
            store,
            """SELECT ?uid ?id WHERE {
                ?class a d3g:OcsfEventClass ; rdfs:label "Process Activity" ; d3g:classUid ?uid ;
                    d3g:hasActivity ?activity .
                ?activity rdfs:label "Inject" ; d3g:activityId ?id .
            }""",
        )
        (count,) = _select(store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a d3g:OcsfEventClass }")

        assert rows == [("1007", "4")]
        assert int(count[0]) == len(ocsf_schema.classes)
