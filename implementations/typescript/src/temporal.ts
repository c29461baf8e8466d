// What both processes share: the SDK's Runtime (its logs through our
// scrubbing logger, the core's forwarded to it) and the connections to Temporal.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, type WorkflowBundleOption } from '@temporalio/worker';
import type { Config } from './config';
import { SdkLogger, type Level, type Log } from './logging';

/** Where build.sh puts the workflow bundle (bundle.ts). */
export const BUNDLE_PATH = path.join(__dirname, 'workflow-bundle.js');
export const WORKFLOWS_PATH = path.join(__dirname, 'workflows.js');

/**
 * Installs the Runtime once, before any connection: the TS SDK's records (the
 * activity logger's carry `taskToken`) and the core's go through SdkLogger.
 * The core is forwarded at INFO even when we log DEBUG: its DEBUG records are
 * many and say nothing of the handshake.
 */
export function installRuntime(level: Level): void {
  const core = level === 'debug' || level === 'trace' ? 'INFO' : (level.toUpperCase() as 'INFO' | 'WARN' | 'ERROR');
  Runtime.install({
    logger: new SdkLogger(),
    telemetryOptions: { logging: { filter: { core, other: 'WARN' }, forward: {} } },
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
}

function clientOptions(config: Config): ConnectionOptions {
  const { address, tls, apiKey, metadata } = config.temporal;
  return { address, tls, apiKey, metadata } as ConnectionOptions;
}

/** The client connection (the SDK's retries on); it connects at its first call. */
export function clientConnection(config: Config): Connection {
  return Connection.lazy(clientOptions(config));
}

/** A client connection without the SDK's retry interceptor, for completions by token. */
export function connectionWithoutRetries(config: Config): Connection {
  return Connection.lazy({ ...clientOptions(config), interceptors: [] });
}

export function connectWorker(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect(config.temporal);
}

/** The workflow bundle built once by build.sh; bundled here, once, if it is missing. */
export async function workflowBundle(log: Log): Promise<WorkflowBundleOption> {
  if (fs.existsSync(BUNDLE_PATH)) return { codePath: BUNDLE_PATH };
  log.warn('no prebuilt workflow bundle: bundling the workflows now', { bundle: BUNDLE_PATH });
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
}
