/** Where Bedrock models are called: AWS_BEDROCK_REGION, else the function's own region. */
export function bedrockRegion(): string {
  return process.env.AWS_BEDROCK_REGION ?? process.env.AWS_REGION ?? "us-east-1";
}
