"""The stacks deploy into moto, and what they create reads back right through boto3.

moto's CloudFormation builds most of the network, security, data, storage and app stacks. What it
can't build (Secrets Manager secrets, ElastiCache, S3 bucket policies, Application Auto Scaling,
the GitHub OIDC provider) is left out of a rendered copy of each template by `cfn.moto_subset`,
and references to it become placeholders; test_policies.py asserts those parts from the
templates. cdn.yml (CloudFront) and monitoring.yml (alarms, AWS Backup) are almost entirely such
types, so they are not deployed here. Two moto gaps are bridged in the fixture and in
`cfn.MOTO_MISSING_ATTRIBUTES`; moto also ignores some properties on create (ECS service
networking and load balancers, ALB attributes, RDS deletion protection), so those are asserted
from the templates too.
"""

import json

import boto3
import pytest
from moto import mock_aws
from moto.rds.models import DBParameterGroup

from . import cfn

REGION = "us-east-1"
ENVIRONMENT = "production"
APP_DOMAIN = "app.kavi.example"
ORIGIN_DOMAIN = "origin.kavi.example"
MOTO_STACKS = ["shared", "network", "security", "data", "storage", "app"]


class Deployment:
    def __init__(self, session, outputs, dropped):
        self.session = session
        self.outputs = outputs
        self.dropped = dropped

    def client(self, name):
        return self.session.client(name, region_name=REGION)


@pytest.fixture(scope="module")
def deployed():
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION,
        }.items():
            mp.setenv(key, value)
        # moto's DBParameterGroup has no physical id, so its Ref returns the model object;
        # AWS returns the group's name.
        mp.setattr(DBParameterGroup, "physical_resource_id", property(lambda self: self.name), raising=False)
        with mock_aws():
            session = boto3.Session(region_name=REGION)
            zone = session.client("route53").create_hosted_zone(Name="kavi.example.", CallerReference="kavi")
            certificate = session.client("acm", region_name=REGION).request_certificate(
                DomainName=ORIGIN_DOMAIN, SubjectAlternativeNames=[APP_DOMAIN]
            )["CertificateArn"]
            env = {"EnvironmentName": ENVIRONMENT}
            parameters = {
                "shared": {"GitHubRepository": "kavi/finance-copilot"},
                "network": env,
                "security": env,
                "data": {**env, "EnableRedis": "true"},
                "storage": env,
                "app": {
                    **env,
                    "ImageTag": "0123abcd",
                    "CertificateArn": certificate,
                    "AppDomainName": APP_DOMAIN,
                    "OriginDomainName": ORIGIN_DOMAIN,
                    "HostedZoneId": zone["HostedZone"]["Id"].split("/")[-1],
                    "EnableRedis": "true",
                },
            }
            cloudformation = session.client("cloudformation", region_name=REGION)
            outputs, dropped = {}, {}
            for name in MOTO_STACKS:
                resolved = cfn.resolve_conditions(cfn.template(name), parameters[name])
                body, dropped[name] = cfn.moto_subset(resolved)
                stack = f"kavi-{ENVIRONMENT}-{name}"
                cloudformation.create_stack(
                    StackName=stack,
                    TemplateBody=json.dumps(body),
                    Parameters=[
                        {"ParameterKey": k, "ParameterValue": v} for k, v in parameters[name].items()
                    ],
                    Capabilities=["CAPABILITY_NAMED_IAM"],
                )
                (described,) = cloudformation.describe_stacks(StackName=stack)["Stacks"]
                assert described["StackStatus"] == "CREATE_COMPLETE", (
                    name,
                    described.get("StackStatusReason"),
                )
                outputs[name] = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
            yield Deployment(session, outputs, dropped)


def test_only_types_moto_lacks_were_left_out(deployed):
    types = {
        cfn.template(stack)["Resources"][name]["Type"]
        for stack, names in deployed.dropped.items()
        for name in names
    }
    assert types <= {
        "AWS::SecretsManager::Secret",
        "AWS::SecretsManager::SecretTargetAttachment",
        "AWS::ElastiCache::SubnetGroup",
        "AWS::ElastiCache::ReplicationGroup",
        "AWS::S3::BucketPolicy",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        "AWS::IAM::OIDCProvider",
    }
    assert not deployed.dropped["network"]


def test_vpc_has_three_tiers_of_subnets_in_two_zones(deployed):
    ec2 = deployed.client("ec2")
    vpc_id = deployed.outputs["network"]["VpcId"]
    (vpc,) = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    by_tier: dict[str, list[dict]] = {}
    for subnet in subnets:
        tags = {t["Key"]: t["Value"] for t in subnet["Tags"]}
        by_tier.setdefault(tags["Tier"], []).append(subnet)
        assert subnet["MapPublicIpOnLaunch"] is False
    assert sorted(by_tier) == ["database", "private", "public"]
    for tier, members in by_tier.items():
        assert len({s["AvailabilityZone"] for s in members}) == 2, tier
    for output, tier in (
        ("PublicSubnetIds", "public"),
        ("PrivateSubnetIds", "private"),
        ("DatabaseSubnetIds", "database"),
    ):
        assert set(deployed.outputs["network"][output].split(",")) == {s["SubnetId"] for s in by_tier[tier]}


