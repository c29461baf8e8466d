// The task token's text forms: the loggable preview and fingerprint, and the
// JSON-safe encoding (standard padded base64) it travels in inside payloads.
import { createHash } from 'node:crypto';
import { TOKEN_FINGERPRINT_CHARS, TOKEN_PREVIEW_CHARS } from './names';

/** Standard padded base64 of the token's bytes. */
export function encodeToken(token: Uint8Array): string {
  return Buffer.from(token.buffer, token.byteOffset, token.byteLength).toString('base64');
}

const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The inverse of encodeToken; throws on anything but standard padded base64. */
export function decodeToken(text: string): Buffer {
  if (!STANDARD_BASE64.test(text)) {
    throw new Error('callback token is not standard padded base64');
  }
  return Buffer.from(text, 'base64');
}

/** Standard base64, cut to its first 20 characters followed by "..." when longer. */
export function tokenPreview(token: Uint8Array): string {
  const text = encodeToken(token);
  return text.length > TOKEN_PREVIEW_CHARS ? `${text.slice(0, TOKEN_PREVIEW_CHARS)}...` : text;
}

/** The first 12 lowercase hex characters of the SHA-256 of the whole token. */
export function tokenFingerprint(token: Uint8Array): string {
  return createHash('sha256').update(token).digest('hex').slice(0, TOKEN_FINGERPRINT_CHARS);
}

/** What create and get answer instead of the token (THP-TOKEN-005). */
export function tokenSummary(token: Uint8Array): { given: boolean; length: number; fingerprint: string } {
  return token.length === 0
    ? { given: false, length: 0, fingerprint: '' }
    : { given: true, length: token.length, fingerprint: tokenFingerprint(token) };
}
