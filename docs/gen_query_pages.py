"""One documentation page per saved query, written from the header of its ``.rq`` file.

MkDocs loads this file as a hook (``hooks:`` in ``mkdocs.yml``): the pages are generated at
build time, listed in the navigation under "Saved queries", and never stored in ``docs/``, so
they cannot fall behind the queries. Pages that others add to ``docs/`` without listing them
in ``nav`` are appended to it, so a new page is never left out of the site. Run it as a
script to write the query pages into a folder::

    python docs/gen_query_pages.py OUTPUT_FOLDER
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from d3fgraph.query import list_saved_queries, load_saved_query

FOLDER = "queries"


def header_fields(text: str) -> dict[str, str]:
    """Return the ``# Key: value`` lines that open a query file, keys in lower case."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line.lstrip("# ").partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip()
    return fields


def examples(parameters_field: str, names: tuple[str, ...]) -> dict[str, str]:
    """Return an example value per parameter, from "such as X" in its header description."""
    found = {}
    for name in names:
        match = re.search(rf"\b{re.escape(name)}\b[^,]*?such as ([^\s),]+)", parameters_field)
        found[name] = match.group(1).rstrip(".;") if match else "VALUE"
    return found


def query_page(name: str) -> str:
    """Return the Markdown page of the saved query ``name``."""
    query = load_saved_query(name)
    fields = header_fields(query.text)
    lines = query.text.splitlines()
    header = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    body = "\n".join(lines[header:])
    parameters = fields.get("parameters") or "none"
    values = examples(parameters, query.parameters)
    binds = "".join(f" --bind {p}={v}" for p, v in values.items())
    python_values = ", ".join(
        f'"{p}": D3F.{v[4:]}' if v.startswith("d3f:") else f'"{p}": "{v}"'
        for p, v in values.items()
    )
    return (
        f"# {name}\n\n"
        f"{query.purpose}\n\n"
        f"**Parameters:** {parameters}\n\n"
        f"**Columns:** {', '.join(f'`{c}`' for c in query.columns)}\n\n"
        "## Run it\n\n"
        f"```sh\nd3fgraph sparql --saved {name}{binds}\n```\n\n"
        "```python\n"
        "from d3fgraph.namespaces import D3F\n"
        "from d3fgraph.query import load_saved_query\n\n"
        f'rows = kg.query(load_saved_query("{name}").text, {{{python_values}}})\n'
        "```\n\n"
        "## Query\n\n"
        f"```sparql\n{body.strip()}\n```\n\n"
        f"Source: `ontologies/queries/{name}.rq`.\n"
    )


def index_page(names: list[str]) -> str:
    """Return the page that lists every saved query with its purpose."""
    lines = [
        "# Saved queries\n",
        "Each query ships in `ontologies/queries/` and runs with "
        "`d3fgraph sparql --saved NAME --bind PARAMETER=VALUE`; "
        "see [SPARQL](../sparql.md) for bindings and formats.\n",
        "| query | purpose |",
        "| --- | --- |",
    ]
    lines += [f"| [{n}]({n}.md) | {load_saved_query(n).purpose} |" for n in names]
    return "\n".join(lines) + "\n"


def on_config(config: Any) -> Any:
    """Add the unlisted pages of ``docs/``, then the generated query pages, to the navigation."""
    nav = list(config["nav"] or [])
    listed = {path for entry in nav for path in _paths(entry)}
    docs = Path(config["docs_dir"])
    for page in sorted(docs.rglob("*.md")):
        relative = page.relative_to(docs).as_posix()
        if relative not in listed and not relative.startswith(f"{FOLDER}/"):
            nav.append({_title(page): relative})

    entries = [{"Overview": f"{FOLDER}/index.md"}]
    entries += [{name: f"{FOLDER}/{name}.md"} for name in list_saved_queries()]
    config["nav"] = [*nav, {"Saved queries": entries}]
    return config


def _paths(entry: Any) -> list[str]:
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, dict):
        return [path for value in entry.values() for path in _paths(value)]
    if isinstance(entry, list):
        return [path for item in entry for path in _paths(item)]
    return []


def _title(page: Path) -> str:
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return page.stem.replace("-", " ").capitalize()


def on_files(files: Any, config: Any) -> Any:
    """Add one generated page per saved query, and their index, to the site's files."""
    from mkdocs.structure.files import File

    names = list_saved_queries()
    files.append(File.generated(config, f"{FOLDER}/index.md", content=index_page(names)))
    for name in names:
        files.append(File.generated(config, f"{FOLDER}/{name}.md", content=query_page(name)))
    return files


def main(argv: list[str]) -> int:
    """Write the pages into the folder named by ``argv[0]``."""
    if len(argv) != 1:
        print("usage: python docs/gen_query_pages.py OUTPUT_FOLDER", file=sys.stderr)
        return 1
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    names = list_saved_queries()
    (folder / "index.md").write_text(index_page(names), encoding="utf-8")
    for name in names:
        (folder / f"{name}.md").write_text(query_page(name), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
