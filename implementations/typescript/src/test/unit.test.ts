// Unit tests of the pure parts: token forms, redaction, validation, the store.
// Run with `npm test` (after build.sh); the suite tests the processes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { bytesSummary, maskToken, redact, tokenFields } from '../logging';
import { clip } from '../service';
import { Store } from '../store';
import { decodeToken, encodeToken, tokenFingerprint, tokenPreview, tokenSummary } from '../token';
import { setJsonProblem, validateAgentExecution, validateWorkflowExecution } from '../validate';

test('token forms', () => {
  assert.equal(tokenFingerprint(Buffer.from('abc')), 'ba7816bf8f01');
  assert.equal(tokenPreview(Buffer.from('abc')), 'YWJj');
  assert.equal(tokenPreview(Buffer.alloc(30, 0xff)), `${'/'.repeat(20)}...`);
  const token = Buffer.from([0, 1, 2, 0xfe, 0xff]);
  assert.deepEqual(decodeToken(encodeToken(token)), token);
  assert.throws(() => decodeToken('-_8'));
  assert.deepEqual(tokenSummary(new Uint8Array()), { given: false, length: 0, fingerprint: '' });
  assert.deepEqual(tokenSummary(Buffer.from('abc')), { given: true, length: 3, fingerprint: 'ba7816bf8f01' });
});

test('a masked token is redacted in every rendering', () => {
  const token = Buffer.from(Array.from({ length: 40 }, (_, i) => (i * 37 + 250) % 256));
  const fields = tokenFields(token);
  assert.equal(fields.token_length, 40);
  for (const form of [token.toString('base64'), token.toString('base64url'), token.toString('hex'),
    token.toString('hex').toUpperCase(), Array.from(token).join(',')]) {
    const line = redact(`before ${form} after`);
    assert.ok(!line.includes(form), form);
    assert.ok(line.includes(bytesSummary(token)));
  }
  maskToken(token); // twice is harmless
  assert.equal(redact('nothing here'), 'nothing here');
});

test('create validation', () => {
  assert.equal(validateAgentExecution({ spec: { agent_id: ' \u00a0\u2028', message: 'm' } }),
    'spec.agent_id must not be empty');
  assert.equal(validateAgentExecution({ spec: { agent_id: '\ufeff', message: 'm' } }), '');
  assert.equal(validateAgentExecution({ spec: { agent_id: 'a', message: 'm', callback_token: Buffer.alloc(4097) } }),
    'spec.callback_token is 4097 bytes; at most 4096 are accepted');
  assert.equal(validateWorkflowExecution({ spec: { workflow_id: 'w', tasks: [] } }),
    'spec.tasks must hold at least one task');
  assert.equal(validateWorkflowExecution({ spec: { workflow_id: 'w', tasks: [{ name: 't', set_json: '[]' }] } }),
    'spec.tasks[0].set_json must be a JSON object');
});

test('set_json is scanned before it is parsed', () => {
  assert.equal(setJsonProblem(''), '');
  assert.equal(setJsonProblem('{"a": [1, {"b": "\\ud83d\\ude00"}]}'), '');
  assert.match(setJsonProblem('{"a": "\\ud800"}'), /lone surrogate/);
  assert.match(setJsonProblem('{"a": 1e400}'), /beyond the range of a double/);
  assert.match(setJsonProblem('{"a": NaN}'), /NaN or infinite/);
  assert.match(setJsonProblem('['.repeat(100000)), /nests deeper than 32 levels/);
  assert.match(setJsonProblem('{"a": }'), /^is not JSON: /);
});

test('error messages are well-formed and at most 1024 bytes', () => {
  assert.equal(clip('a\ud800b'), 'a\ufffdb');
  const long = clip('é'.repeat(2000));
  assert.ok(Buffer.byteLength(long) <= 1024);
  assert.ok(long.endsWith('...'));
});

test('the store survives a reopen and a torn last line, owner-only', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-'));
  const file = path.join(dir, 'store.jsonl');
  const old = process.umask(0);
  try {
    const store = new Store(file);
    store.insert('K', 'a', Buffer.from([0, 0xff]));
    store.update('K', 'a', () => Buffer.from([1, 2, 3]));
    store.insert('K', 'b', Buffer.from('b'));
    store.close();
    fs.appendFileSync(file, '{"kind":"K","id":"c","da'); // a crash mid-append
    const again = new Store(file);
    assert.deepEqual(again.get('K', 'a'), Buffer.from([1, 2, 3]));
    assert.deepEqual(again.get('K', 'b'), Buffer.from('b'));
    assert.throws(() => again.get('K', 'c'));
    again.insert('K', 'c', Buffer.from('c'));
    again.close();
    assert.deepEqual(new Store(file).get('K', 'c'), Buffer.from('c'));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  } finally {
    process.umask(old);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
