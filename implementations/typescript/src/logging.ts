// JSON-line logs on stderr, and the one layer every record passes through so
// that no log line carries a task token (SPEC.md sections 2 and 12): ours, the
// Temporal SDK's (its activity logger puts `taskToken` in every record's
// metadata), the SDK core's (forwarded to the Runtime logger), gRPC's and
// console's.
import { format } from 'node:util';
import { MAX_CALLBACK_TOKEN_BYTES, TOKEN_PREVIEW_CHARS } from './names';
import { encodeToken, tokenFingerprint, tokenPreview } from './token';

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';
const SEVERITY: Record<Level, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };
export type Fields = Record<string, unknown>;

/** Reads HANDSHAKE_LOG_LEVEL: debug, info, warn or error ("" is info). */
export function parseLevel(text: string | undefined): Level {
  const level = (text ?? '').trim().toLowerCase();
  if (level === '') return 'info';
  if (level === 'warning') return 'warn';
  if (level === 'debug' || level === 'info' || level === 'warn' || level === 'error') return level;
  throw new Error(`log level '${text}' is not one of debug, info, warn, error`);
}

// --- Known tokens and their renderings --------------------------------------

const MASK_CAPACITY = 4096; // tokens remembered; the oldest are forgotten first
const HEAD = 8; // renderings are looked up by their first 8 characters

/** Every form in which JavaScript code or the SDK core may print token bytes. */
function renderings(token: Buffer): string[] {
  const std = token.toString('base64');
  const url = token.toString('base64url');
  const hex = token.toString('hex');
  const decimals = Array.from(token, String);
  const forms = [
    std, std.replace(/=+$/, ''), url, `${url}${'='.repeat(std.length - url.length)}`,
    hex, hex.toUpperCase(),
    hex.replace(/(..)(?!$)/g, '$1 '), // util.inspect of a Buffer
    decimals.join(','), decimals.join(', '), // JSON of a Buffer, inspect of a Uint8Array, Rust's Debug
  ];
  return [...new Set(forms)].filter((form) => form.length >= HEAD);
}

const masked = new Map<string, string[]>(); // token (latin1) -> its renderings, in insertion order
const byHead = new Map<string, Array<[text: string, replacement: string]>>();

/** The harmless stand-in of token bytes on a log line. */
export function bytesSummary(token: Uint8Array): string {
  return `<bytes token_preview=${tokenPreview(token)} token_length=${token.length} token_fingerprint=${tokenFingerprint(token)}>`;
}

/**
 * Remembers a token: every later log line has its renderings replaced by its
 * summary. Tokens of at most 15 bytes are not masked: their preview is their
 * whole base64, which the preview rule shows anyway.
 */
export function maskToken(token: Uint8Array): void {
  const bytes = Buffer.from(token.buffer, token.byteOffset, token.byteLength);
  if (encodeToken(bytes).length <= TOKEN_PREVIEW_CHARS || bytes.length > MAX_CALLBACK_TOKEN_BYTES) return;
  const key = bytes.toString('latin1');
  if (masked.has(key)) return;
  const forms = renderings(bytes);
  masked.set(key, forms);
  const replacement = bytesSummary(bytes);
  for (const text of forms) {
    const list = byHead.get(text.slice(0, HEAD)) ?? [];
    list.push([text, replacement]);
    list.sort((a, b) => b[0].length - a[0].length); // longest first
    byHead.set(text.slice(0, HEAD), list);
  }
  if (masked.size > MASK_CAPACITY) {
    const [oldest, oldForms] = masked.entries().next().value as [string, string[]];
    masked.delete(oldest);
    for (const text of oldForms) {
      const list = (byHead.get(text.slice(0, HEAD)) ?? []).filter(([t]) => t !== text);
      if (list.length === 0) byHead.delete(text.slice(0, HEAD));
      else byHead.set(text.slice(0, HEAD), list);
    }
  }
}

