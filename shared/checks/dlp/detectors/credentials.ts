import { type Detector, patternDetector } from "./detector.ts";

/** AWS access key ids: a four-letter type prefix (AKIA long-term, ASIA temporary, ...) and 16 base-32 characters. */
export const awsAccessKeyId: Detector = patternDetector({
  id: "aws-access-key-id",
  name: "AWS access key ID",
  pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z2-7]{16}\b/g,
  maxLength: 20,
  needs: /A(?:KIA|SIA|BIA|CCA|GPA|IDA|IPA|NPA|NVA|ROA|PKA)/,
  alphabet: /[A-Z2-7]/,
});

/**
 * AWS secret access keys are 40 base64 characters with nothing else to tell them apart, so one is reported
 * only next to words that name it (`aws_secret_access_key`, `secret key`, `SecretAccessKey`, ...) within
 * 30 characters, as credential scanners do; only the 40 characters are the match.
 */
export const awsSecretKey: Detector = patternDetector({
  id: "aws-secret-access-key",
  name: "AWS secret access key",
  pattern:
    /(?:aws|secret)[\w ."'-]{0,20}?(?:secret|key)[\w"']{0,10}\s{0,3}[:=]\s{0,3}["']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/dgi,
  maxLength: 100,
  needs: /aws|secret/i,
});

/** The armour line of a PEM private key (PKCS#1, PKCS#8, EC, DSA, OpenSSH, PGP, encrypted). */
export const privateKey: Detector = patternDetector({
  id: "private-key",
  name: "Private key",
  pattern: /-----BEGIN (?:[A-Z0-9]{1,12} ){0,2}PRIVATE KEY(?: BLOCK)?-----/g,
  maxLength: 50,
  needs: /-----BEGIN /,
  alphabet: /[-A-Z0-9 ]/,
  starts: /-/,
});

/** JSON Web Tokens: base64url header and payload that both decode to a JSON object (`eyJ`), and a signature. */
export const jsonWebToken: Detector = patternDetector({
  id: "jwt",
  name: "JSON Web Token",
  pattern: /\beyJ[A-Za-z0-9_-]{5,400}\.eyJ[A-Za-z0-9_-]{5,1200}\.[A-Za-z0-9_-]{10,400}/g,
  maxLength: 2005,
  needs: /eyJ/,
  alphabet: /[A-Za-z0-9_.-]/,
});

const API_KEY_ALPHABET = /[A-Za-z0-9_-]/;

/** OpenAI keys: `sk-` (or `sk-proj-`, `sk-svcacct-`, `sk-admin-`) and at least 32 key characters; not Anthropic's `sk-ant-`. */
export const openAiKey: Detector = patternDetector({
  id: "openai-api-key",
  name: "OpenAI API key",
  pattern: /(?<![\w-])sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,200}(?![\w-])/g,
  maxLength: 212,
  needs: /sk-/,
  alphabet: API_KEY_ALPHABET,
});

/** Anthropic keys: `sk-ant-api03-` / `sk-ant-admin01-` and the key body. */
export const anthropicKey: Detector = patternDetector({
  id: "anthropic-api-key",
  name: "Anthropic API key",
  pattern: /(?<![\w-])sk-ant-(?:api|admin|oat)\d{2}-[A-Za-z0-9_-]{32,150}(?![\w-])/g,
  maxLength: 170,
  needs: /sk-ant-/,
  alphabet: API_KEY_ALPHABET,
});

/** GitHub tokens: `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` and 36 characters, or fine-grained `github_pat_` and 82. */
export const gitHubToken: Detector = patternDetector({
  id: "github-token",
  name: "GitHub token",
  pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\b/g,
  maxLength: 93,
  needs: /gh[pousr]_|github_pat_/,
  alphabet: /[A-Za-z0-9_]/,
});

/** Slack tokens: `xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxe-` and dash-separated parts. */
export const slackToken: Detector = patternDetector({
  id: "slack-token",
  name: "Slack token",
  pattern: /\bxox[abeprs]-(?:[A-Za-z0-9]{1,40}-){1,4}[A-Za-z0-9]{8,64}\b/g,
  maxLength: 240,
  needs: /xox[abeprs]-/,
  alphabet: /[A-Za-z0-9-]/,
});

/** Google API keys: `AIza` and 35 characters. */
export const googleApiKey: Detector = patternDetector({
  id: "google-api-key",
  name: "Google API key",
  pattern: /(?<![\w-])AIza[A-Za-z0-9_-]{35}(?![\w-])/g,
  maxLength: 39,
  needs: /AIza/,
  alphabet: API_KEY_ALPHABET,
});

/** Stripe secret and restricted keys: `sk_live_`, `sk_test_`, `rk_live_`, `rk_test_` and 24 or more characters. */
export const stripeKey: Detector = patternDetector({
  id: "stripe-api-key",
  name: "Stripe API key",
  pattern: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{24,99}\b/g,
  maxLength: 107,
  needs: /[rs]k_(?:live|test)_/,
  alphabet: /[A-Za-z0-9_]/,
});
