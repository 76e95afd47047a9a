import {
  anthropicKey,
  awsAccessKeyId,
  awsSecretKey,
  gitHubToken,
  googleApiKey,
  jsonWebToken,
  openAiKey,
  privateKey,
  slackToken,
  stripeKey,
} from "./detectors/credentials.ts";
import type { Detector } from "./detectors/detector.ts";
import { creditCard, iban } from "./detectors/financial.ts";
import { email, phoneNumber, usSsn } from "./detectors/identifiers.ts";

/** A built-in profile: a fixed id and name, and the detectors that are its entries. */
export interface PredefinedProfile {
  id: string;
  name: string;
  detectors: readonly Detector[];
}

/**
 * The built-in profiles, grouped as Cloudflare's predefined DLP profiles are (by what the data is), under
 * ids a gateway's `dlp.profiles` names. docs/dlp.md lists each entry and its method.
 */
export const PREDEFINED_PROFILES: readonly PredefinedProfile[] = [
  { id: "financial-information", name: "Financial Information", detectors: [creditCard, iban] },
  {
    id: "social-security-insurance-tax-and-identifier-numbers",
    name: "Social Security, Insurance, Tax, and Identifier Numbers",
    detectors: [usSsn],
  },
  {
    id: "credentials-and-secrets",
    name: "Credentials and Secrets",
    detectors: [
      awsAccessKeyId,
      awsSecretKey,
      privateKey,
      jsonWebToken,
      openAiKey,
      anthropicKey,
      gitHubToken,
      slackToken,
      googleApiKey,
      stripeKey,
    ],
  },
  { id: "contact-information", name: "Contact Information", detectors: [email, phoneNumber] },
];

/** Every built-in detector once. */
export const BUILT_IN_DETECTORS: readonly Detector[] = PREDEFINED_PROFILES.flatMap(
  (profile) => profile.detectors,
);
