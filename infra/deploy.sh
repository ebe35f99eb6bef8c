#!/usr/bin/env bash
# Deploys KAVI to AWS with the AWS CLI: image, stacks, migrations, web app. Every step can be run
# again safely, and each says what it is doing. See infra/README.md.
#
#   infra/deploy.sh bootstrap   once per account (administrator): ECR, GitHub OIDC, deploy roles
#   infra/deploy.sh image       build and push the image tagged IMAGE_TAG (skipped if present)
#   infra/deploy.sh infra       network, security, data and storage stacks
#   infra/deploy.sh release     migrations, then the app, CDN and monitoring stacks, then the web app
#   infra/deploy.sh frontend    sync frontend/dist to S3 and invalidate CloudFront
#   infra/deploy.sh all         image, infra and release (the default)
#
# Settings come from the environment:
#   AWS_REGION                  required
#   ENVIRONMENT                 staging or production (all commands but bootstrap and image)
#   IMAGE_TAG                   the image to deploy; default: the current git commit
#   APP_DOMAIN                  public name served by CloudFront, e.g. app.kavi.co.ke
#   ORIGIN_DOMAIN               the load balancer's name, e.g. origin.kavi.co.ke
#   CERTIFICATE_ARN             ACM certificate in AWS_REGION covering ORIGIN_DOMAIN and APP_DOMAIN
#   CLOUDFRONT_CERTIFICATE_ARN  ACM certificate in us-east-1 covering APP_DOMAIN
#   HOSTED_ZONE_ID              optional: Route 53 zone to create both DNS records in
#   ALARM_EMAIL                 optional: where CloudWatch alarms are e-mailed
#   ENABLE_REDIS                optional: true/false; default true in production, false in staging
#   NAT_GATEWAYS                optional: 2 (one per zone, the default) or 1 (cheaper, for staging)
#   GITHUB_REPOSITORY           bootstrap only: owner/name of the repository that may deploy
#   CFN_ROLE_ARN                optional: role CloudFormation acts as; default: the shared stack's
#   FRONTEND_DIST               optional: the built web app; default frontend/dist (built if missing)
set -euo pipefail

cd "$(dirname "$0")/.."

PROJECT=kavi
SHARED_STACK="${PROJECT}-shared"

log() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
need() { [[ -n "${!1:-}" ]] || die "set $1 (see the top of infra/deploy.sh)"; }

# The value of one output of a stack, or nothing if the stack or output doesn't exist.
stack_output() {
  aws cloudformation describe-stacks --stack-name "$1" \
    --query "Stacks[0].Outputs[?OutputKey=='$2'].OutputValue | [0]" --output text 2>/dev/null \
    | grep -v '^None$' || true
}

stack_parameter() {
  aws cloudformation describe-stacks --stack-name "$1" \
    --query "Stacks[0].Parameters[?ParameterKey=='$2'].ParameterValue | [0]" --output text 2>/dev/null \
    | grep -v '^None$' || true
}

# deploy_stack NAME [Key=Value ...]: create or update kavi-<env>-NAME from infra/stacks/NAME.yml.
deploy_stack() {
  local name=$1 stack
  shift
  if [[ $name == shared ]]; then stack=$SHARED_STACK; else stack="${PROJECT}-${ENVIRONMENT}-${name}"; fi
  local -a role=()
  if [[ $name != shared && -n "${CFN_ROLE_ARN:-}" ]]; then role=(--role-arn "$CFN_ROLE_ARN"); fi
  log "Deploying stack $stack (infra/stacks/$name.yml)"
  aws cloudformation deploy \
    --stack-name "$stack" \
    --template-file "infra/stacks/$name.yml" \
    --capabilities CAPABILITY_NAMED_IAM \
    --no-fail-on-empty-changeset \
    --tags "Project=$PROJECT" "Environment=${ENVIRONMENT:-shared}" \
    ${role[@]+"${role[@]}"} \
    --parameter-overrides "$@"
}

check_environment() {
  need AWS_REGION
  need ENVIRONMENT
  [[ $ENVIRONMENT == staging || $ENVIRONMENT == production ]] || die "ENVIRONMENT must be staging or production"
  export AWS_DEFAULT_REGION="$AWS_REGION"
  if [[ -z "${CFN_ROLE_ARN:-}" ]]; then
    CFN_ROLE_ARN=$(stack_output "$SHARED_STACK" CloudFormationExecutionRoleArn)
  fi
  if [[ -z "${ENABLE_REDIS:-}" ]]; then
    if [[ $ENVIRONMENT == production ]]; then ENABLE_REDIS=true; else ENABLE_REDIS=false; fi
  fi
}

