// The callee's workflows. This module runs in the SDK's deterministic sandbox
// (bundled by bundle.ts): it imports only @temporalio/workflow and the pure
// modules names and types. Completing the caller by token happens in the
// system activity, never here; no workflow has a run timeout.
import {
  ActivityFailure, ApplicationFailure, CancellationScope, CancelledFailure, log, proxyActivities,
  proxyLocalActivities, proxySinks,
  ServerFailure, TerminatedFailure, TimeoutFailure, workflowInfo, type ActivityOptions, type Sinks,
} from '@temporalio/workflow';
import * as names from './names';
import {
  statusUpdate, type CompleteExternalInput, type ErrorInfo, type InvokeAgentInput, type Json, type JsonObject,
  type ServerlessInput, type StatusUpdate, type TaskInput,
} from './types';

/** Logs a token's loggable forms outside the sandbox, where SHA-256 is at hand. */
export interface HandshakeSinks extends Sinks {
  handshake: {
    tokenStart(event: string, executionId: string, callbackToken: string): void;
  };
}
const { handshake } = proxySinks<HandshakeSinks>();

type ActivityFn = (input: unknown) => Promise<unknown>;
const activity = (name: string, options: ActivityOptions): ActivityFn =>
  (proxyActivities(options) as Record<string, ActivityFn>)[name];

/**
 * Records a status change through the callee's status activity, run as a local
 * activity: inside the workflow task that asks for it, which then goes on to
 * schedule the next step (a normal activity costs two more workflow tasks).
 */
async function updateStatus(statusActivity: string, update: StatusUpdate): Promise<void> {
  const local = proxyLocalActivities({ startToCloseTimeout: names.STATUS_UPDATE_TIMEOUT });
  await (local as Record<string, ActivityFn>)[statusActivity](update);
}

/** How both callee workflows begin: log the token, record the execution in progress. */
async function begin(statusActivity: string, executionId: string, callbackToken: string): Promise<void> {
  handshake.tokenStart('callee workflow start', executionId, callbackToken);
  await updateStatus(statusActivity, statusUpdate(executionId, {
    phase: 'EXECUTION_IN_PROGRESS',
    callback_phase: callbackToken === '' ? 'CALLBACK_NOT_REQUESTED' : 'CALLBACK_WAITING',
  }));
}

/** What a callee workflow needs to record an execution's end and complete its caller. */
interface Execution {
  statusActivity: string;
  id: string;
  callbackToken: string; // standard base64; "" when none was given
  calleeQueue: string | undefined; // where the system activity runs; undefined: this workflow's queue
}

/**
 * Records the execution's end, then completes or fails the caller if a token
 * was given. A failed delivery is recorded and logged; it never changes the
 * execution's outcome.
 */
async function finish(e: Execution, output: Json, failure: ErrorInfo | null): Promise<void> {
  const end = failure === null
    ? statusUpdate(e.id, { phase: 'EXECUTION_COMPLETED', output_json: JSON.stringify(output) })
    : statusUpdate(e.id, {
        phase: failure.type === names.EXECUTION_CANCELLED_ERROR ? 'EXECUTION_CANCELLED' : 'EXECUTION_FAILED',
        error: failure,
      });
  await updateStatus(e.statusActivity, end);
  if (e.callbackToken === '') return;

  const input: CompleteExternalInput = {
    callback_token: e.callbackToken,
    execution_id: e.id,
    result: failure === null ? { execution_id: e.id, output } : null,
    error: failure,
  };
  let outcome: unknown;
  let error: unknown;
  try {
    outcome = await activity(names.COMPLETE_EXTERNAL_ACTIVITY, {
      taskQueue: e.calleeQueue,
      startToCloseTimeout: names.COMPLETION_START_TO_CLOSE,
      retry: { initialInterval: names.COMPLETION_INITIAL_INTERVAL, maximumAttempts: names.COMPLETION_MAX_ATTEMPTS },
    })(input);
  } catch (err) {
    error = err;
  }
  const [phase, detail] = callbackRecord(outcome, error);
  if (error !== undefined) log.error('completion failed', { execution_id: e.id, callback_phase: phase, error: detail });
  await updateStatus(e.statusActivity,
    statusUpdate(e.id, { callback_phase: phase, callback_detail: detail }));
}