/** text with every rendering of every masked token replaced. */
export function redact(text: string): string {
  if (byHead.size === 0) return text;
  let out = '';
  let last = 0;
  for (let i = 0; i + HEAD <= text.length; ) {
    const hit = byHead.get(text.slice(i, i + HEAD))?.find(([t]) => text.startsWith(t, i));
    if (hit === undefined) {
      i++;
      continue;
    }
    out += text.slice(last, i) + hit[1];
    i += hit[0].length;
    last = i;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** The fields of a log record about a token; logging them also masks it. */
export function tokenFields(token: Uint8Array): Fields {
  maskToken(token);
  return {
    token_preview: tokenPreview(token),
    token_length: token.length,
    token_fingerprint: tokenFingerprint(token),
  };
}

// --- Scrubbing structured fields ------------------------------------------

/** Whether a field's name says it holds a token (taskToken, callback_token, ...). */
function isTokenKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_.]/g, '');
  return k === 'token' || k.endsWith('tasktoken') || k.endsWith('callbacktoken');
}

function scrub(key: string, value: unknown, depth: number): unknown {
  if (value instanceof Uint8Array) {
    if (isTokenKey(key)) maskToken(value);
    return bytesSummary(value);
  }
  if (isTokenKey(key) && value !== undefined && value !== null && value !== '') return '<redacted>';
  if (value instanceof Error) return format('%s', value.stack ?? value.message);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 6) return '<nested>';
  if (Array.isArray(value)) return value.map((item) => scrub(key, item, depth + 1));
  const out: Fields = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(k, v, depth + 1);
  return out;
}

// --- The logger ------------------------------------------------------------

let threshold: Level = 'info';
let processName = 'handshake';

function write(level: Level, logger: string, message: string, fields: Fields | undefined): void {
  if (SEVERITY[level] < SEVERITY[threshold]) return;
  const record: Fields = { time: new Date().toISOString(), level, process: processName, logger, msg: message };
  for (const [k, v] of Object.entries(fields ?? {})) {
    if (!(k in record)) record[k] = scrub(k, v, 0);
  }
  let line: string;
  try {
    line = JSON.stringify(record);
  } catch {
    line = JSON.stringify({ ...record, fields: '<not serializable>' });
  }
  process.stderr.write(`${redact(line)}\n`);
}

/** A named logger; every record goes through the scrubbing above. */
export class Log {
  constructor(readonly name: string) {}
  log(level: Level, message: string, fields?: Fields): void {
    write(level, this.name, message, fields);
  }
  trace(message: string, fields?: Fields): void { write('trace', this.name, message, fields); }
  debug(message: string, fields?: Fields): void { write('debug', this.name, message, fields); }
  info(message: string, fields?: Fields): void { write('info', this.name, message, fields); }
  warn(message: string, fields?: Fields): void { write('warn', this.name, message, fields); }
  error(message: string, fields?: Fields): void { write('error', this.name, message, fields); }
}

/**
 * Sets the process's level and name, and sends console's and gRPC's output
 * through the same scrubbing logger.
 */
export function setupLogging(process_: string, level: Level): Log {
  processName = process_;
  threshold = level;
  const consoleLog = new Log('console');
  console.log = (...args: unknown[]) => consoleLog.info(format(...args));
  console.info = console.log;
  console.debug = (...args: unknown[]) => consoleLog.debug(format(...args));
  console.warn = (...args: unknown[]) => consoleLog.warn(format(...args));
  console.error = (...args: unknown[]) => consoleLog.error(format(...args));
  return new Log(process_);
}

/** A logger for the SDK's Runtime: the TS SDK's records and the core's, forwarded. */
export class SdkLogger {
  private readonly sdkLog = new Log('temporal');
  private readonly coreLog = new Log('temporal-core');
  private emit(level: string, message: string, meta?: Fields): void {
    const l = (level.toLowerCase() as Level) in SEVERITY ? (level.toLowerCase() as Level) : 'info';
    (meta?.sdkComponent === 'core' ? this.coreLog : this.sdkLog).log(l, message, meta);
  }
  log(level: string, message: string, meta?: Fields): void { this.emit(level, message, meta); }
  trace(message: string, meta?: Fields): void { this.emit('trace', message, meta); }
  debug(message: string, meta?: Fields): void { this.emit('debug', message, meta); }
  info(message: string, meta?: Fields): void { this.emit('info', message, meta); }
  warn(message: string, meta?: Fields): void { this.emit('warn', message, meta); }
  error(message: string, meta?: Fields): void { this.emit('error', message, meta); }
}
