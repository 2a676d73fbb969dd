"""Bad input: each file reported with a clear reason, the rest of the run judged, memory bounded."""

import os
import resource
from pathlib import Path

from iac_support import finding, write

from ringfence.model import Status
from ringfence.sources.iac.scan import IacOptions, scan_iac

GOOD = "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n"


def gaps(paths: list[Path], **options: object) -> dict[str, tuple[str, str]]:
    scan = scan_iac([str(p) for p in paths], IacOptions(**options))  # type: ignore[arg-type]
    assert finding(scan.result, "ENC-07", "Logs").status is Status.FAIL  # the good file is still judged
    return {Path(g.operation).name: (g.error_code, g.message) for g in scan.result.info.coverage_gaps}


def test_each_broken_file_is_reported_and_the_good_one_judged(tmp_path: Path) -> None:
    good = write(tmp_path, GOOD, "good.yaml")
    bad_yaml = write(
        tmp_path, "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: {Type: [\n", "bad.yaml"
    )
    bad_json = write(tmp_path, '{"Resources": {"A": {"Type": "AWS::S3::Bucket",}}}', "bad.json")
    module = write(tmp_path, "Resources:\n  Net:\n    Type: {Source: ./vpc.yaml}\n", "module.yaml")
    bomb = write(
        tmp_path,
        "Resources: {}\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "bomb.yaml",
    )
    binary = tmp_path / "binary.json"
    binary.write_bytes(b'{"Resources": "\xff\xfe"}')

    found = gaps([good, bad_yaml, bad_json, module, bomb, binary])

    assert found["bad.yaml"][0] == "ParseError"
    assert "line 4" in found["bad.yaml"][1]
    assert found["bad.json"][0] == "ParseError"
    assert "line 1 column 48" in found["bad.json"][1]
    assert found["module.yaml"][0] == "NotPlainCloudFormation"
    assert "Type that is a map" in found["module.yaml"][1]
    assert found["bomb.yaml"][0] == "Refused"
    assert "YAML bomb" in found["bomb.yaml"][1]
    assert found["binary.json"][0] == "ParseError"
    assert "not UTF-8" in found["binary.json"][1]


def test_a_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    good = write(tmp_path, GOOD, "good.yaml")
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB that costs no disk
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    found = gaps([good, huge])

    assert found["huge.json"][0] == "TooLarge"
    assert "100.0 MiB" in found["huge.json"][1]
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KiB: not read
    assert "limit" in gaps([good, write(tmp_path, GOOD * 40, "big.yaml")], max_file_bytes=1024)["big.yaml"][1]


def test_files_that_are_not_iac_are_skipped_and_listed_not_failed(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "repo/template.yaml")
    write(tmp_path, "services:\n  web:\n    image: nginx\n", "repo/docker-compose.yml")
    write(tmp_path, "a: 1\n---\nb: 2\n", "repo/k8s.yaml")
    write(tmp_path, "{{ if .Values.x }}\nkey: [\n", "repo/chart/values.yaml")
    write(tmp_path, "print('hi')\n", "repo/app.py")
    write(tmp_path, GOOD, "repo/.git/objects.yaml")

    scan = scan_iac([str(tmp_path / "repo")])

    assert scan.result.info.complete
    assert {Path(s.file).name for s in scan.load.skipped} == {"docker-compose.yml", "k8s.yaml", "values.yaml"}
    assert scan.load.ignored == {".py": 1}
    assert finding(scan.result, "ENC-07", "Logs").location.file.endswith("repo/template.yaml")  # type: ignore[union-attr]


def test_an_unsupported_intrinsic_is_unknown_with_the_reason(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Resources:\n  V:\n    Type: AWS::EC2::Volume\n    Properties: {Encrypted: {'Fn::Frob': x}}\n",
    )
    result = scan_iac([str(path)]).result
    volume = finding(result, "ENC-02", "V")
    assert volume.status is Status.UNKNOWN
    assert "Fn::Frob is not supported" in volume.message


def test_a_deeply_nested_file_is_refused(tmp_path: Path) -> None:
    good = write(tmp_path, GOOD, "good.yaml")
    deep = tmp_path / "deep.yaml"
    deep.write_text("Resources: " + "[" * 60_000 + "]" * 60_000 + "\n")
    assert "nested more than" in gaps([good, deep])["deep.yaml"][1]
    assert os.path.exists(deep)
