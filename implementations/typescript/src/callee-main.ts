// The callee process: the gRPC services with their store, a worker on the
// callee queue and one on the workflow runner queue. Configured by the
// environment (docs/implementing.md); exits 0 on SIGTERM.
import * as grpc from '@grpc/grpc-js';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { Completer, calleeActivities, runnerActivities, sinks } from './activities';
import { loadConfig } from './config';
import { setupLogging, type Log } from './logging';
import { MAX_REQUEST_BYTES } from './names';
import { Recorder, registerServices, setServing } from './service';
import { Store } from './store';
import { clientConnection, connectionWithoutRetries, connectWorker, installRuntime, workflowBundle } from './temporal';

const GRPC_STOP_GRACE_MS = 1000;

async function main(): Promise<number> {
  const config = loadConfig();
  const log = setupLogging('callee', config.logLevel);
  installRuntime(config.logLevel);

  const store = new Store(config.storePath);
  // The gRPC port first: the suite picked it free, and each outgoing
  // connection made before the bind could take it as its local port.
  const connection = clientConnection(config);
  const client = new Client({ connection, namespace: config.namespace });
  const completions = connectionWithoutRetries(config);
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_REQUEST_BYTES });
  const health = registerServices(server, new Recorder(store, client, config.queues, log), log);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(config.calleeListen, grpc.ServerCredentials.createInsecure(),
      (err, bound) => (err ? reject(err) : resolve(bound))));

  const workerConnection = await connectWorker(config);
  const bundle = await workflowBundle(log);
  const common = {
    connection: workerConnection, namespace: config.namespace, workflowBundle: bundle, sinks,
    shutdownGraceTime: '2s', shutdownForceTime: '5s',
  } as const;
  const workers = [
    await Worker.create({
      ...common, taskQueue: config.queues.callee,
      activities: calleeActivities(store, new Completer(completions, config.namespace)),
    }),
    await Worker.create({ ...common, taskQueue: config.queues.workflowRunner, activities: runnerActivities(client) }),
  ];
  const running = Promise.all(workers.map((w) => w.run())); // until SIGTERM
  setServing(health, true);
  log.info('callee ready', {
    listen: config.calleeListen, port, store: config.storePath, callee_task_queue: config.queues.callee,
    workflow_runner_task_queue: config.queues.workflowRunner, agent_runner_task_queue: config.queues.agentRunner,
  });

  let code = 0;
  try {
    await running;
    log.info('callee stopping');
  } catch (err) {
    log.error('a worker failed', { error: err });
    code = 1;
  }
  setServing(health, false);
  await stopServer(server, log);
  await Promise.allSettled([connection.close(), completions.close(), workerConnection.close()]);
  store.close();
  return code;
}

/** Lets running calls finish for a moment, then stops. */
function stopServer(server: grpc.Server, log: Log): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      log.warn('gRPC calls still running after the grace period: stopping');
      server.forceShutdown();
      resolve();
    }, GRPC_STOP_GRACE_MS);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('callee: startup failed:', err);
    process.exit(1);
  },
);
