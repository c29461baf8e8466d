// The environment of docs/implementing.md, and Temporal's connection settings.
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { DEFAULT_QUEUES, type TaskQueues } from './names';
import { parseLevel, type Level } from './logging';

export interface Config {
  /** Temporal's connection: TEMPORAL_ADDRESS, TLS, API key, gRPC metadata (envconfig). */
  temporal: NativeConnectionOptions;
  namespace: string;
  calleeListen: string;
  calleeAddress: string;
  storePath: string;
  queues: TaskQueues;
  logLevel: Level;
  /** HANDSHAKE_CALLER_MAX_ACTIVITIES: the caller worker's activity slots; undefined: the SDK's default. */
  callerMaxActivities: number | undefined;
}

function env(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

/** A positive integer variable; undefined when unset (the SDK's default applies). */
function positiveInt(name: string): number | undefined {
  const value = env(name, '');
  if (value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${value}: expected a positive integer`);
  return n;
}

/**
 * Reads the environment. Temporal's settings come from @temporalio/envconfig,
 * which reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS*, TEMPORAL_GRPC_META_* and the optional profile file.
 */
export function loadConfig(): Config {
  const { connectionOptions, namespace } = loadClientConnectConfig();
  return {
    temporal: { ...connectionOptions, address: connectionOptions.address ?? 'localhost:7233' },
    namespace: namespace ?? 'default',
    calleeListen: env('HANDSHAKE_CALLEE_LISTEN', '127.0.0.1:0'),
    calleeAddress: env('HANDSHAKE_CALLEE_ADDRESS', ''),
    storePath: env('HANDSHAKE_STORE_PATH', 'callee-store.jsonl'),
    queues: {
      callee: env('HANDSHAKE_CALLEE_TASK_QUEUE', DEFAULT_QUEUES.callee),
      agentRunner: env('HANDSHAKE_AGENT_RUNNER_TASK_QUEUE', DEFAULT_QUEUES.agentRunner),
      workflowRunner: env('HANDSHAKE_WORKFLOW_RUNNER_TASK_QUEUE', DEFAULT_QUEUES.workflowRunner),
      caller: env('HANDSHAKE_CALLER_TASK_QUEUE', DEFAULT_QUEUES.caller),
    },
    logLevel: parseLevel(process.env.HANDSHAKE_LOG_LEVEL),
    callerMaxActivities: positiveInt('HANDSHAKE_CALLER_MAX_ACTIVITIES'),
  };
}
