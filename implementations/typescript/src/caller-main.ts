// The caller process: a worker on the caller queue serving stigmer/call-agent
// and stigmer/call-workflow, which create executions on the callee and go
// pending. Configured by the environment; exits 0 on SIGTERM.
import { Worker } from '@temporalio/worker';
import { CalleeClient, callerActivities } from './caller';
import { loadConfig } from './config';
import { runMain, untilStopped } from './lifecycle';
import { setupLogging } from './logging';
import { connectWorker, installRuntime } from './temporal';

async function main(): Promise<number> {
  const config = loadConfig();
  const log = setupLogging('caller', config.logLevel);
  if (config.calleeAddress === '') throw new Error('HANDSHAKE_CALLEE_ADDRESS is not set');
  installRuntime(config.logLevel);

  const callee = new CalleeClient(config.calleeAddress);
  const connection = await connectWorker(config);
  const worker = await Worker.create({
    connection, namespace: config.namespace, taskQueue: config.queues.caller,
    activities: callerActivities(callee), shutdownGraceTime: '2s', shutdownForceTime: '5s',
    maxConcurrentActivityTaskExecutions: config.callerMaxActivities,
  });
  const running = worker.run(); // until SIGTERM
  log.info('caller ready', { caller_task_queue: config.queues.caller, callee_address: config.calleeAddress });
  const code = await untilStopped(running, 'caller', log);
  callee.close();
  await connection.close();
  return code;
}

runMain('caller', main);
