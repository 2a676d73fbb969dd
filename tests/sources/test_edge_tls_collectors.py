"""The edge, TLS and certificate collectors: what they read into the model, over moto where it serves
the API and over recorded real-API shapes (botocore Stubber) where it does not."""

import datetime as dt
import json
from typing import Any

from edge_certs import imported
from edge_stubs import StubbedFactory
from ringfence.model.certificates import Certificate
from ringfence.sources.aws.collectors.acm import KEY_TYPES, collect_certificates
from ringfence.sources.aws.collectors.acm_pca import collect_certificate_authorities
from ringfence.sources.aws.collectors.apigateway import policy_text
from ringfence.sources.aws.collectors.apigateway_domains import collect_domain_names
from ringfence.sources.aws.collectors.cloudfront import collect_distributions
from ringfence.sources.aws.collectors.cloudwatch_alarms import collect_metric_alarms
from ringfence.sources.aws.collectors.elbv2_target_groups import collect_target_groups
from ringfence.sources.aws.collectors.elbv2_trust_stores import collect_trust_stores
from ringfence.sources.aws.collectors.iam_server_certificates import collect_server_certificates
from ringfence.sources.aws.collectors.rds import collect_db_instances
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.session import ClientFactory, make_session

from support import ACCOUNT, REGION, Aws

WHEN = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)
CA_ARN = f"arn:aws:acm-pca:{REGION}:{ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555"


def _context(aws: Aws, service: str, region: str = REGION) -> CollectContext:
    options = aws.options()
    return CollectContext(
        factory=ClientFactory(make_session(options), options), account=ACCOUNT, region=region, service=service
    )


# --- ACM ------------------------------------------------------------------------------------------


