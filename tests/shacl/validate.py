"""Validates JSON-LD credentials against the EDC SHACL shapes with pySHACL.

Used by tests/shacl.rs. Every JSON-LD context is read from a local file
(the EDC context vendored under schemas/, the W3C credentials contexts from
the npm package scripts/install-shacl-tools unpacks), so nothing is fetched.

Usage: validate.py SCHEMAS_DIR CONTEXTS_DIR FILE...
Prints one JSON object per file: {"file": ..., "violations": [[KEY, MESSAGE], ...]},
where KEY names the violated shape, the path and the constraint (so that the
same fault in two documents gives the same key) and MESSAGE is pySHACL's,
with the focus node.
"""
import json
import sys
from pathlib import Path

import pyshacl
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

SH = Namespace("http://www.w3.org/ns/shacl#")


def contexts(schemas: Path, w3c: Path) -> dict:
    def load(path: Path):
        return json.loads(path.read_text(encoding="utf-8"))["@context"]

    return {
        "http://data.europa.eu/snb/model/context/edc-ap": load(
            schemas / "elm-v3-edc-jsonld" / "edc-ap-context.jsonld"
        ),
        "https://www.w3.org/2018/credentials/v1": load(w3c / "v1.jsonld"),
        "https://www.w3.org/ns/credentials/v2": load(w3c / "v2.jsonld"),
    }


def inline_contexts(doc, known: dict):
    """Replaces each context URL with the context itself; fails on an unknown one."""
    ctx = doc["@context"]
    items = ctx if isinstance(ctx, list) else [ctx]
    inlined = []
    for item in items:
        if isinstance(item, str):
            if item not in known:
                raise SystemExit(f"no local copy of the JSON-LD context {item}")
            item = known[item]
        inlined.append(item)
    doc["@context"] = inlined
    return doc


def short(node, graph: Graph) -> str:
    if isinstance(node, URIRef):
        return graph.namespace_manager.normalizeUri(node)
    return "_"


def describe(node, graph: Graph) -> str:
    """A shape or path as text; a blank-node shape by its path and constraints."""
    if isinstance(node, URIRef):
        return short(node, graph)
    parts = []
    for p, o in sorted(graph.predicate_objects(node)):
        if p in (SH.path, SH["class"], SH.datatype, SH.hasValue, SH.nodeKind):
            parts.append(f"{short(p, graph)}={short(o, graph)}")
    return "[" + " ".join(parts) + "]"


def violations(data: Graph, shapes: Graph, ontology: Graph) -> list:
    conforms, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
    )
    found = {}
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        shape = report.value(result, SH.sourceShape)
        path = report.value(result, SH.resultPath)
        component = report.value(result, SH.sourceConstraintComponent)
        key = " | ".join(
            [
                describe(shape, shapes),
                short(path, shapes) if path is not None else "-",
                short(component, shapes),
            ]
        )
        found.setdefault(key, str(report.value(result, SH.resultMessage) or ""))
    return sorted(found.items())


def main() -> None:
    schemas, w3c, files = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    edc = schemas / "elm-v3-edc-jsonld"
    shapes = Graph()
    for name in ("EDC-generic-no-cv.ttl", "EDC-generic-full.ttl"):
        shapes.parse(edc / "shacl" / name, format="turtle")
    ontology = Graph().parse(edc / "ontology" / "ELM.ttl", format="turtle")
    known = contexts(schemas, w3c)
    for file in files:
        doc = inline_contexts(json.loads(Path(file).read_text(encoding="utf-8")), known)
        data = Graph().parse(data=json.dumps(doc), format="json-ld")
        print(json.dumps({"file": file, "violations": violations(data, shapes, ontology)}))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