/** The callback phase and detail for the system activity's outcome or failure (SPEC.md section 7). */
function callbackRecord(outcome: unknown, error: unknown): [names.CallbackPhase, string] {
  if (error !== undefined) {
    const cause = error instanceof ActivityFailure && error.cause ? error.cause : (error as Error);
    if (cause instanceof TimeoutFailure) {
      return ['CALLBACK_UNCONFIRMED', `maybe delivered: the system activity timed out (${cause.message}), so whether `
        + "Temporal applied the completion is unknown; check the caller's history"];
    }
    return ['CALLBACK_FAILED', cause.message];
  }
  switch (outcome as names.Outcome) {
    case 'delivered':
      return ['CALLBACK_DELIVERED', ''];
    case 'not_requested':
      return ['CALLBACK_NOT_REQUESTED', ''];
    case 'not_found':
      return ['CALLBACK_NOT_FOUND', "not delivered: the first try met NOT_FOUND, so the caller's activity was no "
        + 'longer open (stale token after a caller retry, caller closed or timed out)'];
    case 'unconfirmed':
      return ['CALLBACK_UNCONFIRMED', 'maybe delivered: a later try met NOT_FOUND after an earlier try whose answer '
        + "was lost, or the last try's answer left open whether Temporal applied the completion; check the caller's history"];
  }
  return ['CALLBACK_UNCONFIRMED', `the system activity returned an unknown outcome ${JSON.stringify(outcome)}`];
}

/** The error an activity failure carries, as the caller must see it (SPEC.md section 6). */
function errorFromActivity(err: unknown): ErrorInfo {
  const plain = (message: string, type: string): ErrorInfo => ({ message, type, non_retryable: false, details: [] });
  if (!(err instanceof ActivityFailure)) return plain(String((err as Error)?.message ?? err), 'ActivityError');
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    return {
      message: cause.message,
      type: cause.type || 'ApplicationError',
      non_retryable: cause.nonRetryable === true,
      details: (cause.details ?? []).map((d) => (d === undefined ? null : (d as Json))),
    };
  }
  if (cause instanceof TimeoutFailure) return plain(cause.message, 'TimeoutError');
  if (cause instanceof CancelledFailure) return plain(cause.message, 'CancelledError');
  if (cause instanceof TerminatedFailure) return plain(cause.message, 'TerminatedError');
  if (cause instanceof ServerFailure) return plain(cause.message, 'ServerError');
  return plain(cause?.message ?? err.message, 'ActivityError');
}

/** The failure a callee workflow ends with: the execution's error, non-retryable. */
const failWith = (failure: ErrorInfo): ApplicationFailure =>
  ApplicationFailure.create({
    message: failure.message, type: failure.type, nonRetryable: true, details: failure.details,
  });

