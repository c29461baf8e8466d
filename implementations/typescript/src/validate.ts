// Validation of create requests (SPEC.md section 3). Each validator returns
// why a request is invalid, or "": the whole request is looked at before
// anything is stored or started, and messages name a field, its size and its
// limit, never its content.
import {
  MAX_CALLBACK_TOKEN_BYTES, MAX_JSON_DEPTH, MAX_MESSAGE_BYTES, MAX_NAME_BYTES, MAX_TASKS, MAX_TASKS_BYTES,
} from './names';
import type { Obj } from './protos';

const bytes = (text: string | undefined): number => Buffer.byteLength(text ?? '', 'utf8');

export function tooLong(field: string, size: number, limit: number): string {
  return size > limit ? `${field} is ${size} bytes; at most ${limit} are accepted` : '';
}

const firstProblem = (...problems: string[]): string => problems.find((p) => p !== '') ?? '';

/** Empty, or made only of characters with Unicode's White_Space property. */
const blank = (text: string | undefined): boolean => /^\p{White_Space}*$/u.test(text ?? '');

function tokenProblem(token: Uint8Array | undefined): string {
  return tooLong('spec.callback_token', token?.length ?? 0, MAX_CALLBACK_TOKEN_BYTES);
}

export function validateAgentExecution(req: Obj): string {
  const spec: Obj = req.spec ?? {};
  if (blank(spec.agent_id)) return 'spec.agent_id must not be empty';
  if (!spec.message) return 'spec.message must not be empty';
  return firstProblem(
    tooLong('spec.agent_id', bytes(spec.agent_id), MAX_NAME_BYTES),
    tooLong('spec.session_id', bytes(spec.session_id), MAX_NAME_BYTES),
    tooLong('metadata.name', bytes(req.metadata?.name), MAX_NAME_BYTES),
    tooLong('spec.message', bytes(spec.message), MAX_MESSAGE_BYTES),
    tokenProblem(spec.callback_token),
  );
}

export function validateWorkflowExecution(req: Obj): string {
  const spec: Obj = req.spec ?? {};
  if (blank(spec.workflow_id)) return 'spec.workflow_id must not be empty';
  const tasks: Obj[] = spec.tasks ?? [];
  if (tasks.length === 0) return 'spec.tasks must hold at least one task';
  if (tasks.length > MAX_TASKS) return `spec.tasks holds ${tasks.length} tasks; at most ${MAX_TASKS} are accepted`;
  const problem = firstProblem(
    tooLong('spec.workflow_id', bytes(spec.workflow_id), MAX_NAME_BYTES),
    tooLong('metadata.name', bytes(req.metadata?.name), MAX_NAME_BYTES),
    tokenProblem(spec.callback_token),
  );
  if (problem) return problem;
  let tasksBytes = 0;
  for (const [i, task] of tasks.entries()) {
    if (!task.name) return `spec.tasks[${i}].name must not be empty`;
    const long = tooLong(`spec.tasks[${i}].name`, bytes(task.name), MAX_NAME_BYTES);
    if (long) return long;
    tasksBytes += bytes(task.set_json) + bytes(task.raise_error);
  }
  if (tasksBytes > MAX_TASKS_BYTES) {
    return `spec.tasks hold ${tasksBytes} bytes of set_json and raise_error; at most ${MAX_TASKS_BYTES} are accepted`;
  }
  for (const [i, task] of tasks.entries()) {
    const p = setJsonProblem(task.set_json ?? '');
    if (p) return `spec.tasks[${i}].set_json ${p}`;
  }
  return '';
}

/** What is wrong with one set_json (the rest of a sentence about the field), or "". Empty means {}. */
export function setJsonProblem(text: string): string {
  if (text === '') return '';
  // The scan bounds the nesting before the parser sees the text, and finds
  // what JSON.parse accepts silently: lone surrogate escapes, 1e400 (Infinity).
  const problem = scanJson(text);
  if (problem) return problem;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `is not JSON: ${(err as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object';
  return '';
}

/**
 * One pass over the text: nesting of arrays and objects, and the I-JSON
 * domain (no NaN or Infinity, no number beyond a double, no lone surrogate
 * escape). Text that is not JSON at all is left to the parser.
 */
function scanJson(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const [end, problem] = scanString(text, i + 1);
      if (problem) return `is not I-JSON: ${problem}`;
      i = end;
    } else if (c === '{' || c === '[') {
      if (++depth > MAX_JSON_DEPTH) return `nests deeper than ${MAX_JSON_DEPTH} levels`;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (text.startsWith('NaN', i) || text.startsWith('Infinity', i) || text.startsWith('-Infinity', i)) {
      return `is not I-JSON: a number at character ${i} is NaN or infinite`;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let end = i + 1;
      while (end < text.length && '0123456789+-.eE'.includes(text[end])) end++;
      if (Math.abs(Number(text.slice(i, end))) === Infinity) {
        return `is not I-JSON: the number at character ${i} is beyond the range of a double`;
      }
      i = end - 1;
    }
  }
  return '';
}

const isHigh = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/** The code unit of the escape \uXXXX at text[at], or -1. */
function unicodeEscape(text: string, at: number): number {
  if (text[at] !== '\\' || text[at + 1] !== 'u') return -1;
  const hex = text.slice(at + 2, at + 6);
  return /^[0-9a-fA-F]{4}$/.test(hex) ? parseInt(hex, 16) : -1;
}

/** Scans a string from just after its opening quote: [index of its closing quote, problem]. */
function scanString(text: string, start: number): [number, string] {
  for (let j = start; j < text.length; j++) {
    if (text[j] === '"') return [j, ''];
    if (text[j] !== '\\') continue;
    const unit = unicodeEscape(text, j);
    if (unit < 0) {
      j++; // a one-character escape, or not JSON (the parser says so)
      continue;
    }
    if (isHigh(unit) && isLow(unicodeEscape(text, j + 6))) {
      j += 11;
      continue;
    }
    if (isHigh(unit) || isLow(unit)) {
      return [j, `a string holds a lone surrogate escape (${text.slice(j, j + 6)} at character ${j})`];
    }
    j += 5;
  }
  return [text.length, ''];
}
