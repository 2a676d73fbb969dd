"""DNS-03 (moto does not implement DNS Firewall: the listing is a recorded response via Stubber)."""

import contextlib
from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Resource, Status, Vpc
from ringfence.model.resolver import FirewallAssociation
from ringfence.sources.aws.collectors.route53resolver import collect_firewall_associations
from ringfence.sources.aws.context import CollectionStopped
from stubbed import stub_context, stubbed

from support import ACCOUNT, REGION


def _vpc(vpc_id: str) -> Vpc:
    return Vpc(
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{vpc_id}", native_id=vpc_id, account=ACCOUNT, region=REGION
    )


def _association(vpc_id: str, status: str) -> dict[str, Any]:
    # The shape of ListFirewallRuleGroupAssociations (Route 53 Resolver API reference)
    return {
        "Id": f"rslvr-frgassoc-{vpc_id[-4:]}",
        "Arn": f"arn:aws:route53resolver:{REGION}:{ACCOUNT}:firewall-rule-group-association/rslvr-frgassoc-{vpc_id[-4:]}",
        "FirewallRuleGroupId": "rslvr-frg-0123456789abcdef",
        "VpcId": vpc_id,
        "Name": "vpc-dns-firewall",
        "Priority": 101,
        "MutationProtection": "DISABLED",
        "Status": status,
        "StatusMessage": "",
        "CreatorRequestId": "rf",
        "CreationTime": "2024-05-01T10:00:00Z",
        "ModificationTime": "2024-05-01T10:00:00Z",
    }


def _collect(*associations: dict[str, Any]) -> list[Resource]:
    client, stub = stubbed("route53resolver")
    stub.add_response(
        "list_firewall_rule_group_associations", {"FirewallRuleGroupAssociations": list(associations)}
    )
    with stub:
        found = list(
            collect_firewall_associations(stub_context("route53resolver", {"route53resolver": client}))
        )
    stub.assert_no_pending_responses()
    return list(found)


def test_a_vpc_with_a_complete_association_passes_and_one_without_fails() -> None:
    associations = _collect(
        _association("vpc-0aaa1111", "COMPLETE"), _association("vpc-0bbb2222", "DELETING")
    )
    assert {a.vpc_id for a in associations if isinstance(a, FirewallAssociation)} == {
        "vpc-0aaa1111",
        "vpc-0bbb2222",
    }
    assert all(
        a.region == "" and a.listed_region == REGION
        for a in associations
        if isinstance(a, FirewallAssociation)
    )

    vpcs = [_vpc("vpc-0aaa1111"), _vpc("vpc-0bbb2222"), _vpc("vpc-0ccc3333")]
    found = {
        f.resource_id.rsplit("/", 1)[-1]: f
        for f in evaluate(Inventory([*vpcs, *associations]), [all_checks()["DNS-03"]], strict=True)
    }
    assert found["vpc-0aaa1111"].status is Status.PASS
    assert "vpc-dns-firewall" in found["vpc-0aaa1111"].message
    assert found["vpc-0bbb2222"].status is Status.FAIL
    assert found["vpc-0ccc3333"].status is Status.FAIL


def test_a_failed_listing_is_unknown_not_a_failure() -> None:
    client, stub = stubbed("route53resolver")
    stub.add_client_error(
        "list_firewall_rule_group_associations", "AccessDeniedException", http_status_code=403
    )
    ctx = stub_context("route53resolver", {"route53resolver": client})
    with stub, contextlib.suppress(CollectionStopped):
        list(collect_firewall_associations(ctx))
    assert [g.operation for g in ctx.gaps] == ["ListFirewallRuleGroupAssociations"]

    inventory = Inventory([_vpc("vpc-0aaa1111")], incomplete=[(ACCOUNT, REGION, FirewallAssociation.KIND)])
    [finding] = evaluate(inventory, [all_checks()["DNS-03"]], strict=True)
    assert finding.status is Status.UNKNOWN
