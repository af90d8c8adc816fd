/**
 * An incremental parser of `text/event-stream` (the WHATWG "server-sent events" format): feed it
 * decoded text in whatever chunks the network delivers and it returns each complete message.
 * Lines end in LF, CRLF or CR; `:` lines are comments (keep-alives); a blank line ends a message.
 */
export interface SseMessage {
  /** `event:` field; `message` when the server sent none. */
  event: string;
  data: string;
  /** `id:` field of this message, if it had one. */
  id?: string;
  /** `retry:` field: the reconnection delay the server asks for, in milliseconds. */
  retry?: number;
}

export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  private retry: number | undefined;

  /** Adds a chunk of text and returns the messages it completed. */
  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const messages: SseMessage[] = [];
    for (;;) {
      const end = lineEnd(this.buffer);
      if (end === undefined) break;
      const line = this.buffer.slice(0, end.index);
      this.buffer = this.buffer.slice(end.index + end.length);
      const message = this.line(line);
      if (message) messages.push(message);
    }
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const hasData = this.data.length > 0;
    const message: SseMessage = { event: this.event || 'message', data: this.data.join('\n') };
    if (this.id !== undefined) message.id = this.id;
    if (this.retry !== undefined) message.retry = this.retry;
    this.event = '';
    this.data = [];
    this.id = undefined;
    const retryOnly = !hasData && this.retry !== undefined;
    this.retry = undefined;
    // A message without data is not dispatched, but a lone `retry:` still matters to the caller.
    return hasData || retryOnly ? message : undefined;
  }
}

/**
 * Where the first line of `text` ends. A CR at the very end is held back until the next chunk
 * shows whether an LF follows, so a CRLF split across chunks is not read as two line breaks.
 */
function lineEnd(text: string): { index: number; length: number } | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') return { index: i, length: 1 };
    if (c === '\r') {
      if (i + 1 === text.length) return undefined;
      return { index: i, length: text[i + 1] === '\n' ? 2 : 1 };
    }
  }
  return undefined;
}
