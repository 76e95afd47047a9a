import { StreamEventText } from "./body-text.ts";

/**
 * Reads the text a Server-Sent Events stream adds, chunk by chunk, whatever the chunk boundaries: a line
 * split across chunks is kept until its end arrives. `pending` says whether an unfinished line is held,
 * whose text is not known yet (a chunk holding one must not reach the client before it is scanned).
 */
export class SseTextReader {
  private readonly decoder = new TextDecoder();
  private readonly events = new StreamEventText();
  private carry = "";

  /** The text of the `data:` lines this chunk completes. */
  push(chunk: Uint8Array): string {
    const lines = (this.carry + this.decoder.decode(chunk, { stream: true })).split(/\r\n|\r|\n/);
    this.carry = lines.pop() ?? "";
    return lines.map((line) => this.lineText(line)).join("");
  }

  /** The text of a last line the stream ended without a newline after. */
  end(): string {
    const last = this.carry + this.decoder.decode();
    this.carry = "";
    return this.lineText(last);
  }

  get pending(): boolean {
    return this.carry.length > 0;
  }

  private lineText(line: string): string {
    if (!line.startsWith("data:")) return "";
    const data = line.slice(5).trim();
    if (data === "" || data === "[DONE]") return "";
    try {
      return this.events.of(JSON.parse(data));
    } catch {
      return "";
    }
  }
}
