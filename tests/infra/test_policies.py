"""Security policy of the CloudFormation templates, read straight from infra/stacks/*.yml."""

import re

import pytest

from . import cfn

TEMPLATES = cfn.all_templates()
INTERNET = {"0.0.0.0/0", "::/0"}


def _all_resources(type_):
    return {
        f"{stack}.{name}": res
        for stack, tpl in TEMPLATES.items()
        for name, res in cfn.resources(tpl, type_).items()
    }


def _import_name(value):
    """'kavi-${EnvironmentName}-X' for an ImportValue of a Sub, else None."""
    if isinstance(value, dict) and "Fn::ImportValue" in value:
        inner = value["Fn::ImportValue"]
        return inner["Fn::Sub"] if isinstance(inner, dict) else inner
    return None


def test_every_stack_takes_the_environment_and_exports_its_outputs():
    for stack, tpl in TEMPLATES.items():
        if stack == "shared":
            continue
        assert tpl["Parameters"]["EnvironmentName"]["AllowedValues"] == ["staging", "production"], stack
        for name, output in tpl.get("Outputs", {}).items():
            export = output.get("Export", {}).get("Name")
            if export is not None:
                assert export == {"Fn::Sub": f"kavi-${{EnvironmentName}}-{name}"}, (stack, name)


def test_imports_only_come_from_stacks_deployed_earlier():
    exported_by = {}
    for stack, tpl in TEMPLATES.items():
        for name, output in tpl.get("Outputs", {}).items():
            if "Export" in output:
                exported_by[name] = stack
    for position, stack in enumerate(cfn.STACK_ORDER):
        for value in cfn.walk(TEMPLATES[stack]):
            if isinstance(value, dict) and "Fn::ImportValue" in value:
                inner = value["Fn::ImportValue"]
                name = (inner["Fn::Sub"] if isinstance(inner, dict) else inner).rsplit("-", 1)[-1]
                assert name in exported_by, f"{stack} imports {name}, which no stack exports"
                assert cfn.STACK_ORDER.index(exported_by[name]) < position, (stack, name)


# --- Network


def test_vpc_subnets_and_one_nat_gateway_per_zone():
    assert TEMPLATES["network"]["Parameters"]["NatGateways"]["Default"] == 2
    net = cfn.resolve_conditions(TEMPLATES["network"], {})
    assert cfn.resources(net, "AWS::EC2::VPC")["Vpc"]["Properties"]["CidrBlock"] == "10.0.0.0/16"
    subnets = cfn.resources(net, "AWS::EC2::Subnet")
    tiers: dict[str, set[int]] = {}
    for name, subnet in subnets.items():
        tier = next(t["Value"] for t in subnet["Properties"]["Tags"] if t["Key"] == "Tier")
        zone = subnet["Properties"]["AvailabilityZone"]["Fn::Select"][0]
        tiers.setdefault(tier, set()).add(zone)
        assert subnet["Properties"].get("MapPublicIpOnLaunch", False) is False, name
    assert tiers == {"public": {0, 1}, "private": {0, 1}, "database": {0, 1}}
    nats = cfn.resources(net, "AWS::EC2::NatGateway")
    assert {n["Properties"]["SubnetId"]["Ref"] for n in nats.values()} == {"PublicSubnetA", "PublicSubnetB"}
    routes = cfn.resources(net, "AWS::EC2::Route")
    nat_routes = {
        r["Properties"]["RouteTableId"]["Ref"]: r["Properties"]["NatGatewayId"]["Ref"]
        for r in routes.values()
        if "NatGatewayId" in r["Properties"]
    }
    assert nat_routes == {"PrivateRouteTableA": "NatGatewayA", "PrivateRouteTableB": "NatGatewayB"}
    # The database route table has no route at all beyond the implicit local one.
    assert not [r for r in routes.values() if r["Properties"]["RouteTableId"]["Ref"] == "DatabaseRouteTable"]
    assert cfn.resources(net, "AWS::EC2::FlowLog")


def test_a_cheaper_staging_network_can_share_one_nat_gateway():
    net = cfn.resolve_conditions(TEMPLATES["network"], {"NatGateways": "1"})
    assert list(cfn.resources(net, "AWS::EC2::NatGateway")) == ["NatGatewayA"]
    routes = [
        r["Properties"]
        for r in cfn.resources(net, "AWS::EC2::Route").values()
        if "NatGatewayId" in r["Properties"]
    ]
    assert [r["NatGatewayId"] for r in routes] == [{"Ref": "NatGatewayA"}, {"Ref": "NatGatewayA"}]


