import { ERROR_CODES, GatewayError } from "../../core/gateway-error.ts";
import { isRecord } from "../../translation/common/json-values.ts";
import {
  type EmbeddingsRequest,
  embeddingList,
  embeddingTexts,
  type OpenAIEmbeddingList,
} from "../../translation/embeddings/request.ts";
import type { TranslatedRequest } from "../../translation/types.ts";
import type { EmbeddingsRoute } from "../provider-definition.ts";

/**
 * Amazon Titan Text Embeddings on Bedrock, through InvokeModel
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html):
 * `{inputText, dimensions}` -> `{embedding, inputTextTokenCount}`. Titan embeds one text per call, so the
 * bridge takes one input; V2 takes 256, 512 or 1024 dimensions.
 */
const SUPPORTED = new Set(["model", "input", "encoding_format", "dimensions"]);
const TITAN_V2_DIMENSIONS = new Set([256, 512, 1024]);

export function isTitanEmbeddingModel(model: string): boolean {
  return /(^|\.)amazon\.titan-embed-text-/.test(model);
}

export function titanEmbeddingsRequest(request: EmbeddingsRequest, model: string): TranslatedRequest {
  if (!isTitanEmbeddingModel(model)) {
    throw GatewayError.badRequest(
      `Embeddings on aws-bedrock are bridged for Amazon Titan Text Embeddings (amazon.titan-embed-text-v2:0) only, not "${model.slice(0, 120)}"`,
    );
  }
  const texts = embeddingTexts(request, "aws-bedrock", SUPPORTED);
  if (texts.length !== 1) {
    throw GatewayError.badRequest(
      `Amazon Titan embeds one text per call: send one input, not ${texts.length}`,
    );
  }
  if (request.dimensions !== undefined && !TITAN_V2_DIMENSIONS.has(request.dimensions)) {
    throw GatewayError.badRequest(
      "Invalid dimensions for Amazon Titan Text Embeddings V2: use 256, 512 or 1024",
    );
  }
  return {
    path: `model/${encodeURIComponent(model)}/invoke`,
    body: {
      inputText: texts[0],
      ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
    },
  };
}

export function titanEmbeddingsResponse(
  body: unknown,
  request: EmbeddingsRequest,
  model: string,
): OpenAIEmbeddingList {
  const embedding = isRecord(body) ? body.embedding : undefined;
  if (!Array.isArray(embedding) || !embedding.every((value) => typeof value === "number")) {
    throw new GatewayError({
      status: 502,
      code: ERROR_CODES.upstreamUnavailable,
      message: "aws-bedrock returned no embedding",
      expose: true,
    });
  }
  const tokens =
    isRecord(body) && typeof body.inputTextTokenCount === "number" ? body.inputTextTokenCount : 0;
  return embeddingList([embedding as number[]], request, model, tokens);
}

/** The embeddings adapter of aws-bedrock's registry row; Titan's token count is read from the translated list. */
export function titanEmbeddings(request: EmbeddingsRequest, model: string): EmbeddingsRoute {
  return {
    translated: titanEmbeddingsRequest(request, model),
    toList: (body) => titanEmbeddingsResponse(body, request, model),
    usageFromList: true,
  };
}
