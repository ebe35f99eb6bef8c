"""Reading the CloudFormation templates in infra/stacks: short tags, and the subset moto can build."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
STACKS = ROOT / "infra" / "stacks"
# Deploy order: each stack imports only from the ones before it.
STACK_ORDER = ["shared", "network", "security", "data", "storage", "app", "cdn", "monitoring"]

_SCALAR_FUNCTIONS = {
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAZs",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Equals",
    "If",
    "Not",
    "And",
    "Or",
    "Transform",
    "ToJsonString",
    "Length",
}


class CfnLoader(yaml.SafeLoader):
    """PyYAML's safe loader plus CloudFormation's short tags, turned into their long forms."""


def _node_value(loader: CfnLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]


def _function(name: str):
    def construct(loader: CfnLoader, node: yaml.Node) -> dict[str, Any]:
        return {f"Fn::{name}": _node_value(loader, node)}

    return construct


def _ref(loader: CfnLoader, node: yaml.Node) -> dict[str, Any]:
    return {"Ref": _node_value(loader, node)}


def _condition(loader: CfnLoader, node: yaml.Node) -> dict[str, Any]:
    return {"Condition": _node_value(loader, node)}


def _get_att(loader: CfnLoader, node: yaml.Node) -> dict[str, Any]:
    value = _node_value(loader, node)
    if isinstance(value, str):
        resource, _, attribute = value.partition(".")
        value = [resource, attribute]
    return {"Fn::GetAtt": value}


for _name in _SCALAR_FUNCTIONS:
    CfnLoader.add_constructor(f"!{_name}", _function(_name))
CfnLoader.add_constructor("!Ref", _ref)
CfnLoader.add_constructor("!Condition", _condition)
CfnLoader.add_constructor("!GetAtt", _get_att)


def load(path: Path | str) -> dict[str, Any]:
    return yaml.load(Path(path).read_text(), Loader=CfnLoader)  # noqa: S506 - CfnLoader is a SafeLoader


def template(name: str) -> dict[str, Any]:
    return load(STACKS / f"{name}.yml")


def all_templates() -> dict[str, dict[str, Any]]:
    return {name: template(name) for name in STACK_ORDER}


def resources(tpl: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in tpl["Resources"].items() if res["Type"] == type_}


def walk(value: Any) -> Iterator[Any]:
    """Every dict, list and scalar inside a template value."""
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


# --- The subset moto can build.

_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:[^}]+\}\}")
# Attributes moto's models don't implement (their Fn::GetAtt raises), by resource type.
MOTO_MISSING_ATTRIBUTES = {
    "AWS::ElasticLoadBalancingV2::LoadBalancer": {"LoadBalancerFullName"},
    "AWS::ElasticLoadBalancingV2::TargetGroup": {"TargetGroupFullName"},
}
# Properties moto reads under another name: (type, CloudFormation's name) -> moto's name.
MOTO_PROPERTY_NAMES = {
    ("AWS::RDS::DBInstance", "VPCSecurityGroups"): "VpcSecurityGroupIds",
}


_NO_VALUE = object()


def resolve_conditions(tpl: dict[str, Any], parameters: dict[str, str]) -> dict[str, Any]:
    """The template as CloudFormation would see it for these parameters: every Fn::If decided,
    AWS::NoValue removed, and resources and outputs whose Condition is false left out."""
    values = {name: spec.get("Default") for name, spec in tpl.get("Parameters", {}).items()}
    values.update(parameters)
    conditions: dict[str, bool] = {}

    def truth(expr: Any) -> Any:
        if isinstance(expr, dict):
            (key, arg), *_ = expr.items()
            if key == "Ref":
                return values[arg]
            if key == "Condition":
                return condition(arg)
            if key == "Fn::Equals":  # CloudFormation compares strings: 2 equals "2"
                return str(truth(arg[0])) == str(truth(arg[1]))
            if key == "Fn::Not":
                return not truth(arg[0])
            if key == "Fn::And":
                return all(truth(a) for a in arg)
            if key == "Fn::Or":
                return any(truth(a) for a in arg)
            raise ValueError(f"unsupported condition function {key}")
        return expr

    def condition(name: str) -> bool:
        if name not in conditions:
            conditions[name] = bool(truth(tpl["Conditions"][name]))
        return conditions[name]

    def decide(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"Fn::If"}:
                name, when_true, when_false = value["Fn::If"]
                return decide(when_true if condition(name) else when_false)
            if value == {"Ref": "AWS::NoValue"}:
                return _NO_VALUE
            out = {key: decide(item) for key, item in value.items()}
            return {key: item for key, item in out.items() if item is not _NO_VALUE}
        if isinstance(value, list):
            return [item for item in (decide(i) for i in value) if item is not _NO_VALUE]
        return value

    rendered = copy.deepcopy(tpl)
    for section in ("Resources", "Outputs"):
        kept = {}
        for name, body in rendered.get(section, {}).items():
            if "Condition" in body and not condition(body["Condition"]):
                continue
            body = {key: item for key, item in body.items() if key != "Condition"}
            kept[name] = decide(body)
        rendered[section] = kept
    rendered.pop("Conditions", None)
    return rendered


def moto_subset(tpl: dict[str, Any], supported: set[str] | None = None) -> tuple[dict[str, Any], list[str]]:
    """The template without the resource types moto's CloudFormation can't create.

    Moto silently skips such resources, but a Ref or GetAtt to one then fails the whole stack.
    So they are removed here, every reference to them becomes a placeholder string, and
    `{{resolve:...}}` dynamic references (which only real CloudFormation resolves) become a
    fixed test value. The few attributes moto doesn't implement (MOTO_MISSING_ATTRIBUTES) become
    placeholders too, and the properties moto reads under another name (MOTO_PROPERTY_NAMES)
    are copied to that name. Returns the rendered template and the logical ids that were left out,
    which the policy tests cover from the template itself.
    """
    from moto.cloudformation.parsing import resource_class_from_type

    rendered = copy.deepcopy(tpl)
    dropped = [
        name
        for name, res in rendered["Resources"].items()
        if not (res["Type"] in supported if supported is not None else resource_class_from_type(res["Type"]))
    ]
    for name in dropped:
        del rendered["Resources"][name]

    def placeholder(name: str) -> str:
        return f"arn:aws:moto-skipped:us-east-1:123456789012:{name}"

    def missing(name: str, attribute: str) -> bool:
        res = rendered["Resources"].get(name)
        return res is not None and attribute in MOTO_MISSING_ATTRIBUTES.get(res["Type"], set())

    def fix(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"Ref"} and value["Ref"] in dropped:
                return placeholder(value["Ref"])
            if set(value) == {"Fn::GetAtt"}:
                name, attribute = value["Fn::GetAtt"]
                if name in dropped or missing(name, attribute):
                    return placeholder(f"{name}.{attribute}")
            return {key: fix(item) for key, item in value.items()}
        if isinstance(value, list):
            return [fix(item) for item in value]
        if isinstance(value, str):
            value = _DYNAMIC_REFERENCE.sub("MotoResolvedSecret0123456789", value)
            for name in dropped:
                value = re.sub(r"\$\{" + re.escape(name) + r"(\.[A-Za-z.]+)?\}", placeholder(name), value)
            return value
        return value

    rendered["Resources"] = fix(rendered["Resources"])
    for res in rendered["Resources"].values():
        for (type_, name), moto_name in MOTO_PROPERTY_NAMES.items():
            if res["Type"] == type_ and name in res.get("Properties", {}):
                res["Properties"][moto_name] = res["Properties"][name]
    rendered["Outputs"] = fix(rendered.get("Outputs", {}))
    # Bucket policies and the like that only referenced dropped resources keep working; DependsOn
    # on a dropped resource would not, so those go.
    for res in rendered["Resources"].values():
        depends = res.get("DependsOn")
        if isinstance(depends, str) and depends in dropped:
            del res["DependsOn"]
        elif isinstance(depends, list):
            res["DependsOn"] = [d for d in depends if d not in dropped]
    return rendered, dropped