# --- Security groups: internet -> ALB -> app -> database / cache, and nothing else.


def _ingress_rules():
    """(group, port, source) for every ingress rule, inline or separate; source is a CIDR or a group."""
    sec = TEMPLATES["security"]
    rules = []
    for name, group in cfn.resources(sec, "AWS::EC2::SecurityGroup").items():
        for rule in group["Properties"].get("SecurityGroupIngress", []):
            source = rule.get("CidrIp") or rule.get("CidrIpv6") or rule["SourceSecurityGroupId"]["Ref"]
            rules.append((name, rule["FromPort"], rule["ToPort"], source))
    for rule in cfn.resources(sec, "AWS::EC2::SecurityGroupIngress").values():
        props = rule["Properties"]
        source = props.get("CidrIp") or props.get("CidrIpv6") or props["SourceSecurityGroupId"]["Ref"]
        rules.append((props["GroupId"]["Ref"], props["FromPort"], props["ToPort"], source))
    return sorted(rules)


def test_security_group_chain_is_exactly_alb_app_database():
    assert _ingress_rules() == sorted(
        [
            ("AlbSecurityGroup", 443, 443, "0.0.0.0/0"),
            ("AlbSecurityGroup", 80, 80, "0.0.0.0/0"),
            ("AppSecurityGroup", 8000, 8000, "AlbSecurityGroup"),
            ("DatabaseSecurityGroup", 5432, 5432, "AppSecurityGroup"),
            ("CacheSecurityGroup", 6379, 6379, "AppSecurityGroup"),
        ]
    )
    # No other template opens a port of its own.
    for stack, tpl in TEMPLATES.items():
        if stack != "security":
            assert not cfn.resources(tpl, "AWS::EC2::SecurityGroup"), stack
            assert not cfn.resources(tpl, "AWS::EC2::SecurityGroupIngress"), stack


def test_security_group_egress_follows_the_chain():
    groups = cfn.resources(TEMPLATES["security"], "AWS::EC2::SecurityGroup")

    def egress(name):
        return {
            (r["FromPort"], r.get("DestinationSecurityGroupId", {}).get("Ref") or r.get("CidrIp"))
            for r in groups[name]["Properties"]["SecurityGroupEgress"]
        }

    assert egress("AlbSecurityGroup") == {(8000, "AppSecurityGroup")}
    assert egress("AppSecurityGroup") == {
        (443, "0.0.0.0/0"),
        (587, "0.0.0.0/0"),
        (5432, "DatabaseSecurityGroup"),
        (6379, "CacheSecurityGroup"),
    }
    for name in ("DatabaseSecurityGroup", "CacheSecurityGroup"):
        assert [r["CidrIp"] for r in groups[name]["Properties"]["SecurityGroupEgress"]] == ["127.0.0.1/32"]


