// The callee process: the gRPC services with their store, a worker on the
// callee queue and one on the workflow runner queue. Configured by the
// environment (docs/implementing.md); exits 0 on SIGTERM.
import * as grpc from '@grpc/grpc-js';
import { loadConfig } from './config';
import { runMain, untilStopped } from './lifecycle';
import { setupLogging, type Log } from './logging';
import * as names from './names';
import { MAX_REQUEST_BYTES } from './names';
import { Recorder, registerServices, setServing } from './service';
import { Store } from './store';

const GRPC_STOP_GRACE_MS = 1000;

async function main(): Promise<number> {
  const config = loadConfig();
  const log = setupLogging('callee', config.logLevel);

  // The gRPC port first, before the Temporal SDK's modules load (half a
  // second) and before any outgoing connection: the suite picked the port
  // free a moment ago, and anything bound or connected meanwhile may take it.
  const store = new Store(config.storePath);
  let setRecorder: (recorder: Recorder) => void = () => undefined;
  const recorder = new Promise<Recorder>((resolve) => (setRecorder = resolve));
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_REQUEST_BYTES });
  const health = registerServices(server, recorder, log);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(config.calleeListen, grpc.ServerCredentials.createInsecure(),
      (err, bound) => (err ? reject(err) : resolve(bound))));

  const { Client } = await import('@temporalio/client');
  const { Worker } = await import('@temporalio/worker');
  const { Completer, calleeActivities, runnerActivities, sinks } = await import('./activities');
  const temporal = await import('./temporal');
  temporal.installRuntime(config.logLevel);
  const connection = temporal.clientConnection(config);
  const client = new Client({ connection, namespace: config.namespace });
  const completions = temporal.connectionWithoutRetries(config);
  setRecorder(new Recorder(store, client, config.queues, log));

  const workerConnection = await temporal.connectWorker(config);
  const bundle = await temporal.workflowBundle(log);
  const common = {
    connection: workerConnection, namespace: config.namespace, workflowBundle: bundle, sinks,
    shutdownGraceTime: '2s', shutdownForceTime: '5s',
  } as const;
  const calleeQueueActivities = calleeActivities(store, new Completer(completions, config.namespace));
  const workers = [
    await Worker.create({ ...common, taskQueue: config.queues.callee, activities: calleeQueueActivities }),
    // The serverless workflow records its status by local activity: on its own worker.
    await Worker.create({
      ...common, taskQueue: config.queues.workflowRunner,
      activities: {
        ...runnerActivities(client),
        [names.UPDATE_WORKFLOW_STATUS_ACTIVITY]: calleeQueueActivities[names.UPDATE_WORKFLOW_STATUS_ACTIVITY],
      },
    }),
  ];
  const running = Promise.all(workers.map((w) => w.run())); // until SIGTERM
  setServing(health, true);
  log.info('callee ready', {
    listen: config.calleeListen, port, store: config.storePath, callee_task_queue: config.queues.callee,
    workflow_runner_task_queue: config.queues.workflowRunner, agent_runner_task_queue: config.queues.agentRunner,
  });

  const code = await untilStopped(running, 'callee', log);
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

runMain('callee', main);
