/**
 * AWS list prices, us-east-1, on-demand, as published in the pages below (consulted on 2026-11-25 through the
 * project's search tool; aws.amazon.com itself was not reachable from this machine). Update the date and the
 * numbers together.
 */
export const PRICE_LIST_DATE = "2026-11-25 (pages dated March to June 2026)";

export interface Price {
  value: number;
  unit: string;
  source: string;
}

export const PRICES = {
  apiGatewayRest: {
    value: 3.5,
    unit: "$ per million REST API calls (first 333 million a month)",
    source:
      "AWS whitepaper 'Best Practices for Designing Amazon API Gateway Private APIs', Cost optimization, Table 4 (docs.aws.amazon.com); aws.amazon.com/api-gateway/pricing",
  },
  lambdaRequest: {
    value: 0.2,
    unit: "$ per million Lambda requests",
    source: "cloudchipr.com 'AWS Lambda Pricing Breakdown' (2024); aws.amazon.com/lambda/pricing",
  },
  lambdaArmGbSecond: {
    value: 0.0000133334,
    unit: "$ per GB-second, arm64 (first 7.5 billion GB-s a month)",
    source: "cloudchipr.com 'AWS Lambda Pricing Breakdown' (2024), ARM tier table",
  },
  dynamoWriteUnit: {
    value: 0.625,
    unit: "$ per million write request units, on-demand (1 KB each)",
    source: "airbyte.com 'Amazon DynamoDB Pricing' (July 2025): after the 50% on-demand cut of 1 Nov 2024",
  },
  dynamoReadUnit: {
    value: 0.125,
    unit: "$ per million read request units, on-demand (4 KB strongly consistent each)",
    source: "airbyte.com 'Amazon DynamoDB Pricing' (July 2025); jusdb.com (Aug 2025) on the Nov 2024 cut",
  },
  sqsRequest: {
    value: 0.4,
    unit: "$ per million standard-queue requests (each 64 KB chunk of a payload is one request)",
    source: "cloudburn.io 'Amazon SQS Pricing' (March 2026); factualminds.com (June 2026)",
  },
  cloudWatchIngest: {
    value: 0.5,
    unit: "$ per GB ingested, CloudWatch Logs standard class",
    source: "c3x.dev 'CloudWatch Logs cost optimization' (June 2026); hykell.com",
  },
  dataTransferOut: {
    value: 0.09,
    unit: "$ per GB out to the internet (first 10 TB a month)",
    source: "unanswered.io 'AWS SQS pricing' (data transfer out, EC2 rates)",
  },
  // For the paper comparison with a container front (report/fargate.ts), consulted on 2026-12-06.
  fargateArmVcpuHour: {
    value: 0.03238,
    unit: "$ per vCPU-hour, Fargate Linux/ARM (per second, 1 minute minimum)",
    source:
      "vantage.sh 'AWS Fargate Pricing Explained' and cloudburn.io 'AWS Fargate Pricing' (March 2026, from the Price List API); aws.amazon.com/fargate/pricing",
  },
  fargateArmGbHour: {
    value: 0.00356,
    unit: "$ per GB-hour, Fargate Linux/ARM",
    source:
      "vantage.sh 'AWS Fargate Pricing Explained'; cloudburn.io (March 2026); aws.amazon.com/fargate/pricing",
  },
  albHour: {
    value: 0.0225,
    unit: "$ per Application Load Balancer-hour",
    source:
      "cloud-horizons.com 'ALB: the line item nobody watches' (May 2026); aws.amazon.com/elasticloadbalancing/pricing",
  },
  albLcuHour: {
    value: 0.008,
    unit: "$ per LCU-hour (an LCU: 25 new connections/s, 3,000 active connections/min, 1 GB processed/h for EC2 and IP targets, 1,000 rule evaluations/s; the largest dimension is billed)",
    source: "cloud-horizons.com (May 2026); aws.amazon.com/elasticloadbalancing/pricing",
  },
  publicIpv4Hour: {
    value: 0.005,
    unit: "$ per public IPv4 address-hour (in use or idle, since 1 Feb 2024)",
    source: "AWS News Blog 'New – AWS Public IPv4 Address Charge' (July 2023); aws.amazon.com/vpc/pricing",
  },
} satisfies Record<string, Price>;