def test_acm_lists_every_key_type_and_reads_use_and_issuer() -> None:
    factory = StubbedFactory()
    acm = factory.stub("acm")
    arn = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/aaaaaaaa-0000-4000-8000-000000000001"
    user = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/api/1"
    acm.add_response(
        "list_certificates",
        {
            "CertificateSummaryList": [
                {
                    "CertificateArn": arn,
                    "DomainName": "internal.example",
                    "Type": "PRIVATE",
                    "Status": "ISSUED",
                    "KeyAlgorithm": "EC_secp384r1",
                    "InUse": True,
                    "NotAfter": WHEN,
                }
            ]
        },
        {"Includes": {"keyTypes": list(KEY_TYPES)}},
    )
    acm.add_response(
        "describe_certificate",
        {
            "Certificate": {
                "CertificateArn": arn,
                "DomainName": "internal.example",
                "SubjectAlternativeNames": ["internal.example", "api.internal.example"],
                "InUseBy": [user],
                "Issuer": "Example Issuing CA",
                "Type": "PRIVATE",
                "Status": "ISSUED",
                "KeyAlgorithm": "EC_secp384r1",
                "NotBefore": WHEN - dt.timedelta(days=395),
                "NotAfter": WHEN,
                "CertificateAuthorityArn": CA_ARN,
                "RenewalEligibility": "ELIGIBLE",
            }
        },
        {"CertificateArn": arn},
    )
    [cert] = list(collect_certificates(factory.context("acm")))
    factory.assert_done()
    assert set(KEY_TYPES) >= {"RSA_2048", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"}
    assert (cert.source, cert.certificate_type, cert.issuer_ca_arn) == ("acm", "PRIVATE", CA_ARN)
    assert cert.in_use_by == (user,)
    assert cert.not_after == "2027-03-01T12:00:00Z"
    assert cert.subject_alternative_names == ("internal.example", "api.internal.example")


def test_acm_keeps_the_listing_when_a_certificate_cannot_be_described() -> None:
    factory = StubbedFactory()
    acm = factory.stub("acm")
    arn = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/aaaaaaaa-0000-4000-8000-000000000002"
    summary = {
        "CertificateArn": arn,
        "Type": "IMPORTED",
        "Status": "ISSUED",
        "InUse": False,
        "NotAfter": WHEN,
    }
    acm.add_response("list_certificates", {"CertificateSummaryList": [summary]})
    acm.add_client_error("describe_certificate", "AccessDeniedException", "denied")
    [cert] = list(collect_certificates(factory.context("acm")))
    assert (cert.source, cert.in_use, cert.not_after) == ("acm-imported", False, "2027-03-01T12:00:00Z")
    assert "in_use_by" in cert.unresolved


def test_imported_ec_certificates_are_listed_over_moto(aws: Aws) -> None:
    arn = imported(aws, "ec.example.com", days_left=40)
    [cert] = [c for c in collect_certificates(_context(aws, "acm")) if c.arn == arn]
    assert cert.key_algorithm == "EC_prime256v1"
    assert cert.imported
    assert cert.expires is not None
    assert 38 < (cert.expires - dt.datetime.now(dt.UTC)).days <= 40


def test_private_cas_are_described_only_when_the_listing_lacks_their_dates() -> None:
    factory = StubbedFactory()
    pca = factory.stub("acm-pca")
    listed = {
        "Arn": CA_ARN,
        "OwnerAccount": ACCOUNT,
        "Type": "SUBORDINATE",
        "Status": "ACTIVE",
        "CertificateAuthorityConfiguration": {
            "KeyAlgorithm": "RSA_2048",
            "SigningAlgorithm": "SHA256WITHRSA",
            "Subject": {"CommonName": "Example Issuing CA"},
        },
    }
    pca.add_response("list_certificate_authorities", {"CertificateAuthorities": [listed]})
    pca.add_response(
        "describe_certificate_authority",
        {"CertificateAuthority": {**listed, "NotBefore": WHEN - dt.timedelta(days=700), "NotAfter": WHEN}},
        {"CertificateAuthorityArn": CA_ARN},
    )
    [ca] = list(collect_certificate_authorities(factory.context("acm-pca")))
    factory.assert_done()
    assert (ca.ca_type, ca.status, ca.not_after, ca.common_name) == (
        "SUBORDINATE",
        "ACTIVE",
        "2027-03-01T12:00:00Z",
        "Example Issuing CA",
    )


def test_iam_server_certificates_are_global(aws: Aws) -> None:
    from ringfence.demo.certificates import certificate_authority, server_certificate

    body, key = server_certificate(certificate_authority("CA", "Tests"), "legacy.example.com", "Tests")
    aws.client("iam").upload_server_certificate(
        ServerCertificateName="legacy", CertificateBody=body.decode(), PrivateKey=key.decode()
    )
    [cert] = list(collect_server_certificates(_context(aws, "iam", region="")))
    assert (cert.source, cert.region, cert.certificate_name) == ("iam", "", "legacy")
    assert cert.arn.endswith(":server-certificate/legacy")
    assert cert.server_certificate_id
    assert cert.not_after
    assert cert.resource_type == "AWS::IAM::ServerCertificate"


# --- API Gateway ----------------------------------------------------------------------------------


def test_api_gateway_policies_are_unescaped() -> None:
    plain = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "execute-api:/*"}]}
    )
    escaped = plain.replace('"', '\\"').replace("/", "\\/")
    assert json.loads(policy_text(escaped) or "") == json.loads(plain)
    assert policy_text(plain) == plain
    assert policy_text(None) is None
    assert policy_text("{broken") == "{broken"


def test_domain_names_of_both_api_versions_merge_by_name(aws: Aws) -> None:
    cert = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/0f6a2e1c-0000-4000-8000-000000000001"
    v1 = aws.client("apigateway")
    rest = v1.create_rest_api(name="rest", endpointConfiguration={"types": ["REGIONAL"]})["id"]
    root = v1.get_resources(restApiId=rest)["items"][0]["id"]
    v1.put_method(restApiId=rest, resourceId=root, httpMethod="GET", authorizationType="NONE")
    v1.put_integration(restApiId=rest, resourceId=root, httpMethod="GET", type="MOCK")
    v1.create_deployment(restApiId=rest, stageName="prod")
    v1.create_domain_name(
        domainName="api.example.com",
        regionalCertificateArn=cert,
        endpointConfiguration={"types": ["REGIONAL"]},
        securityPolicy="TLS_1_2",
        tags={"mtls": "required"},
    )
    v1.create_base_path_mapping(domainName="api.example.com", restApiId=rest, stage="prod", basePath="v1")
    v2 = aws.client("apigatewayv2")
    http = v2.create_api(Name="http", ProtocolType="HTTP")["ApiId"]
    v2.create_domain_name(
        DomainName="api.example.com",
        DomainNameConfigurations=[
            {"CertificateArn": cert, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}
        ],
        MutualTlsAuthentication={"TruststoreUri": "s3://truststores/clients.pem"},
    )
    v2.create_api_mapping(DomainName="api.example.com", ApiId=http, Stage="$default", ApiMappingKey="v2")

    ctx = _context(aws, "apigateway")
    [domain] = list(collect_domain_names(ctx))
    assert ctx.gaps == []
    assert domain.arn == f"arn:aws:apigateway:{REGION}::/domainnames/api.example.com"
    assert domain.listed_by == ("apigateway", "apigatewayv2")
    assert {(m.api_id, m.path) for m in domain.mappings} == {(rest, "v1"), (http, "v2")}
    assert domain.mutual_tls is not None
    assert domain.mutual_tls.truststore_uri == "s3://truststores/clients.pem"
    assert (domain.security_policy, domain.certificate_arns, domain.tags) == (
        "TLS_1_2",
        (cert,),
        {"mtls": "required"},
    )


