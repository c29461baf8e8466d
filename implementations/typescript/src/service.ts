// The callee's gRPC services: create and get on both paths, and the standard
// health service. Requests are decoded by our own deserializer, which never
// throws (grpc-js would answer INTERNAL): a request that is no valid message
// reaches its handler as a marker, answered INVALID_ARGUMENT.
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { ambiguous, Code, codeName, statusOf } from './codes';
import { tokenFields, type Log } from './logging';
import * as names from './names';
import { AGENT_MESSAGES, WORKFLOW_MESSAGES, type MessageType, type Obj, type PathMessages } from './protos';
import { updateStored } from './status';
import { NotFoundError, type Store } from './store';
import { encodeToken, tokenSummary } from './token';
import { statusUpdate, type InvokeAgentInput, type JsonObject, type ServerlessInput } from './types';
import { tooLong, validateAgentExecution, validateWorkflowExecution } from './validate';

/** A request our deserializer could not decode. */
class Undecodable {
  constructor(readonly why: string) {}
}

/** An error answered to a gRPC call. */
class Refusal extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** text cut to at most 1024 bytes of UTF-8 at a character boundary, the cut marked. */
export function clip(message: string): string {
  // Well-formed first: a parser's message may quote the input cut inside a
  // surrogate pair, and grpc-js throws on a lone surrogate in a status message.
  const text = message.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  if (Buffer.byteLength(text, 'utf8') <= names.MAX_ERROR_MESSAGE_BYTES) return text;
  const bytes = Buffer.from(text, 'utf8');
  let end = names.MAX_ERROR_MESSAGE_BYTES - 3;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return `${bytes.subarray(0, end).toString('utf8')}...`;
}

/** The callee workflow of one new execution. */
interface Start {
  kind: string;
  workflowType: string;
  workflowId: string;
  input: InvokeAgentInput | ServerlessInput;
}

/** What both paths share: validate, persist, start the callee workflow, read back. */
export class Recorder {
  constructor(
    private readonly store: Store,
    private readonly client: Client,
    private readonly queues: names.TaskQueues,
    private readonly log: Log,
  ) {}

  async create(messages: PathMessages, req: Obj): Promise<Obj> {
    const agent = messages === AGENT_MESSAGES;
    const execution = agent
      ? prepare(req, validateAgentExecution, 'aex', names.AGENT_EXECUTION_KIND)
      : prepare(req, validateWorkflowExecution, 'wex', names.WORKFLOW_EXECUTION_KIND);
    const id: string = execution.metadata.id;
    const spec: Obj = execution.spec;
    const token: Buffer = spec.callback_token ?? Buffer.alloc(0);
    const start: Start = agent
      ? {
          kind: names.AGENT_EXECUTION_KIND,
          workflowType: names.AGENT_INVOKE_WORKFLOW,
          workflowId: names.agentInvokeWorkflowId(id),
          input: {
            execution_id: id,
            agent_id: spec.agent_id ?? '',
            message: spec.message ?? '',
            session_id: spec.session_id ?? '',
            callback_token: encodeToken(token),
            runner_task_queue: this.queues.agentRunner,
          },
        }
      : {
          kind: names.WORKFLOW_EXECUTION_KIND,
          workflowType: names.WORKFLOW_INVOKE_WORKFLOW,
          workflowId: names.workflowInvokeWorkflowId(id),
          input: {
            execution_id: id,
            tasks: (spec.tasks as Obj[]).map((task) => ({
              name: task.name,
              set: task.set_json ? (JSON.parse(task.set_json) as JsonObject) : {},
              raise_error: task.raise_error ?? '',
            })),
            callback_token: encodeToken(token),
            runner_task_queue: this.queues.workflowRunner,
            callee_task_queue: this.queues.callee,
          },
        };
    try {
      this.store.insert(messages.execution.fullName, id, messages.execution.encode(execution));
    } catch (err) {
      throw new Refusal(Code.UNAVAILABLE, `the store could not record ${start.kind} ${id}: ${(err as Error).message}`);
    }
    this.log.info('callee create', { kind: start.kind, execution_id: id, ...tokenFields(token) });
    await this.startOnce(messages, id, start);
    return answer(execution);
  }

  /**
   * Starts the callee workflow once, however many of Temporal's answers are
   * lost: an ambiguous answer is resolved by starting again under the same id
   * (REJECT_DUPLICATE), "already started" meaning started. A start that
   * certainly failed is recorded EXECUTION_FAILED; either way create answers
   * UNAVAILABLE.
   */
  private async startOnce(messages: PathMessages, id: string, start: Start): Promise<void> {
    let pause = names.FIRST_START_PAUSE_MS;
    let last = { code: Code.UNAVAILABLE as number, message: '' };
    for (let attempt = 1; attempt <= names.START_ATTEMPTS; attempt++) {
      try {
        await this.client.workflow.start(start.workflowType, {
          workflowId: start.workflowId,
          taskQueue: this.queues.callee,
          args: [start.input],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        });
        return;
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return; // the id is this execution's own
        last = statusOf(err);
        if (!ambiguous(last.code)) break;
        if (attempt < names.START_ATTEMPTS) {
          this.log.warn('callee create: start answered ambiguously; starting it again to find out', {
            workflow_id: start.workflowId, code: codeName(last.code),
          });
          await new Promise((resolve) => setTimeout(resolve, pause));
          pause *= 2;
        }
      }
    }
    let outcome = 'whether its workflow started is unknown';
    if (!ambiguous(last.code)) {
      outcome = 'its workflow could not start, so it is recorded as failed';
      try {
        updateStored(this.store, messages, statusUpdate(id, {
          phase: 'EXECUTION_FAILED',
          error: {
            message: `could not start ${start.workflowType}: ${last.message}`,
            type: names.WORKFLOW_START_FAILED_ERROR,
            non_retryable: false,
            details: [],
          },
        }));
      } catch (err) {
        this.log.error('callee create: could not record the failed start', { execution_id: id, error: err });
      }
    }
    this.log.error(`callee create: ${outcome}`, { kind: start.kind, execution_id: id, error: last.message });
    throw new Refusal(Code.UNAVAILABLE,
      `${start.kind} ${id} was recorded but ${outcome} (${codeName(last.code)}: ${last.message})`);
  }