def test_resources_use_the_groups_of_their_tier():
    app = TEMPLATES["app"]
    lb = app["Resources"]["LoadBalancer"]["Properties"]
    assert _import_name(lb["SecurityGroups"][0]) == "kavi-${EnvironmentName}-AlbSecurityGroupId"
    assert _import_name(lb["Subnets"]["Fn::Split"][1]) == "kavi-${EnvironmentName}-PublicSubnetIds"
    network = app["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "DISABLED"
    assert _import_name(network["SecurityGroups"][0]) == "kavi-${EnvironmentName}-AppSecurityGroupId"
    assert _import_name(network["Subnets"]["Fn::Split"][1]) == "kavi-${EnvironmentName}-PrivateSubnetIds"
    data = TEMPLATES["data"]["Resources"]
    assert (
        _import_name(data["Database"]["Properties"]["VPCSecurityGroups"][0])
        == "kavi-${EnvironmentName}-DatabaseSecurityGroupId"
    )
    assert (
        _import_name(data["Redis"]["Properties"]["SecurityGroupIds"][0])
        == "kavi-${EnvironmentName}-CacheSecurityGroupId"
    )
    for name in ("DbSubnetGroup", "CacheSubnetGroup"):
        assert (
            _import_name(data[name]["Properties"]["SubnetIds"]["Fn::Split"][1])
            == "kavi-${EnvironmentName}-DatabaseSubnetIds"
        )


# --- Data


def test_rds_is_multi_az_encrypted_private_backed_up_and_protected():
    (db,) = _all_resources("AWS::RDS::DBInstance").values()
    props = db["Properties"]
    assert props["Engine"] == "postgres" and props["EngineVersion"].split(".")[0] == "15"
    assert props["MultiAZ"] is True
    assert props["StorageEncrypted"] is True and props["KmsKeyId"]
    assert props["PubliclyAccessible"] is False
    assert props["BackupRetentionPeriod"] == 7
    assert props["DeletionProtection"] is True
    assert db["DeletionPolicy"] == "Snapshot" and db["UpdateReplacePolicy"] == "Snapshot"
    # Credentials come from Secrets Manager, never from a literal or a parameter.
    for key in ("MasterUsername", "MasterUserPassword"):
        assert "{{resolve:secretsmanager:" in props[key]["Fn::Sub"]
    params = TEMPLATES["data"]["Resources"]["DbParameterGroup"]["Properties"]["Parameters"]
    assert params["rds.force_ssl"] == "1"


def test_redis_and_route53_are_conditional():
    data = TEMPLATES["data"]
    for name in ("Redis", "CacheSubnetGroup", "RedisAuthToken", "RedisUrlSecret"):
        assert data["Resources"][name]["Condition"] == "CreateRedis"
    redis = data["Resources"]["Redis"]["Properties"]
    assert redis["AtRestEncryptionEnabled"] is True and redis["TransitEncryptionEnabled"] is True
    records = {**_all_resources("AWS::Route53::RecordSet"), **_all_resources("AWS::Route53::RecordSetGroup")}
    assert records and all(r["Condition"] == "HasHostedZone" for r in records.values())


# --- Storage


def test_no_bucket_is_public():
    buckets = _all_resources("AWS::S3::Bucket")
    assert set(buckets) == {"storage.LogsBucket", "storage.StaticBucket", "storage.UploadsBucket"}
    for name, bucket in buckets.items():
        props = bucket["Properties"]
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }, name
        assert "AccessControl" not in props, name
        assert "WebsiteConfiguration" not in props, name
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"], name
    for name, policy in _all_resources("AWS::S3::BucketPolicy").items():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        for statement in statements:
            if statement["Effect"] == "Allow":
                assert statement["Principal"] != "*", name
                assert statement["Principal"].get("AWS") != "*", name
        # Every bucket refuses plain HTTP.
        assert any(
            s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
            for s in statements
        ), name