# --- CloudFront -----------------------------------------------------------------------------------


def _summary(dist_id: str) -> dict[str, Any]:
    """A DistributionSummary as ListDistributions returns it (AWS documentation's shape)."""
    return {
        "Id": dist_id,
        "ARN": f"arn:aws:cloudfront::{ACCOUNT}:distribution/{dist_id}",
        "Status": "Deployed",
        "LastModifiedTime": WHEN,
        "DomainName": f"{dist_id.lower()}.cloudfront.net",
        "Aliases": {"Quantity": 1, "Items": ["www.example.com"]},
        "Origins": {
            "Quantity": 2,
            "Items": [
                {
                    "Id": "assets",
                    "DomainName": "assets-bucket.s3.eu-west-1.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                    "OriginAccessControlId": "E2OACEXAMPLE",
                },
                {
                    "Id": "app",
                    "DomainName": "app.example.com",
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                        "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
                    },
                },
            ],
        },
        "DefaultCacheBehavior": {"TargetOriginId": "assets", "ViewerProtocolPolicy": "redirect-to-https"},
        "CacheBehaviors": {
            "Quantity": 1,
            "Items": [
                {"PathPattern": "/api/*", "TargetOriginId": "app", "ViewerProtocolPolicy": "https-only"}
            ],
        },
        "CustomErrorResponses": {"Quantity": 0},
        "Comment": "",
        "PriceClass": "PriceClass_100",
        "Enabled": True,
        "ViewerCertificate": {
            "CloudFrontDefaultCertificate": False,
            "ACMCertificateArn": f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/www",
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021",
        },
        "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}},
        "WebACLId": f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/edge/1",
        "HttpVersion": "http2",
        "IsIPV6Enabled": True,
        "Staging": False,
    }


def test_distributions_are_read_page_by_page_with_origin_access() -> None:
    factory = StubbedFactory()
    cloudfront = factory.stub("cloudfront", "us-east-1")
    first = {
        "Marker": "",
        "NextMarker": "E2",
        "MaxItems": 1,
        "IsTruncated": True,
        "Quantity": 1,
        "Items": [_summary("E1")],
    }
    second = {"Marker": "E2", "MaxItems": 1, "IsTruncated": False, "Quantity": 1, "Items": [_summary("E2")]}
    cloudfront.add_response("list_distributions", {"DistributionList": first}, {})
    cloudfront.add_response("list_distributions", {"DistributionList": second}, {"Marker": "E2"})
    dists = list(collect_distributions(factory.context("cloudfront", region="")))
    factory.assert_done()
    assert [d.native_id for d in dists] == ["E1", "E2"]
    dist = dists[0]
    assert dist.region == ""
    assert dist.aliases == ("www.example.com",)
    assets, app = dist.origins
    assert (assets.kind, assets.s3_bucket, assets.origin_access_control_id) == (
        "s3",
        "assets-bucket",
        "E2OACEXAMPLE",
    )
    assert (app.kind, app.origin_protocol_policy, app.ssl_protocols) == ("custom", "https-only", ("TLSv1.2",))
    assert [b.path_pattern for b in dist.behaviors] == ["*", "/api/*"]
    assert dist.viewer_certificate is not None
    assert dist.viewer_certificate.custom
    assert dist.web_acl_id
    assert ":wafv2:" in dist.web_acl_id


# --- load balancing, RDS, CloudWatch --------------------------------------------------------------


