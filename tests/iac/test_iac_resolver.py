"""The resolver: intrinsic functions and conditions evaluated where knowable, Unknown with the reason
where not, never a guess."""

from typing import Any

import pytest

from ringfence.sources.iac.loader import parse_yaml
from ringfence.sources.iac.template import DeployContext, Stack
from ringfence.sources.iac.values import (
    DEPLOY,
    IMPORT,
    PARAMETER,
    SSM,
    UNSUPPORTED,
    ResourceRef,
    Symbolic,
    Unknown,
)

TEMPLATE = """
Parameters:
  Env: {Type: String, Default: prod, AllowedValues: [prod, dev]}
  Cidr: {Type: String, Default: 10.0.0.0/16}
  Subnets: {Type: CommaDelimitedList, Default: "subnet-a, subnet-b"}
  NoDefault: {Type: String}
  FromSsm: {Type: "AWS::SSM::Parameter::Value<String>", Default: /base/ami}
Mappings:
  Sizes:
    prod: {Instance: m5.large}
    dev: {Instance: t3.micro}
  Regional:
    eu-west-1: {Account: "156460612806", Same: x}
    us-east-1: {Account: "127311923021", Same: x}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Unknowable: !Equals [!Ref NoDefault, enabled]
  ProdOrUnknowable: !Or [!Condition IsProd, !Condition Unknowable]
  DevAndUnknowable: !And [!Condition IsDev, !Condition Unknowable]
  InRegion: !Equals [!Ref "AWS::Region", eu-west-1]
  Loop: !Not [!Condition Loop]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !Ref Cidr}
  Key:
    Type: AWS::KMS::Key
  KeyAlias:
    Type: AWS::KMS::Alias
    Properties: {AliasName: alias/app, TargetKeyId: !Ref Key}
"""


@pytest.fixture
def stack() -> Stack:
    document = parse_yaml(TEMPLATE)
    return Stack(document, file="t.yaml", real_path="/t.yaml", context=DeployContext())


def resolved(stack: Stack, text: str) -> Any:
    return stack.resolve(parse_yaml(f"v: {text}\n").data["v"])


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("!Ref Env", "prod"),
        ("!Ref Subnets", ["subnet-a", "subnet-b"]),
        ("!Sub '${Env}-${!Literal}'", "prod-${Literal}"),
        ("!Sub ['${A}-${Env}', {A: !Ref Cidr}]", "10.0.0.0/16-prod"),
        ("!Join ['-', [a, !Ref Env, 3]]", "a-prod-3"),
        ("!Select [1, !Ref Subnets]", "subnet-b"),
        ("!Select ['0', !Split [',', 'x,y']]", "x"),
        ("!FindInMap [Sizes, !Ref Env, Instance]", "m5.large"),
        ("!FindInMap [Regional, !Ref 'AWS::Region', Same]", "x"),
        ("!FindInMap [Sizes, staging, Instance, {DefaultValue: t3.nano}]", "t3.nano"),
        ("!If [IsProd, big, small]", "big"),
        ("!If [IsDev, big, small]", "small"),
        ("!If [Unknowable, same, same]", "same"),
        ("!GetAtt Vpc.CidrBlock", "10.0.0.0/16"),
        ("!Ref KeyAlias", "alias/app"),
        ("!Base64 abc", "YWJj"),
        ("!Cidr [10.0.0.0/16, 2, 8]", ["10.0.0.0/24", "10.0.1.0/24"]),
        ("{'Fn::Length': [a, b, c]}", 3),
        ("{'Fn::ToJsonString': {a: [1, true]}}", '{"a":[1,true]}'),
        ("!Equals [true, 'true']", True),
    ],
)
def test_knowable_values_resolve(stack: Stack, expression: str, expected: Any) -> None:
    assert resolved(stack, expression) == expected


def test_resource_references_name_the_resource(stack: Stack) -> None:
    assert resolved(stack, "!Ref Key") == ResourceRef("Key")
    assert resolved(stack, "!GetAtt Key.Arn") == ResourceRef("Key", "Arn")
    arn = resolved(stack, "!Sub 'arn:${AWS::Partition}:kms:::${Key}'")
    assert isinstance(arn, Symbolic)
    assert arn.text == "arn:${AWS::Partition}:kms:::${Key}"
    assert arn.refs == ("Key",)


