"""The T1055.001 rules as queries of installed pySigma backends: Splunk, Elasticsearch, ES|QL."""

from __future__ import annotations

import sys

import pytest

from d3fgraph.detection import build_rule, load_sysmon_mapping
from d3fgraph.evidence import (
    MissingEngineError,
    RuleConversionError,
    UnknownBackendError,
    convert_rule,
    installed_backends,
    installed_pipelines,
)

from sigma_support import T1055_TACTICS, t1055_001_model

LOADERS = '"LoadLibraryA", "LoadLibraryW", "LoadLibraryExA", "LoadLibraryExW"'

#: The query each backend writes for each variant: the golden strings of this test.
GOLDEN = {
    ("splunk", "definitional"): 'class_uid=1007 activity_id=4 api.operation="CreateRemoteThread"',
    ("splunk", "ocsf-native"): "class_uid=1007 activity_id=4 injection_type_id=1",
    ("splunk", "sysmon"): f"EventID=8 StartFunction IN ({LOADERS})",
    ("lucene", "definitional"): (
        "class_uid:1007 AND activity_id:4 AND api.operation:CreateRemoteThread"
    ),
    ("lucene", "ocsf-native"): "class_uid:1007 AND activity_id:4 AND injection_type_id:1",
    ("lucene", "sysmon"): (
        "EventID:8 AND (StartFunction:(LoadLibraryA OR LoadLibraryW OR LoadLibraryExA OR "
        "LoadLibraryExW))"
    ),
    ("esql", "definitional"): (
        "from * metadata _id, _index, _version | where class_uid==1007 and activity_id==4 and "
        'api.operation=="CreateRemoteThread"'
    ),
    ("esql", "ocsf-native"): (
        "from * metadata _id, _index, _version | where class_uid==1007 and activity_id==4 and "
        "injection_type_id==1"
    ),
    ("esql", "sysmon"): (
        "from * metadata _id, _index, _version | where EventID==8 and "
        f"(StartFunction in ({LOADERS}))"
    ),
}


@pytest.fixture(scope="module")
def mapping():
    return load_sysmon_mapping()


def rule(variant: str, mapping):
    return build_rule(t1055_001_model(), variant, mapping)


class TestConvertRule:
    @pytest.mark.parametrize(("backend", "variant"), sorted(GOLDEN))
    def test_writes_the_golden_query(self, mapping, backend, variant):
        """Each variant becomes one query; OCSF names pass through, Sysmon gains its Event ID."""
        queries = convert_rule(rule(variant, mapping), backend, mapping, tactics=T1055_TACTICS)

        assert queries == (GOLDEN[backend, variant],)

    def test_backend_pipeline_sees_the_sysmon_service(self, mapping):
        """The Sysmon rule reaches a backend's Windows pipeline as service sysmon."""
        queries = convert_rule(
            rule("sysmon", mapping), "splunk", mapping, pipelines=["splunk_windows"]
        )

        assert queries == (
            f'source="WinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=8 '
            f"StartFunction IN ({LOADERS})",
        )

    def test_rejects_an_unknown_backend_with_the_installed_ones(self, mapping):
        """An unknown name lists the installed backends and suggests the closest."""
        with pytest.raises(UnknownBackendError) as caught:
            convert_rule(rule("sysmon", mapping), "splunkk", mapping)

        installed = ", ".join(sorted(installed_backends()))
        assert str(caught.value) == (
            f"no installed pySigma backend is called 'splunkk'; did you mean 'splunk'? installed "
            f"backends: {installed} (add one with pip install pysigma-backend-NAME)"
        )
        assert {"splunk", "lucene", "esql", "sqlite"} <= set(caught.value.installed)

    def test_rejects_an_unknown_pipeline(self, mapping):
        """An unknown pipeline name lists the installed pipelines."""
        with pytest.raises(UnknownBackendError) as caught:
            convert_rule(rule("sysmon", mapping), "splunk", mapping, pipelines=["nope"])

        assert caught.value.installed == installed_pipelines()

    def test_rejects_a_format_the_backend_lacks(self, mapping):
        """An output format the backend does not offer names those it does."""
        with pytest.raises(RuleConversionError) as caught:
            convert_rule(rule("sysmon", mapping), "splunk", mapping, output_format="xml")

        assert str(caught.value) == (
            "backend 'splunk' has no format 'xml'; use one of: default, savedsearches, data_model"
        )


class TestMissingPySigma:
    def test_names_the_extra_to_install(self, mapping, monkeypatch):
        """Without pySigma, conversion says which extra brings it."""
        monkeypatch.setitem(sys.modules, "sigma.collection", None)

        with pytest.raises(MissingEngineError) as caught:
            convert_rule(rule("sysmon", mapping), "splunk", mapping)

        assert str(caught.value) == (
            "pySigma is not installed, and it runs and converts the rules; "
            "pip install 'd3fgraph[evidence]'"
        )