  /** The recorded execution without its token; NOT_FOUND for an unknown id. */
  get(messages: PathMessages, req: Obj): Obj {
    const id: string = req.value ?? '';
    const long = tooLong('id', Buffer.byteLength(id, 'utf8'), names.MAX_NAME_BYTES);
    if (long) throw new Refusal(Code.INVALID_ARGUMENT, long);
    let data: Buffer;
    try {
      data = this.store.get(messages.execution.fullName, id);
    } catch (err) {
      if (err instanceof NotFoundError) throw new Refusal(Code.NOT_FOUND, err.message);
      throw new Refusal(Code.UNAVAILABLE, `the store could not read ${id}: ${(err as Error).message}`);
    }
    return answer(messages.execution.decode(data));
  }
}

/** The execution to record: the request with a fresh id, its identity and phase PENDING. */
function prepare(req: Obj, validate: (req: Obj) => string, prefix: string, kind: string): Obj {
  const problem = validate(req);
  if (problem) throw new Refusal(Code.INVALID_ARGUMENT, problem);
  return {
    ...req,
    api_version: names.API_VERSION,
    kind,
    metadata: { ...(req.metadata ?? {}), id: `${prefix}-${randomUUID().replace(/-/g, '')}` },
    spec: { ...(req.spec ?? {}) },
    status: { phase: 'EXECUTION_PENDING' },
  };
}

/**
 * What create and get answer: the execution without its callback token, a
 * credential, which status.callback_token_summary describes instead.
 */
function answer(execution: Obj): Obj {
  const spec: Obj = { ...(execution.spec ?? {}) };
  const token: Uint8Array = spec.callback_token ?? new Uint8Array();
  delete spec.callback_token;
  return {
    ...execution,
    spec,
    status: { ...(execution.status ?? {}), callback_token_summary: tokenSummary(token) },
  };
}

/** A unary method whose requests are decoded by a deserializer that never throws. */
function method(path: string, request: MessageType, response: MessageType): grpc.MethodDefinition<unknown, Obj> {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: unknown) => request.encode(value as Obj),
    requestDeserialize: (bytes: Buffer) => {
      try {
        return request.decode(bytes);
      } catch (err) {
        return new Undecodable(`request is not a valid ${request.fullName}: ${(err as Error).message}`);
      }
    },
    responseSerialize: (value: Obj) => response.encode(value),
    responseDeserialize: (bytes: Buffer) => response.decode(bytes),
  };
}

/** A handler that refuses undecodable requests and answers every error typed and short. */
function unary(log: Log, handle: (req: Obj) => Obj | Promise<Obj>): grpc.handleUnaryCall<unknown, Obj> {
  return (call, callback) => {
    const req = call.request;
    const run = async (): Promise<Obj> => {
      if (req instanceof Undecodable) throw new Refusal(Code.INVALID_ARGUMENT, req.why);
      return handle(req as Obj);
    };
    run().then(
      (res) => callback(null, res),
      (err: unknown) => {
        if (!(err instanceof Refusal)) log.error('request failed', { error: err });
        // Anything but a refusal is a dependency that failed: never UNKNOWN or INTERNAL.
        const refusal = err instanceof Refusal ? err : new Refusal(Code.UNAVAILABLE, `the request failed: ${String((err as Error)?.message ?? err)}`);
        callback({ code: refusal.code, details: clip(refusal.message) }, null);
      },
    );
  };
}

/**
 * Registers the four services and health (NOT_SERVING until setServing). The
 * recorder may come later: the port is bound before Temporal's modules load.
 */
export function registerServices(server: grpc.Server, recorder: Promise<Recorder>, log: Log): HealthImplementation {
  const serviceNames: string[] = [];
  for (const messages of [AGENT_MESSAGES, WORKFLOW_MESSAGES]) {
    const base = `${messages.service}.${messages.prefix}`;
    server.addService(
      { create: method(`/${base}CommandController/create`, messages.execution, messages.execution) },
      { create: unary(log, async (req) => (await recorder).create(messages, req)) },
    );
    server.addService(
      { get: method(`/${base}QueryController/get`, messages.id, messages.execution) },
      { get: unary(log, async (req) => (await recorder).get(messages, req)) },
    );
    serviceNames.push(`${base}CommandController`, `${base}QueryController`);
  }
  const health = new HealthImplementation({ '': 'NOT_SERVING' });
  for (const name of serviceNames) health.setStatus(name, 'NOT_SERVING');
  health.addToServer(server);
  return health;
}

/** Marks the server as a whole and every service SERVING (or NOT_SERVING). */
export function setServing(health: HealthImplementation, serving: boolean): void {
  const status = serving ? 'SERVING' : 'NOT_SERVING';
  health.setStatus('', status);
  for (const messages of [AGENT_MESSAGES, WORKFLOW_MESSAGES]) {
    health.setStatus(`${messages.service}.${messages.prefix}CommandController`, status);
    health.setStatus(`${messages.service}.${messages.prefix}QueryController`, status);
  }
}
