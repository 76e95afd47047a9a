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
} satisfies Record<string, Price>;