/** stigmer/agent-execution/invoke: runs the agent work, records its outcome, completes the caller. */
async function invokeAgentExecution(input: InvokeAgentInput): Promise<Json> {
  const id = input.execution_id;
  await begin(names.UPDATE_AGENT_STATUS_ACTIVITY, id, input.callback_token);
  const end: Execution = {
    statusActivity: names.UPDATE_AGENT_STATUS_ACTIVITY, id, callbackToken: input.callback_token, calleeQueue: undefined,
  };
  let output: Json;
  try {
    // Either timeout fails the execution with TimeoutError, delivered to the
    // caller: the 24 h start-to-close, and the heartbeat timeout a dead runner
    // or a lost task runs into. The work is not retried: it may not be idempotent.
    const result = await activity(names.RUN_AGENT_ACTIVITY, {
      taskQueue: input.runner_task_queue,
      startToCloseTimeout: names.RUN_AGENT_START_TO_CLOSE,
      heartbeatTimeout: names.RUN_AGENT_HEARTBEAT_TIMEOUT,
      retry: { maximumAttempts: 1 },
    })({ execution_id: id, agent_id: input.agent_id, message: input.message, session_id: input.session_id });
    output = result === undefined ? null : (result as Json);
  } catch (err) {
    if (CancellationScope.current().consideredCancelled) {
      // Cancelled: record it and fail the caller, then end cancelled.
      const cancelled: ErrorInfo = {
        message: names.CANCELLED_MESSAGE, type: names.EXECUTION_CANCELLED_ERROR, non_retryable: true, details: [],
      };
      await CancellationScope.nonCancellable(() => finish(end, null, cancelled));
      throw err;
    }
    const failure = errorFromActivity(err);
    await finish(end, null, failure);
    throw failWith(failure);
  }
  await finish(end, output, null);
  return output;
}

/**
 * stigmer/workflow-execution/invoke: hands the task list to the runner, whose
 * serverless workflow completes the caller when it ends. Returns its run id.
 */
async function invokeWorkflowExecution(input: ServerlessInput): Promise<string> {
  await begin(names.UPDATE_WORKFLOW_STATUS_ACTIVITY, input.execution_id, input.callback_token);
  return (await activity(names.EXECUTE_WORKFLOW_ACTIVITY, {
    taskQueue: input.runner_task_queue,
    startToCloseTimeout: names.STATUS_UPDATE_TIMEOUT,
  })(input)) as string;
}

/** A string quoted as Python's repr() quotes it, for "task '<name>' failed: ...". */
function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/**
 * Runs a task list: each task's set is merged into the state shallowly; the
 * first raise_error stops it. The state has no prototype, so a key such as
 * "__proto__" is data like any other.
 */
function runTasks(tasks: TaskInput[]): JsonObject | string {
  const state: JsonObject = Object.create(null) as JsonObject;
  for (const task of tasks) {
    if (task.raise_error) return `task ${pyRepr(task.name)} failed: ${task.raise_error}`;
    for (const [key, value] of Object.entries(task.set ?? {})) state[key] = value;
  }
  return state;
}

/** ExecuteServerlessWorkflow: runs the task list, records its outcome, completes the caller. */
async function executeServerlessWorkflow(input: ServerlessInput): Promise<JsonObject> {
  handshake.tokenStart('serverless workflow start', input.execution_id, input.callback_token);
  const end: Execution = {
    statusActivity: names.UPDATE_WORKFLOW_STATUS_ACTIVITY,
    id: input.execution_id,
    callbackToken: input.callback_token,
    calleeQueue: input.callee_task_queue,
  };
  const state = runTasks(input.tasks);
  if (typeof state === 'string') {
    const failure: ErrorInfo = { message: state, type: names.WORKFLOW_TASK_FAILED_ERROR, non_retryable: false, details: [] };
    await finish(end, null, failure);
    throw failWith(failure);
  }
  await finish(end, state, null);
  return state;
}

/**
 * The workflows' types are names with slashes, which no function can bear:
 * the SDK runs the default export for a type no export names, and it
 * dispatches on the type.
 */
export default async function handshakeWorkflow(input: never): Promise<unknown> {
  const type = workflowInfo().workflowType;
  switch (type) {
    case names.AGENT_INVOKE_WORKFLOW:
      return invokeAgentExecution(input);
    case names.WORKFLOW_INVOKE_WORKFLOW:
      return invokeWorkflowExecution(input);
    case names.SERVERLESS_WORKFLOW:
      return executeServerlessWorkflow(input);
  }
  throw ApplicationFailure.nonRetryable(`this worker serves no workflow of type ${type}`, 'UnknownWorkflowType');
}
