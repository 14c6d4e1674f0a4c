/**
 * The VPC: two AZs, public subnets for the ALB (and NAT), private subnets for the tasks, gateway
 * endpoints for S3 and DynamoDB (free, and they keep that traffic off the NAT). The `egress`
 * context chooses how private subnets reach the other AWS APIs: NAT gateways (internet egress,
 * about $33/month each) or interface endpoints (no internet at all, about $7.50/month per endpoint per AZ).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { retention, type Settings } from './settings.ts';

export interface NetworkStackProps extends StackProps {
  readonly settings: Settings;
}

/**
 * The interface endpoints a Fargate task needs when there is no NAT: ECR, logs and Secrets Manager
 * for ECS itself, then every AWS API the services call that has no gateway endpoint. DynamoDB
 * Streams is an API of its own (streams.dynamodb.<region>) with no gateway endpoint: the live
 * feed reads it. (The worker's task protection goes to the ECS agent inside the task, not to AWS.)
 */
export const interfaceEndpoints = {
  EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
  EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  Sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
  Sns: ec2.InterfaceVpcEndpointAwsService.SNS,
  DynamoDbStreams: ec2.InterfaceVpcEndpointAwsService.DYNAMODB_STREAMS,
};

const vpcCidr = '10.40.0.0/16';

export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  /** where tasks run */
  readonly taskSubnets: ec2.SubnetSelection;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const withNat = settings.egress === 'nat';
    const privateType = withNat ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;
    this.taskSubnets = { subnetType: privateType };

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(vpcCidr),
      maxAzs: 2,
      natGateways: withNat ? settings.natGateways : 0,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: privateType, cidrMask: 20 },
      ],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
      restrictDefaultSecurityGroup: false,
    });

    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: retention(settings),
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });

    if (!withNat) {
      const endpointsSecurityGroup = new ec2.SecurityGroup(this, 'EndpointsSecurityGroup', {
        vpc: this.vpc,
        description: 'Interface endpoints: HTTPS from inside the VPC',
        allowAllOutbound: false,
      });
      endpointsSecurityGroup.addIngressRule(ec2.Peer.ipv4(vpcCidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
      for (const [name, service] of Object.entries(interfaceEndpoints)) {
        this.vpc.addInterfaceEndpoint(name, {
          service,
          subnets: this.taskSubnets,
          privateDnsEnabled: true,
          securityGroups: [endpointsSecurityGroup],
          open: false,
        });
      }
    }
  }
}
