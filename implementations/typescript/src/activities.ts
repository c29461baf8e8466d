// The callee's activities: the status updates, the system activity that
// completes or fails the caller by token, ExecuteWorkflow, and the sink that
// logs a token for the workflows.
import { hostname } from 'node:os';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, WorkflowIdConflictPolicy } from '@temporalio/common';
import type { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { InjectedSinks } from '@temporalio/worker';
import { Code, ambiguous, codeName, statusOf } from './codes';
import { Log, tokenFields, type Fields } from './logging';
import * as names from './names';
import { AGENT_MESSAGES, WORKFLOW_MESSAGES } from './protos';
import { updateStored } from './status';
import type { Store } from './store';
import { decodeToken } from './token';
import type { CompleteExternalInput, ErrorInfo, Json, ServerlessInput, StatusUpdate } from './types';
import type { HandshakeSinks } from './workflows';

const log = new Log('callee');

/** A token that is not standard base64 fails the activity without retries. */
function callbackToken(executionId: string | undefined, text: string): Buffer {
  try {
    return decodeToken(text);
  } catch (err) {
    throw ApplicationFailure.nonRetryable(`execution ${executionId ?? ''}: ${(err as Error).message}`,
      names.INVALID_TOKEN_ERROR);
  }
}

function jsonPayload(value: Json): temporal.api.common.v1.IPayload {
  return { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value), 'utf8') };
}

/**
 * Completes or fails activities by token. It calls the WorkflowService on a
 * connection without the client's retry interceptor: Temporal's answer is
 * seen at once, and the system activity's retry policy (3 attempts, 1 s) is
 * the only retry layer.
 */
export class Completer {
  private readonly identity = `${process.pid}@${hostname()}@handshake-callee`;
  constructor(private readonly connection: Connection, private readonly namespace: string) {}

  /** The system activity's body: returns the outcome, or throws for the retry policy. */
  async completeByToken(attempt: number, token: Buffer, executionId: string, result: Json,
    failure: ErrorInfo | null): Promise<names.Outcome> {
    const fields: Fields = { execution_id: executionId, ...tokenFields(token) };
    if (token.length === 0) {
      log.warn('completion skipped: no callback token', fields);
      return 'not_requested';
    }
    Object.assign(fields, { lane: failure === null ? 'complete' : 'fail', attempt });
    log.info('completion attempt', fields);
    const service = this.connection.workflowService;
    const deadline = Date.now() + names.COMPLETION_CALL_TIMEOUT_MS;
    try {
      await this.connection.withDeadline(deadline, async () => {
        if (failure === null) {
          await service.respondActivityTaskCompleted({
            taskToken: token, result: { payloads: [jsonPayload(result)] }, identity: this.identity, namespace: this.namespace,
          });
        } else {
          await service.respondActivityTaskFailed({
            taskToken: token,
            failure: {
              message: failure.message,
              applicationFailureInfo: {
                type: failure.type,
                nonRetryable: failure.non_retryable,
                details: failure.details.length > 0 ? { payloads: failure.details.map(jsonPayload) } : undefined,
              },
            },
            identity: this.identity,
            namespace: this.namespace,
          });
        }
      });
    } catch (err) {
      return completionOutcome(fields, attempt, err);
    }
    log.info('completion delivered', fields);
    return 'delivered';
  }
}

/** The system activity's answer to a completion call that failed (SPEC.md section 7). */
function completionOutcome(fields: Fields, attempt: number, err: unknown): names.Outcome {
  const { code, message } = statusOf(err);
  const name = codeName(code);
  Object.assign(fields, { code: name, error: message });
  if (code === Code.NOT_FOUND && attempt <= 1) {
    log.warn("completion answered NOT_FOUND at the first try: the caller's activity is no longer open", fields);
    return 'not_found';
  }
  if (code === Code.NOT_FOUND) {
    log.warn('completion answered NOT_FOUND at a later try: an earlier try may have delivered it', fields);
    return 'unconfirmed';
  }
  if (code === Code.INVALID_ARGUMENT) {
    log.warn('completion rejected: Temporal refused the callback token', fields);
    throw ApplicationFailure.nonRetryable(`Temporal rejected the callback token (${name}): ${message}`,
      names.INVALID_TOKEN_ERROR);
  }
  if (attempt >= names.COMPLETION_MAX_ATTEMPTS && ambiguous(code)) {
    log.warn("completion unconfirmed: the last try's answer leaves open whether Temporal applied it", fields);
    return 'unconfirmed';
  }
  log.warn('completion attempt failed', fields);
  throw ApplicationFailure.retryable(`completion failed (${name}): ${message}`, 'CompletionFailed', name);
}

/** The callee queue's activities, by their type names. */
export function calleeActivities(store: Store, completer: Completer): Record<string, (input: never) => Promise<unknown>> {
  return {
    [names.UPDATE_AGENT_STATUS_ACTIVITY]: async (update: StatusUpdate) => updateStored(store, AGENT_MESSAGES, update),
    [names.UPDATE_WORKFLOW_STATUS_ACTIVITY]: async (update: StatusUpdate) =>
      updateStored(store, WORKFLOW_MESSAGES, update),
    [names.COMPLETE_EXTERNAL_ACTIVITY]: async (input: CompleteExternalInput) => {
      const token = callbackToken(input.execution_id, input.callback_token ?? '');
      return completer.completeByToken(Context.current().info.attempt, token, input.execution_id ?? '',
        input.result ?? null, input.error ?? null);
    },
  };
}

/** The workflow runner queue's activity: starts the serverless workflow, returns its run id. */
export function runnerActivities(client: Client): Record<string, (input: never) => Promise<unknown>> {
  return {
    [names.EXECUTE_WORKFLOW_ACTIVITY]: async (input: ServerlessInput) => {
      const token = callbackToken(input.execution_id, input.callback_token);
      log.info('starting serverless workflow', { execution_id: input.execution_id, ...tokenFields(token) });
      const handle = await client.workflow.start(names.SERVERLESS_WORKFLOW, {
        workflowId: names.serverlessWorkflowId(input.execution_id),
        taskQueue: input.runner_task_queue,
        args: [input],
        // A retried ExecuteWorkflow reuses the running workflow.
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      return handle.firstExecutionRunId;
    },
  };
}

/** The sink the workflows log a token through: outside the sandbox, where SHA-256 is. */
export const sinks: InjectedSinks<HandshakeSinks> = {
  handshake: {
    tokenStart: {
      fn(info, event, executionId, callbackToken_) {
        try {
          log.info(event, { execution_id: executionId, workflow_id: info.workflowId, ...tokenFields(decodeToken(callbackToken_)) });
        } catch {
          log.error(`${event}: the callback token is not standard base64`, { execution_id: executionId });
        }
      },
      callDuringReplay: false,
    },
  },
};