def test_only_cloudfront_reads_the_static_bucket():
    policy = TEMPLATES["cdn"]["Resources"]["StaticBucketPolicy"]["Properties"]
    (allow,) = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    source = allow["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith(":distribution/${Distribution}")
    oac = TEMPLATES["cdn"]["Resources"]["StaticOriginAccessControl"]["Properties"][
        "OriginAccessControlConfig"
    ]
    assert oac["SigningBehavior"] == "always" and oac["OriginAccessControlOriginType"] == "s3"


def test_uploads_are_private_versioned_encrypted_archived_and_expired():
    props = TEMPLATES["storage"]["Resources"]["UploadsBucket"]["Properties"]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    (sse,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    (rule,) = props["LifecycleConfiguration"]["Rules"]
    (transition,) = rule["Transitions"]
    assert transition["StorageClass"].startswith("GLACIER")
    params = TEMPLATES["storage"]["Parameters"]
    assert params[transition["TransitionInDays"]["Ref"]]["Default"] == 90
    assert params[rule["ExpirationInDays"]["Ref"]]["Default"] == 365


# --- Edge and load balancer


def test_http_redirects_to_https_everywhere():
    listeners = cfn.resources(TEMPLATES["app"], "AWS::ElasticLoadBalancingV2::Listener")
    by_port = {listener["Properties"]["Port"]: listener["Properties"] for listener in listeners.values()}
    assert set(by_port) == {80, 443}
    (redirect,) = by_port[80]["DefaultActions"]
    assert redirect["Type"] == "redirect"
    assert redirect["RedirectConfig"]["Protocol"] == "HTTPS" and redirect["RedirectConfig"]["Port"] == "443"
    assert redirect["RedirectConfig"]["StatusCode"] == "HTTP_301"
    assert by_port[443]["Protocol"] == "HTTPS"
    assert by_port[443]["Certificates"] == [{"CertificateArn": {"Ref": "CertificateArn"}}]
    assert re.match(r"ELBSecurityPolicy-TLS13-1-2", by_port[443]["SslPolicy"])
    target_group = TEMPLATES["app"]["Resources"]["TargetGroup"]["Properties"]
    assert target_group["HealthCheckPath"] == "/api/health/live/" and target_group["Port"] == 8000

    config = TEMPLATES["cdn"]["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    assert all(b["ViewerProtocolPolicy"] in {"redirect-to-https", "https-only"} for b in behaviours)
    assert config["HttpVersion"] == "http2and3"
    assert config["ViewerCertificate"]["MinimumProtocolVersion"].startswith("TLSv1.2")
    (api,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    assert api["ViewerProtocolPolicy"] == "https-only" and api["TargetOriginId"] == "api"
    (api_origin,) = [o for o in config["Origins"] if o["Id"] == "api"]
    assert api_origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    # The SPA fallback runs on the S3 behaviour only, so the API's 404s stay 404s.
    assert "CustomErrorResponses" not in config
    assert config["DefaultCacheBehavior"]["FunctionAssociations"][0]["EventType"] == "viewer-request"
    assert all("FunctionAssociations" not in b for b in config["CacheBehaviors"])


# --- ECS


def test_autoscaling_runs_from_2_to_10_tasks_on_cpu_in_production():
    app = TEMPLATES["app"]
    target = app["Resources"]["ScalableTarget"]["Properties"]
    config = app["Mappings"]["EnvironmentConfig"]
    assert target["MinCapacity"] == {
        "Fn::FindInMap": ["EnvironmentConfig", {"Ref": "EnvironmentName"}, "MinTasks"]
    }
    assert target["MaxCapacity"] == {
        "Fn::FindInMap": ["EnvironmentConfig", {"Ref": "EnvironmentName"}, "MaxTasks"]
    }
    assert (config["production"]["MinTasks"], config["production"]["MaxTasks"]) == (2, 10)
    assert target["ScalableDimension"] == "ecs:service:DesiredCount"
    policy = app["Resources"]["CpuScalingPolicy"]["Properties"]
    assert policy["ScalingTargetId"] == {"Ref": "ScalableTarget"}
    metric = policy["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
    assert metric["PredefinedMetricType"] == "ECSServiceAverageCPUUtilization"
    # Autoscaling owns the task count; a deploy must not reset it.
    assert "DesiredCount" not in app["Resources"]["Service"]["Properties"]


SECRET_NAMES = {
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "GEMINI_API_KEY",
    "ELEVENLABS_API_KEY",
    "MPESA_CONSUMER_KEY",
    "MPESA_CONSUMER_SECRET",
    "MPESA_SHORTCODE",
    "MPESA_PASSKEY",
}
SECRETISH = re.compile(r"SECRET|PASSWORD|PASSKEY|TOKEN|_KEY$|DATABASE_URL|REDIS_URL")


def _containers():
    for stack, tpl in TEMPLATES.items():
        for name, task in cfn.resources(tpl, "AWS::ECS::TaskDefinition").items():
            for container in task["Properties"]["ContainerDefinitions"]:
                yield f"{stack}.{name}", container


def _secret_entries(container):
    for entry in container.get("Secrets", []):
        if "Fn::If" in entry:
            entry = entry["Fn::If"][1]
        yield entry


@pytest.mark.parametrize(("task", "container"), list(_containers()))
def test_secrets_come_only_from_secrets_manager(task, container):
    plain = {item["Name"] for item in container.get("Environment", [])}
    assert not {name for name in plain if SECRETISH.search(name)}, f"{task} sets a secret as plain text"
    for entry in _secret_entries(container):
        value = entry["ValueFrom"]
        if "Fn::Sub" in value:  # a JSON key of a secret: "${Secret}:KEY::"
            template_string, variables = value["Fn::Sub"]
            assert template_string == "${Secret}:" + entry["Name"] + "::"
            value = variables["Secret"]
        export = _import_name(value)
        assert export is not None, f"{task} reads {entry['Name']} from something other than a stack export"
        exporting = [
            output
            for tpl in TEMPLATES.values()
            for key, output in tpl.get("Outputs", {}).items()
            if f"kavi-${{EnvironmentName}}-{key}" == export
        ]
        (output,) = exporting
        secret = output["Value"]["Ref"]
        owner = next(tpl for tpl in TEMPLATES.values() if secret in tpl["Resources"])
        assert owner["Resources"][secret]["Type"] == "AWS::SecretsManager::Secret", entry["Name"]


def test_the_web_task_gets_every_secret_it_needs():
    web = TEMPLATES["app"]["Resources"]["WebTaskDefinition"]["Properties"]
    (container,) = web["ContainerDefinitions"]
    assert {e["Name"] for e in _secret_entries(container)} == SECRET_NAMES
    assert (web["Cpu"], web["Memory"]) == ("512", "1024")
    assert web["RequiresCompatibilities"] == ["FARGATE"]
    assert container["ReadonlyRootFilesystem"] is True
    assert container["LogConfiguration"]["LogDriver"] == "awslogs"
    migrate = TEMPLATES["app"]["Resources"]["MigrateTaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    assert migrate["Command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_no_secret_is_a_literal_in_any_template():
    for stack, tpl in TEMPLATES.items():
        for name, secret in cfn.resources(tpl, "AWS::SecretsManager::Secret").items():
            props = secret["Properties"]
            assert props.get("KmsKeyId"), (stack, name)
            literal = props.get("SecretString")
            if isinstance(literal, str):  # only the empty integration-key placeholders may be literal
                assert set(re.findall(r'"[A-Z_]+": "([^"]*)"', literal)) == {""}, (stack, name)
        # No secret travels as a stack parameter either (it would show in the console and the CLI).
        for param in tpl.get("Parameters", {}):
            assert not re.search(r"secret|password|passkey|token|apikey", param, re.IGNORECASE), (
                stack,
                param,
            )


def test_alarms_cover_the_issue_list():
    alarms = cfn.resources(TEMPLATES["monitoring"], "AWS::CloudWatch::Alarm")
    metrics = set()
    for alarm in alarms.values():
        props = alarm["Properties"]
        assert props["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        if "MetricName" in props:
            metrics.add(props["MetricName"])
        for metric in props.get("Metrics", []):
            if "MetricStat" in metric:
                metrics.add(metric["MetricStat"]["Metric"]["MetricName"])
    assert {
        "HTTPCode_Target_5XX_Count",
        "TargetResponseTime",
        "CPUUtilization",
        "MemoryUtilization",
        "FreeStorageSpace",
        "DatabaseConnections",
    } <= metrics
    assert cfn.resources(TEMPLATES["monitoring"], "AWS::CloudWatch::Dashboard")
    assert cfn.resources(TEMPLATES["monitoring"], "AWS::Backup::BackupPlan")
    selection = TEMPLATES["monitoring"]["Resources"]["BackupSelection"]["Properties"]["BackupSelection"]
    assert _import_name(selection["Resources"][0]) == "kavi-${EnvironmentName}-DatabaseArn"


def test_registry_and_github_roles():
    shared = TEMPLATES["shared"]["Resources"]
    repository = shared["Repository"]["Properties"]
    assert repository["ImageTagMutability"] == "IMMUTABLE"
    assert repository["ImageScanningConfiguration"] == {"ScanOnPush": True}
    assert repository["EncryptionConfiguration"]["EncryptionType"] == "KMS"
    # GitHub can assume the roles only through OIDC, for this repository: pushes from main, and
    # deploys only from the staging and production environments (production has reviewers).
    conditions = {}
    for role in ("ImagePushRole", "DeployRole"):
        (statement,) = shared[role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        equals = statement["Condition"]["StringEquals"]
        assert equals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
        conditions[role] = equals["token.actions.githubusercontent.com:sub"]
    assert conditions["ImagePushRole"] == {"Fn::Sub": "repo:${GitHubRepository}:ref:refs/heads/main"}
    assert conditions["DeployRole"] == [
        {"Fn::Sub": "repo:${GitHubRepository}:environment:staging"},
        {"Fn::Sub": "repo:${GitHubRepository}:environment:production"},
    ]
    assert not cfn.resources(TEMPLATES["shared"], "AWS::IAM::User"), "no IAM users, so no access keys"
