// The json/plain payloads of the handshake (SPEC.md section 13), with the
// contract's field names. Imported by the workflow bundle: no Node imports.
import type { CallbackPhase, Phase } from './names';

/** Any JSON value (I-JSON: numbers are doubles). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** An execution's error, as the caller's activity must see it. */
export interface ErrorInfo {
  message: string;
  type: string;
  non_retryable: boolean;
  details: Json[];
}

export interface ExecutionResult {
  execution_id: string;
  output: Json;
}

export interface CallAgentInput {
  agent_id: string;
  message: string;
  session_id?: string;
  hand_off_token?: boolean;
}

export interface TaskInput {
  name: string;
  set?: JsonObject;
  raise_error?: string;
}

export interface CallWorkflowInput {
  workflow_id: string;
  tasks: TaskInput[];
  hand_off_token?: boolean;
}

export interface InvokeAgentInput {
  execution_id: string;
  agent_id: string;
  message: string;
  session_id: string;
  /** Standard padded base64 of the token; "" when none was given. */
  callback_token: string;
  runner_task_queue: string;
}

export interface RunAgentInput {
  execution_id: string;
  agent_id: string;
  message: string;
  session_id: string;
}

/** Input of stigmer/workflow-execution/invoke, ExecuteWorkflow and ExecuteServerlessWorkflow. */
export interface ServerlessInput {
  execution_id: string;
  tasks: TaskInput[];
  callback_token: string;
  runner_task_queue: string;
  callee_task_queue: string;
}

/** A partial status update; null leaves a field unchanged. */
export interface StatusUpdate {
  execution_id: string;
  phase: Phase | null;
  output_json: string | null;
  error: ErrorInfo | null;
  callback_phase: CallbackPhase | null;
  callback_detail: string | null;
}

export interface CompleteExternalInput {
  callback_token: string;
  execution_id?: string;
  result?: Json;
  error?: ErrorInfo | null;
}

/** An update that sets only some fields. */
export function statusUpdate(executionId: string, fields: Partial<Omit<StatusUpdate, 'execution_id'>>): StatusUpdate {
  return {
    execution_id: executionId,
    phase: null,
    output_json: null,
    error: null,
    callback_phase: null,
    callback_detail: null,
    ...fields,
  };
}