cmd_bootstrap() {
  need AWS_REGION
  need GITHUB_REPOSITORY
  export AWS_DEFAULT_REGION="$AWS_REGION"
  local provider ours
  provider=$(aws iam list-open-id-connect-providers --output text \
    --query "OpenIDConnectProviderList[?ends_with(Arn, '/token.actions.githubusercontent.com')].Arn | [0]" \
    | grep -v '^None$' || true)
  # An account holds one provider per URL: reuse one made elsewhere, keep managing our own.
  ours=$(aws cloudformation describe-stack-resources --stack-name "$SHARED_STACK" \
    --logical-resource-id GitHubOidcProvider --query 'StackResources[0].PhysicalResourceId' \
    --output text 2>/dev/null | grep -v '^None$' || true)
  if [[ -n $ours ]]; then provider=""; fi
  deploy_stack shared "GitHubRepository=$GITHUB_REPOSITORY" "GitHubOidcProviderArn=$provider"
  log "Shared stack outputs (set the role ARNs as GitHub variables, see infra/README.md)"
  aws cloudformation describe-stacks --stack-name "$SHARED_STACK" --query "Stacks[0].Outputs" --output table
}

cmd_image() {
  need AWS_REGION
  export AWS_DEFAULT_REGION="$AWS_REGION"
  local registry repository
  repository=$(stack_output "$SHARED_STACK" RepositoryUri)
  [[ -n $repository ]] || die "no ECR repository yet: run 'infra/deploy.sh bootstrap' first"
  registry=${repository%%/*}
  if aws ecr describe-images --repository-name "$PROJECT" --image-ids "imageTag=$IMAGE_TAG" >/dev/null 2>&1; then
    log "Image $repository:$IMAGE_TAG is already in ECR; not rebuilding (tags are immutable)"
    return
  fi
  log "Building $repository:$IMAGE_TAG"
  docker build --pull --tag "$repository:$IMAGE_TAG" .
  log "Pushing $repository:$IMAGE_TAG"
  aws ecr get-login-password | docker login --username AWS --password-stdin "$registry"
  docker push "$repository:$IMAGE_TAG"
}

cmd_infra() {
  check_environment
  deploy_stack network "EnvironmentName=$ENVIRONMENT" "NatGateways=${NAT_GATEWAYS:-2}"
  deploy_stack security "EnvironmentName=$ENVIRONMENT"
  deploy_stack data "EnvironmentName=$ENVIRONMENT" "EnableRedis=$ENABLE_REDIS"
  deploy_stack storage "EnvironmentName=$ENVIRONMENT"
}

app_parameters() {
  printf '%s\n' \
    "EnvironmentName=$ENVIRONMENT" \
    "CertificateArn=$CERTIFICATE_ARN" \
    "AppDomainName=$APP_DOMAIN" \
    "OriginDomainName=$ORIGIN_DOMAIN" \
    "HostedZoneId=${HOSTED_ZONE_ID:-}" \
    "EnableRedis=$ENABLE_REDIS"
}

export_value() {
  aws cloudformation list-exports --query "Exports[?Name=='$1'].Value | [0]" --output text | grep -v '^None$' || true
}

run_migrations() {
  local stack="${PROJECT}-${ENVIRONMENT}-app" cluster task_definition subnets security_group task exit_code
  cluster=$(stack_output "$stack" ClusterName)
  task_definition=$(stack_output "$stack" MigrateTaskDefinitionArn)
  subnets=$(export_value "${PROJECT}-${ENVIRONMENT}-PrivateSubnetIds")
  security_group=$(export_value "${PROJECT}-${ENVIRONMENT}-AppSecurityGroupId")
  [[ -n $cluster && -n $task_definition && -n $subnets && -n $security_group ]] \
    || die "the app stack's outputs are missing; did 'infra' and the app stack deploy?"

  log "Running migrations ($task_definition)"
  task=$(aws ecs run-task \
    --cluster "$cluster" \
    --task-definition "$task_definition" \
    --launch-type FARGATE \
    --started-by deploy-migrate \
    --network-configuration "awsvpcConfiguration={subnets=[$subnets],securityGroups=[$security_group],assignPublicIp=DISABLED}" \
    --query 'tasks[0].taskArn' --output text)
  [[ -n $task && $task != None ]] || die "ECS did not start the migration task"
  echo "Task $task; waiting for it to stop"
  aws ecs wait tasks-stopped --cluster "$cluster" --tasks "$task"
  exit_code=$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" \
    --query "tasks[0].containers[?name=='migrate'].exitCode | [0]" --output text)
  if [[ $exit_code != 0 ]]; then
    aws ecs describe-tasks --cluster "$cluster" --tasks "$task" \
      --query 'tasks[0].{stopped: stoppedReason, container: containers[0].reason}' --output table || true
    die "migrations failed (exit code $exit_code); logs: $(stack_output "$stack" AppLogGroupName), stream prefix migrate/"
  fi
  echo "Migrations finished (exit code 0)"
}

cmd_release() {
  check_environment
  need CERTIFICATE_ARN
  need CLOUDFRONT_CERTIFICATE_ARN
  need APP_DOMAIN
  need ORIGIN_DOMAIN
  local app_stack="${PROJECT}-${ENVIRONMENT}-app" running_tag
  local -a parameters
  mapfile -t parameters < <(app_parameters)

  # 1. Point only the migration task at the new image; the service keeps running the old one.
  running_tag=$(stack_parameter "$app_stack" ImageTag)
  deploy_stack app "${parameters[@]}" "ImageTag=${running_tag:-$IMAGE_TAG}" "MigrationImageTag=$IMAGE_TAG"
  # 2. Migrate, and stop here if that fails: the old code keeps serving.
  run_migrations
  # 3. Roll the service onto the new image. CloudFormation waits until ECS is steady; the
  #    deployment circuit breaker rolls back tasks that don't pass /api/health/live/.
  deploy_stack app "${parameters[@]}" "ImageTag=$IMAGE_TAG" "MigrationImageTag=$IMAGE_TAG"
  deploy_stack cdn "EnvironmentName=$ENVIRONMENT" "AppDomainName=$APP_DOMAIN" \
    "OriginDomainName=$ORIGIN_DOMAIN" "CloudFrontCertificateArn=$CLOUDFRONT_CERTIFICATE_ARN" \
    "HostedZoneId=${HOSTED_ZONE_ID:-}"
  deploy_stack monitoring "EnvironmentName=$ENVIRONMENT" "AlarmEmail=${ALARM_EMAIL:-}"
  cmd_frontend
  log "Released $IMAGE_TAG to $ENVIRONMENT: https://$APP_DOMAIN"
}

cmd_frontend() {
  check_environment
  local bucket distribution dist=${FRONTEND_DIST:-frontend/dist}
  bucket=$(stack_output "${PROJECT}-${ENVIRONMENT}-storage" StaticBucketName)
  distribution=$(stack_output "${PROJECT}-${ENVIRONMENT}-cdn" DistributionId)
  [[ -n $bucket && -n $distribution ]] || die "the storage and cdn stacks must be deployed first"
  if [[ ! -f $dist/index.html ]]; then
    [[ $dist == frontend/dist ]] || die "$dist/index.html is missing"
    log "Building the web app (frontend/dist)"
    (cd frontend && npm ci --no-audit --no-fund && npm run build)
  fi
  # Compressed (Content-Encoding: gzip) with the right types: hashed assets first, cached for a
  # year; sw.js and index.html last, never cached (infra/upload_web.py says why).
  local python=${DEPLOY_PYTHON:-python3}
  if ! "$python" -c 'import boto3' 2>/dev/null; then
    log "Installing boto3 for the upload (.venv-deploy)"
    python3 -m venv .venv-deploy
    .venv-deploy/bin/python -m pip install --quiet "boto3>=1.34,<2"
    python=.venv-deploy/bin/python
  fi
  log "Uploading the web app to s3://$bucket (compressed; assets cached for a year)"
  "$python" infra/upload_web.py --bucket "$bucket" --dist "$dist"
  log "Invalidating CloudFront $distribution"
  local invalidation
  invalidation=$(aws cloudfront create-invalidation --distribution-id "$distribution" \
    --paths "/*" --query 'Invalidation.Id' --output text)
  aws cloudfront wait invalidation-completed --distribution-id "$distribution" --id "$invalidation"
  echo "Invalidation $invalidation completed"
}

main() {
  local command=${1:-all}
  IMAGE_TAG=${IMAGE_TAG:-$(git rev-parse --short=12 HEAD 2>/dev/null || true)}
  case $command in
    bootstrap) cmd_bootstrap ;;
    image) need IMAGE_TAG; cmd_image ;;
    infra) cmd_infra ;;
    release) need IMAGE_TAG; cmd_release ;;
    frontend) cmd_frontend ;;
    all) need IMAGE_TAG; cmd_image; cmd_infra; cmd_release ;;
    -h | --help | help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown command '$command' (try --help)" ;;
  esac
}

main "$@"
