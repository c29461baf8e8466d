// The caller's activities: hand this activity's task token to the callee
// with create, then go pending (the worker slot is free until the callee
// completes or fails the activity by token). Without a token, poll get.
import * as grpc from '@grpc/grpc-js';
import { CompleteAsyncError, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { PERMANENT, ambiguous, codeName, statusOf } from './codes';
import { Log, tokenFields } from './logging';
import * as names from './names';
import { AGENT_MESSAGES, WORKFLOW_MESSAGES, type Obj, type PathMessages } from './protos';
import type { CallAgentInput, CallWorkflowInput, ExecutionResult, Json } from './types';

const log = new Log('caller');
type Kind = 'agent execution' | 'workflow execution';

/** The callee's create and get, called without generated stubs. */
export class CalleeClient {
  private readonly client: grpc.Client;
  constructor(address: string) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure());
  }

  private call(path: string, request: Obj, from: PathMessages['id'], to: PathMessages['id'], timeoutMs?: number): Promise<Obj> {
    const options: grpc.CallOptions = timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs };
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(path, (value: Obj) => from.encode(value), (bytes: Buffer) => to.decode(bytes),
        request, options, (err, response) => (err ? reject(err) : resolve(response ?? {})));
    });
  }

  create(messages: PathMessages, execution: Obj): Promise<Obj> {
    const path = `/${messages.service}.${messages.prefix}CommandController/create`;
    return this.call(path, execution, messages.execution, messages.execution, names.CREATE_TIMEOUT_MS);
  }

  get(messages: PathMessages, id: string): Promise<Obj> {
    const path = `/${messages.service}.${messages.prefix}QueryController/get`;
    return this.call(path, { value: id }, messages.id, messages.execution, names.CREATE_TIMEOUT_MS);
  }

  close(): void {
    this.client.close();
  }
}

/** The caller's failure when create fails: at once, never pending. */
function createFailed(kind: Kind, err: unknown): ApplicationFailure {
  const { code, message } = statusOf(err);
  return ApplicationFailure.create({
    message: `create ${kind} failed: ${codeName(code)}: ${message}`,
    type: names.CREATE_FAILED_ERROR,
    nonRetryable: PERMANENT.has(code),
    details: [codeName(code)],
  });
}

async function handOff(callee: CalleeClient, messages: PathMessages, kind: Kind, handOffToken: boolean,
  spec: Obj): Promise<ExecutionResult> {
  const context = Context.current();
  let token: Uint8Array = new Uint8Array();
  if (handOffToken) {
    token = context.info.taskToken;
    log.info('caller extracted its task token', { kind, ...tokenFields(token) });
  } else {
    log.info('caller hands off no token: it will poll the execution (legacy)', { kind });
  }
  let id: string;
  try {
    const created = await callee.create(messages, { spec: { ...spec, callback_token: Buffer.from(token) } });
    id = created.metadata?.id ?? '';
  } catch (err) {
    throw createFailed(kind, err);
  }
  if (token.length > 0) {
    log.info('caller pending', { kind, execution_id: id, ...tokenFields(token) });
    throw new CompleteAsyncError();
  }
  return pollUntilDone(callee, messages, id);
}

/**
 * The legacy behaviour without a token: poll get until the execution ends,
 * through the callee's restarts.
 */
async function pollUntilDone(callee: CalleeClient, messages: PathMessages, id: string): Promise<ExecutionResult> {
  const context = Context.current();
  for (;;) {
    let status: Obj = {};
    try {
      status = (await callee.get(messages, id)).status ?? {};
    } catch (err) {
      // A callee that restarts (or a lost answer) is no answer about the
      // execution: poll on. Any other refusal fails the activity.
      const { code, message } = statusOf(err);
      if (!ambiguous(code)) throw err;
      log.warn('caller poll: get failed; polling on', { execution_id: id, code: codeName(code), error: message });
    }
    if (status.phase === 'EXECUTION_COMPLETED') {
      return { execution_id: id, output: status.output_json ? (JSON.parse(status.output_json) as Json) : null };
    }
    if (status.phase === 'EXECUTION_FAILED' || status.phase === 'EXECUTION_CANCELLED') {
      const error: Obj = status.error ?? {};
      throw ApplicationFailure.create({
        message: error.message ?? '',
        type: error.type || names.DEFAULT_EXECUTION_ERROR,
        nonRetryable: error.non_retryable === true,
        details: error.details_json ? (JSON.parse(error.details_json) as unknown[]) : [],
      });
    }
    context.heartbeat();
    await context.sleep(names.LEGACY_POLL_INTERVAL_MS);
  }
}

/** The caller queue's activities, by their type names. */
export function callerActivities(callee: CalleeClient): Record<string, (input: never) => Promise<unknown>> {
  return {
    [names.CALL_AGENT_ACTIVITY]: (input: CallAgentInput) =>
      handOff(callee, AGENT_MESSAGES, 'agent execution', input.hand_off_token !== false, {
        agent_id: input.agent_id, session_id: input.session_id ?? '', message: input.message,
      }),
    [names.CALL_WORKFLOW_ACTIVITY]: (input: CallWorkflowInput) =>
      handOff(callee, WORKFLOW_MESSAGES, 'workflow execution', input.hand_off_token !== false, {
        workflow_id: input.workflow_id,
        tasks: (input.tasks ?? []).map((task) => ({
          name: task.name,
          set_json: task.set && Object.keys(task.set).length > 0 ? JSON.stringify(task.set) : '',
          raise_error: task.raise_error ?? '',
        })),
      }),
  };
}