def test_trust_stores_from_a_recorded_answer() -> None:
    factory = StubbedFactory()
    store = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:truststore/partners/0123456789abcdef"
    factory.stub("elbv2").add_response(
        "describe_trust_stores",
        {
            "TrustStores": [
                {
                    "Name": "partners",
                    "TrustStoreArn": store,
                    "Status": "ACTIVE",
                    "NumberOfCaCertificates": 2,
                    "TotalRevokedEntries": 0,
                }
            ]
        },
    )
    [found] = list(collect_trust_stores(factory.context("elbv2")))
    assert (found.arn, found.store_name, found.status, found.ca_certificate_count) == (
        store,
        "partners",
        "ACTIVE",
        2,
    )


def test_target_groups_carry_their_targets(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    elbv2 = aws.client("elbv2")
    tg = elbv2.create_target_group(
        Name="api-endpoint", Protocol="HTTPS", Port=443, VpcId=vpc, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": "10.0.1.25", "Port": 443}])
    [group] = list(collect_target_groups(_context(aws, "elbv2")))
    assert (group.target_type, group.vpc_id, [t.target_id for t in group.targets]) == (
        "ip",
        vpc,
        ["10.0.1.25"],
    )


def test_db_instances_keep_the_apply_status_of_their_parameter_group(aws: Aws) -> None:
    rds = aws.client("rds")
    rds.create_db_parameter_group(
        DBParameterGroupName="pg-tls", DBParameterGroupFamily="postgres16", Description="x"
    )
    rds.create_db_instance(
        DBInstanceIdentifier="claims",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        DBParameterGroupName="pg-tls",
        MasterUsername="admin",
        MasterUserPassword="not-a-real-password-1",
    )
    [db] = list(collect_db_instances(_context(aws, "rds")))
    assert db.parameter_apply_status == {"pg-tls": "in-sync"}


def test_metric_math_alarms_keep_every_metric(aws: Aws) -> None:
    cert = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/x"
    aws.client("cloudwatch").put_metric_alarm(
        AlarmName="cert-expiry",
        EvaluationPeriods=1,
        Threshold=30,
        ComparisonOperator="LessThanThreshold",
        AlarmActions=[f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"],
        Metrics=[
            {
                "Id": "days",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/CertificateManager",
                        "MetricName": "DaysToExpiry",
                        "Dimensions": [{"Name": "CertificateArn", "Value": cert}],
                    },
                    "Period": 86400,
                    "Stat": "Minimum",
                },
                "ReturnData": True,
            }
        ],
    )
    [alarm] = list(collect_metric_alarms(_context(aws, "cloudwatch")))
    assert alarm.watches("AWS/CertificateManager", "DaysToExpiry", "CertificateArn", cert)
    assert alarm.notifies


def test_new_kinds_round_trip_through_the_json_codec() -> None:
    from ringfence.model import Resource, resource_from_jsonable, to_jsonable
    from ringfence.model.alarms import AlarmMetric, MetricAlarm
    from ringfence.model.apigateway import ApiDomainName, ApiMapping, MutualTls
    from ringfence.model.cloudfront import CacheBehavior, Distribution, Origin, ViewerCertificate
    from ringfence.model.database import DbParameter, DbParameterGroup

    common = {"account": ACCOUNT, "region": REGION}
    samples: list[Resource] = [
        Certificate(arn="c", native_id="c", in_use_by=("a", "b"), not_after="2027-03-01T12:00:00Z", **common),
        DbParameterGroup(
            arn="pg",
            native_id="pg",
            family="postgres16",
            parameters={"rds.force_ssl": DbParameter("rds.force_ssl", "1", "user", "dynamic", "immediate")},
            **common,
        ),
        Distribution(
            arn="d",
            native_id="d",
            behaviors=(CacheBehavior("*", "https-only", "o"),),
            origins=(Origin("o", "b.s3.amazonaws.com", "s3", origin_access_control_id="E1"),),
            viewer_certificate=ViewerCertificate(False, "acm", None, "TLSv1.2_2021", "sni-only"),
            **common,
        ),
        ApiDomainName(
            arn="dn",
            native_id="dn",
            mutual_tls=MutualTls("s3://b/k", "v1", ("warn",)),
            mappings=(ApiMapping("api", "prod", "v1"),),
            **common,
        ),
        MetricAlarm(
            arn="al", native_id="al", metrics=(AlarmMetric("N", "M", {"CertificateArn": "c"}),), **common
        ),
    ]
    for resource in samples:
        assert resource_from_jsonable(to_jsonable(resource)) == resource
