"""The card's JSON: golden output, and valid against docs/card.schema.json."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from d3fgraph.card import CARD_FORMAT, build_card

HERE = Path(__file__).parent
GOLDEN = HERE / "golden" / "card-T1055.001.json"
SCHEMA = HERE.parent / "docs" / "card.schema.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def data(knowledge, t1055_001) -> dict:
    return build_card(knowledge, t1055_001).to_dict()


def problems(validator: Draft202012Validator, instance: object) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


class TestCardJson:
    def test_matches_the_golden_card(self, data):
        """T1055.001's card data is the golden file, written as the command writes it."""
        written = json.dumps(data, indent=2, ensure_ascii=False) + "\n"

        assert written == GOLDEN.read_text(encoding="utf-8")

    def test_validates_against_the_schema(self, validator, data):
        """The card's data is what docs/card.schema.json describes."""
        assert problems(validator, data) == []
        assert data["format"] == CARD_FORMAT

    def test_a_drafted_card_validates_too(self, validator, knowledge):
        """A draft, with a rule that cannot be written and no fallback, is valid as well."""
        card = build_card(knowledge, knowledge.drafter.draft("T1547.001"))

        assert problems(validator, card.to_dict()) == []

    @pytest.mark.parametrize(
        ("where", "value"),
        [
            (("rules", 0, "variant"), "sysmon"),
            (("rules", 1, "reason"), "written and refused at once"),
            (("detect", "fallback_reason"), "a reason beside a fallback"),
            (("entities", 0, "countermeasures", 0, "provenance"), []),
            (("event", "class_uid"), "1007"),
        ],
    )
    def test_the_schema_rejects_inconsistent_cards(self, validator, data, where, value):
        """The schema is strict enough to catch a card that contradicts itself."""
        broken = copy.deepcopy(data)
        target = broken
        for key in where[:-1]:
            target = target[key]
        target[where[-1]] = value

        assert problems(validator, broken) != []
