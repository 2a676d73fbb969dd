"""The loader: short-form tags, line numbers, plain strings for dates, and refusals with reasons."""

import pytest

from ringfence.sources.iac.loader import LoadError, NotData, parse_json, parse_yaml


def test_short_form_tags_become_intrinsic_functions() -> None:
    document = parse_yaml(
        "Resources:\n"
        "  A:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      Name: !Sub '${AWS::StackName}-a'\n"
        "      Arn: !GetAtt B.Arn\n"
        "      List: !Split [',', !ImportValue shared]\n"
        "      Pick: !Select [0, !GetAZs '']\n"
        "      Maybe: !If [Cond, !Ref X, !Ref 'AWS::NoValue']\n"
        "      Found: !FindInMap [Map, !Ref 'AWS::Region', Key]\n"
        "      Version: 2012-10-17\n"
    )
    props = document.data["Resources"]["A"]["Properties"]
    assert props["Name"] == {"Fn::Sub": "${AWS::StackName}-a"}
    assert props["Arn"] == {"Fn::GetAtt": "B.Arn"}
    assert props["List"] == {"Fn::Split": [",", {"Fn::ImportValue": "shared"}]}
    assert props["Pick"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert props["Maybe"] == {"Fn::If": ["Cond", {"Ref": "X"}, {"Ref": "AWS::NoValue"}]}
    assert props["Found"] == {"Fn::FindInMap": ["Map", {"Ref": "AWS::Region"}, "Key"]}
    assert props["Version"] == "2012-10-17"  # not a datetime.date
    assert document.lines == {"A": 2}


def test_json_lines_are_those_of_the_logical_ids() -> None:
    document = parse_json(
        '{\n "Parameters": {"Resources": 1},\n "Resources": {\n  "A": {"Type": "x"},\n\n  "B": {"Type": "y"}\n }\n}\n'
    )
    assert document.lines == {"A": 4, "B": 6}
    assert document.data["Parameters"] == {"Resources": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Resources:\n  A: [unclosed\n", "invalid YAML at line 3"),
        (
            "Resources: !!python/object:os.system {}\n",
            "tag:yaml.org,2002:python/object:os.system at line 1 is not allowed",
        ),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n"
                for p, n in zip("abcdefgh", "bcdefghi", strict=True)
            ),
            "YAML bomb",
        ),
        ("x: " + "[" * 50_000 + "]" * 50_000 + "\n", "nested more than 200 levels"),
        ("- " * 40_000 + "a\n", "nested more than 200 levels"),
    ],
)
def test_bad_yaml_is_refused_with_a_reason(text: str, expected: str) -> None:
    with pytest.raises(LoadError, match=expected):
        parse_yaml(text)


def test_a_stream_of_documents_is_not_data() -> None:
    with pytest.raises(NotData):
        parse_yaml("a: 1\n---\nb: 2\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"Resources": {"A": }}', "invalid JSON at line 1 column 21"),
        ('{"Resources": {}} trailing', "Extra data"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_bad_json_is_refused_with_a_reason(text: str, expected: str) -> None:
    with pytest.raises(LoadError, match=expected):
        parse_json(text)