@pytest.mark.parametrize(
    ("expression", "cause", "words"),
    [
        ("!Ref NoDefault", PARAMETER, "parameter NoDefault has no Default"),
        ("!ImportValue shared-vpc", IMPORT, "export shared-vpc"),
        ("!Ref FromSsm", SSM, "SSM Parameter Store"),
        ("!If [Unknowable, a, b]", PARAMETER, "condition Unknowable is not knowable"),
        ("!Select [0, !GetAZs '']", DEPLOY, "availability zones"),
        ("!FindInMap [Regional, !Ref 'AWS::Region', Account]", DEPLOY, "AWS::Region"),
        ("{'Fn::Frobnicate': [1]}", UNSUPPORTED, "not supported"),
    ],
)
def test_unknowable_values_say_why(stack: Stack, expression: str, cause: str, words: str) -> None:
    value = resolved(stack, expression)
    if isinstance(value, Symbolic):
        value = value.unknowns[0]
    assert isinstance(value, Unknown), value
    assert value.cause == cause
    assert words in value.reason


def test_conditions_decide_what_they_can(stack: Stack) -> None:
    assert stack.condition("IsProd") is True
    assert stack.condition("ProdOrUnknowable") is True  # one True decides an Or
    assert stack.condition("DevAndUnknowable") is False  # one False decides an And
    assert isinstance(stack.condition("Unknowable"), Unknown)
    assert isinstance(stack.condition("InRegion"), Unknown)
    assert "refers back to itself" in stack.condition("Loop").reason  # type: ignore[union-attr]


def test_deploy_context_and_given_values_make_more_knowable() -> None:
    document = parse_yaml(TEMPLATE)
    context = DeployContext(
        region="eu-west-1", account="111122223333", parameters={"NoDefault": "enabled", "Env": "dev"}
    )
    stack = Stack(document, file="t.yaml", real_path="/t.yaml", context=context)
    assert stack.condition("InRegion") is True
    assert stack.condition("Unknowable") is True
    assert resolved(stack, "!FindInMap [Regional, !Ref 'AWS::Region', Account]") == "156460612806"
    assert resolved(stack, "!FindInMap [Sizes, !Ref Env, Instance]") == "t3.micro"
    assert (
        resolved(stack, "!Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root'")
        == "arn:aws:iam::111122223333:root"
    )


def test_dynamic_references_and_no_value() -> None:
    stack = Stack(parse_yaml(TEMPLATE), file="t.yaml", real_path="/t.yaml", context=DeployContext())
    secret = resolved(stack, "'{{resolve:secretsmanager:db:SecretString:password}}'")
    assert isinstance(secret, Symbolic)
    assert secret.unknowns[0].cause == SSM
    assert resolved(stack, "[a, !Ref 'AWS::NoValue', b]") == ["a", "b"]
    assert resolved(stack, "{x: !If [IsDev, 1, !Ref 'AWS::NoValue']}") == {}


def test_for_each_loops_unroll() -> None:
    document = parse_yaml(
        "Transform: AWS::LanguageExtensions\n"
        "Parameters:\n"
        "  Names: {Type: CommaDelimitedList, Default: 'logs,data'}\n"
        "Resources:\n"
        "  Fn::ForEach::Buckets:\n"
        "    - Name\n"
        "    - !Ref Names\n"
        "    - '${Name}Bucket':\n"
        "        Type: AWS::S3::Bucket\n"
        "        Properties: {BucketName: !Sub 'acme-${Name}', Tags: [{Key: n, Value: !Ref Name}]}\n"
    )
    stack = Stack(document, file="t.yaml", real_path="/t.yaml", context=DeployContext())
    assert set(stack.resources) == {"logsBucket", "dataBucket"}
    assert stack.line_of("dataBucket") == 5
    props = stack.resolve(stack.resources["dataBucket"]["Properties"])
    assert props == {"BucketName": "acme-data", "Tags": [{"Key": "n", "Value": "data"}]}