def test_one_nat_gateway_per_zone_and_private_routes_through_their_own_zone(deployed):
    ec2 = deployed.client("ec2")
    vpc_id = deployed.outputs["network"]["VpcId"]
    in_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]

    def logical_id(item):
        return next(
            (t["Value"] for t in item.get("Tags", []) if t["Key"] == "aws:cloudformation:logical-id"), None
        )

    subnets = {logical_id(s): s for s in ec2.describe_subnets(Filters=in_vpc)["Subnets"]}
    nats = ec2.describe_nat_gateways(Filters=in_vpc)["NatGateways"]
    assert len(nats) == 2
    assert {n["SubnetId"] for n in nats} == set(deployed.outputs["network"]["PublicSubnetIds"].split(","))
    nat_zone = {
        n["NatGatewayId"]: next(
            s["AvailabilityZone"] for s in subnets.values() if s["SubnetId"] == n["SubnetId"]
        )
        for n in nats
    }
    # moto doesn't list CloudFormation's subnet associations, so tables are matched by the
    # logical-id tag CloudFormation puts on every resource.
    tables = {logical_id(t): t for t in ec2.describe_route_tables(Filters=in_vpc)["RouteTables"]}

    def default_route(table):
        return next(
            (r for r in tables[table]["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"), None
        )

    for zone in ("A", "B"):
        route = default_route(f"PrivateRouteTable{zone}")
        assert nat_zone[route["NatGatewayId"]] == subnets[f"PrivateSubnet{zone}"]["AvailabilityZone"]
    assert default_route("PublicRouteTable")["GatewayId"].startswith("igw-")
    assert default_route("DatabaseRouteTable") is None
    assert ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
    (endpoint,) = ec2.describe_vpc_endpoints(Filters=in_vpc)["VpcEndpoints"]
    assert endpoint["VpcEndpointType"] == "Gateway" and endpoint["ServiceName"].endswith(".s3")
    private_tables = {
        tables["PrivateRouteTableA"]["RouteTableId"],
        tables["PrivateRouteTableB"]["RouteTableId"],
    }
    assert set(endpoint["RouteTableIds"]) == private_tables


def test_security_groups_chain_alb_app_database(deployed):
    ec2 = deployed.client("ec2")
    out = deployed.outputs["security"]
    names = {
        out["AlbSecurityGroupId"]: "alb",
        out["AppSecurityGroupId"]: "app",
        out["DatabaseSecurityGroupId"]: "database",
        out["CacheSecurityGroupId"]: "cache",
    }
    groups = ec2.describe_security_groups(GroupIds=list(names))["SecurityGroups"]
    ingress = set()
    for group in groups:
        for rule in group["IpPermissions"]:
            for source in rule.get("IpRanges", []):
                ingress.add((names[group["GroupId"]], rule["FromPort"], source["CidrIp"]))
            for source in rule.get("UserIdGroupPairs", []):
                ingress.add((names[group["GroupId"]], rule["FromPort"], names[source["GroupId"]]))
    assert ingress == {
        ("alb", 443, "0.0.0.0/0"),
        ("alb", 80, "0.0.0.0/0"),
        ("app", 8000, "alb"),
        ("database", 5432, "app"),
        ("cache", 6379, "app"),
    }


def test_load_balancer_redirects_http_and_checks_health(deployed):
    elb = deployed.client("elbv2")
    (lb,) = elb.describe_load_balancers(Names=[f"kavi-{ENVIRONMENT}"])["LoadBalancers"]
    assert lb["Scheme"] == "internet-facing"
    assert lb["SecurityGroups"] == [deployed.outputs["security"]["AlbSecurityGroupId"]]
    zones = {z["SubnetId"] for z in lb["AvailabilityZones"]}
    assert zones == set(deployed.outputs["network"]["PublicSubnetIds"].split(","))
    listeners = {
        lst["Port"]: lst for lst in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    }
    assert set(listeners) == {80, 443}
    (redirect,) = listeners[80]["DefaultActions"]
    assert redirect["Type"] == "redirect" and redirect["RedirectConfig"]["Protocol"] == "HTTPS"
    assert redirect["RedirectConfig"]["StatusCode"] == "HTTP_301"
    https = listeners[443]
    assert https["Protocol"] == "HTTPS" and https["SslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    assert https["Certificates"][0]["CertificateArn"].startswith("arn:aws:acm:")
    (forward,) = https["DefaultActions"]
    (group,) = elb.describe_target_groups(TargetGroupArns=[forward["TargetGroupArn"]])["TargetGroups"]
    assert (
        group["HealthCheckPath"] == "/api/health/live/"
        and group["Port"] == 8000
        and group["TargetType"] == "ip"
    )
    assert group["VpcId"] == deployed.outputs["network"]["VpcId"]


def test_ecs_cluster_service_and_task_definitions(deployed):
    ecs = deployed.client("ecs")
    out = deployed.outputs["app"]
    (service,) = ecs.describe_services(cluster=out["ClusterName"], services=[out["ServiceName"]])["services"]
    assert service["status"] == "ACTIVE"
    assert service["taskDefinition"] == out["WebTaskDefinitionArn"]
    repository = deployed.outputs["shared"]["RepositoryUri"]

    web = ecs.describe_task_definition(taskDefinition=out["WebTaskDefinitionArn"])["taskDefinition"]
    (container,) = web["containerDefinitions"]
    assert container["image"] == f"{repository}:0123abcd"
    assert container["readonlyRootFilesystem"] is True
    assert container["portMappings"] == [{"containerPort": 8000, "protocol": "tcp"}]
    env = {e["name"]: e["value"] for e in container["environment"]}
    assert env["DJANGO_SETTINGS_MODULE"] == "fg_copilot.settings.production"
    assert env["AWS_STORAGE_BUCKET_NAME"] == deployed.outputs["storage"]["UploadsBucketName"]
    assert env["ALLOWED_HOSTS"] == f"{APP_DOMAIN},{ORIGIN_DOMAIN}"
    secrets = {s["name"] for s in container["secrets"]}
    assert {
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "GEMINI_API_KEY",
        "ELEVENLABS_API_KEY",
        "MPESA_PASSKEY",
    } <= secrets
    assert not secrets & set(env)
    logs = container["logConfiguration"]
    assert logs["logDriver"] == "awslogs" and logs["options"]["awslogs-group"] == out["AppLogGroupName"]
    groups = deployed.client("logs").describe_log_groups(logGroupNamePrefix=out["AppLogGroupName"])[
        "logGroups"
    ]
    assert [g["logGroupName"] for g in groups] == [out["AppLogGroupName"]]

    migrate = ecs.describe_task_definition(taskDefinition=out["MigrateTaskDefinitionArn"])["taskDefinition"]
    (container,) = migrate["containerDefinitions"]
    assert container["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert container["image"] == f"{repository}:0123abcd"


def test_rds_instance_is_multi_az_encrypted_and_private(deployed):
    rds = deployed.client("rds")
    (db,) = rds.describe_db_instances(DBInstanceIdentifier=deployed.outputs["data"]["DatabaseInstanceId"])[
        "DBInstances"
    ]
    assert db["Engine"] == "postgres" and db["EngineVersion"].startswith("15.")
    assert db["MultiAZ"] is True
    assert db["StorageEncrypted"] is True and db["KmsKeyId"] == deployed.outputs["security"]["PlatformKeyArn"]
    assert db["PubliclyAccessible"] is False
    assert db["BackupRetentionPeriod"] == 7
    assert [g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]] == [
        deployed.outputs["security"]["DatabaseSecurityGroupId"]
    ]
    subnets = {s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]}
    assert subnets == set(deployed.outputs["network"]["DatabaseSubnetIds"].split(","))


def test_origin_dns_record_points_at_the_load_balancer(deployed):
    route53 = deployed.client("route53")
    (zone,) = route53.list_hosted_zones()["HostedZones"]
    records = route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
    (origin,) = [r for r in records if r["Name"].rstrip(".") == ORIGIN_DOMAIN]
    assert origin["Type"] == "A"
    assert origin["AliasTarget"]["DNSName"].rstrip(".") == deployed.outputs["app"]["LoadBalancerDnsName"]


def test_buckets_and_registry(deployed):
    # moto's CloudFormation applies only the encryption of a bucket (not its public access block,
    # versioning, ownership or lifecycle); test_policies.py asserts those from the template.
    s3 = deployed.client("s3")
    storage = deployed.outputs["storage"]
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert {storage["StaticBucketName"], storage["UploadsBucketName"], storage["LogsBucketName"]} <= names
    uploads = storage["UploadsBucketName"]
    (rule,) = s3.get_bucket_encryption(Bucket=uploads)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert (
        rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"]
        == deployed.outputs["security"]["PlatformKeyArn"]
    )
    (repository,) = deployed.client("ecr").describe_repositories(repositoryNames=["kavi"])["repositories"]
    assert repository["imageTagMutability"] == "IMMUTABLE"
