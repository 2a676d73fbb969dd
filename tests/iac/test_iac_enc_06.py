"""ENC-06 in IaC: RDS instances and Aurora clusters are encrypted; members are judged on the cluster."""

from pathlib import Path

from iac_support import scan_text, status

from ringfence.model import Status

TEMPLATE = """
Resources:
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-postgresql, StorageEncrypted: true}
  Member:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: aurora-postgresql, DBClusterIdentifier: !Ref Cluster, DBInstanceClass: db.r6g.large}
  Plain:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, DBInstanceClass: db.t3.micro, AllocatedStorage: "20"}
  Replica:
    Type: AWS::RDS::DBInstance
    Properties: {SourceDBInstanceIdentifier: !Ref Plain, DBInstanceClass: db.t3.micro}
"""


def test_encrypted_cluster_passes_and_default_instance_fails(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["ENC-06"]).result

    assert status(result, "ENC-06", "Cluster") is Status.PASS
    assert status(result, "ENC-06", "Member") is Status.NOT_APPLICABLE
    assert status(result, "ENC-06", "Plain") is Status.FAIL
    assert status(result, "ENC-06", "Replica") is Status.FAIL  # a replica inherits its source's
